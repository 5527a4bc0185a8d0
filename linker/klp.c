// SPDX-License-Identifier: GPL-2.0-only
/*
 * klp.c - livepatch relocations, for loader references to unexported
 * vmlinux symbols.
 *
 * The module loader resolves only exported symbols, yet it reads some
 * tables of the update before ksplice's core runs: a __jump_table entry
 * whose key is a tracepoint's (__tracepoint_*, never exported by most
 * subsystems) must be resolved before jump_label_add_module() reads it.
 * A kernel with CONFIG_LIVEPATCH resolves exactly such references at load
 * time (apply_relocations() -> klp_apply_section_relocs(), for sections
 * named .klp.rela.vmlinux.*; Documentation/livepatch/module-elf-format.rst):
 *
 *   - the symbol is ".klp.sym.vmlinux.NAME,POS", with section index
 *     SHN_LIVEPATCH, and the loader looks NAME up in kallsyms (POS 0: the
 *     only symbol of that name);
 *   - the relocation is in a section ".klp.rela.vmlinux.SEC", flagged
 *     SHF_RELA_LIVEPATCH and SHF_ALLOC, whose sh_info is SEC.
 *
 * "ld -r" does not keep either: it would merge the section into .relaSEC
 * and give the symbol an ordinary index. So the linker step names the
 * symbol (convert.c) and leaves an ordinary relocation, and after the
 * module's last link klp_finish() rewrites the .ko: it marks the symbols,
 * moves their relocations into .klp.rela.vmlinux.SEC, and adds
 * livepatch=Y to .modinfo (which also taints the kernel "K", as any live
 * patch should).
 */
#include <fcntl.h>
#include <gelf.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "link.h"
#include "warn.h"

#ifndef SHF_RELA_LIVEPATCH
#define SHF_RELA_LIVEPATCH	0x00100000
#endif
#ifndef SHN_LIVEPATCH
#define SHN_LIVEPATCH		0xff20
#endif

#define KLP_SYM_PREFIX		".klp.sym."
#define KLP_RELA_PREFIX		".klp.rela.vmlinux."

static struct vsym *find_vsym(struct link_ctx *ctx, const char *name)
{
	struct vsym *v;

	htable_for_each_entry(&ctx->vsyms, hash_str(name), v, struct vsym, node)
		if (!strcmp(v->name, name))
			return v;
	return NULL;
}

/* System.map: "address type name" per line. */
int read_system_map(struct link_ctx *ctx)
{
	char line[1024], name[600];
	FILE *f;

	if (htable_init(&ctx->vsyms, 1 << 16))
		return -1;
	if (!ctx->klp_map)
		return 0;
	if (!(f = fopen(ctx->klp_map, "r"))) {
		ERROR_GLIBC("cannot open '%s'", ctx->klp_map);
		return -1;
	}
	while (fgets(line, sizeof(line), f)) {
		struct vsym *v;

		if (sscanf(line, "%*s %*s %599s", name) != 1)
			continue;
		if ((v = find_vsym(ctx, name))) {
			v->count++;
			continue;
		}
		if (!(v = calloc(1, sizeof(*v))) || !(v->name = strdup(name))) {
			ERROR_GLIBC("calloc");
			fclose(f);
			return -1;
		}
		v->count = 1;
		htable_add(&ctx->vsyms, &v->node, hash_str(v->name));
	}
	fclose(f);
	return 0;
}

unsigned int vmlinux_count(struct link_ctx *ctx, const char *name)
{
	struct vsym *v = find_vsym(ctx, name);

	return v ? v->count : 0;
}

/* Append len bytes to a section's (single) data buffer; the old one is kept. */
static int append_data(Elf_Scn *scn, const void *bytes, size_t len, size_t *at)
{
	Elf_Data *d = elf_getdata(scn, NULL);
	char *buf;

	if (!d) {
		ERROR_ELF("elf_getdata");
		return -1;
	}
	if (!(buf = malloc(d->d_size + len))) {
		ERROR_GLIBC("malloc");
		return -1;
	}
	memcpy(buf, d->d_buf, d->d_size);
	memcpy(buf + d->d_size, bytes, len);
	if (at)
		*at = d->d_size;
	d->d_buf = buf;
	d->d_size += len;
	elf_flagdata(d, ELF_C_SET, ELF_F_DIRTY);
	return 0;
}

