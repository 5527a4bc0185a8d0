// SPDX-License-Identifier: GPL-2.0-only
/*
 * body_pass.c: "ksplice_body", the early GIMPLE pass that takes each
 * function's body_hash.
 *
 * It runs right after "cfg", among the lowering passes that
 * cgraph_node::analyze() runs on every reachable function before any
 * inlining: the early inliner ("einline") and the IPA inliner come later.
 * So the hash covers the function's own statements only, and a caller's
 * sidecar entry can name each inlined callee with the callee's body_hash.
 *
 * The statements are hashed in basic-block order with the tree hasher of
 * hash.c; edges by destination index and flags. Locations are not hashed,
 * except that an integer equal to its statement's line hashes as __LINE__.
 */
#include "ksplice.h"

static void hash_stmt(struct ks_tree_ctx *c, gimple *stmt)
{
	struct ks_hash *hs = c->hs;

	int line = ks_line_of(gimple_location(stmt));
	bool values = false;	/* operands after the first may be __LINE__ */

	ks_hash_u64(hs, KS_T_STMT);
	ks_hash_u64(hs, gimple_code(stmt));
	switch (gimple_code(stmt)) {
	case GIMPLE_ASSIGN:
		values = gimple_assign_single_p(stmt);
		ks_hash_u64(hs, gimple_expr_code(stmt));
		break;
	case GIMPLE_COND:
		ks_hash_u64(hs, gimple_expr_code(stmt));
		break;
	case GIMPLE_RETURN:
		values = true;
		break;
	case GIMPLE_CALL:
		values = true;
		ks_hash_u64(hs, gimple_call_internal_p(stmt) ?
			    (uint64_t)gimple_call_internal_fn(stmt) + 1 : 0);
		ks_hash_u64(hs, gimple_call_flags(stmt));
		break;
	case GIMPLE_ASM: {
		const gasm *a = as_a<const gasm *>(stmt);

		ks_hash_u64(hs, KS_T_ASM);
		ks_hash_str(hs, gimple_asm_string(a));
		ks_hash_u64(hs, gimple_asm_volatile_p(a));
		ks_hash_u64(hs, gimple_asm_ninputs(a));
		ks_hash_u64(hs, gimple_asm_noutputs(a));
		ks_hash_u64(hs, gimple_asm_nclobbers(a));
		ks_hash_u64(hs, gimple_asm_nlabels(a));
		values = true;
		break;
	}
	default:
		break;
	}
	/*
	 * Like the RTL pass, take a constant for __LINE__ only where it is a
	 * value: a copied, returned, passed or asm operand, never an operand
	 * of arithmetic, a comparison or an address.
	 */
	for (unsigned int i = 0; i < gimple_num_ops(stmt); i++) {
		tree op = gimple_op(stmt, i);

		c->line = values && op && TREE_CODE(op) == INTEGER_CST ? line : 0;
		if (values && op && TREE_CODE(op) == TREE_LIST)
			c->line = line;	/* asm operands: (constraint, value) */
		ks_hash_tree(c, op);
	}
	c->line = 0;
}

static unsigned int body_execute(function *fun)
{
	hash_map<int_hash<unsigned int, 0u, ~0u>, unsigned int> locals;
	struct ks_tree_ctx c;
	struct ks_hash hs;
	basic_block bb;

	ks_hash_init(&hs);
	c.hs = &hs;
	c.line = 0;
	c.locals = &locals;
	c.nr_locals = 0;
	for (tree p = DECL_ARGUMENTS(fun->decl); p; p = DECL_CHAIN(p))
		ks_hash_tree(&c, p);
	ks_hash_tree(&c, TREE_TYPE(TREE_TYPE(fun->decl)));
	FOR_EACH_BB_FN(bb, fun) {
		edge e;
		edge_iterator ei;

		for (gimple_stmt_iterator gsi = gsi_start_bb(bb); !gsi_end_p(gsi);
		     gsi_next(&gsi)) {
			gimple *stmt = gsi_stmt(gsi);

			if (!is_gimple_debug(stmt))
				hash_stmt(&c, stmt);
		}
		FOR_EACH_EDGE(e, ei, bb->succs) {
			ks_hash_u64(&hs, KS_T_EDGE);
			ks_hash_u64(&hs, e->dest->index);
			ks_hash_u64(&hs, e->flags & (EDGE_TRUE_VALUE |
						     EDGE_FALSE_VALUE | EDGE_ABNORMAL |
						     EDGE_EH));
		}
	}
	ks_unit.body_hashes->put(DECL_UID(fun->decl) + 1, ks_hash_final(&hs));
	return 0;
}

static const pass_data body_pass_data = {
	GIMPLE_PASS,		/* type */
	"ksplice_body",		/* name */
	OPTGROUP_NONE,		/* optinfo_flags */
	TV_NONE,		/* tv_id */
	PROP_cfg,		/* properties_required */
	0,			/* properties_provided */
	0,			/* properties_destroyed */
	0,			/* todo_flags_start */
	0,			/* todo_flags_finish */
};

class body_pass : public gimple_opt_pass {
public:
	body_pass() : gimple_opt_pass(body_pass_data, g) {}
	unsigned int execute(function *fun) final override
	{
		return body_execute(fun);
	}
	opt_pass *clone() final override
	{
		return this;
	}
};

opt_pass *ks_make_body_pass(void)
{
	return new body_pass();
}
