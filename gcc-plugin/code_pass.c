// SPDX-License-Identifier: GPL-2.0-only
/*
 * code_pass.c: "ksplice_code", the late RTL pass that takes each
 * function's hash and records its metadata.
 *
 * It runs right after "final", which has just written the function's
 * assembly: the insn chain is still there (pass "dfinish" frees it), and
 * is exactly what was emitted, after inlining, IPA clones, register
 * allocation, scheduling and final's own splitting. Sections are settled
 * too: final called resolve_unique_section() and set
 * first_function_block_is_cold, so function_section() now names the
 * section the function went to. The pass only reads.
 *
 * With -freorder-blocks-and-partition final switches to the cold section
 * at NOTE_INSN_SWITCH_TEXT_SECTIONS and emits the label "foo.cold" there;
 * insns after the note are hashed as a separate function foo.cold.
 */
#include "ksplice.h"

struct code_ctx {
	struct ks_hash hs[2];		/* 0: function, 1: its .cold part */
	struct ks_strv refs[2];
	int part;
	int line;			/* line of the insn being hashed */
	int asm_line;			/* line of the asm being hashed */
	hash_map<int_hash<unsigned int, 0u, ~0u>, unsigned int> labels;
	unsigned int nr_labels;
};

static void hash_rtx(struct code_ctx *c, const_rtx x);

static void hash_label(struct code_ctx *c, const_rtx label)
{
	bool existed;
	unsigned int &ord = c->labels.get_or_insert(
		(unsigned int)CODE_LABEL_NUMBER(label) + 1, &existed);

	if (!existed)
		ord = ++c->nr_labels;
	ks_hash_u64(&c->hs[c->part], KS_T_LABEL);
	ks_hash_u64(&c->hs[c->part], ord);
}

/*
 * Symbols count by normalised name. String literals and other tree
 * constants are emitted by varasm as .LC<n> (TREE_CONSTANT_POOL_ADDRESS_P,
 * with an artificial VAR_DECL whose DECL_INITIAL is the constant), and RTL
 * constant-pool entries as .LC<n> too (CONSTANT_POOL_ADDRESS_P): both hash
 * by contents, since <n> depends on everything compiled before.
 */
static void hash_symbol_ref(struct code_ctx *c, const_rtx x)
{
	struct ks_hash *hs = &c->hs[c->part];
	const char *name = XSTR(x, 0);
	tree decl;
	char *norm;

	if (CONSTANT_POOL_ADDRESS_P(x)) {
		ks_hash_u64(hs, KS_T_POOL);
		ks_hash_u64(hs, get_pool_mode(x));
		hash_rtx(c, get_pool_constant(x));
		return;
	}
	decl = SYMBOL_REF_DECL(x);
	if (TREE_CONSTANT_POOL_ADDRESS_P(x) && decl) {
		struct ks_tree_ctx tc = { hs, 0, NULL, 0 };

		ks_hash_u64(hs, KS_T_POOL);
		ks_hash_tree(&tc, DECL_P(decl) ? DECL_INITIAL(decl) : decl);
		return;
	}
	norm = ks_normalise(name);
	ks_hash_u64(hs, KS_T_SYM);
	ks_hash_str(hs, norm);
	ks_strv_add(&c->refs[c->part], norm);
	free(norm);
}

/*
 * A constant can be __LINE__ only where it is a value: the source of a
 * move (an argument, a store) or an asm operand; never an address offset,
 * an arithmetic operand or a comparison. Elsewhere it hashes as itself.
 */
static void hash_value(struct code_ctx *c, const_rtx x)
{
	struct ks_hash *hs = &c->hs[c->part];
	HOST_WIDE_INT v;

	if (!CONST_INT_P(x)) {
		hash_rtx(c, x);
		return;
	}
	v = INTVAL(x);
	ks_hash_u64(hs, KS_T_RTX);
	ks_hash_u64(hs, CONST_INT);
	ks_hash_int(hs, v == c->asm_line ? c->asm_line : c->line, v);
}