static Elf_Scn *find_scn(Elf *elf, size_t shstrndx, const char *name)
{
	Elf_Scn *scn = NULL;
	GElf_Shdr sh;

	while ((scn = elf_nextscn(elf, scn))) {
		const char *n = gelf_getshdr(scn, &sh) ? elf_strptr(elf, shstrndx, sh.sh_name) : NULL;

		if (n && !strcmp(n, name))
			return scn;
	}
	return NULL;
}

/* Mark the .klp.sym symbols; *marked[i] says whether symbol i is one. */
static int mark_symbols(Elf *elf, Elf_Scn *symscn, bool **marked, size_t *nr)
{
	Elf_Data *d = elf_getdata(symscn, NULL);
	GElf_Shdr sh;
	GElf_Sym sym;

	if (!d || !gelf_getshdr(symscn, &sh)) {
		ERROR_ELF("symbol table");
		return -1;
	}
	*nr = d->d_size / sizeof(Elf64_Sym);
	if (!(*marked = calloc(*nr + 1, sizeof(**marked)))) {
		ERROR_GLIBC("calloc");
		return -1;
	}
	for (size_t i = 1; i < *nr; i++) {
		const char *name;

		if (!gelf_getsym(d, i, &sym) || !(name = elf_strptr(elf, sh.sh_link, sym.st_name)))
			return -1;
		if (strncmp(name, KLP_SYM_PREFIX, strlen(KLP_SYM_PREFIX)))
			continue;
		if (sym.st_shndx != SHN_UNDEF && sym.st_shndx != SHN_LIVEPATCH) {
			ERROR("symbol '%s' is defined; a livepatch symbol must not be", name);
			return -1;
		}
		sym.st_shndx = SHN_LIVEPATCH;
		if (!gelf_update_sym(d, i, &sym)) {
			ERROR_ELF("gelf_update_sym");
			return -1;
		}
		(*marked)[i] = true;
	}
	elf_flagdata(d, ELF_C_SET, ELF_F_DIRTY);
	return 0;
}

/*
 * Move the relocations of scn (a SHT_RELA section) against marked symbols
 * into a new .klp.rela.vmlinux.<target> section. Returns the number moved.
 */
static long split_relocs(Elf *elf, size_t shstrndx, Elf_Scn *scn, size_t symndx,
			 const bool *marked, size_t nr_syms)
{
	Elf_Data *d = elf_getdata(scn, NULL), *nd;
	Elf_Scn *target, *nscn, *shstr = elf_getscn(elf, shstrndx);
	GElf_Shdr sh, tsh, nsh;
	size_t n, keep = 0, moved = 0, name_off;
	const char *tname;
	Elf64_Rela *out, *in;
	char *name;

	if (!d || !gelf_getshdr(scn, &sh) || !(target = elf_getscn(elf, sh.sh_info)) ||
	    !gelf_getshdr(target, &tsh) || !(tname = elf_strptr(elf, shstrndx, tsh.sh_name))) {
		ERROR_ELF("relocation section");
		return -1;
	}
	n = d->d_size / sizeof(Elf64_Rela);
	in = d->d_buf;
	for (size_t i = 0; i < n; i++) {
		size_t s = ELF64_R_SYM(in[i].r_info);

		moved += s < nr_syms && marked[s];
	}
	if (!moved)
		return 0;
	if (!(out = malloc(moved * sizeof(*out))) ||
	    !(name = malloc(strlen(KLP_RELA_PREFIX) + strlen(tname) + 1))) {
		ERROR_GLIBC("malloc");
		return -1;
	}
	moved = 0;
	for (size_t i = 0; i < n; i++) {
		size_t s = ELF64_R_SYM(in[i].r_info);

		if (s < nr_syms && marked[s])
			out[moved++] = in[i];
		else
			in[keep++] = in[i];
	}
	d->d_size = keep * sizeof(Elf64_Rela);
	elf_flagdata(d, ELF_C_SET, ELF_F_DIRTY);

	strcpy(name, KLP_RELA_PREFIX);
	strcat(name, tname);
	if (append_data(shstr, name, strlen(name) + 1, &name_off))
		return -1;
	if (!(nscn = elf_newscn(elf)) || !(nd = elf_newdata(nscn)) || !gelf_getshdr(nscn, &nsh)) {
		ERROR_ELF("elf_newscn");
		return -1;
	}
	nd->d_buf = out;
	nd->d_size = moved * sizeof(Elf64_Rela);
	nd->d_type = ELF_T_RELA;
	nd->d_align = 8;
	nsh.sh_name = name_off;
	nsh.sh_type = SHT_RELA;
	nsh.sh_flags = SHF_ALLOC | SHF_INFO_LINK | SHF_RELA_LIVEPATCH;
	nsh.sh_link = symndx;
	nsh.sh_info = elf_ndxscn(target);
	nsh.sh_addralign = 8;
	nsh.sh_entsize = sizeof(Elf64_Rela);
	if (!gelf_update_shdr(nscn, &nsh)) {
		ERROR_ELF("gelf_update_shdr");
		return -1;
	}
	dbg("%s: %zu livepatch relocations", name, moved);
	free(name);
	return moved;
}

