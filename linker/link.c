// SPDX-License-Identifier: GPL-2.0-only
/*
 * link.c - the steps of ksplice-link, over a struct link_ctx.
 *
 * For each changed object (unit): find the functions to extract in the post
 * object, copy them, convert their references (convert.c), carry the
 * special-section entries that belong to them (special.c), refuse unknown
 * sections that refer to them, and copy the old code of the changed ones
 * from the pre object, for run-pre matching. Then write the tables.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../kmodsrc/ksplice-abi.h"
#include "link.h"
#include "special.h"
#include "warn.h"

int grow_array(void **array, unsigned int *alloc, unsigned int want, size_t size)
{
	unsigned int n = *alloc ? *alloc : 16;
	void *p;

	if (want <= *alloc)
		return 0;
	while (n < want)
		n *= 2;
	if (!(p = realloc(*array, n * size))) {
		ERROR_GLIBC("realloc");
		return -1;
	}
	*array = p;
	*alloc = n;
	return 0;
}

int strlist_add(struct strlist *l, const char *s)
{
	if (grow_array((void **)&l->v, &l->alloc, l->nr + 1, sizeof(*l->v)))
		return -1;
	l->v[l->nr++] = s;
	return 0;
}

static int read_exports(struct link_ctx *ctx)
{
	char line[1024];
	FILE *f;

	if (htable_init(&ctx->exports, 16384))
		return -1;
	if (!ctx->symvers)
		return 0;
	if (!(f = fopen(ctx->symvers, "r"))) {
		ERROR_GLIBC("cannot open '%s'", ctx->symvers);
		return -1;
	}
	/* crc <TAB> symbol <TAB> module <TAB> export type <TAB> namespace */
	while (fgets(line, sizeof(line), f)) {
		char *name = strchr(line, '\t'), *end;
		struct export *e;

		if (!name || !(end = strchr(++name, '\t')))
			continue;
		*end = '\0';
		if (!(e = calloc(1, sizeof(*e))) || !(e->name = strdup(name))) {
			ERROR_GLIBC("calloc");
			fclose(f);
			return -1;
		}
		htable_add(&ctx->exports, &e->node, hash_str(e->name));
	}
	fclose(f);
	return 0;
}

static int open_unit(struct link_ctx *ctx, struct unit *u)
{
	if (!(u->post = elf_open_read(u->post_path)) ||
	    (u->changed.nr && !(u->pre = elf_open_read(u->pre_path))))
		return -1;
	return htable_init(&u->sites, 4096) || htable_init(&u->pieces, 1024);
}

static struct symbol *find_function(struct elf *elf, const char *name)
{
	struct symbol *sym = find_symbol_by_name(elf, name);

	return sym && is_func_sym(sym) && sym->sec ? sym : NULL;
}

/* Where an entry's field @off points: (section, offset). */
static struct section *entry_target(struct elf *elf, struct section *sec,
				    unsigned long off, unsigned long *toff)
{
	struct reloc *r = find_reloc_by_dest(elf, sec, off);

	if (!r || !r->sym->sec)
		return NULL;
	*toff = r->sym->offset + r->addend;
	return r->sym->sec;
}

/* Whether an entry's export_field resolves to an exported symbol. */
static bool entry_exported(struct link_ctx *ctx, struct unit *u,
			   const struct special_section *s, struct section *sec,
			   unsigned long e)
{
	struct reloc *r;
	char buf[512];

	if (!s->export_field)
		return true;
	r = find_reloc_by_dest(u->post, sec, e + s->export_field);
	if (!r || r->sym->type == STT_SECTION || is_local_sym(r->sym))
		return false;
	return is_exported(ctx, static_call_tramp(ctx, r->sym->name, buf, sizeof(buf)));
}

/* Record the code the module loader rewrites, from the site tables. */
static int collect_sites(struct link_ctx *ctx, struct unit *u)
{
	struct section *sec;

	for_each_sec(u->post, sec) {
		const struct special_section *s = find_special_section(sec->name);

		if (!s || !s->site || !sec->data)
			continue;
		for (unsigned long e = 0; e + s->entsize <= sec->size; e += s->entsize) {
			unsigned long toff = 0;
			struct section *tsec = entry_target(u->post, sec, e + s->key, &toff);
			unsigned int len = s->site_len_field >= 0 ?
					   sec->data[e + s->site_len_field] : s->site_len;

			if (!entry_exported(ctx, u, s, sec, e))
				continue;
			if (tsec && add_site(u, tsec, toff, len, sec->name))
				return -1;
		}
	}
	return 0;
}

