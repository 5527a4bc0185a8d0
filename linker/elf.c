// SPDX-License-Identifier: GPL-2.0-only
/*
 * elf.c - read, create and write relocatable ELF objects with libelf.
 *
 * Mechanism only: see elf.h. Nothing here knows about ksplice.
 */
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "elf.h"
#include "warn.h"

bool linker_verbose;

static uint64_t dest_key(struct section *sec, unsigned long offset)
{
	return ((uint64_t)sec->idx << 40) ^ offset ^ ((uint64_t)(uintptr_t)sec->elf << 20);
}

struct section *find_section_by_name(struct elf *elf, const char *name)
{
	struct section *sec;

	htable_for_each_entry(&elf->sec_hash, hash_str(name), sec, struct section, name_node)
		if (!strcmp(sec->name, name))
			return sec;
	return NULL;
}

/* The first global symbol named @name, else the first local one. */
struct symbol *find_symbol_by_name(struct elf *elf, const char *name)
{
	struct symbol *sym, *local = NULL;

	htable_for_each_entry(&elf->sym_hash, hash_str(name), sym, struct symbol, name_node) {
		if (strcmp(sym->name, name) || sym->type == STT_SECTION)
			continue;
		if (!is_local_sym(sym))
			return sym;
		if (!local)
			local = sym;
	}
	return local;
}

struct reloc *find_reloc_by_dest(struct elf *elf, struct section *sec,
				 unsigned long offset)
{
	struct reloc *reloc;

	htable_for_each_entry(&elf->reloc_hash, dest_key(sec, offset), reloc,
			      struct reloc, dest_node)
		if (reloc->sec == sec && reloc->offset == offset)
			return reloc;
	return NULL;
}

/* The named symbol of @sec whose [offset, offset + len) holds @offset. */
struct symbol *find_symbol_containing(struct section *sec, unsigned long offset)
{
	unsigned int lo = 0, hi = sec->nr_syms;
	struct symbol *best = NULL;

	/* Last symbol starting at or before @offset, then walk back over
	 * zero-length or nested ones. */
	while (lo < hi) {
		unsigned int mid = (lo + hi) / 2;

		if (sec->syms[mid]->offset <= offset)
			lo = mid + 1;
		else
			hi = mid;
	}
	for (unsigned int steps = 0; lo-- > 0 && steps < 8; steps++) {
		struct symbol *s = sec->syms[lo];

		if (offset < s->offset + s->len || (s->len == 0 && s->offset == offset)) {
			best = s;
			break;
		}
	}
	return best;
}

struct symbol *find_func_containing(struct section *sec, unsigned long offset)
{
	struct symbol *sym = find_symbol_containing(sec, offset);

	return sym && is_func_sym(sym) ? sym : NULL;
}

/* "func+0x1c", or "section+0x1c" where no function holds the offset. */
const char *offstr(struct section *sec, unsigned long offset)
{
	static char bufs[4][256];
	static unsigned int n;
	char *buf = bufs[n++ % 4];
	struct symbol *sym = find_symbol_containing(sec, offset);

	if (sym)
		snprintf(buf, sizeof(bufs[0]), "%s+0x%lx", sym->name, offset - sym->offset);
	else
		snprintf(buf, sizeof(bufs[0]), "%s+0x%lx", sec->name, offset);
	return buf;
}

static int grow(void **array, unsigned int *alloc, unsigned int want, size_t size)
{
	void *p;
	unsigned int n = *alloc ? *alloc : 16;

	if (want <= *alloc)
		return 0;
	while (n < want)
		n *= 2;
	p = realloc(*array, n * size);
	if (!p) {
		ERROR_GLIBC("realloc");
		return -1;
	}
	memset((char *)p + *alloc * size, 0, (n - *alloc) * size);
	*array = p;
	*alloc = n;
	return 0;
}

static struct section *add_section(struct elf *elf, const char *name)
{
	struct section *sec;

	if (grow((void **)&elf->secs, &elf->alloc_secs, elf->nr_secs + 1, sizeof(sec)))
		return NULL;
	sec = calloc(1, sizeof(*sec));
	if (!sec || !(sec->name = strdup(name))) {
		ERROR_GLIBC("calloc");
		return NULL;
	}
	sec->elf = elf;
	sec->idx = elf->nr_secs;
	elf->secs[elf->nr_secs++] = sec;
	htable_add(&elf->sec_hash, &sec->name_node, hash_str(name));
	return sec;
}

static struct symbol *add_symbol(struct elf *elf, const char *name)
{
	struct symbol *sym;

