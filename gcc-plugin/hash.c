// SPDX-License-Identifier: GPL-2.0-only
/*
 * hash.c: the hasher, symbol-name normalisation, and the tree hasher that
 * the early (GIMPLE) pass and the data collector share.
 *
 * The hash (ksplice.h) absorbs tokens, each a tag followed by its
 * operands. It is not cryptographic: it tells two builds of the same
 * function apart, nobody chooses its inputs to collide.
 */
#include "ksplice.h"

/*
 * Bytes: the length, then eight bytes per token in host order, the last
 * one zero-padded (the length tells "a" from "a\0").
 */
void ks_hash_bytes(struct ks_hash *hs, const void *p, size_t n)
{
	const unsigned char *b = (const unsigned char *)p;
	uint64_t w;

	ks_hash_u64(hs, n);
	for (; n >= 8; n -= 8, b += 8) {
		memcpy(&w, b, 8);
		ks_hash_u64(hs, w);
	}
	if (n) {
		w = 0;
		memcpy(&w, b, n);
		ks_hash_u64(hs, w);
	}
}

void ks_hash_str(struct ks_hash *hs, const char *s)
{
	ks_hash_bytes(hs, s, s ? strlen(s) : 0);
}

uint64_t ks_hash_final(const struct ks_hash *hs)
{
	uint64_t h = hs->h;

	h ^= h >> 33;
	h *= 0xff51afd7ed558ccdULL;
	h ^= h >> 33;
	h *= 0xc4ceb9fe1a85ec53ULL;
	h ^= h >> 33;
	return h;
}

/*
 * A hash as the sidecar writes it: the 8 bytes big-endian in base64url
 * (RFC 4648 section 5) without padding, 11 characters.
 */
void ks_hash_text(uint64_t v, char out[KS_HASH_TEXT])
{
	static const char digits[] =
		"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

	for (int i = 0; i < 10; i++)
		out[i] = digits[(v >> (58 - 6 * i)) & 63];
	out[10] = digits[(v << 2) & 63];
	out[11] = 0;
}

/* The assembler name; a leading '*' only tells GCC not to add a prefix. */
const char *ks_asm_name(tree decl)
{
	const char *s;

	if (!HAS_DECL_ASSEMBLER_NAME_P(decl) || !DECL_ASSEMBLER_NAME_SET_P(decl)) {
		if (!DECL_NAME(decl))
			return "";
		return IDENTIFIER_POINTER(DECL_NAME(decl));
	}
	s = IDENTIFIER_POINTER(DECL_ASSEMBLER_NAME_RAW(decl));
	return s[0] == '*' ? s + 1 : s;
}

static bool all_digits(const char *s, size_t n)
{
	if (!n)
		return false;
	for (size_t i = 0; i < n; i++)
		if (!ISDIGIT(s[i]))
			return false;
	return true;
}

/* Skip "<digits>_" at s; returns the length, or 0 if s does not start so. */
static size_t digits_us(const char *s)
{
	size_t i = 0;

	while (ISDIGIT(s[i]))
		i++;
	return i && s[i] == '_' ? i + 1 : 0;
}

/*
 * Normalise a symbol name (docs/sidecar-format.md): drop all-digit
 * dot-components, the counter of __UNIQUE_ID_ names, and the counter and
 * line of initcall entries.
 */