static int extract_one(struct link_ctx *ctx, struct unit *u, const char *name)
{
	struct symbol *sym = find_function(u->post, name), *cold;
	char buf[512];

	if (!sym) {
		ERROR("%s: function '%s' not found in '%s'", u->name, name, u->post_path);
		return -1;
	}
	if (copy_symbol(ctx, u, sym, NULL))
		return -1;
	/* GCC's cold part of the function (-freorder-blocks-and-partition). */
	snprintf(buf, sizeof(buf), "%s.cold", name);
	cold = find_function(u->post, buf);
	return cold && copy_symbol(ctx, u, cold, NULL) ? -1 : 0;
}

static int extract_functions(struct link_ctx *ctx, struct unit *u)
{
	for (unsigned int i = 0; i < u->changed.nr; i++)
		if (extract_one(ctx, u, u->changed.v[i]))
			return -1;
	for (unsigned int i = 0; i < u->added.nr; i++)
		if (extract_one(ctx, u, u->added.v[i]))
			return -1;
	return 0;
}

static int convert_functions(struct link_ctx *ctx, struct unit *u)
{
	struct symbol *sym;

	for_each_sym(u->post, sym) {
		struct symbol *osym = sym->priv;

		if (!osym || !is_func_sym(sym))
			continue;
		if (convert_relocs(ctx, u, sym->sec, sym->offset, sym->offset + sym->len,
				   osym->sec, osym->offset))
			return -1;
	}
	return 0;
}

static struct section *out_special(struct link_ctx *ctx, struct section *like,
				   const char *name, unsigned int entsize)
{
	struct section *osec = find_section_by_name(ctx->out, name);

	if (osec)
		return osec;
	return elf_create_section(ctx->out, name, SHT_PROGBITS,
				  like ? like->sh.sh_flags & ~SHF_INFO_LINK : SHF_ALLOC,
				  like ? like->sh.sh_addralign : 1, entsize);
}

/* Copy the piece of code an entry points to (.altinstr_replacement). */
static int keep_piece(struct link_ctx *ctx, struct unit *u,
		      const struct special_section *s, struct section *sec,
		      unsigned long e)
{
	unsigned long poff;
	struct section *psec = entry_target(u->post, sec, e + s->piece, &poff), *osec;
	unsigned int len = sec->data[e + s->piece_len_field];
	long ooff;

	if (!psec || !psec->data || poff + len > psec->size) {
		ERROR("%s: %s+0x%lx: bad %s entry", u->name, sec->name, e, s->name);
		return -1;
	}
	if (!(osec = out_special(ctx, psec, s->piece_sec, 0)) ||
	    (ooff = elf_append_data(osec, psec->data + poff, len, 1)) < 0 ||
	    add_piece(u, psec, poff, osec, ooff))
		return -1;
	return convert_relocs(ctx, u, psec, poff, poff + len, osec, ooff);
}

static int keep_entry(struct link_ctx *ctx, struct unit *u,
		      const struct special_section *s, struct section *sec,
		      unsigned long e)
{
	struct section *osec = out_special(ctx, sec, sec->name, sec->sh.sh_entsize);
	long ooff;

	if (!osec)
		return -1;
	if (s->piece_sec && keep_piece(ctx, u, s, sec, e))
		return -1;
	if (s->parallel) {
		struct section *psec = find_section_by_name(u->post, s->parallel), *opsec;
		unsigned long i = e / s->entsize;

		if (!psec || (i + 1) * s->parallel_entsize > psec->size) {
			ERROR("%s: %s has no entry %lu", u->name, s->parallel, i);
			return -1;
		}
		if (!(opsec = out_special(ctx, psec, s->parallel, psec->sh.sh_entsize)) ||
		    elf_append_data(opsec, psec->data + i * s->parallel_entsize,
				    s->parallel_entsize, 1) < 0)
			return -1;
	}
	ooff = elf_append_data(osec, sec->data + e, s->entsize, 1);
	if (ooff < 0)
		return -1;
	return convert_relocs(ctx, u, sec, e, e + s->entsize, osec, ooff);
}