/*
 * The kernel's annotate_unreachable() and instrumentation_begin() make
 * each asm unique with a __COUNTER__ label: "123:\n\t... .long 123b - ."
 * with "i" (123). The counter moves whenever code earlier in the file adds
 * or drops such a macro, but only names a local label. So a template that
 * starts with "<n>:" hashes with every <n> in it replaced by '#', and an
 * operand equal to <n> hashes as that placeholder.
 */
static HOST_WIDE_INT counter_label(const char *tmpl)
{
	HOST_WIDE_INT v = 0;
	const char *p = tmpl;

	while (ISDIGIT(*p) && v < 100000000)
		v = v * 10 + (*p++ - '0');
	return p != tmpl && *p == ':' ? v : -1;
}

static void hash_template(struct ks_hash *hs, const char *tmpl, HOST_WIDE_INT label)
{
	char num[24], *out, *o;
	size_t n;

	if (label < 0) {
		ks_hash_str(hs, tmpl);
		return;
	}
	n = snprintf(num, sizeof(num), "%ld", (long)label);
	o = out = XNEWVEC(char, strlen(tmpl) + 1);
	for (const char *p = tmpl; *p; ) {
		bool edge = p == tmpl || !ISDIGIT(p[-1]);

		if (edge && !strncmp(p, num, n) && !ISDIGIT(p[n])) {
			*o++ = '#';
			p += n;
		} else {
			*o++ = *p++;
		}
	}
	*o = 0;
	ks_hash_str(hs, out);
	free(out);
}

/* Inline asm: template, constraints and operands; not its location. */
static void hash_asm_operands(struct code_ctx *c, const_rtx x)
{
	struct ks_hash *hs = &c->hs[c->part];
	int saved = c->asm_line;
	HOST_WIDE_INT label = counter_label(ASM_OPERANDS_TEMPLATE(x));

	c->asm_line = ks_line_of(ASM_OPERANDS_SOURCE_LOCATION(x));
	ks_hash_u64(hs, KS_T_ASM);
	hash_template(hs, ASM_OPERANDS_TEMPLATE(x), label);
	ks_hash_str(hs, ASM_OPERANDS_OUTPUT_CONSTRAINT(x));
	ks_hash_u64(hs, ASM_OPERANDS_OUTPUT_IDX(x));
	ks_hash_u64(hs, ASM_OPERANDS_INPUT_LENGTH(x));
	for (int i = 0; i < ASM_OPERANDS_INPUT_LENGTH(x); i++) {
		ks_hash_str(hs, ASM_OPERANDS_INPUT_CONSTRAINT(x, i));
		ks_hash_u64(hs, GET_MODE(ASM_OPERANDS_INPUT_CONSTRAINT_EXP(x, i)));
		if (label >= 0 && CONST_INT_P(ASM_OPERANDS_INPUT(x, i)) &&
		    INTVAL(ASM_OPERANDS_INPUT(x, i)) == label)
			ks_hash_u64(hs, '#');
		else
			hash_value(c, ASM_OPERANDS_INPUT(x, i));
	}
	ks_hash_u64(hs, ASM_OPERANDS_LABEL_LENGTH(x));
	for (int i = 0; i < ASM_OPERANDS_LABEL_LENGTH(x); i++)
		hash_rtx(c, ASM_OPERANDS_LABEL(x, i));
	c->asm_line = saved;
}

