// SPDX-License-Identifier: GPL-2.0-only
/*
 * convert.c - where each reference of extracted code goes.
 *
 * A relocation of copied code or data refers to one of:
 *
 *   - something copied into the update (an extracted function, new data,
 *     a string literal or other anonymous constant): it stays an ELF
 *     relocation, against the copy;
 *   - something of the running kernel (any other function, global or
 *     static data, static locals, which keep their state): it becomes a
 *     NEW ksplice relocation that the core fills in at apply time, and
 *     the field is left zero;
 *   - unless the reference sits where the module loader rewrites code or
 *     reads a table at load time (loader sites, special sections): then
 *     it stays an ELF relocation against an exported symbol, and a
 *     reference to an unexported one is an error.
 *
 * Old code (pre sections) keeps no ELF relocation: each one becomes a PRE
 * ksplice relocation that run-pre matching reads.
 */
#include <stdlib.h>
#include <string.h>

#include "../kmodsrc/ksplice-abi.h"
#include "link.h"
#include "special.h"
#include "warn.h"

struct piece {
	struct hnode node;
	struct section *isec, *osec;
	unsigned long ioff, ooff;
};

/* What a reference resolves to. */
struct target {
	bool internal;
	struct symbol *osym;		/* internal: against this output symbol */
	const char *name, *object;	/* kernel: this running-kernel symbol */
	uint32_t flags;
	long addend;
	char anon[512];
};

static uint64_t piece_key(struct section *sec, unsigned long off)
{
	return ((uint64_t)sec->idx << 40) ^ off;
}

int add_piece(struct unit *u, struct section *isec, unsigned long ioff,
	      struct section *osec, unsigned long ooff)
{
	struct piece *p = calloc(1, sizeof(*p));

	if (!p) {
		ERROR_GLIBC("calloc");
		return -1;
	}
	*p = (struct piece){ .isec = isec, .osec = osec, .ioff = ioff, .ooff = ooff };
	htable_add(&u->pieces, &p->node, piece_key(isec, ioff));
	return 0;
}

static struct piece *find_piece(struct unit *u, struct section *isec, unsigned long off)
{
	struct piece *p;

	htable_for_each_entry(&u->pieces, piece_key(isec, off), p, struct piece, node)
		if (p->isec == isec && p->ioff == off)
			return p;
	return NULL;
}

/* Where input (isec, off) of the post object lives in the output. */
bool map_to_out(struct unit *u, struct section *isec, unsigned long off,
		struct section **osec, unsigned long *ooff)
{
	struct symbol *sym = find_symbol_containing(isec, off);
	struct piece *p;

	if (sym && sym->priv) {
		struct symbol *osym = sym->priv;

		*osec = osym->sec;
		*ooff = osym->offset + off - sym->offset;
		return true;
	}
	if (isec->priv) {
		*osec = isec->priv;
		*ooff = off;
		return true;
	}
	if ((p = find_piece(u, isec, off))) {
		*osec = p->osec;
		*ooff = p->ooff;
		return true;
	}
	return false;
}

static uint64_t ksym_key(const char *name, const char *object)
{
	return hash_str(name) * 31 + hash_str(object);
}

/* The index of a running-kernel symbol in the ksplice symbol table. */
long ksym_get(struct link_ctx *ctx, const char *name, const char *object,
	      uint32_t flags)
{
	struct ksym *k;

	htable_for_each_entry(&ctx->ksym_hash, ksym_key(name, object), k, struct ksym, node)
		if (!strcmp(k->name, name) && !strcmp(k->object, object))
			return k->idx;
	if (grow_array((void **)&ctx->ksyms, &ctx->alloc_ksyms, ctx->nr_ksyms + 1,
		       sizeof(k)) ||
	    !(k = calloc(1, sizeof(*k))) || !(k->name = strdup(name))) {
		ERROR_GLIBC("calloc");
		return -1;
	}
	k->object = object;
	k->flags = flags;
	k->idx = ctx->nr_ksyms;
	ctx->ksyms[ctx->nr_ksyms++] = k;
	htable_add(&ctx->ksym_hash, &k->node, ksym_key(name, object));
	return k->idx;
}

static bool is_pcrel(unsigned int type)
{
	return type == R_X86_64_PC32 || type == R_X86_64_PLT32;
}

