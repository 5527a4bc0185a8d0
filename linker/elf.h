/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * elf.h - the ELF layer: read, create and write relocatable x86-64 objects.
 *
 * This layer knows sections, symbols and relocations, and nothing about
 * ksplice. An object read with elf_open_read() is indexed three ways:
 * sections and symbols by index (arrays) and by name (hash), relocations by
 * the (section, offset) they patch (hash), and each section's symbols by
 * offset (sorted array) for find_symbol_containing().
 *
 * An object made with elf_create() starts empty; elf_create_section(),
 * elf_create_symbol() and elf_create_reloc() fill it, and elf_write() lays
 * it out with libelf (symbol table, string tables, .rela sections).
 */
#ifndef LINKER_ELF_H
#define LINKER_ELF_H

#include <gelf.h>
#include <stdbool.h>
#include <stddef.h>

#include "hash.h"

struct elf;
struct symbol;

struct reloc {
	struct section *sec;		/* the section it patches */
	unsigned long offset;
	unsigned int type;
	long addend;
	struct symbol *sym;
	struct hnode dest_node;		/* elf->reloc_hash, by (sec, offset) */
};

struct section {
	struct elf *elf;
	unsigned int idx;
	char *name;
	GElf_Shdr sh;
	unsigned char *data;		/* NULL for SHT_NOBITS */
	size_t size;
	size_t alloc;			/* created sections: buffer size */
	struct section *base;		/* a .rela section: what it patches */
	struct section *rsec;		/* the .rela section patching this one */
	struct reloc *relocs;		/* in rsec: sorted by offset on read */
	unsigned int nr_relocs, alloc_relocs;
	struct symbol *sym;		/* the STT_SECTION symbol, if any */
	struct symbol **syms;		/* named symbols, sorted by offset */
	unsigned int nr_syms, alloc_syms;
	struct hnode name_node;
	void *priv;			/* for the caller; the layer ignores it */
};

struct symbol {
	unsigned int idx;
	char *name;
	GElf_Sym sym;
	struct section *sec;		/* NULL if undefined or absolute */
	unsigned long offset, len;
	unsigned char type, bind;
	struct hnode name_node;
	void *priv;			/* for the caller */
};

struct elf {
	char *name;
	int fd;
	Elf *elf;
	GElf_Ehdr ehdr;
	struct section **secs;		/* by index; secs[0] is the null section */
	unsigned int nr_secs, alloc_secs;
	struct symbol **syms;		/* by index; syms[0] is the null symbol */
	unsigned int nr_syms, alloc_syms;
	struct htable sec_hash, sym_hash, reloc_hash;
};

/* Reading. */
struct elf *elf_open_read(const char *path);
void elf_close(struct elf *elf);
struct section *find_section_by_name(struct elf *elf, const char *name);
struct symbol *find_symbol_by_name(struct elf *elf, const char *name);
struct reloc *find_reloc_by_dest(struct elf *elf, struct section *sec,
				 unsigned long offset);
struct symbol *find_symbol_containing(struct section *sec, unsigned long offset);
struct symbol *find_func_containing(struct section *sec, unsigned long offset);

/* Creating and writing. */
struct elf *elf_create(const char *path);
struct section *elf_create_section(struct elf *elf, const char *name,
				   unsigned int type, unsigned long flags,
				   unsigned long align, unsigned long entsize);
long elf_append_data(struct section *sec, const void *data, size_t size,
		     unsigned long align);
struct symbol *elf_create_symbol(struct elf *elf, const char *name,
				 struct section *sec, unsigned long offset,
				 unsigned long len, unsigned char type,
				 unsigned char bind);
struct reloc *elf_create_reloc(struct section *sec, unsigned long offset,
			       unsigned int type, struct symbol *sym, long addend);
int elf_write(struct elf *elf);

/* Helpers. */
const char *offstr(struct section *sec, unsigned long offset);

static inline bool is_text_sec(struct section *sec)
{
	return sec->sh.sh_flags & SHF_EXECINSTR;
}

static inline bool is_reloc_sec(struct section *sec)
{
	return sec->sh.sh_type == SHT_RELA;
}

static inline bool is_func_sym(struct symbol *sym)
{
	return sym->type == STT_FUNC;
}

static inline bool is_local_sym(struct symbol *sym)
{
	return sym->bind == STB_LOCAL;
}

static inline bool is_undef_sym(struct symbol *sym)
{
	return sym->sym.st_shndx == SHN_UNDEF;
}

#define for_each_sec(elf, sec)							\
	for (unsigned int __i = 1;						\
	     __i < (elf)->nr_secs && ((sec) = (elf)->secs[__i], true); __i++)

#define for_each_sym(elf, sym)							\
	for (unsigned int __j = 1;						\
	     __j < (elf)->nr_syms && ((sym) = (elf)->syms[__j], true); __j++)

/* The relocations patching @sec, in offset order. */
#define sec_for_each_reloc(sec, reloc)						\
	for (unsigned int __k = 0;						\
	     (sec)->rsec && __k < (sec)->rsec->nr_relocs &&			\
	     ((reloc) = &(sec)->rsec->relocs[__k], true); __k++)

/* The named symbols defined in @sec, in offset order. */
#define sec_for_each_sym(sec, s)						\
	for (unsigned int __l = 0;						\
	     __l < (sec)->nr_syms && ((s) = (sec)->syms[__l], true); __l++)

#endif /* LINKER_ELF_H */