/* Any other rtx: walk its format; skip ids, locations, trees and blocks. */
static void hash_generic(struct code_ctx *c, const_rtx x)
{
	struct ks_hash *hs = &c->hs[c->part];
	const char *fmt = GET_RTX_FORMAT(GET_CODE(x));

	for (int i = 0; fmt[i]; i++) {
		switch (fmt[i]) {
		case 'e':
			hash_rtx(c, XEXP(x, i));
			break;
		case 'E':
		case 'V':
			ks_hash_u64(hs, XVEC(x, i) ? XVECLEN(x, i) : 0);
			for (int j = 0; XVEC(x, i) && j < XVECLEN(x, i); j++)
				hash_rtx(c, XVECEXP(x, i, j));
			break;
		case 'i':
		case 'n':
			ks_hash_u64(hs, (uint64_t)XINT(x, i));
			break;
		case 'w':
			ks_hash_u64(hs, (uint64_t)XWINT(x, i));
			break;
		case 's':
			ks_hash_str(hs, XSTR(x, i));
			break;
		case 'p':
			ks_hash_u64(hs, SUBREG_BYTE(x).coeffs[0]);
			break;
		case 'u':
			if (XEXP(x, i) && LABEL_P(XEXP(x, i)))
				hash_label(c, XEXP(x, i));
			break;
		default:	/* '0', 't', 'B', 'r' (REG is done apart) */
			break;
		}
	}
}

static void hash_rtx(struct code_ctx *c, const_rtx x)
{
	struct ks_hash *hs = &c->hs[c->part];

	if (!x) {
		ks_hash_u64(hs, KS_T_NULL);
		return;
	}
	ks_hash_u64(hs, KS_T_RTX);
	ks_hash_u64(hs, GET_CODE(x));
	ks_hash_u64(hs, GET_MODE(x));
	switch (GET_CODE(x)) {
	case CONST_INT:
		ks_hash_u64(hs, (uint64_t)INTVAL(x));
		return;
	case SET:
		hash_rtx(c, SET_DEST(x));
		hash_value(c, SET_SRC(x));
		return;
	case SYMBOL_REF:
		hash_symbol_ref(c, x);
		return;
	case LABEL_REF:
		hash_label(c, label_ref_label(x));
		return;
	case CODE_LABEL:
		hash_label(c, x);
		return;
	case REG:
		ks_hash_u64(hs, REGNO(x));
		return;
	case MEM:
		ks_hash_u64(hs, MEM_ADDR_SPACE(x));
		hash_rtx(c, XEXP(x, 0));
		return;
	case CONST_DOUBLE:
		if (GET_MODE(x) != VOIDmode) {
			long buf[4] = { 0, 0, 0, 0 };

			real_to_target(buf, CONST_DOUBLE_REAL_VALUE(x), GET_MODE(x));
			ks_hash_bytes(hs, buf, sizeof(buf));
			return;
		}
		ks_hash_u64(hs, CONST_DOUBLE_LOW(x));
		ks_hash_u64(hs, CONST_DOUBLE_HIGH(x));
		return;
	case CONST_WIDE_INT:
		for (int i = 0; i < CONST_WIDE_INT_NUNITS(x); i++)
			ks_hash_u64(hs, CONST_WIDE_INT_ELT(x, i));
		return;
	case CONST_FIXED:
		ks_hash_u64(hs, CONST_FIXED_VALUE_LOW(x));
		ks_hash_u64(hs, CONST_FIXED_VALUE_HIGH(x));
		return;
	case ASM_OPERANDS:
		hash_asm_operands(c, x);
		return;
	case ASM_INPUT:
		ks_hash_str(hs, XSTR(x, 0));
		return;
	default:
		hash_generic(c, x);
		return;
	}
}

/* Loop and jump-target alignment is padding in the code, so it counts. */
static void hash_code_label(struct code_ctx *c, rtx_insn *label)
{
	hash_label(c, label);
	if (CODE_LABEL_NUMBER(label) >= (int)get_first_label_num() &&
	    CODE_LABEL_NUMBER(label) <= max_label_num())
		ks_hash_u64(&c->hs[c->part], label_to_alignment(label).levels[0].log);
}