static int reloc_size(unsigned int type, uint16_t *ktype)
{
	switch (type) {
	case R_X86_64_64:	*ktype = KSPLICE_R_ABS64;  return 8;
	case R_X86_64_PC32:
	case R_X86_64_PLT32:	*ktype = KSPLICE_R_PC32;   return 4;
	case R_X86_64_32:	*ktype = KSPLICE_R_ABS32;  return 4;
	case R_X86_64_32S:	*ktype = KSPLICE_R_ABS32S; return 4;
	/* Only in tables (__jump_table keys), which stay with the loader. */
	case R_X86_64_PC64:	*ktype = 0;		   return 8;
	}
	return -1;
}

static uint32_t sym_flags(struct symbol *sym, unsigned int type)
{
	uint32_t flags = is_local_sym(sym) ? KSPLICE_SYM_LOCAL : 0;

	if (sym->type == STT_FUNC || (sym->sec && is_text_sec(sym->sec)) ||
	    (is_undef_sym(sym) && type == R_X86_64_PLT32))
		return flags | KSPLICE_SYM_FUNC;
	return flags | KSPLICE_SYM_DATA;
}

static bool listed(struct strlist *l, const char *name)
{
	for (unsigned int i = 0; i < l->nr; i++)
		if (!strcmp(l->v[i], name))
			return true;
	return false;
}

/*
 * Data is copied when the update must carry it: new data, entries of
 * sections like __dyndbg that belong to the code using them, and GCC's
 * own constants (__func__.0, CSWTCH.12, function-scope static const),
 * recognisable by the '.' in their names. Everything else, static locals
 * included, is the running kernel's: the update must share its state.
 */
static bool should_copy(struct unit *u, struct symbol *sym)
{
	const struct special_section *s = find_special_section(sym->sec->name);

	if (is_func_sym(sym))
		return false;
	if (s)
		return s->keep == KEEP_REFERENCED;
	if (listed(&u->new_data, sym->name))
		return true;
	return is_local_sym(sym) && !(sym->sec->sh.sh_flags & SHF_WRITE) &&
	       strchr(sym->name, '.');
}

static struct section *out_section_like(struct link_ctx *ctx, struct section *isec,
					bool shared)
{
	struct section *osec = shared ? find_section_by_name(ctx->out, isec->name) : NULL;

	if (osec)
		return osec;
	return elf_create_section(ctx->out, isec->name, isec->sh.sh_type,
				  isec->sh.sh_flags & ~(SHF_GROUP | SHF_INFO_LINK),
				  isec->sh.sh_addralign, isec->sh.sh_entsize);
}

static int copy_section(struct link_ctx *ctx, struct unit *u, struct section *isec)
{
	struct section *osec = out_section_like(ctx, isec, false);

	if (!osec || elf_append_data(osec, isec->data, isec->size, 0) < 0)
		return -1;
	isec->priv = osec;
	dbg("%s: copy section %s (%zu bytes)", u->name, isec->name, isec->size);
	return convert_relocs(ctx, u, isec, 0, isec->size, osec, 0);
}

/*
 * Copy a function or data object of the post object into the output: into
 * @osec, or a section of its own (shared with others of the same name for
 * special sections). Its relocations are converted at once, except for
 * functions: those wait until every extracted function has its copy.
 */
int copy_symbol(struct link_ctx *ctx, struct unit *u, struct symbol *sym,
		struct section *osec)
{
	struct section *isec = sym->sec;
	struct symbol *osym;
	long off;

	if (!osec)
		osec = out_section_like(ctx, isec, find_special_section(isec->name));
	if (!osec)
		return -1;
	off = elf_append_data(osec, isec->data ? isec->data + sym->offset : NULL, sym->len,
			      isec->sh.sh_addralign);
	if (off < 0)
		return -1;
	osym = elf_create_symbol(ctx->out, sym->name, osec, off, sym->len, sym->type,
				 STB_LOCAL);
	if (!osym)
		return -1;
	sym->priv = osym;
	dbg("%s: copy %s %s", u->name, is_func_sym(sym) ? "function" : "data", sym->name);
	if (is_func_sym(sym))
		return 0;
	return convert_relocs(ctx, u, isec, sym->offset, sym->offset + sym->len, osec, off);
}

/*
 * The symbol a section-relative reference points into. A PC-relative field
 * in code is followed by 0 to 4 bytes of immediate, so the target is 4 to
 * 8 bytes past base + addend; the first guess that lands in a symbol wins.
 * With -fdata-sections, a section holding one object is that object.
 */