/* Carry the entries of keep-by-key sections whose key is extracted code. */
static int keep_special_entries(struct link_ctx *ctx, struct unit *u)
{
	struct section *sec;

	for_each_sec(u->post, sec) {
		const struct special_section *s = find_special_section(sec->name);
		unsigned int kept = 0;

		if (!s || s->keep != KEEP_BY_KEY || !sec->size)
			continue;
		if (sec->size % s->entsize || !sec->data) {
			ERROR("%s: section %s: size %zu is not a multiple of %u", u->name,
			      sec->name, sec->size, s->entsize);
			return -1;
		}
		for (unsigned long e = 0; e < sec->size; e += s->entsize) {
			unsigned long toff = 0, ooff;
			struct section *tsec = entry_target(u->post, sec, e + s->key, &toff);
			struct section *osec;

			if (!tsec)
				continue;
			/* ORC ends each code section with an entry at its end. */
			if (!map_to_out(u, tsec, toff, &osec, &ooff) &&
			    !(s->parallel && toff && !find_symbol_containing(tsec, toff) &&
			      map_to_out(u, tsec, toff - 1, &osec, &ooff)))
				continue;
			if (!entry_exported(ctx, u, s, sec, e)) {
				dbg("%s: %s: drop %s+0x%lx: not exported", u->name, sec->name,
				    tsec->name, toff);
				continue;
			}
			if (keep_entry(ctx, u, s, sec, e))
				return -1;
			kept++;
		}
		dbg("%s: %s: kept %u of %zu entries", u->name, sec->name, kept,
		    sec->size / s->entsize);
	}
	return 0;
}

/* A section we know nothing about must not refer to extracted code. */
static int check_unknown_sections(struct link_ctx *ctx, struct unit *u)
{
	struct section *sec;
	struct reloc *r;

	for_each_sec(u->post, sec) {
		if (!sec->rsec || find_special_section(sec->name) ||
		    is_regular_section(sec->name))
			continue;
		sec_for_each_reloc(sec, r) {
			struct symbol *func;

			if (!r->sym->sec)
				continue;
			func = find_func_containing(r->sym->sec, r->sym->offset + r->addend);
			if (func && func->priv) {
				ERROR("%s: unknown section '%s' refers to extracted function %s (from %s); ksplice-link does not know how to carry it",
				      u->name, sec->name, func->name, offstr(sec, r->offset));
				return -1;
			}
		}
	}
	return 0;
}

static bool has_fentry(struct elf *elf, struct symbol *func)
{
	/* call __fentry__ first thing, or right after endbr64. */
	for (unsigned int off = 1; off <= 5; off += 4) {
		struct reloc *r = find_reloc_by_dest(elf, func->sec, func->offset + off);

		if (r && !strcmp(r->sym->name, "__fentry__"))
			return true;
	}
	return false;
}

/*
 * SITE entries (kmodsrc/ksplice-abi.h) for the sites of the old code that
 * the running kernel rewrote at boot: each entry of table @name in the pre
 * object whose site lies in @func, with its length (from the entry's
 * @len_field, or @len).
 */
static int add_sites(struct link_ctx *ctx, struct unit *u, struct symbol *func,
		     unsigned long ooff, uint32_t sym, const char *name,
		     int len_field, unsigned int len, uint16_t type)
{
	const struct special_section *ss = find_special_section(name);
	struct section *tab = find_section_by_name(u->pre, name);
	struct reloc *r;

	if (!tab || !ss)
		return 0;
	sec_for_each_reloc(tab, r) {
		unsigned long site;

		if (r->offset % ss->entsize != ss->key || !r->sym->sec ||
		    r->sym->sec != func->sec)
			continue;
		site = r->sym->offset + r->addend;
		if (site < func->offset || site >= func->offset + func->len)
			continue;
		if (grow_array((void **)&ctx->krelocs, &ctx->alloc_krelocs,
			       ctx->nr_krelocs + 1, sizeof(struct kreloc)))
			return -1;
		ctx->krelocs[ctx->nr_krelocs++] = (struct kreloc){
			.sec = ctx->pre_code, .offset = ooff + site - func->offset,
			.addend = len_field >= 0 ? tab->data[r->offset - ss->key + len_field] : len,
			.symbol = sym, .type = type, .flags = KSPLICE_RELOC_SITE,
		};
	}
	return 0;
}

/*
 * Alternatives (apply_alternatives() may have put a replacement there),
 * paravirt sites (apply_paravirt() may have replaced an indirect call
 * through pv_ops with inline code, a direct call or nops) and static
 * calls (static_call_init() made each site a call to the current target,
 * a jmp, or a nop, for a NULL target such as a tracepoint's without
 * probes). vmlinux frees the first two tables after boot, so the update
 * says where the sites are, one SITE entry each with its length, for
 * run-pre matching to accept whatever runs there.
 */
