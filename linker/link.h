/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * link.h - the state of one ksplice-link run.
 *
 * A run turns one or more changed objects ("units", each a pre and a post
 * build of the same source) into one relocatable object holding the new
 * code, the old code for run-pre matching, and the ksplice tables
 * (kmodsrc/ksplice-abi.h). The steps are in link.c; the reference rules
 * in convert.c; the tables in tables.c.
 */
#ifndef LINKER_LINK_H
#define LINKER_LINK_H

#include <stdbool.h>
#include <stdint.h>

#include "elf.h"
#include "hash.h"

struct strlist {
	const char **v;
	unsigned int nr, alloc;
};

int strlist_add(struct strlist *l, const char *s);

struct unit {
	const char *name;		/* the object, relative to the tree */
	const char *pre_path, *post_path;
	struct strlist changed, added, new_data;
	struct elf *pre, *post;
	struct htable sites;		/* loader sites in post, by (sec, offset) */
	struct htable pieces;		/* copied pieces of post, by (sec, offset) */
};

/* A symbol Module.symvers lists as exported. */
struct export {
	struct hnode node;
	char *name;
};

/* A vmlinux symbol name, with how many symbols of vmlinux have it. */
struct vsym {
	struct hnode node;
	char *name;
	unsigned int count;
};

/* An entry of the ksplice symbol table under construction. */
struct ksym {
	char *name;
	const char *object;
	uint32_t flags, idx;
	struct hnode node;
};

/* A ksplice relocation under construction: where is (sec, offset). */
struct kreloc {
	struct section *sec;
	unsigned long offset;
	long addend;
	uint32_t symbol;
	uint16_t type, flags;
};

struct kpre {
	unsigned long offset, size;	/* in .ksplice.pre_code */
	uint32_t symbol, flags;
	char *name;
};

struct kpatch {
	struct symbol *new_code;	/* in the output */
	uint32_t symbol, flags;
};

struct link_ctx {
	/* Options. */
	const char *output, *id, *target, *release, *description, *symvers;
	const char *klp_map;		/* --klp: System.map of a CONFIG_LIVEPATCH kernel */
	unsigned int nr_targets;
	struct unit *units;
	unsigned int nr_units;

	struct elf *out;
	struct htable exports;		/* struct export, by name */
	struct htable vsyms;		/* struct vsym, by name (--klp) */
	struct section *pre_code;	/* .ksplice.pre_code */

	struct ksym **ksyms;
	unsigned int nr_ksyms, alloc_ksyms;
	struct htable ksym_hash;
	struct kreloc *krelocs;
	unsigned int nr_krelocs, alloc_krelocs;
	struct kpre *kpres;
	unsigned int nr_kpres, alloc_kpres;
	struct kpatch *kpatches;
	unsigned int nr_kpatches, alloc_kpatches;
};

/* link.c */
int ksplice_link(struct link_ctx *ctx);
int grow_array(void **array, unsigned int *alloc, unsigned int want, size_t size);

/* convert.c */
int copy_symbol(struct link_ctx *ctx, struct unit *u, struct symbol *sym,
		struct section *osec);
int convert_relocs(struct link_ctx *ctx, struct unit *u, struct section *isec,
		   unsigned long start, unsigned long end, struct section *osec,
		   unsigned long ooff);
int convert_pre_relocs(struct link_ctx *ctx, struct unit *u, struct symbol *func,
		       unsigned long ooff);
bool map_to_out(struct unit *u, struct section *isec, unsigned long off,
		struct section **osec, unsigned long *ooff);
bool is_exported(struct link_ctx *ctx, const char *name);
const char *static_call_tramp(struct link_ctx *ctx, const char *name, char *buf,
			      size_t size);
long ksym_get(struct link_ctx *ctx, const char *name, const char *object,
	      uint32_t flags);
int add_site(struct unit *u, struct section *isec, unsigned long off,
	     unsigned int len, const char *table);
int add_piece(struct unit *u, struct section *isec, unsigned long ioff,
	      struct section *osec, unsigned long ooff);

/* klp.c */
int read_system_map(struct link_ctx *ctx);
unsigned int vmlinux_count(struct link_ctx *ctx, const char *name);
int klp_finish(const char *path);

/* tables.c */
int write_tables(struct link_ctx *ctx);

/* dump.c */
int dump_update(const char *path);

#endif /* LINKER_LINK_H */