static struct symbol *find_owner(struct reloc *r, unsigned long *probe)
{
	struct section *sec = r->sym->sec;
	long a = r->sym->offset + r->addend;
	struct symbol *owner = NULL;

	if (is_text_sec(r->sec) && is_pcrel(r->type)) {
		for (int k = 4; k <= 8 && !owner; k++)
			if ((owner = find_symbol_containing(sec, a + k)))
				*probe = a + k;
		if (!owner)
			*probe = a + 4;
	} else {
		*probe = a;
		owner = find_symbol_containing(sec, a);
	}
	/* The end of a function (ORC's terminating entry), if nothing starts there. */
	if (!owner && *probe > 0 && (owner = find_symbol_containing(sec, *probe - 1)) &&
	    *probe != owner->offset + owner->len)
		owner = NULL;
	if (!owner && sec->nr_syms == 1 && sec->syms[0]->offset == 0 &&
	    sec->syms[0]->len == sec->size && sec->size) {
		owner = sec->syms[0];
		*probe = 0;
	}
	return owner;
}

/*
 * A global that another unit of this update adds: a new function (already
 * copied, see extract_unit()) or new data (copied now). The running kernel
 * does not have it, so the reference must stay inside the update.
 */
static int new_in_other_unit(struct link_ctx *ctx, struct unit *u, const char *name,
			     struct symbol **osym)
{
	*osym = NULL;
	for (unsigned int i = 0; i < ctx->nr_units; i++) {
		struct unit *o = &ctx->units[i];
		struct symbol *def;

		if (o == u || !o->post ||
		    !(listed(&o->added, name) || listed(&o->new_data, name)))
			continue;
		def = find_symbol_by_name(o->post, name);
		if (!def || !def->sec || is_undef_sym(def) || is_local_sym(def))
			continue;
		if (!def->priv && copy_symbol(ctx, o, def, NULL))
			return -1;
		*osym = def->priv;
		return 0;
	}
	return 0;
}

static int find_target(struct link_ctx *ctx, struct unit *u, struct reloc *r,
		       struct target *t, bool pre)
{
	struct symbol *s = r->sym, *owner = s;
	unsigned long base = s->offset, probe = 0;
	struct piece *p;

	memset(t, 0, sizeof(*t));
	t->addend = r->addend;
	if (!pre && is_undef_sym(s)) {
		if (new_in_other_unit(ctx, u, s->name, &t->osym))
			return -1;
		if (t->osym) {
			t->internal = true;
			return 0;
		}
	}
	if (is_undef_sym(s) || !s->sec) {
		t->name = s->name;
		t->object = "";
		t->flags = sym_flags(s, r->type);
		return 0;
	}
	if (s->type == STT_SECTION)
		owner = find_owner(r, &probe);
	else
		probe = base + r->addend;
	if (owner && !pre) {
		if (!owner->priv && should_copy(u, owner) && copy_symbol(ctx, u, owner, NULL))
			return -1;
		if (owner->priv) {
			t->internal = true;
			t->osym = owner->priv;
			t->addend = r->addend + base - owner->offset;
			return 0;
		}
	}
	if (owner) {
		t->name = owner->name;
		t->object = u->name;
		t->flags = sym_flags(owner, r->type);
		t->addend = r->addend + base - owner->offset;
		return 0;
	}
	if (pre) {
		/* Anonymous data (string literals) is merged across objects in
		 * the running kernel: name each piece on its own, so that
		 * run-pre matching learns each address separately. */
		snprintf(t->anon, sizeof(t->anon), "%s+0x%lx", s->sec->name, probe);
		t->name = t->anon;
		t->object = u->name;
		t->flags = KSPLICE_SYM_LOCAL |
			   (is_text_sec(s->sec) ? KSPLICE_SYM_FUNC : KSPLICE_SYM_DATA);
		t->addend = r->addend + base - probe;
		return 0;
	}
	if ((p = find_piece(u, s->sec, base + r->addend))) {
		t->internal = true;
		t->osym = p->osec->sym;
		t->addend = p->ooff;
		return 0;
	}
	if (!s->sec->priv) {
		const struct special_section *ss = find_special_section(s->sec->name);

		if (ss && ss->keep != KEEP_REFERENCED) {
			ERROR("%s: %s: refers to %s, which is not carried (%s)", u->name,
			      offstr(r->sec, r->offset), offstr(s->sec, probe), ss->why);
			return -1;
		}
		if (copy_section(ctx, u, s->sec))
			return -1;
	}
	t->internal = true;
	t->osym = ((struct section *)s->sec->priv)->sym;
	return 0;
}