static int add_boot_sites(struct link_ctx *ctx, struct unit *u, struct symbol *func,
			  unsigned long ooff, uint32_t sym)
{
	const struct special_section *alt = find_special_section(".altinstructions");
	const struct special_section *pv = find_special_section(".parainstructions");

	return add_sites(ctx, u, func, ooff, sym, ".altinstructions", alt->site_len_field, 0,
			 KSPLICE_R_SITE_ALT) ||
	       add_sites(ctx, u, func, ooff, sym, ".parainstructions", pv->site_len_field, 0,
			 KSPLICE_R_SITE_PV) ||
	       add_sites(ctx, u, func, ooff, sym, ".static_call_sites", -1, 5,
			 KSPLICE_R_SITE_CALL) ? -1 : 0;
}

static int add_pre(struct link_ctx *ctx, struct unit *u, struct symbol *func,
		   bool patch)
{
	uint32_t flags = KSPLICE_SYM_FUNC | (is_local_sym(func) ? KSPLICE_SYM_LOCAL : 0);
	long sym = ksym_get(ctx, func->name, u->name, flags);
	long off = elf_append_data(ctx->pre_code, func->sec->data + func->offset,
				   func->len, 16);
	struct symbol *post = find_function(u->post, func->name);

	if (sym < 0 || off < 0 || convert_pre_relocs(ctx, u, func, off) ||
	    add_boot_sites(ctx, u, func, off, sym) ||
	    grow_array((void **)&ctx->kpres, &ctx->alloc_kpres, ctx->nr_kpres + 1,
		       sizeof(struct kpre)))
		return -1;
	ctx->kpres[ctx->nr_kpres++] = (struct kpre){
		.offset = off, .size = func->len, .symbol = sym,
		.flags = KSPLICE_PRE_TEXT, .name = func->name,
	};
	if (!patch)
		return 0;
	if (grow_array((void **)&ctx->kpatches, &ctx->alloc_kpatches,
		       ctx->nr_kpatches + 1, sizeof(struct kpatch)))
		return -1;
	ctx->kpatches[ctx->nr_kpatches++] = (struct kpatch){
		.new_code = post->priv, .symbol = sym,
		.flags = has_fentry(u->pre, func) ? KSPLICE_PATCH_FENTRY : 0,
	};
	return 0;
}

/* The old code of each changed function (and its cold part). */
static int extract_pre_code(struct link_ctx *ctx, struct unit *u)
{
	for (unsigned int i = 0; i < u->changed.nr; i++) {
		const char *name = u->changed.v[i];
		struct symbol *func = find_function(u->pre, name), *cold;
		char buf[512];

		if (!func) {
			ERROR("%s: function '%s' not found in '%s'", u->name, name, u->pre_path);
			return -1;
		}
		if (add_pre(ctx, u, func, true))
			return -1;
		snprintf(buf, sizeof(buf), "%s.cold", name);
		if ((cold = find_function(u->pre, buf)) && add_pre(ctx, u, cold, false))
			return -1;
	}
	return 0;
}

/*
 * Every unit's functions are copied before any reference is converted, so
 * that a call from one changed object to a new function of another finds
 * the copy (find_target()).
 */
static int extract_unit(struct link_ctx *ctx, struct unit *u)
{
	if (open_unit(ctx, u))
		return -1;
	if (collect_sites(ctx, u))
		return -1;
	return extract_functions(ctx, u);
}

static int link_unit(struct link_ctx *ctx, struct unit *u)
{
	if (convert_functions(ctx, u))
		return -1;
	if (keep_special_entries(ctx, u))
		return -1;
	if (check_unknown_sections(ctx, u))
		return -1;
	if (extract_pre_code(ctx, u))
		return -1;
	return 0;
}

int ksplice_link(struct link_ctx *ctx)
{
	if (read_exports(ctx) || read_system_map(ctx))
		return -1;
	if (!(ctx->out = elf_create(ctx->output)))
		return -1;
	if (htable_init(&ctx->ksym_hash, 4096))
		return -1;
	ctx->pre_code = elf_create_section(ctx->out, KSPLICE_SEC_PRE_CODE, SHT_PROGBITS,
					   SHF_ALLOC, 16, 0);
	if (!ctx->pre_code)
		return -1;
	for (unsigned int i = 0; i < ctx->nr_units; i++)
		if (extract_unit(ctx, &ctx->units[i]))
			return -1;
	for (unsigned int i = 0; i < ctx->nr_units; i++)
		if (link_unit(ctx, &ctx->units[i]))
			return -1;
	if (write_tables(ctx))
		return -1;
	return elf_write(ctx->out);
}