char *ks_normalise(const char *name)
{
	static const char initcall[] = "__initcall__kmod_";
	size_t len = strlen(name);
	char *out = XNEWVEC(char, len + 1);
	const char *p = name, *end;
	char *o = out;

	if (*p == '*')
		p++;
	end = strchr(p, '.');
	if (!end)
		end = p + strlen(p);
	if (!strncmp(p, initcall, sizeof(initcall) - 1)) {
		const char *sep = strstr(p + sizeof(initcall) - 1, "__");
		size_t a = sep && sep < end ? digits_us(sep + 2) : 0;
		size_t b = a ? digits_us(sep + 2 + a) : 0;

		if (a && b) {
			memcpy(o, p, sep + 2 - p);
			o += sep + 2 - p;
			p = sep + 2 + a + b;
		}
	}
	if (!strncmp(p, "__UNIQUE_ID_", 12)) {
		const char *q = end;

		while (q > p + 12 && ISDIGIT(q[-1]))
			q--;
		memcpy(o, p, q - p);
		o += q - p;
	} else {
		memcpy(o, p, end - p);
		o += end - p;
	}
	p = end;
	while (*p == '.') {
		const char *c = p + 1;

		end = strchr(c, '.');
		if (!end)
			end = c + strlen(c);
		if (!all_digits(c, end - c)) {
			memcpy(o, p, end - p);
			o += end - p;
		}
		p = end;
	}
	*o = 0;
	return out;
}

/*
 * The clone suffixes of a name in order, numbers dropped ("constprop.isra"),
 * or NULL if it has none. Only GCC's own clone suffixes count.
 */
char *ks_clone_kind(const char *name)
{
	static const char *const kinds[] = {
		"isra", "constprop", "part", "cold", "specialized", NULL
	};
	char *norm = ks_normalise(name);
	char *out = XNEWVEC(char, strlen(norm) + 1);
	char *dot = strchr(norm, '.');

	out[0] = 0;
	while (dot) {
		char *c = dot + 1, *next = strchr(c, '.');

		if (next)
			*next = 0;
		for (int i = 0; kinds[i]; i++) {
			if (!strcmp(c, kinds[i])) {
				if (out[0])
					strcat(out, ".");
				strcat(out, c);
			}
		}
		dot = next;
	}
	free(norm);
	if (!out[0]) {
		free(out);
		return NULL;
	}
	return out;
}

/*
 * The line a __LINE__ in the statement at loc would have, or 0 if the
 * statement does not come from a macro expansion. Inside a macro, __LINE__
 * expands to the line of the outermost macro's use, and expand_location()
 * resolves a virtual location to that same expansion point, so the two can
 * be compared. Outside macros the coincidence of a constant and its line
 * is too common to take (f(x, 3) on line 3), so only macro-expanded
 * statements count: WARN_ON, BUG_ON, might_sleep, printk and pr_* all are.
 */
int ks_line_of(location_t loc)
{
	loc = LOCATION_LOCUS(loc);
	if (loc == UNKNOWN_LOCATION || loc == BUILTINS_LOCATION ||
	    !linemap_location_from_macro_expansion_p(line_table, loc))
		return 0;
	return expand_location(loc).line;
}

void ks_hash_int(struct ks_hash *hs, int line, HOST_WIDE_INT v)
{
	if (line > 0 && v == line) {
		ks_hash_u64(hs, KS_T_LINE);
		return;
	}
	ks_hash_u64(hs, KS_T_INT);
	ks_hash_u64(hs, (uint64_t)v);
}

static void hash_type_1(struct ks_hash *hs, tree type, bool size)
{
	ks_hash_u64(hs, KS_T_TYPE);
	if (!type || !TYPE_P(type)) {
		ks_hash_u64(hs, 0);
		return;
	}
	ks_hash_u64(hs, TREE_CODE(type));
	ks_hash_u64(hs, size ? TYPE_MODE_RAW(type) : 0);
	ks_hash_u64(hs, TYPE_UNSIGNED(type));
	if (INTEGRAL_TYPE_P(type) || POINTER_TYPE_P(type))
		ks_hash_u64(hs, TYPE_PRECISION(type));
	if (size && TYPE_SIZE(type) && tree_fits_uhwi_p(TYPE_SIZE(type)))
		ks_hash_u64(hs, tree_to_uhwi(TYPE_SIZE(type)));
	ks_hash_u64(hs, size ? TYPE_ALIGN(type) : 0);
	ks_hash_u64(hs, TYPE_VOLATILE(type));
}