static void hash_insns(struct code_ctx *c, bool split_cold)
{
	for (rtx_insn *insn = get_insns(); insn; insn = NEXT_INSN(insn)) {
		if (NOTE_P(insn)) {
			if (split_cold &&
			    NOTE_KIND(insn) == NOTE_INSN_SWITCH_TEXT_SECTIONS)
				c->part ^= 1;
			continue;
		}
		if (LABEL_P(insn)) {
			hash_code_label(c, insn);
			continue;
		}
		if (!INSN_P(insn) && !JUMP_TABLE_DATA_P(insn))
			continue;
		if (DEBUG_INSN_P(insn) || insn->deleted())
			continue;
		ks_hash_u64(&c->hs[c->part], KS_T_INSN);
		ks_hash_u64(&c->hs[c->part], GET_CODE(insn));
		if (CALL_P(insn))
			ks_hash_u64(&c->hs[c->part], SIBLING_CALL_P(insn));
		c->line = INSN_P(insn) ? ks_line_of(INSN_LOCATION(insn)) : 0;
		hash_rtx(c, PATTERN(insn));
	}
}

static void add_inlined(struct ks_func *f, tree origin)
{
	struct ks_inlined *in;

	for (size_t i = 0; i < f->nr_inlined; i++)
		if (f->inlined[i].uid == DECL_UID(origin))
			return;
	f->inlined = XRESIZEVEC(struct ks_inlined, f->inlined, f->nr_inlined + 1);
	in = &f->inlined[f->nr_inlined++];
	in->uid = DECL_UID(origin);
	in->name = ks_normalise(ks_asm_name(origin));
}

/*
 * The inliner wraps each inlined body in a BLOCK whose abstract origin is
 * the callee's FUNCTION_DECL. Without -g, GCC prunes such blocks once no
 * variable lives in them, but keeps every block an insn's location still
 * points into; so look at both the BLOCK tree and the insn locations.
 */
static void collect_blocks(struct ks_func *f, tree block)
{
	for (; block; block = BLOCK_CHAIN(block)) {
		tree origin = block_ultimate_origin(block);

		if (origin && TREE_CODE(origin) == FUNCTION_DECL)
			add_inlined(f, origin);
		collect_blocks(f, BLOCK_SUBBLOCKS(block));
	}
}

static void collect_inlined(struct ks_func *f)
{
	tree top = DECL_INITIAL(current_function_decl);

	if (top && TREE_CODE(top) == BLOCK)
		collect_blocks(f, BLOCK_SUBBLOCKS(top));
	for (rtx_insn *insn = get_insns(); insn; insn = NEXT_INSN(insn)) {
		if (!NONDEBUG_INSN_P(insn) || !INSN_HAS_LOCATION(insn))
			continue;
		for (tree b = LOCATION_BLOCK(INSN_LOCATION(insn));
		     b && TREE_CODE(b) == BLOCK; b = BLOCK_SUPERCONTEXT(b)) {
			tree origin = block_ultimate_origin(b);

			if (origin && TREE_CODE(origin) == FUNCTION_DECL &&
			    origin != current_function_decl)
				add_inlined(f, origin);
		}
	}
}

static const char *linkage_of(tree decl)
{
	if (!TREE_PUBLIC(decl))
		return "local";
	return DECL_WEAK(decl) ? "weak" : "global";
}

static const char *visibility_of(tree decl)
{
	switch (DECL_VISIBILITY(decl)) {
	case VISIBILITY_PROTECTED:
		return "protected";
	case VISIBILITY_HIDDEN:
		return "hidden";
	case VISIBILITY_INTERNAL:
		return "internal";
	default:
		return "default";
	}
}

/*
 * The function a clone came from. IPA clones keep it in cgraph's
 * former_clone_of; a split part (.part) in DECL_ABSTRACT_ORIGIN.
 */
