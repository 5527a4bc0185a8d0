// SPDX-License-Identifier: GPL-2.0-only
/*
 * tables.c - write the ksplice tables (kmodsrc/ksplice-abi.h) of an update.
 *
 * Pointer fields are left zero in the section data and given an
 * R_X86_64_64 relocation against a symbol of the update itself, which the
 * module loader resolves. Strings are deduplicated in .ksplice.strings.
 */
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "../kmodsrc/ksplice-abi.h"
#include "link.h"
#include "warn.h"

struct tables {
	struct link_ctx *ctx;
	struct section *strings;
	struct htable str_hash;
};

struct str {
	struct hnode node;
	const char *s;
	long offset;
};

static long add_string(struct tables *t, const char *s)
{
	struct str *e;

	htable_for_each_entry(&t->str_hash, hash_str(s), e, struct str, node)
		if (!strcmp(e->s, s))
			return e->offset;
	if (!(e = calloc(1, sizeof(*e)))) {
		ERROR_GLIBC("calloc");
		return -1;
	}
	e->s = s;
	e->offset = elf_append_data(t->strings, s, strlen(s) + 1, 1);
	htable_add(&t->str_hash, &e->node, hash_str(s));
	return e->offset;
}

static int set_ptr(struct section *sec, unsigned long off, struct symbol *to, long addend)
{
	return elf_create_reloc(sec, off, R_X86_64_64, to, addend) ? 0 : -1;
}

static int set_str(struct tables *t, struct section *sec, unsigned long off, const char *s)
{
	long soff = add_string(t, s ? s : "");

	return soff < 0 ? -1 : set_ptr(sec, off, t->strings->sym, soff);
}

static struct section *new_table(struct link_ctx *ctx, const char *name)
{
	return elf_create_section(ctx->out, name, SHT_PROGBITS, SHF_ALLOC, 8, 0);
}

static int write_symbols(struct tables *t, struct section *sec)
{
	struct link_ctx *ctx = t->ctx;

	for (unsigned int i = 0; i < ctx->nr_ksyms; i++) {
		struct ksplice_symbol e = { .flags = ctx->ksyms[i]->flags };
		long off = elf_append_data(sec, &e, sizeof(e), 8);

		if (off < 0 ||
		    set_str(t, sec, off + offsetof(struct ksplice_symbol, name), ctx->ksyms[i]->name) ||
		    set_str(t, sec, off + offsetof(struct ksplice_symbol, object), ctx->ksyms[i]->object))
			return -1;
	}
	return 0;
}

static int write_relocs(struct tables *t, struct section *sec)
{
	struct link_ctx *ctx = t->ctx;

	for (unsigned int i = 0; i < ctx->nr_krelocs; i++) {
		struct kreloc *k = &ctx->krelocs[i];
		struct ksplice_reloc e = {
			.addend = k->addend, .symbol = k->symbol,
			.type = k->type, .flags = k->flags,
		};
		long off = elf_append_data(sec, &e, sizeof(e), 8);

		if (off < 0 || set_ptr(sec, off + offsetof(struct ksplice_reloc, where),
				       k->sec->sym, k->offset))
			return -1;
	}
	return 0;
}

static int write_pre(struct tables *t, struct section *sec)
{
	struct link_ctx *ctx = t->ctx;

	for (unsigned int i = 0; i < ctx->nr_kpres; i++) {
		struct kpre *k = &ctx->kpres[i];
		struct ksplice_pre_section e = {
			.size = k->size, .symbol = k->symbol, .flags = k->flags,
		};
		long off = elf_append_data(sec, &e, sizeof(e), 8);

		if (off < 0 || set_ptr(sec, off + offsetof(struct ksplice_pre_section, code),
				       ctx->pre_code->sym, k->offset))
			return -1;
	}
	return 0;
}

static int write_patches(struct tables *t, struct section *sec)
{
	struct link_ctx *ctx = t->ctx;

	for (unsigned int i = 0; i < ctx->nr_kpatches; i++) {
		struct kpatch *k = &ctx->kpatches[i];
		struct ksplice_patch e = { .symbol = k->symbol, .flags = k->flags };
		long off = elf_append_data(sec, &e, sizeof(e), 8);

		if (off < 0 || set_ptr(sec, off + offsetof(struct ksplice_patch, new_code),
				       k->new_code, 0))
			return -1;
	}
	return 0;
}

#define HDR(field) offsetof(struct ksplice_header, field)

static int write_header(struct tables *t, struct section *syms, struct section *relocs,
			struct section *pre, struct section *patches)
{
	struct link_ctx *ctx = t->ctx;
	struct ksplice_header h = {
		.magic = KSPLICE_ABI_MAGIC,
		.version = KSPLICE_ABI_VERSION,
		.header_size = sizeof(h),
		.nr_targets = ctx->nr_targets,
		.nr_symbols = ctx->nr_ksyms, .symbol_size = sizeof(struct ksplice_symbol),
		.nr_relocs = ctx->nr_krelocs, .reloc_size = sizeof(struct ksplice_reloc),
		.nr_pre = ctx->nr_kpres, .pre_size = sizeof(struct ksplice_pre_section),
		.nr_patches = ctx->nr_kpatches, .patch_size = sizeof(struct ksplice_patch),
	};
	struct section *sec = new_table(ctx, KSPLICE_SEC_HEADER);

	if (!sec || elf_append_data(sec, &h, sizeof(h), 8) < 0 ||
	    !elf_create_symbol(ctx->out, KSPLICE_HEADER_SYMBOL, sec, 0, sizeof(h),
			       STT_OBJECT, STB_GLOBAL) ||
	    set_str(t, sec, HDR(id), ctx->id) || set_str(t, sec, HDR(target), ctx->target) ||
	    set_str(t, sec, HDR(kernel_release), ctx->release) ||
	    set_str(t, sec, HDR(description), ctx->description) ||
	    set_ptr(sec, HDR(symbols), syms->sym, 0) ||
	    set_ptr(sec, HDR(relocs), relocs->sym, 0) ||
	    set_ptr(sec, HDR(pre), pre->sym, 0) ||
	    set_ptr(sec, HDR(patches), patches->sym, 0))
		return -1;
	return 0;
}

int write_tables(struct link_ctx *ctx)
{
	struct tables t = { .ctx = ctx };
	struct section *syms, *relocs, *pre, *patches;

	if (htable_init(&t.str_hash, 1024) ||
	    !(t.strings = elf_create_section(ctx->out, KSPLICE_SEC_STRINGS, SHT_PROGBITS,
					     SHF_ALLOC, 1, 0)) ||
	    !(syms = new_table(ctx, KSPLICE_SEC_SYMBOLS)) ||
	    !(relocs = new_table(ctx, KSPLICE_SEC_RELOCS)) ||
	    !(pre = new_table(ctx, KSPLICE_SEC_PRE)) ||
	    !(patches = new_table(ctx, KSPLICE_SEC_PATCHES)))
		return -1;
	if (write_symbols(&t, syms) || write_relocs(&t, relocs) || write_pre(&t, pre) ||
	    write_patches(&t, patches) || write_header(&t, syms, relocs, pre, patches))
		return -1;
	htable_free(&t.str_hash);
	return 0;
}
