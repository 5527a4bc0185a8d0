// SPDX-License-Identifier: GPL-2.0-only
/*
 * dump.c - ksplice-link --dump: print an update object's tables readably.
 *
 * For tests and for people. Locations are shown as func+0x1c in the new
 * code and pre:func+0x1c in the old code; no sizes or addresses, so that
 * the output depends on what was extracted, not on the compiler's layout.
 */
#include <stdlib.h>
#include <string.h>

#include "../kmodsrc/ksplice-abi.h"
#include "link.h"
#include "special.h"
#include "warn.h"

struct dump {
	struct elf *elf;
	struct section *pre_code;
	const struct ksplice_pre_section *pre;
	unsigned long pre_sec_off;	/* offset of the pre table in its section */
	struct section *pre_sec;
	unsigned int nr_pre;
	const struct ksplice_symbol *syms;
	struct section *sym_sec;
	unsigned long sym_off;
	unsigned int nr_syms;
};

/* Where the pointer field at (sec, off) points. */
static struct section *target(struct dump *d, struct section *sec, unsigned long off,
			      unsigned long *toff)
{
	struct reloc *r = find_reloc_by_dest(d->elf, sec, off);

	if (!r || !r->sym->sec)
		return NULL;
	*toff = r->sym->offset + r->addend;
	return r->sym->sec;
}

static const char *string(struct dump *d, struct section *sec, unsigned long off)
{
	unsigned long toff;
	struct section *s = target(d, sec, off, &toff);

	return s && s->data && toff < s->size ? (const char *)s->data + toff : "(null)";
}

static const char *sym_name(struct dump *d, unsigned int i)
{
	if (i >= d->nr_syms)
		return "(bad symbol)";
	return string(d, d->sym_sec, d->sym_off + i * sizeof(*d->syms) +
			  offsetof(struct ksplice_symbol, name));
}

/* "func+0x1c", or "pre:func+0x1c" inside the old code. */
static const char *where(struct dump *d, struct section *sec, unsigned long off)
{
	static char buf[512];

	if (sec != d->pre_code)
		return offstr(sec, off);
	for (unsigned int i = 0; i < d->nr_pre; i++) {
		unsigned long code = 0;
		struct section *s = target(d, d->pre_sec, d->pre_sec_off + i * sizeof(*d->pre) +
					   offsetof(struct ksplice_pre_section, code), &code);

		if (s == sec && off >= code && off < code + d->pre[i].size) {
			snprintf(buf, sizeof(buf), "pre:%s+0x%lx", sym_name(d, d->pre[i].symbol),
				 off - code);
			return buf;
		}
	}
	return offstr(sec, off);
}

static const char *rtype(unsigned int type)
{
	static const char *const names[] = {
		[KSPLICE_R_ABS64] = "ABS64", [KSPLICE_R_PC32] = "PC32",
		[KSPLICE_R_ABS32] = "ABS32", [KSPLICE_R_ABS32S] = "ABS32S",
	};

	return type < 5 && names[type] ? names[type] : "?";
}

/* A table the header points to: its section, offset and data. */
static const void *table(struct dump *d, struct section *hsec, unsigned long field,
			 struct section **sec, unsigned long *off)
{
	*off = 0;
	*sec = target(d, hsec, field, off);
	return *sec && (*sec)->data ? (*sec)->data + *off : NULL;
}

static void dump_symbols(struct dump *d)
{
	printf("symbols:\n");
	for (unsigned int i = 0; i < d->nr_syms; i++) {
		uint32_t f = d->syms[i].flags;
		const char *obj = string(d, d->sym_sec, d->sym_off + i * sizeof(*d->syms) +
					 offsetof(struct ksplice_symbol, object));

		printf("  %u %s %s%s%s%s%s\n", i, sym_name(d, i),
		       f & KSPLICE_SYM_FUNC ? "func" : "", f & KSPLICE_SYM_DATA ? "data" : "",
		       f & KSPLICE_SYM_LOCAL ? " local" : "", *obj ? " object=" : "", obj);
	}
}

