// SPDX-License-Identifier: GPL-2.0-only
/*
 * elf-write.c - lay out and write an object built with elf_create().
 *
 * Sections are written in creation order, then .symtab, .strtab and
 * .shstrtab. Local symbols come first, as ELF requires; relocation
 * sections are encoded last, once the final symbol indices are known.
 */
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "elf.h"
#include "warn.h"

struct strtab {
	char *buf;
	size_t size, alloc;
};

static long strtab_add(struct strtab *t, const char *s)
{
	size_t len = strlen(s) + 1, offset = t->size;

	if (t->size + len > t->alloc) {
		size_t n = t->alloc ? t->alloc * 2 : 4096;
		char *p;

		while (n < t->size + len)
			n *= 2;
		if (!(p = realloc(t->buf, n))) {
			ERROR_GLIBC("realloc");
			return -1;
		}
		t->buf = p;
		t->alloc = n;
	}
	memcpy(t->buf + offset, s, len);
	t->size += len;
	return offset;
}

static Elf_Scn *write_scn(struct elf *elf, Elf *e, GElf_Shdr *sh, void *buf,
			  size_t size)
{
	Elf_Scn *scn = elf_newscn(e);
	Elf_Data *data;

	if (!scn || !(data = elf_newdata(scn))) {
		ERROR_ELF("%s: cannot create a section", elf->name);
		return NULL;
	}
	data->d_buf = buf;
	data->d_size = size;
	data->d_type = ELF_T_BYTE;
	data->d_align = sh->sh_addralign ? sh->sh_addralign : 1;
	sh->sh_size = size;
	if (!gelf_update_shdr(scn, sh)) {
		ERROR_ELF("%s: cannot write a section header", elf->name);
		return NULL;
	}
	return scn;
}

/* Order the symbols (null, locals, globals) and give each its final index. */
static struct symbol **order_symbols(struct elf *elf, unsigned int *nr_local)
{
	struct symbol **order = calloc(elf->nr_syms, sizeof(*order)), *sym;
	unsigned int n = 1;

	if (!order) {
		ERROR_GLIBC("calloc");
		return NULL;
	}
	order[0] = elf->syms[0];
	for (int pass = 0; pass < 2; pass++) {
		for_each_sym(elf, sym) {
			if ((sym->bind == STB_LOCAL) != (pass == 0))
				continue;
			sym->sym.st_value = sym->offset;	/* idx is rewritten below */
			order[n] = sym;
			n++;
		}
		if (pass == 0)
			*nr_local = n;
	}
	return order;
}

static int write_rela(struct elf *elf, struct section *rsec, unsigned int *final_idx)
{
	Elf64_Rela *rela = calloc(rsec->nr_relocs + 1, sizeof(*rela));

	if (!rela) {
		ERROR_GLIBC("calloc");
		return -1;
	}
	for (unsigned int i = 0; i < rsec->nr_relocs; i++) {
		struct reloc *r = &rsec->relocs[i];

		rela[i].r_offset = r->offset;
		rela[i].r_info = GELF_R_INFO(final_idx[r->sym->idx], r->type);
		rela[i].r_addend = r->addend;
	}
	rsec->alloc = rsec->nr_relocs * sizeof(*rela) + 1;
	free(rsec->data);
	rsec->data = (unsigned char *)rela;
	rsec->size = rsec->nr_relocs * sizeof(*rela);
	return 0;
}