bool is_exported(struct link_ctx *ctx, const char *name)
{
	struct export *e;

	if (!ctx->symvers)
		return true;
	htable_for_each_entry(&ctx->exports, hash_str(name), e, struct export, node)
		if (!strcmp(e->name, name))
			return true;
	return false;
}

static struct symbol *out_undef_symbol(struct link_ctx *ctx, const char *name)
{
	struct symbol *sym = find_symbol_by_name(ctx->out, name);

	if (sym && is_undef_sym(sym) && !sym->sec)
		return sym;
	return elf_create_symbol(ctx->out, name, NULL, 0, 0, STT_NOTYPE, STB_GLOBAL);
}

/*
 * A module may not name an unexported static call key: its site refers to
 * the exported trampoline instead, and static_call_add_module() looks the
 * key up from it (what objtool --module does for modules).
 */
const char *static_call_tramp(struct link_ctx *ctx, const char *name, char *buf,
			      size_t size)
{
	if (strncmp(name, "__SCK__", 7))
		return name;
	snprintf(buf, size, "__SCT__%s", name + 7);
	return is_exported(ctx, buf) ? buf : name;
}

static int add_kreloc(struct link_ctx *ctx, struct section *sec, unsigned long offset,
		      struct target *t, uint16_t ktype, uint16_t kflags)
{
	long idx = ksym_get(ctx, t->name, t->object, t->flags);

	if (idx < 0 || grow_array((void **)&ctx->krelocs, &ctx->alloc_krelocs,
				  ctx->nr_krelocs + 1, sizeof(struct kreloc)))
		return -1;
	ctx->krelocs[ctx->nr_krelocs++] = (struct kreloc){
		.sec = sec, .offset = offset, .addend = t->addend,
		.symbol = idx, .type = ktype, .flags = kflags,
	};
	return 0;
}

/*
 * A loader reference to a symbol the module loader cannot resolve (not
 * exported): with --klp, a livepatch relocation, which the loader of a
 * CONFIG_LIVEPATCH kernel applies before it reads the tables, against
 * ".klp.sym.vmlinux.NAME,0" (klp.c finishes the module). Position 0 asks
 * for the only symbol of that name, so the name must be unique in vmlinux,
 * and the symbol must be vmlinux's: the loader applies only vmlinux's
 * livepatch relocations at load time.
 */
static int klp_reloc(struct link_ctx *ctx, struct unit *u, struct reloc *r,
		     struct section *osec, unsigned long where, const char *loader,
		     struct target *t)
{
	const char *in = offstr(r->sec, r->offset);
	struct symbol *sym;
	char name[600];
	unsigned int n;

	if (!ctx->klp_map) {
		ERROR("%s: %s: %s refers to '%s', which is not exported; the module loader must resolve it there (a kernel with CONFIG_LIVEPATCH could, through a livepatch relocation)",
		      u->name, in, loader, t->name);
		return -1;
	}
	if (strcmp(ctx->target, "vmlinux") && (t->flags & KSPLICE_SYM_LOCAL)) {
		ERROR("%s: %s: %s refers to '%s' of module '%s', which is not exported; the module loader cannot resolve it there",
		      u->name, in, loader, t->name, ctx->target);
		return -1;
	}
	n = vmlinux_count(ctx, t->name);
	if (n != 1) {
		ERROR("%s: %s: %s refers to '%s', which is not exported and %s; the module loader cannot resolve it there",
		      u->name, in, loader, t->name,
		      n ? "names several symbols of vmlinux" : "not a symbol of vmlinux");
		return -1;
	}
	snprintf(name, sizeof(name), ".klp.sym.vmlinux.%s,0", t->name);
	sym = out_undef_symbol(ctx, name);
	dbg("%s: %s: livepatch relocation to '%s'", u->name, in, t->name);
	return sym && elf_create_reloc(osec, where, r->type, sym, t->addend) ? 0 : -1;
}

/*
 * @loader names the special section that makes this a loader reference
 * (the entry's own section, or the site table listing the code), or NULL.
 */