static void dump_relocs(struct dump *d, const struct ksplice_reloc *relocs,
			struct section *sec, unsigned long off, unsigned int nr)
{
	printf("relocs:\n");
	for (unsigned int i = 0; i < nr; i++) {
		const struct ksplice_reloc *r = &relocs[i];
		unsigned long woff = 0;
		struct section *w = target(d, sec, off + i * sizeof(*r), &woff);

		if (r->flags == KSPLICE_RELOC_SITE) {
			printf("  SITE %s %s %lld bytes\n", w ? where(d, w, woff) : "(null)",
			       r->type == KSPLICE_R_SITE_ALT ? "alternative" :
			       r->type == KSPLICE_R_SITE_CALL ? "static-call" :
			       r->type == KSPLICE_R_SITE_PV ? "paravirt" : "???",
			       (long long)r->addend);
			continue;
		}
		printf("  %s %s %s %s%+lld\n", r->flags == KSPLICE_RELOC_NEW ? "NEW" :
		       r->flags == KSPLICE_RELOC_PRE ? "PRE" : "???",
		       w ? where(d, w, woff) : "(null)", rtype(r->type),
		       sym_name(d, r->symbol), (long long)r->addend);
	}
}

static void dump_pre_and_patches(struct dump *d, const struct ksplice_patch *patches,
				 struct section *sec, unsigned long off, unsigned int nr)
{
	printf("pre:\n");
	for (unsigned int i = 0; i < d->nr_pre; i++)
		printf("  %s%s\n", sym_name(d, d->pre[i].symbol),
		       d->pre[i].flags & KSPLICE_PRE_TEXT ? " text" : " rodata");
	printf("patches:\n");
	for (unsigned int i = 0; i < nr; i++) {
		unsigned long noff = 0;
		struct section *n = target(d, sec, off + i * sizeof(*patches), &noff);

		printf("  %s -> %s%s\n", sym_name(d, patches[i].symbol),
		       n ? offstr(n, noff) : "(null)",
		       patches[i].flags & KSPLICE_PATCH_FENTRY ? " fentry" : "");
	}
}

/* Sections, and the relocations left to the module loader. */
static void dump_sections(struct dump *d)
{
	struct section *sec;
	struct reloc *r;

	printf("sections:\n");
	for_each_sec(d->elf, sec) {
		const struct special_section *s = find_special_section(sec->name);

		if (!(sec->sh.sh_flags & SHF_ALLOC) || !strncmp(sec->name, ".ksplice.", 9))
			continue;
		if (s && s->entsize)
			printf("  %s: %zu entries\n", sec->name, sec->size / s->entsize);
		else
			printf("  %s\n", sec->name);
	}
	printf("loader relocs:\n");
	for_each_sec(d->elf, sec)
		sec_for_each_reloc(sec, r)
			if (!r->sym->sec)
				printf("  %s %s%+ld\n", offstr(sec, r->offset), r->sym->name,
				       r->addend);
}

int dump_update(const char *path)
{
	struct dump d = { 0 };
	struct symbol *hsym;
	const struct ksplice_header *h;
	const struct ksplice_reloc *relocs;
	const struct ksplice_patch *patches;
	struct section *rsec, *psec;
	unsigned long roff, poff;
	int ret = -1;

	if (!(d.elf = elf_open_read(path)))
		return -1;
	hsym = find_symbol_by_name(d.elf, KSPLICE_HEADER_SYMBOL);
	if (!hsym || !hsym->sec || !hsym->sec->data || hsym->len < sizeof(*h)) {
		ERROR("%s: no %s", path, KSPLICE_HEADER_SYMBOL);
		goto out;
	}
	h = (const void *)(hsym->sec->data + hsym->offset);
	if (h->magic != KSPLICE_ABI_MAGIC || h->version != KSPLICE_ABI_VERSION) {
		ERROR("%s: bad magic or version", path);
		goto out;
	}
#define F(field) hsym->offset + offsetof(struct ksplice_header, field)
	printf("update %s target %s release %s targets %u\n", string(&d, hsym->sec, F(id)),
	       string(&d, hsym->sec, F(target)), string(&d, hsym->sec, F(kernel_release)),
	       h->nr_targets);
	printf("description: %s\n", string(&d, hsym->sec, F(description)));
	d.pre_code = find_section_by_name(d.elf, KSPLICE_SEC_PRE_CODE);
	d.syms = table(&d, hsym->sec, F(symbols), &d.sym_sec, &d.sym_off);
	d.nr_syms = d.syms ? h->nr_symbols : 0;
	d.pre = table(&d, hsym->sec, F(pre), &d.pre_sec, &d.pre_sec_off);
	d.nr_pre = d.pre ? h->nr_pre : 0;
	relocs = table(&d, hsym->sec, F(relocs), &rsec, &roff);
	patches = table(&d, hsym->sec, F(patches), &psec, &poff);
#undef F
	dump_symbols(&d);
	dump_relocs(&d, relocs, rsec, roff, relocs ? h->nr_relocs : 0);
	dump_pre_and_patches(&d, patches, psec, poff, patches ? h->nr_patches : 0);
	dump_sections(&d);
	ret = 0;
out:
	elf_close(d.elf);
	return ret;
}
