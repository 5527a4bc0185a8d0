/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * ksplice.h: what the plugin's files share: the hasher, name
 * normalisation, the per-unit record the passes fill in, and the passes'
 * entry points. GCC's headers come from gcc-common.h.
 */
#ifndef KSPLICE_H
#define KSPLICE_H

#include "gcc-common.h"

/*
 * The hasher: a 64-bit state that absorbs a stream of 64-bit tokens, one
 * multiply and one xor-shift per token (a bijection of the state, so the
 * order of tokens counts), strings and byte arrays eight bytes at a time,
 * and a final avalanche. Tokens are absorbed inline: the passes hash
 * millions of them per unit.
 */
struct ks_hash {
	uint64_t h;
};

#define KS_HASH_MUL 0x9e3779b97f4a7c15ULL	/* 2^64 / golden ratio, odd */

static inline void ks_hash_init(struct ks_hash *hs)
{
	hs->h = 0x6a09e667f3bcc908ULL;
}

static inline void ks_hash_u64(struct ks_hash *hs, uint64_t v)
{
	uint64_t h = (hs->h ^ v) * KS_HASH_MUL;

	hs->h = h ^ (h >> 29);
}

void ks_hash_bytes(struct ks_hash *hs, const void *p, size_t n);
void ks_hash_str(struct ks_hash *hs, const char *s);
uint64_t ks_hash_final(const struct ks_hash *hs);
#define KS_HASH_TEXT 12	/* 11 base64url characters and a NUL */
void ks_hash_text(uint64_t v, char out[KS_HASH_TEXT]);

/* Token tags, so that different kinds of operand never hash alike. */
enum ks_tag {
	KS_T_NULL = 1, KS_T_INT, KS_T_LINE, KS_T_SYM, KS_T_STR, KS_T_LOCAL,
	KS_T_LABEL, KS_T_TYPE, KS_T_FIELD, KS_T_EXPR, KS_T_CTOR, KS_T_REAL,
	KS_T_STMT, KS_T_EDGE, KS_T_INSN, KS_T_RTX, KS_T_POOL, KS_T_ASM,
	KS_T_OTHER, KS_T_PART, KS_T_FENTRY
};

/* Names: the assembler name without GCC's '*' prefix, and normalised. */
const char *ks_asm_name(tree decl);
char *ks_normalise(const char *name);
char *ks_clone_kind(const char *name);

/* The source line (macro expansion point) of loc, or 0. */
int ks_line_of(location_t loc);

/*
 * Hashing trees: constants, initializers and GIMPLE operands. Locals get
 * ordinals by first use; line is the line of the statement being hashed
 * (0: none), so that an integer equal to it hashes as __LINE__.
 */
struct ks_tree_ctx {
	struct ks_hash *hs;
	int line;
	hash_map<int_hash<unsigned int, 0u, ~0u>, unsigned int> *locals;
	unsigned int nr_locals;
};

void ks_hash_tree(struct ks_tree_ctx *c, tree t);
void ks_hash_int(struct ks_hash *hs, int line, HOST_WIDE_INT v);

/* A string vector (owned strings). */
struct ks_strv {
	char **v;
	size_t n, cap;
};

void ks_strv_add(struct ks_strv *sv, const char *s);
bool ks_strv_has(const struct ks_strv *sv, const char *s);
void ks_strv_sort_uniq(struct ks_strv *sv);

struct ks_inlined {
	char *name;		/* normalised */
	unsigned int uid;	/* DECL_UID of the callee */
};

struct ks_func {
	char *name;
	unsigned int uid;	/* DECL_UID; 0 for a .cold part */
	const char *linkage, *visibility;
	char *section;
	char *file;
	int line;
	uint64_t hash;
	char *clone_of, *clone_kind;
	struct ks_strv refs;
	struct ks_inlined *inlined;
	size_t nr_inlined;
	bool fentry, init, exit, notrace;
};

struct ks_data {
	char *name;
	const char *linkage;
	char *section;
	uint64_t size;
	bool readonly;
	char *owner;
	uint64_t init_hash;
};

/* Everything the sidecar of one translation unit holds. */
struct ks_unit {
	bool sections;		/* -fplugin-arg-ksplice-sections */
	bool debug;		/* -fplugin-arg-ksplice-debug */
	struct ks_func *funcs;
	size_t nr_funcs, cap_funcs;
	struct ks_data *data;
	size_t nr_data, cap_data;
	/* DECL_UID -> body_hash, from the early pass */
	hash_map<int_hash<unsigned int, 0u, ~0u>, uint64_t> *body_hashes;
};

extern struct ks_unit ks_unit;

struct ks_func *ks_new_func(struct ks_unit *u);
struct ks_data *ks_new_data(struct ks_unit *u);
const char *ks_section_name(section *s);

/* Passes and steps, one per file. */
opt_pass *ks_make_body_pass(void);	/* body_pass.c: early GIMPLE */
opt_pass *ks_make_code_pass(void);	/* code_pass.c: late RTL */
void ks_collect_data(struct ks_unit *u);	/* data.c */
uint64_t ks_flags_hash(void);			/* flags.c */
char *ks_object_path(void);			/* flags.c */
void ks_write_sidecar(struct ks_unit *u, const char *object);	/* sidecar.c */

#endif