static tree clone_origin(tree decl)
{
	cgraph_node *node = cgraph_node::get(decl);

	while (node && node->former_clone_of && node->former_clone_of != decl) {
		decl = node->former_clone_of;
		node = cgraph_node::get(decl);
	}
	if (DECL_ABSTRACT_ORIGIN(decl) && DECL_ABSTRACT_ORIGIN(decl) != decl)
		decl = DECL_ABSTRACT_ORIGIN(decl);
	return decl;
}

static char *clone_origin_name(tree decl, const char *name)
{
	tree origin = clone_origin(decl);
	const char *dot;

	if (origin != decl)
		return xstrdup(ks_asm_name(origin));
	dot = strchr(name, '.');
	return dot ? xstrndup(name, dot - name) : xstrdup(name);
}

static void fill_func(struct ks_func *f, tree decl, const char *name)
{
	expanded_location loc = expand_location(DECL_SOURCE_LOCATION(decl));

	f->name = xstrdup(name);
	f->linkage = linkage_of(decl);
	f->visibility = visibility_of(decl);
	f->file = xstrdup(loc.file ? loc.file : "");
	f->line = loc.line;
	f->notrace = lookup_attribute("no_instrument_function",
				      DECL_ATTRIBUTES(decl)) != NULL;
}

static void set_section(struct ks_func *f, const char *sec)
{
	f->section = xstrdup(sec);
	f->init = startswith(sec, ".init.text");
	f->exit = startswith(sec, ".exit.text");
}

static unsigned int code_execute(function *fun)
{
	tree decl = fun->decl;
	const char *name = ks_asm_name(decl);
	bool split = crtl->has_bb_partition && !first_function_block_is_cold;
	struct code_ctx c;
	struct ks_func *f, *cold;

	ks_hash_init(&c.hs[0]);
	ks_hash_init(&c.hs[1]);
	memset(c.refs, 0, sizeof(c.refs));
	c.part = 0;
	c.line = c.asm_line = 0;
	c.nr_labels = 0;
	ks_hash_u64(&c.hs[0], KS_T_FENTRY);
	ks_hash_u64(&c.hs[0], crtl->profile);
	hash_insns(&c, split);

	f = ks_new_func(&ks_unit);
	fill_func(f, decl, name);
	f->uid = DECL_UID(clone_origin(decl));
	f->hash = ks_hash_final(&c.hs[0]);
	f->refs = c.refs[0];
	f->fentry = crtl->profile;
	set_section(f, ks_section_name(function_section(decl)));
	f->clone_kind = ks_clone_kind(name);
	f->clone_of = f->clone_kind ? clone_origin_name(decl, name) : NULL;
	collect_inlined(f);
	if (!split)
		return 0;

	cold = ks_new_func(&ks_unit);
	fill_func(cold, decl, ACONCAT((name, ".cold", NULL)));
	cold->uid = 0;
	cold->linkage = "local";	/* final emits foo.cold as a local label */
	cold->visibility = "default";
	cold->hash = ks_hash_final(&c.hs[1]);
	cold->refs = c.refs[1];
	set_section(cold, ks_section_name(unlikely_text_section()));
	cold->clone_kind = ks_clone_kind(cold->name);
	cold->clone_of = xstrdup(name);
	return 0;
}

static const pass_data code_pass_data = {
	RTL_PASS,		/* type */
	"ksplice_code",		/* name */
	OPTGROUP_NONE,		/* optinfo_flags */
	TV_NONE,		/* tv_id */
	0,			/* properties_required */
	0,			/* properties_provided */
	0,			/* properties_destroyed */
	0,			/* todo_flags_start */
	0,			/* todo_flags_finish */
};

class code_pass : public rtl_opt_pass {
public:
	code_pass() : rtl_opt_pass(code_pass_data, g) {}
	unsigned int execute(function *fun) final override
	{
		return code_execute(fun);
	}
	opt_pass *clone() final override
	{
		return this;
	}
};

opt_pass *ks_make_code_pass(void)
{
	return new code_pass();
}