int klp_finish(const char *path)
{
	static const char livepatch[] = "livepatch=Y";
	Elf_Scn *scn = NULL, *symscn = NULL, *modinfo;
	size_t shstrndx, nr_syms = 0, symndx;
	bool *marked = NULL;
	long total = 0;
	int fd, ret = -1;
	GElf_Shdr sh;
	Elf *elf;

	elf_version(EV_CURRENT);
	if ((fd = open(path, O_RDWR)) < 0) {
		ERROR_GLIBC("cannot open '%s'", path);
		return -1;
	}
	if (!(elf = elf_begin(fd, ELF_C_RDWR, NULL)) || elf_getshdrstrndx(elf, &shstrndx)) {
		ERROR_ELF("'%s'", path);
		goto out;
	}
	while ((scn = elf_nextscn(elf, scn)))
		if (gelf_getshdr(scn, &sh) && sh.sh_type == SHT_SYMTAB)
			symscn = scn;
	if (!symscn) {
		ERROR("'%s' has no symbol table", path);
		goto out;
	}
	symndx = elf_ndxscn(symscn);
	if (mark_symbols(elf, symscn, &marked, &nr_syms))
		goto out;
	for (size_t i = 1; i < nr_syms && !total; i++)
		total = marked[i];
	if (!total) {
		ret = 0;	/* nothing to do: the file is left as it is */
		goto out;
	}
	total = 0;
	/* Only the sections there were: not the ones split_relocs() adds. */
	{
		size_t nr_scn;

		if (elf_getshdrnum(elf, &nr_scn))
			goto out;
		for (size_t i = 1; i < nr_scn; i++) {
			long n;

			scn = elf_getscn(elf, i);
			if (!scn || !gelf_getshdr(scn, &sh) || sh.sh_type != SHT_RELA ||
			    sh.sh_link != symndx || (sh.sh_flags & SHF_RELA_LIVEPATCH))
				continue;
			if ((n = split_relocs(elf, shstrndx, scn, symndx, marked, nr_syms)) < 0)
				goto out;
			total += n;
		}
	}
	if (!total) {
		ERROR("'%s': livepatch symbols without relocations", path);
		goto out;
	}
	if (!(modinfo = find_scn(elf, shstrndx, ".modinfo"))) {
		ERROR("'%s' has no .modinfo", path);
		goto out;
	}
	if (append_data(modinfo, livepatch, sizeof(livepatch), NULL))
		goto out;
	if (elf_update(elf, ELF_C_WRITE) < 0) {
		ERROR_ELF("cannot write '%s'", path);
		goto out;
	}
	ret = 0;
out:
	free(marked);
	if (elf)
		elf_end(elf);
	close(fd);
	return ret;
}