	if (grow((void **)&elf->syms, &elf->alloc_syms, elf->nr_syms + 1, sizeof(sym)))
		return NULL;
	sym = calloc(1, sizeof(*sym));
	if (!sym || !(sym->name = strdup(name))) {
		ERROR_GLIBC("calloc");
		return NULL;
	}
	sym->idx = elf->nr_syms;
	elf->syms[elf->nr_syms++] = sym;
	htable_add(&elf->sym_hash, &sym->name_node, hash_str(name));
	return sym;
}

static int cmp_sym_offset(const void *a, const void *b)
{
	const struct symbol *x = *(struct symbol *const *)a, *y = *(struct symbol *const *)b;

	if (x->offset != y->offset)
		return x->offset < y->offset ? -1 : 1;
	/* Larger first, so that a zero-length label never hides a function. */
	if (x->len != y->len)
		return x->len > y->len ? -1 : 1;
	return x->idx < y->idx ? -1 : 1;
}

static int cmp_reloc_offset(const void *a, const void *b)
{
	const struct reloc *x = a, *y = b;

	return x->offset < y->offset ? -1 : x->offset > y->offset;
}

static int read_sections(struct elf *elf)
{
	size_t shstrndx, nr;
	Elf_Scn *scn = NULL;

	if (elf_getshdrnum(elf->elf, &nr) || elf_getshdrstrndx(elf->elf, &shstrndx)) {
		ERROR_ELF("%s: cannot read section headers", elf->name);
		return -1;
	}
	if (htable_init(&elf->sec_hash, nr) || !add_section(elf, ""))
		return -1;
	while ((scn = elf_nextscn(elf->elf, scn))) {
		GElf_Shdr sh;
		const char *name;
		struct section *sec;
		Elf_Data *data;

		if (!gelf_getshdr(scn, &sh) ||
		    !(name = elf_strptr(elf->elf, shstrndx, sh.sh_name))) {
			ERROR_ELF("%s: cannot read section %zu", elf->name, elf_ndxscn(scn));
			return -1;
		}
		if (!(sec = add_section(elf, name)))
			return -1;
		sec->sh = sh;
		sec->size = sh.sh_size;
		if (sh.sh_type != SHT_NOBITS) {
			if (!(data = elf_getdata(scn, NULL))) {
				ERROR_ELF("%s: cannot read section '%s'", elf->name, name);
				return -1;
			}
			sec->data = data->d_buf;
		}
	}
	return 0;
}

/* Give each section its named symbols, sorted by offset. */
static int index_symbols(struct elf *elf)
{
	struct section *sec;
	struct symbol *sym;

	for_each_sec(elf, sec) {
		sec->syms = calloc(sec->nr_syms + 1, sizeof(*sec->syms));
		if (!sec->syms) {
			ERROR_GLIBC("calloc");
			return -1;
		}
		sec->nr_syms = 0;
	}
	for_each_sym(elf, sym)
		if (sym->sec && sym->type != STT_SECTION && sym->type != STT_FILE)
			sym->sec->syms[sym->sec->nr_syms++] = sym;
	for_each_sec(elf, sec)
		qsort(sec->syms, sec->nr_syms, sizeof(*sec->syms), cmp_sym_offset);
	return 0;
}

static int read_symbols(struct elf *elf)
{
	struct section *symtab = NULL, *sec;
	Elf_Data *data, *shndx_data = NULL;
	unsigned int i, nr;

	for_each_sec(elf, sec)
		if (sec->sh.sh_type == SHT_SYMTAB)
			symtab = sec;
	if (!symtab) {
		ERROR("%s: no symbol table", elf->name);
		return -1;
	}
	data = elf_getdata(elf_getscn(elf->elf, symtab->idx), NULL);
	sec = find_section_by_name(elf, ".symtab_shndx");
	if (sec)
		shndx_data = elf_getdata(elf_getscn(elf->elf, sec->idx), NULL);
	nr = symtab->sh.sh_size / symtab->sh.sh_entsize;
	if (htable_init(&elf->sym_hash, nr))
		return -1;
	for (i = 0; i < nr; i++) {
		GElf_Sym gsym;
		Elf32_Word xndx;
		const char *name;
		struct symbol *sym;
		unsigned int shndx;

		if (!gelf_getsymshndx(data, shndx_data, i, &gsym, &xndx) ||
		    !(name = elf_strptr(elf->elf, symtab->sh.sh_link, gsym.st_name))) {
			ERROR_ELF("%s: cannot read symbol %u", elf->name, i);
			return -1;
		}
		shndx = gsym.st_shndx == SHN_XINDEX ? xndx : gsym.st_shndx;
		if (GELF_ST_TYPE(gsym.st_info) == STT_SECTION && shndx < elf->nr_secs)
			name = elf->secs[shndx]->name;
		if (!(sym = add_symbol(elf, name)))
			return -1;
		sym->sym = gsym;
		sym->type = GELF_ST_TYPE(gsym.st_info);
		sym->bind = GELF_ST_BIND(gsym.st_info);
		sym->offset = gsym.st_value;
		sym->len = gsym.st_size;
		if ((gsym.st_shndx == SHN_XINDEX ||
		     (gsym.st_shndx != SHN_UNDEF && gsym.st_shndx < SHN_LORESERVE)) &&
		    shndx < elf->nr_secs)
			sym->sec = elf->secs[shndx];
		if (sym->sec && sym->type == STT_SECTION)
			sym->sec->sym = sym;
		else if (sym->sec && sym->type != STT_FILE)
			sym->sec->nr_syms++;
	}
	return index_symbols(elf);
}