static void hash_type(struct ks_hash *hs, tree type)
{
	hash_type_1(hs, type, true);
}

static void hash_local(struct ks_tree_ctx *c, unsigned int key)
{
	bool existed;
	unsigned int &ord = c->locals->get_or_insert(key + 1, &existed);

	if (!existed)
		ord = ++c->nr_locals;
	ks_hash_u64(c->hs, KS_T_LOCAL);
	ks_hash_u64(c->hs, ord);
}

static void hash_symbol(struct ks_hash *hs, tree decl)
{
	char *n = ks_normalise(ks_asm_name(decl));

	ks_hash_u64(hs, KS_T_SYM);
	ks_hash_str(hs, n);
	free(n);
}

static void hash_decl(struct ks_tree_ctx *c, tree t)
{
	switch (TREE_CODE(t)) {
	case FUNCTION_DECL:
		hash_symbol(c->hs, t);
		return;
	case VAR_DECL:
		if (TREE_STATIC(t) || DECL_EXTERNAL(t)) {
			hash_symbol(c->hs, t);
			return;
		}
		break;
	case FIELD_DECL:
		ks_hash_u64(c->hs, KS_T_FIELD);
		if (tree_fits_shwi_p(bit_position(t)))
			ks_hash_u64(c->hs, int_bit_position(t));
		if (DECL_SIZE(t) && tree_fits_uhwi_p(DECL_SIZE(t)))
			ks_hash_u64(c->hs, tree_to_uhwi(DECL_SIZE(t)));
		ks_hash_u64(c->hs, DECL_BIT_FIELD(t));
		hash_type(c->hs, TREE_TYPE(t));
		return;
	case CONST_DECL:
		ks_hash_tree(c, DECL_INITIAL(t));
		return;
	default:
		break;
	}
	if (c->locals) {
		hash_local(c, DECL_UID(t));
		hash_type(c->hs, TREE_TYPE(t));
		return;
	}
	ks_hash_u64(c->hs, KS_T_OTHER);
	ks_hash_u64(c->hs, TREE_CODE(t));
}

static void hash_constant(struct ks_tree_ctx *c, tree t)
{
	struct ks_hash *hs = c->hs;

	switch (TREE_CODE(t)) {
	case INTEGER_CST: {
		wide_int w = wi::to_wide(t);

		hash_type(hs, TREE_TYPE(t));
		if (w.get_len() == 1) {
			ks_hash_int(hs, c->line, w.elt(0));
			return;
		}
		ks_hash_u64(hs, KS_T_INT);
		for (unsigned int i = 0; i < w.get_len(); i++)
			ks_hash_u64(hs, w.elt(i));
		return;
	}
	case REAL_CST: {
		long buf[4] = { 0, 0, 0, 0 };

		hash_type(hs, TREE_TYPE(t));
		real_to_target(buf, TREE_REAL_CST_PTR(t), TYPE_MODE(TREE_TYPE(t)));
		ks_hash_u64(hs, KS_T_REAL);
		ks_hash_bytes(hs, buf, sizeof(buf));
		return;
	}
	case STRING_CST:
		ks_hash_u64(hs, KS_T_STR);
		ks_hash_u64(hs, TREE_STRING_LENGTH(t));
		ks_hash_bytes(hs, TREE_STRING_POINTER(t), TREE_STRING_LENGTH(t));
		return;
	case COMPLEX_CST:
		ks_hash_tree(c, TREE_REALPART(t));
		ks_hash_tree(c, TREE_IMAGPART(t));
		return;
	case VECTOR_CST:
		hash_type(hs, TREE_TYPE(t));
		for (unsigned int i = 0; i < vector_cst_encoded_nelts(t); i++)
			ks_hash_tree(c, VECTOR_CST_ENCODED_ELT(t, i));
		return;
	default:
		ks_hash_u64(hs, KS_T_OTHER);
		ks_hash_u64(hs, TREE_CODE(t));
		return;
	}
}