int elf_write(struct elf *elf)
{
	struct strtab shstr = { 0 }, str = { 0 };
	unsigned int nr_local = 0, symtab_idx = elf->nr_secs, *final_idx = NULL;
	struct symbol **order = NULL;
	Elf64_Sym *syms = NULL;
	GElf_Ehdr eh = { 0 };
	GElf_Shdr sh;
	struct section *sec;
	Elf *e = NULL;
	int ret = -1;

	elf_version(EV_CURRENT);
	elf->fd = open(elf->name, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	if (elf->fd < 0) {
		ERROR_GLIBC("cannot create '%s'", elf->name);
		return -1;
	}
	if (!(e = elf_begin(elf->fd, ELF_C_WRITE, NULL)) || !gelf_newehdr(e, ELFCLASS64)) {
		ERROR_ELF("%s: cannot create", elf->name);
		goto out;
	}
	if (!(order = order_symbols(elf, &nr_local)) ||
	    !(final_idx = calloc(elf->nr_syms, sizeof(*final_idx))) ||
	    !(syms = calloc(elf->nr_syms, sizeof(*syms))) || strtab_add(&str, "") < 0 ||
	    strtab_add(&shstr, "") < 0)
		goto out;
	for (unsigned int i = 0; i < elf->nr_syms; i++)
		final_idx[order[i]->idx] = i;
	for (unsigned int i = 1; i < elf->nr_syms; i++) {
		struct symbol *sym = order[i];
		long name = sym->type == STT_SECTION ? 0 : strtab_add(&str, sym->name);

		if (name < 0)
			goto out;
		syms[i].st_name = name;
		syms[i].st_info = GELF_ST_INFO(sym->bind, sym->type);
		syms[i].st_shndx = sym->sec ? sym->sec->idx : SHN_UNDEF;
		syms[i].st_value = sym->offset;
		syms[i].st_size = sym->len;
	}

	for_each_sec(elf, sec) {
		long name = strtab_add(&shstr, sec->name);

		if (name < 0 || (is_reloc_sec(sec) && write_rela(elf, sec, final_idx)))
			goto out;
		sh = sec->sh;
		sh.sh_name = name;
		if (is_reloc_sec(sec)) {
			sh.sh_link = symtab_idx;
			sh.sh_info = sec->base->idx;
		}
		if (!write_scn(elf, e, &sh, sec->sh.sh_type == SHT_NOBITS ? NULL : sec->data,
			       sec->size))
			goto out;
	}
	memset(&sh, 0, sizeof(sh));
	sh.sh_name = strtab_add(&shstr, ".symtab");
	sh.sh_type = SHT_SYMTAB;
	sh.sh_entsize = sizeof(Elf64_Sym);
	sh.sh_addralign = 8;
	sh.sh_link = symtab_idx + 1;
	sh.sh_info = nr_local;
	if (!write_scn(elf, e, &sh, syms, elf->nr_syms * sizeof(*syms)))
		goto out;
	memset(&sh, 0, sizeof(sh));
	sh.sh_name = strtab_add(&shstr, ".strtab");
	sh.sh_type = SHT_STRTAB;
	sh.sh_addralign = 1;
	if (!write_scn(elf, e, &sh, str.buf, str.size))
		goto out;
	memset(&sh, 0, sizeof(sh));
	sh.sh_name = strtab_add(&shstr, ".shstrtab");
	sh.sh_type = SHT_STRTAB;
	sh.sh_addralign = 1;
	if (!write_scn(elf, e, &sh, shstr.buf, shstr.size))
		goto out;

	gelf_getehdr(e, &eh);
	eh.e_ident[EI_DATA] = ELFDATA2LSB;
	eh.e_ident[EI_VERSION] = EV_CURRENT;
	eh.e_type = ET_REL;
	eh.e_machine = EM_X86_64;
	eh.e_version = EV_CURRENT;
	eh.e_shstrndx = symtab_idx + 2;
	if (!gelf_update_ehdr(e, &eh) || elf_update(e, ELF_C_WRITE) < 0) {
		ERROR_ELF("%s: cannot write", elf->name);
		goto out;
	}
	ret = 0;
out:
	if (e)
		elf_end(e);
	close(elf->fd);
	elf->fd = -1;
	free(order);
	free(final_idx);
	free(syms);
	free(str.buf);
	free(shstr.buf);
	return ret;
}