static int read_relocs(struct elf *elf)
{
	struct section *rsec;
	size_t total = 0;

	for_each_sec(elf, rsec)
		if (is_reloc_sec(rsec))
			total += rsec->sh.sh_size / rsec->sh.sh_entsize;
	if (htable_init(&elf->reloc_hash, total))
		return -1;

	for_each_sec(elf, rsec) {
		Elf_Data *data;
		unsigned int i;

		if (rsec->sh.sh_type == SHT_REL) {
			ERROR("%s: REL section '%s' unsupported (x86-64 uses RELA)",
			      elf->name, rsec->name);
			return -1;
		}
		if (!is_reloc_sec(rsec) || rsec->sh.sh_info >= elf->nr_secs)
			continue;
		rsec->base = elf->secs[rsec->sh.sh_info];
		rsec->base->rsec = rsec;
		rsec->nr_relocs = rsec->sh.sh_size / rsec->sh.sh_entsize;
		rsec->relocs = calloc(rsec->nr_relocs ? rsec->nr_relocs : 1, sizeof(struct reloc));
		if (!rsec->relocs) {
			ERROR_GLIBC("calloc");
			return -1;
		}
		data = elf_getdata(elf_getscn(elf->elf, rsec->idx), NULL);
		for (i = 0; i < rsec->nr_relocs; i++) {
			struct reloc *reloc = &rsec->relocs[i];
			unsigned int symidx;
			GElf_Rela rela;

			if (!gelf_getrela(data, i, &rela)) {
				ERROR_ELF("%s: cannot read %s[%u]", elf->name, rsec->name, i);
				return -1;
			}
			symidx = GELF_R_SYM(rela.r_info);
			if (symidx >= elf->nr_syms) {
				ERROR("%s: %s[%u]: bad symbol %u", elf->name, rsec->name, i, symidx);
				return -1;
			}
			reloc->sec = rsec->base;
			reloc->offset = rela.r_offset;
			reloc->type = GELF_R_TYPE(rela.r_info);
			reloc->addend = rela.r_addend;
			reloc->sym = elf->syms[symidx];
		}
		qsort(rsec->relocs, rsec->nr_relocs, sizeof(struct reloc), cmp_reloc_offset);
		for (i = 0; i < rsec->nr_relocs; i++)
			htable_add(&elf->reloc_hash, &rsec->relocs[i].dest_node,
				   dest_key(rsec->base, rsec->relocs[i].offset));
	}
	return 0;
}

struct elf *elf_open_read(const char *path)
{
	struct elf *elf;

	elf_version(EV_CURRENT);
	elf = calloc(1, sizeof(*elf));
	if (!elf || !(elf->name = strdup(path))) {
		ERROR_GLIBC("calloc");
		free(elf);
		return NULL;
	}
	elf->fd = open(path, O_RDONLY);
	if (elf->fd < 0) {
		ERROR_GLIBC("cannot open '%s'", path);
		goto err;
	}
	elf->elf = elf_begin(elf->fd, ELF_C_READ_MMAP, NULL);
	if (!elf->elf || !gelf_getehdr(elf->elf, &elf->ehdr)) {
		ERROR_ELF("%s: not an ELF object", path);
		goto err;
	}
	if (elf->ehdr.e_type != ET_REL || elf->ehdr.e_machine != EM_X86_64) {
		ERROR("%s: not an x86-64 relocatable object", path);
		goto err;
	}
	if (read_sections(elf) || read_symbols(elf) || read_relocs(elf))
		goto err;
	return elf;
err:
	elf_close(elf);
	return NULL;
}