static void hash_ctor(struct ks_tree_ctx *c, tree t)
{
	unsigned HOST_WIDE_INT i;
	tree index, value;

	ks_hash_u64(c->hs, KS_T_CTOR);
	hash_type(c->hs, TREE_TYPE(t));
	ks_hash_u64(c->hs, CONSTRUCTOR_NELTS(t));
	FOR_EACH_CONSTRUCTOR_ELT(CONSTRUCTOR_ELTS(t), i, index, value) {
		ks_hash_tree(c, index);
		ks_hash_tree(c, value);
	}
}

/*
 * Hash a tree by what it means for code: constants by value, symbols by
 * normalised name, locals by ordinal, fields by position and size, types
 * by size and mode, expressions by code, type and operands.
 */
void ks_hash_tree(struct ks_tree_ctx *c, tree t)
{
	struct ks_hash *hs = c->hs;

	if (!t) {
		ks_hash_u64(hs, KS_T_NULL);
		return;
	}
	if (CONSTANT_CLASS_P(t)) {
		hash_constant(c, t);
		return;
	}
	if (DECL_P(t)) {
		hash_decl(c, t);
		return;
	}
	if (TYPE_P(t)) {
		hash_type(hs, t);
		return;
	}
	switch (TREE_CODE(t)) {
	case SSA_NAME:
		if (c->locals)
			hash_local(c, 0x80000000u | SSA_NAME_VERSION(t));
		hash_type(hs, TREE_TYPE(t));
		return;
	case CONSTRUCTOR:
		hash_ctor(c, t);
		return;
	case TREE_LIST:
		for (; t; t = TREE_CHAIN(t)) {
			ks_hash_u64(hs, KS_T_EXPR);
			ks_hash_tree(c, TREE_PURPOSE(t));
			ks_hash_tree(c, TREE_VALUE(t));
		}
		ks_hash_u64(hs, KS_T_NULL);
		return;
	case CASE_LABEL_EXPR:
		ks_hash_u64(hs, KS_T_LABEL);
		ks_hash_tree(c, CASE_LOW(t));
		ks_hash_tree(c, CASE_HIGH(t));
		ks_hash_tree(c, CASE_LABEL(t));
		return;
	default:
		break;
	}
	if (TREE_CODE(t) == COMPONENT_REF &&
	    (TREE_CODE(TREE_OPERAND(t, 0)) == MEM_REF ||
	     TREE_CODE(TREE_OPERAND(t, 0)) == INDIRECT_REF)) {
		/*
		 * p->field: the code depends on where the field is, not on
		 * the size of the whole struct behind p.
		 */
		tree base = TREE_OPERAND(t, 0);

		ks_hash_u64(hs, KS_T_EXPR);
		ks_hash_u64(hs, COMPONENT_REF);
		hash_type(hs, TREE_TYPE(t));
		ks_hash_u64(hs, TREE_THIS_VOLATILE(t));
		ks_hash_u64(hs, TREE_CODE(base));
		hash_type_1(hs, TREE_TYPE(base), false);
		for (int i = 0; i < TREE_OPERAND_LENGTH(base); i++)
			ks_hash_tree(c, TREE_OPERAND(base, i));
		ks_hash_tree(c, TREE_OPERAND(t, 1));
		ks_hash_tree(c, TREE_OPERAND(t, 2));
		return;
	}
	if (EXPR_P(t)) {
		int n = TREE_OPERAND_LENGTH(t);

		ks_hash_u64(hs, KS_T_EXPR);
		ks_hash_u64(hs, TREE_CODE(t));
		hash_type(hs, TREE_TYPE(t));
		ks_hash_u64(hs, TREE_THIS_VOLATILE(t));
		for (int i = 0; i < n; i++)
			ks_hash_tree(c, TREE_OPERAND(t, i));
		return;
	}
	ks_hash_u64(hs, KS_T_OTHER);
	ks_hash_u64(hs, TREE_CODE(t));
}
