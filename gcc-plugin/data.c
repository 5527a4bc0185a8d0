// SPDX-License-Identifier: GPL-2.0-only
/*
 * data.c: the data objects of the unit, read from the varpool once the
 * unit is compiled (PLUGIN_FINISH_UNIT: every variable GCC emitted has
 * TREE_ASM_WRITTEN set, and the assembly file is still open, untouched).
 *
 * The section comes from get_variable_section(), the same function
 * assemble_variable() used to choose it; asking again only looks it up.
 */
#include "ksplice.h"

/* The name of an output section, named or one of varasm's unnamed ones. */
const char *ks_section_name(section *s)
{
	if (!s)
		return "";
	if (s->common.flags & SECTION_NAMED)
		return s->named.name;
	if (s == text_section)
		return ".text";
	if (s == data_section)
		return ".data";
	if (s == readonly_data_section)
		return ".rodata";
	if (s == tls_comm_section)
		return ".tbss";
	/* lcomm, comm and ELF's bss_noswitch: emitted straight into .bss */
	if (s == bss_section || (s->common.flags & SECTION_NOSWITCH))
		return ".bss";
	return "";
}

static const char *linkage_of(tree decl)
{
	if (!TREE_PUBLIC(decl))
		return "local";
	return DECL_WEAK(decl) ? "weak" : "global";
}

/*
 * Size and initializer; symbols by normalised name, strings by contents.
 * An integer equal to the line of the declaration hashes as __LINE__
 * (dynamic-debug and printk-index descriptors are static locals declared
 * by a macro on the line that uses it).
 */
static uint64_t init_hash(tree decl, uint64_t size)
{
	struct ks_hash hs;
	struct ks_tree_ctx c = { &hs, 0, NULL, 0 };
	tree init = DECL_INITIAL(decl);

	ks_hash_init(&hs);
	ks_hash_u64(&hs, size);
	c.line = ks_line_of(DECL_SOURCE_LOCATION(decl));
	if (init && init != error_mark_node && !initializer_zerop(init))
		ks_hash_tree(&c, init);
	return ks_hash_final(&hs);
}

static void add_var(struct ks_unit *u, varpool_node *node)
{
	tree decl = node->decl;
	section *sect = get_variable_section(decl, false);
	struct ks_data *d = ks_new_data(u);
	tree ctx = DECL_CONTEXT(decl);

	d->name = xstrdup(ks_asm_name(decl));
	d->linkage = linkage_of(decl);
	d->section = xstrdup(ks_section_name(sect));
	d->size = DECL_SIZE_UNIT(decl) && tree_fits_uhwi_p(DECL_SIZE_UNIT(decl)) ?
		  tree_to_uhwi(DECL_SIZE_UNIT(decl)) : 0;
	d->readonly = sect && !(sect->common.flags & (SECTION_WRITE | SECTION_BSS));
	d->owner = ctx && TREE_CODE(ctx) == FUNCTION_DECL ?
		   xstrdup(ks_asm_name(ctx)) : NULL;
	d->init_hash = init_hash(decl, d->size);
}

void ks_collect_data(struct ks_unit *u)
{
	varpool_node *node;

	FOR_EACH_VARIABLE(node) {
		tree decl = node->decl;

		if (!node->definition || node->alias || DECL_EXTERNAL(decl) ||
		    !TREE_ASM_WRITTEN(decl) || DECL_HARD_REGISTER(decl))
			continue;
		add_var(u, node);
	}
}