void elf_close(struct elf *elf)
{
	struct section *sec;
	struct symbol *sym;

	if (!elf)
		return;
	for_each_sym(elf, sym) {
		free(sym->name);
		free(sym);
	}
	for_each_sec(elf, sec) {
		if (sec->alloc)
			free(sec->data);
		free(sec->relocs);
		free(sec->syms);
		free(sec->name);
		free(sec);
	}
	if (elf->nr_secs)
		free(elf->secs[0]->name), free(elf->secs[0]);
	if (elf->nr_syms)
		free(elf->syms[0]->name), free(elf->syms[0]);
	free(elf->secs);
	free(elf->syms);
	htable_free(&elf->sec_hash);
	htable_free(&elf->sym_hash);
	htable_free(&elf->reloc_hash);
	if (elf->elf)
		elf_end(elf->elf);
	if (elf->fd >= 0)
		close(elf->fd);
	free(elf->name);
	free(elf);
}

struct elf *elf_create(const char *path)
{
	struct elf *elf = calloc(1, sizeof(*elf));

	if (!elf || !(elf->name = strdup(path))) {
		ERROR_GLIBC("calloc");
		free(elf);
		return NULL;
	}
	elf->fd = -1;
	if (htable_init(&elf->sec_hash, 1024) || htable_init(&elf->sym_hash, 4096) ||
	    !add_section(elf, "") || !add_symbol(elf, "")) {
		elf_close(elf);
		return NULL;
	}
	return elf;
}

/* A new empty section, with its STT_SECTION symbol. */
struct section *elf_create_section(struct elf *elf, const char *name,
				   unsigned int type, unsigned long flags,
				   unsigned long align, unsigned long entsize)
{
	struct section *sec = add_section(elf, name);

	if (!sec)
		return NULL;
	sec->sh.sh_type = type;
	sec->sh.sh_flags = flags;
	sec->sh.sh_addralign = align ? align : 1;
	sec->sh.sh_entsize = entsize;
	if (type != SHT_RELA &&
	    !(sec->sym = elf_create_symbol(elf, name, sec, 0, 0, STT_SECTION, STB_LOCAL)))
		return NULL;
	return sec;
}

/* Append @size bytes (zeros if @data is NULL) at @align; the new offset. */
long elf_append_data(struct section *sec, const void *data, size_t size,
		     unsigned long align)
{
	size_t offset = sec->size;

	if (align > 1)
		offset = (offset + align - 1) & ~(align - 1);
	if (align > sec->sh.sh_addralign)
		sec->sh.sh_addralign = align;
	if (sec->sh.sh_type != SHT_NOBITS && offset + size > sec->alloc) {
		size_t n = sec->alloc ? sec->alloc : 64;
		unsigned char *p;

		while (n < offset + size)
			n *= 2;
		p = realloc(sec->data, n);
		if (!p) {
			ERROR_GLIBC("realloc");
			return -1;
		}
		memset(p + sec->alloc, 0, n - sec->alloc);
		sec->data = p;
		sec->alloc = n;
	}
	if (data && sec->sh.sh_type != SHT_NOBITS)
		memcpy(sec->data + offset, data, size);
	sec->size = offset + size;
	return offset;
}

struct symbol *elf_create_symbol(struct elf *elf, const char *name,
				 struct section *sec, unsigned long offset,
				 unsigned long len, unsigned char type,
				 unsigned char bind)
{
	struct symbol *sym = add_symbol(elf, name);

	if (!sym)
		return NULL;
	sym->sec = sec;
	sym->offset = offset;
	sym->len = len;
	sym->type = type;
	sym->bind = bind;
	if (sec && type != STT_SECTION) {
		if (grow((void **)&sec->syms, &sec->alloc_syms, sec->nr_syms + 1, sizeof(sym)))
			return NULL;
		sec->syms[sec->nr_syms++] = sym;
	}
	return sym;
}

struct reloc *elf_create_reloc(struct section *sec, unsigned long offset,
			       unsigned int type, struct symbol *sym, long addend)
{
	struct section *rsec = sec->rsec;
	struct reloc *reloc;

	if (!rsec) {
		char name[512];

		snprintf(name, sizeof(name), ".rela%s", sec->name);
		rsec = elf_create_section(sec->elf, name, SHT_RELA, SHF_INFO_LINK, 8,
					  sizeof(Elf64_Rela));
		if (!rsec)
			return NULL;
		rsec->base = sec;
		sec->rsec = rsec;
	}
	if (grow((void **)&rsec->relocs, &rsec->alloc_relocs, rsec->nr_relocs + 1,
		 sizeof(*reloc)))
		return NULL;
	reloc = &rsec->relocs[rsec->nr_relocs++];
	reloc->sec = sec;
	reloc->offset = offset;
	reloc->type = type;
	reloc->sym = sym;
	reloc->addend = addend;
	return reloc;
}
