// SPDX-License-Identifier: GPL-2.0-only
/*
 * reason.c: explain why a function changed, and where a clone that appeared
 * or disappeared is called from. diff.c decides that something changed;
 * this file words it (docs/diffmeta.md, "What counts as a change").
 */
#include <stdlib.h>
#include <string.h>

#include "reason.h"
#include "util.h"

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* A sorted, duplicate-free copy of f's refs. */
static const char **sorted_refs(const struct sc_function *f, size_t *nr)
{
	const char **v = malloc((f->nr_refs + 1) * sizeof(*v));
	size_t i, n = 0;

	if (!v) {
		error("out of memory");
		return NULL;
	}
	if (!f->nr_refs) {
		*nr = 0;
		return v;
	}
	memcpy(v, f->refs, f->nr_refs * sizeof(*v));
	qsort(v, f->nr_refs, sizeof(*v), cmp_str);
	for (i = 0; i < f->nr_refs; i++)
		if (!n || strcmp(v[n - 1], v[i]))
			v[n++] = v[i];
	*nr = n;
	return v;
}

/*
 * Describe how the references of pf and qf differ into sb ("" if they do
 * not). Returns -1 on error.
 */
int refs_delta(const struct sc_function *pf,
		      const struct sc_function *qf, struct strbuf *sb)
{
	size_t na, nb, i = 0, j = 0;
	const char **a = sorted_refs(pf, &na), **b = sorted_refs(qf, &nb);
	struct strbuf gone = STRBUF_INIT;
	int ret = -1;

	if (!a || !b)
		goto out;
	while (i < na || j < nb) {
		int k = i == na ? 1 : j == nb ? -1 : strcmp(a[i], b[j]);

		if (k < 0 && strbuf_addf(&gone, "%s'%s'", gone.len ? ", " : "", a[i]))
			goto out;
		if (k > 0 && strbuf_addf(sb, "%s'%s'", sb->len ? ", " : "now references ", b[j]))
			goto out;
		i += k <= 0;
		j += k >= 0;
	}
	if (gone.len && strbuf_addf(sb, "%sno longer references %s",
				    sb->len ? "; " : "", gone.buf))
		goto out;
	ret = 0;
out:
	free(a);
	free(b);
	strbuf_release(&gone);
	return ret;
}

static const struct sc_inlined *find_inlined(const struct sc_function *f,
					     const char *name)
{
	size_t i;

	for (i = 0; i < f->nr_inlined; i++)
		if (!strcmp(f->inlined[i].name, name))
			return &f->inlined[i];
	return NULL;
}

static bool inlined_differs(const struct sc_inlined *a,
			    const struct sc_inlined *b)
{
	if (!a || !b)
		return true;
	return a->body_hash && b->body_hash && strcmp(a->body_hash, b->body_hash);
}

/* Record in ch the inlined callees that changed, were added or dropped. */
static int changed_callees(const struct sc_function *pf,
			   const struct sc_function *qf, struct change *ch)
{
	const struct sc_function *side[2] = { qf, pf };
	size_t s, i;

	ch->callees = calloc(pf->nr_inlined + qf->nr_inlined + 1,
			     sizeof(*ch->callees));
	if (!ch->callees)
		return error("out of memory");
	for (s = 0; s < 2; s++) {
		for (i = 0; i < side[s]->nr_inlined; i++) {
			const struct sc_inlined *in = &side[s]->inlined[i];
			const struct sc_inlined *other =
				find_inlined(side[!s], in->name);

			/* A callee present on both sides is counted once. */
			if ((s == 1 && other) || !inlined_differs(in, other))
				continue;
			ch->callees[ch->nr_callees] = xstrdup(in->name);
			if (!ch->callees[ch->nr_callees])
				return -1;
			ch->nr_callees++;
		}
	}
	return 0;
}

/* "'a'" or "'a', 'b'" */
static int add_quoted_list(struct strbuf *sb, char **v, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (strbuf_addf(sb, "%s'%s'", i ? ", " : "", v[i]))
			return -1;
	return 0;
}

/*
 * Why a matched function changed. The hash covers the code after inlining,
 * body_hash only the function's own body: equal body hashes with a
 * different hash mean an inlined callee (or the code generated around an
 * unchanged body) changed.
 */
int function_reason(const struct sc_function *pf,
			   const struct sc_function *qf, bool code_changed,
			   struct change *ch)
{
	struct strbuf sb = STRBUF_INIT, refs = STRBUF_INIT;
	bool bodies = pf->body_hash && qf->body_hash;
	int ret = -1;

	if (refs_delta(pf, qf, &refs))
		goto out;
	if (bodies && strcmp(pf->body_hash, qf->body_hash)) {
		if (strbuf_addstr(&sb, "code changed"))
			goto out;
	} else if (bodies && code_changed) {
		if (changed_callees(pf, qf, ch))
			goto out;
		if (ch->nr_callees) {
			if (strbuf_addf(&sb, "only inlined callee%s ",
					ch->nr_callees > 1 ? "s" : "") ||
			    add_quoted_list(&sb, ch->callees, ch->nr_callees) ||
			    strbuf_addstr(&sb, " changed"))
				goto out;
		} else if (refs.len) {
			if (strbuf_addstr(&sb, refs.buf))
				goto out;
		} else if (strbuf_addstr(&sb, "code generation changed (own body and inlined callees unchanged)")) {
			goto out;
		}
	} else if (code_changed) {
		if (strbuf_addstr(&sb, "code changed"))
			goto out;
	} else if (strbuf_addstr(&sb, refs.buf)) {
		goto out;
	}
	ch->reason = strbuf_detach(&sb);
	ret = ch->reason ? 0 : -1;
out:
	strbuf_release(&sb);
	strbuf_release(&refs);
	return ret;
}

/* Functions of sc whose references include norm: the callers of a clone. */
static int add_callers(struct strbuf *sb, const struct sidecar *sc,
		       const struct sc_function *callee, const char *intro)
{
	const struct sc_function *f;
	size_t i, n = 0;

	for_each_function(sc, f) {
		if (f == callee)
			continue;
		for (i = 0; i < f->nr_refs; i++)
			if (!strcmp(f->refs[i], callee->norm))
				break;
		if (i == f->nr_refs)
			continue;
		if (strbuf_addf(sb, "%s'%s'", n++ ? ", " : intro, f->name))
			return -1;
	}
	return 0;
}

/* "new clone of 'foo' (constprop), called from 'bar'" */
char *clone_reason(const struct sidecar *sc,
			  const struct sc_function *f, bool added)
{
	struct strbuf sb = STRBUF_INIT;
	size_t base = strcspn(f->name, ".");

	if (strbuf_addstr(&sb, added ? "new clone of " : "clone of ") ||
	    (f->clone_of ? strbuf_addf(&sb, "'%s'", f->clone_of) :
	     strbuf_addf(&sb, "'%.*s'", (int)base, f->name)) ||
	    (f->clone_kind && strbuf_addf(&sb, " (%s)", f->clone_kind)) ||
	    (!added && strbuf_addstr(&sb, " no longer emitted")) ||
	    add_callers(&sb, sc, f, added ? ", called from " :
			"; was called from ")) {
		strbuf_release(&sb);
		return NULL;
	}
	return strbuf_detach(&sb);
}