static int convert_one(struct link_ctx *ctx, struct unit *u, struct reloc *r,
		       struct section *osec, unsigned long where, const char *loader)
{
	struct target t;
	uint16_t ktype;
	int size = reloc_size(r->type, &ktype);

	if (r->type == R_X86_64_NONE)
		return 0;
	if (size < 0) {
		ERROR("%s: %s: unsupported relocation type %u", u->name,
		      offstr(r->sec, r->offset), r->type);
		return -1;
	}
	if (find_target(ctx, u, r, &t, false))
		return -1;
	if (t.internal)
		return elf_create_reloc(osec, where, r->type, t.osym, t.addend) ? 0 : -1;
	if (loader) {
		struct symbol *sym;

		if (!(t.flags & KSPLICE_SYM_LOCAL) && !is_exported(ctx, t.name))
			t.name = static_call_tramp(ctx, t.name, t.anon, sizeof(t.anon));
		if ((t.flags & KSPLICE_SYM_LOCAL) || !is_exported(ctx, t.name))
			return klp_reloc(ctx, u, r, osec, where, loader, &t);
		sym = out_undef_symbol(ctx, t.name);
		return sym && elf_create_reloc(osec, where, r->type, sym, t.addend) ? 0 : -1;
	}
	if (!ktype) {
		ERROR("%s: %s: relocation type %u to '%s' needs the module loader", u->name,
		      offstr(r->sec, r->offset), r->type, t.name);
		return -1;
	}
	memset(osec->data + where, 0, size);
	return add_kreloc(ctx, osec, where, &t, ktype, KSPLICE_RELOC_NEW);
}

static const char *is_site(struct unit *u, struct section *isec, unsigned long off);

/* Convert the relocations of input [start, end) copied to (osec, ooff). */
int convert_relocs(struct link_ctx *ctx, struct unit *u, struct section *isec,
		   unsigned long start, unsigned long end, struct section *osec,
		   unsigned long ooff)
{
	const char *loader_sec = find_special_section(osec->name) ? osec->name : NULL;
	struct reloc *r;

	sec_for_each_reloc(isec, r) {
		if (r->offset < start || r->offset >= end)
			continue;
		if (convert_one(ctx, u, r, osec, ooff + r->offset - start,
				loader_sec ? loader_sec : is_site(u, isec, r->offset)))
			return -1;
	}
	return 0;
}

struct site {
	struct hnode node;
	struct section *sec;
	unsigned long off;
	const char *table;		/* the section listing the site */
};

/* The table listing (isec, off) as a loader site, or NULL. */
static const char *is_site(struct unit *u, struct section *isec, unsigned long off)
{
	struct site *s;

	htable_for_each_entry(&u->sites, piece_key(isec, off), s, struct site, node)
		if (s->sec == isec && s->off == off)
			return s->table;
	return NULL;
}

int add_site(struct unit *u, struct section *isec, unsigned long off, unsigned int len,
	     const char *table)
{
	for (unsigned int i = 0; i < len; i++) {
		struct site *s = calloc(1, sizeof(*s));

		if (!s) {
			ERROR_GLIBC("calloc");
			return -1;
		}
		s->sec = isec;
		s->off = off + i;
		s->table = table;
		htable_add(&u->sites, &s->node, piece_key(isec, off + i));
	}
	return 0;
}

/* The relocations of old function @func, copied to .ksplice.pre_code+ooff. */
int convert_pre_relocs(struct link_ctx *ctx, struct unit *u, struct symbol *func,
		       unsigned long ooff)
{
	struct reloc *r;
	struct target t;
	uint16_t ktype;

	sec_for_each_reloc(func->sec, r) {
		int size;
		unsigned long where;

		if (r->offset < func->offset || r->offset >= func->offset + func->len)
			continue;
		if (r->type == R_X86_64_NONE)
			continue;
		if ((size = reloc_size(r->type, &ktype)) < 0 || !ktype) {
			ERROR("%s: %s: unsupported relocation type %u", u->pre_path,
			      offstr(r->sec, r->offset), r->type);
			return -1;
		}
		if (find_target(ctx, u, r, &t, true))
			return -1;
		where = ooff + r->offset - func->offset;
		memset(ctx->pre_code->data + where, 0, size);
		if (add_kreloc(ctx, ctx->pre_code, where, &t, ktype, KSPLICE_RELOC_PRE))
			return -1;
	}
	return 0;
}
