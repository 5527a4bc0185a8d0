// SPDX-License-Identifier: GPL-2.0-only
/*
 * diff.c: match the functions and data of one object across a patch and
 * classify every difference. The rules (what blocks) live in rules.c; this
 * file decides what changed and why. docs/diffmeta.md describes both.
 *
 * Matching: functions by normalised name (foo.constprop.1 matches
 * foo.constprop.0), data by normalised name and owning function, so a
 * static local keeps its identity while GCC renumbers it. Where several
 * symbols share a normalised name (two constprop clones of one function,
 * a function's many __UNIQUE_ID_ddebug descriptors) identical contents pair
 * up first and the rest pair in order.
 */
#include <stdlib.h>
#include <string.h>

#include "diff.h"
#include "reason.h"
#include "rules.h"
#include "util.h"

struct dctx {
	struct diff *d;
	const char *object;		/* owned by d->objects */
	const struct sidecar *pre, *post;
	int *fpre, *fpost;		/* matched function index, or -1 */
	int *dpre, *dpost;		/* matched data index, or -1 */
};

static struct change *add_change(struct dctx *c, enum change_kind kind,
				 enum symbol_kind sym, const char *name,
				 const char *owner, char *reason)
{
	struct change *ch;

	if (ALLOC_GROW(c->d->changes, c->d->nr + 1, c->d->alloc))
		goto fail;
	ch = &c->d->changes[c->d->nr];
	memset(ch, 0, sizeof(*ch));
	ch->kind = kind;
	ch->sym = sym;
	ch->object = c->object;
	ch->reason = reason;
	ch->name = xstrdup(name);
	ch->owner = owner ? xstrdup(owner) : NULL;
	if (!ch->name || (owner && !ch->owner)) {
		free(ch->name);
		goto fail;
	}
	c->d->nr++;
	return ch;
fail:
	free(reason);
	return NULL;
}

/* Pair the members of one name group: equal contents first, then in order. */
static void match_group(int pi, int qi, int *pm, int *qm,
			int (*next)(const struct sidecar *, int),
			const struct dctx *c,
			bool (*same)(const struct dctx *, int, int))
{
	int p, q, pass;

	for (pass = 0; pass < 2; pass++) {
		for (p = pi; p >= 0; p = next(c->pre, p)) {
			if (pm[p] >= 0)
				continue;
			for (q = qi; q >= 0; q = next(c->post, q)) {
				if (qm[q] >= 0 || (pass == 0 && !same(c, p, q)))
					continue;
				pm[p] = q;
				qm[q] = p;
				break;
			}
		}
	}
}

static int fnext(const struct sidecar *sc, int i)
{
	return sc->funcs[i].next_same;
}

static int dnext(const struct sidecar *sc, int i)
{
	return sc->data[i].next_same;
}

static bool same_function(const struct dctx *c, int p, int q)
{
	return !strcmp(c->pre->funcs[p].hash, c->post->funcs[q].hash);
}

static bool same_data(const struct dctx *c, int p, int q)
{
	const struct sc_data *a = &c->pre->data[p], *b = &c->post->data[q];

	return a->size == b->size && !strcmp(a->init_hash, b->init_hash);
}

static void match_all(struct dctx *c)
{
	const struct sc_function *f, *g;
	const struct sc_data *d, *e;

	for_each_function(c->pre, f) {
		if (find_function(c->pre, f->norm) != f)
			continue;	/* not the head of its group */
		g = find_function(c->post, f->norm);
		if (g)
			match_group(f - c->pre->funcs, g - c->post->funcs,
				    c->fpre, c->fpost, fnext, c, same_function);
	}
	for_each_data(c->pre, d) {
		if (find_data(c->pre, d->key) != d)
			continue;
		e = find_data(c->post, d->key);
		if (e)
			match_group(d - c->pre->data, e - c->post->data,
				    c->dpre, c->dpost, dnext, c, same_data);
	}
}

static int add_function_blocker(struct dctx *c, const struct sc_function *pf,
				const struct sc_function *qf)
{
	const struct sc_function *f = qf;
	const char *why = function_blocker(qf->section, qf->init || pf->init,
					   qf->exit || pf->exit);
	char *reason;

	if (!why && strcmp(pf->section, qf->section)) {
		why = function_blocker(pf->section, false, false);
		f = pf;
	}
	if (!why)
		return 0;
	reason = xstrfmt("changed function in section '%s': %s", f->section,
			 why);
	if (!reason || !add_change(c, BLOCKER, SYM_FUNCTION, qf->name, NULL,
				   reason))
		return -1;
	return 0;
}

static const struct sc_function *find_named(const struct sidecar *sc,
					    const char *name)
{
	const struct sc_function *f;
	char norm[512];

	if (strlen(name) >= sizeof(norm))
		return NULL;
	sidecar_normalise(name, norm);
	for (f = find_function(sc, norm); f; f = next_same_function(sc, f))
		if (!strcmp(f->name, name))
			return f;
	return NULL;
}

/*
 * A .cold part has no body_hash or inlined list of its own: they are on
 * its parent. Explain it by its parent: "cold part of 'foo': only inlined
 * callee 'bar' changed". Returns 1 if it did not apply.
 */
static int cold_reason(struct dctx *c, const struct sc_function *pf,
		       const struct sc_function *qf, struct change *ch)
{
	const struct sc_function *pp, *qp;
	char *why;

	if (pf->body_hash || qf->body_hash || !pf->clone_of || !qf->clone_of ||
	    !qf->clone_kind || !ends_with(qf->clone_kind, "cold"))
		return 1;
	pp = find_named(c->pre, pf->clone_of);
	qp = find_named(c->post, qf->clone_of);
	if (!pp || !qp || !pp->body_hash || !qp->body_hash)
		return 1;
	if (function_reason(pp, qp, true, ch))
		return -1;
	why = xstrfmt("cold part of '%s': %s", qf->clone_of, ch->reason);
	if (!why)
		return -1;
	free(ch->reason);
	ch->reason = why;
	return 0;
}

/*
 * A reference of a function whose own body changed, to a name several
 * functions of either side share (foo.constprop.0 and foo.constprop.1 are
 * both "foo.constprop" in refs), or NULL. The caller's code is the same
 * whichever of them it calls, so a patch that only moves it from one clone
 * to another (a constant argument changed) leaves its hash and refs equal;
 * its body_hash is what shows the move.
 */
static bool shared_name(const struct sidecar *sc, const char *norm)
{
	const struct sc_function *f = find_function(sc, norm);

	return f && next_same_function(sc, f);
}

static const char *ambiguous_ref(const struct dctx *c, const struct sc_function *pf,
				 const struct sc_function *qf)
{
	size_t i;

	if (!pf->body_hash || !qf->body_hash || !strcmp(pf->body_hash, qf->body_hash))
		return NULL;
	for (i = 0; i < qf->nr_refs; i++)
		if (shared_name(c->pre, qf->refs[i]) || shared_name(c->post, qf->refs[i]))
			return qf->refs[i];
	return NULL;
}

static int compare_function(struct dctx *c, const struct sc_function *pf,
			    const struct sc_function *qf)
{
	bool code_changed = strcmp(pf->hash, qf->hash);
	const char *amb = NULL;
	struct change *ch;
	struct strbuf refs = STRBUF_INIT;
	int ret;

	if (!code_changed) {
		/* Same code calling a different symbol is a change too. */
		bool differs;

		ret = refs_delta(pf, qf, &refs);
		differs = refs.len != 0;
		strbuf_release(&refs);
		if (ret)
			return ret;
		if (!differs && !(amb = ambiguous_ref(c, pf, qf)))
			return 0;
	}
	ch = add_change(c, CHANGED_FUNCTION, SYM_FUNCTION, qf->name, NULL, NULL);
	if (!ch)
		return -1;
	if (amb) {
		ch->reason = xstrfmt("code changed: it calls one of several clones named '%s', "
				     "the same code whichever it calls", amb);
		return ch->reason ? add_function_blocker(c, pf, qf) : -1;
	}
	ret = code_changed ? cold_reason(c, pf, qf, ch) : 1;
	if (ret < 0 || (ret > 0 && function_reason(pf, qf, code_changed, ch)))
		return -1;
	return add_function_blocker(c, pf, qf);
}

static int one_sided_function(struct dctx *c, const struct sidecar *sc,
			      const struct sc_function *f, bool added)
{
	char *reason = NULL;

	if (is_clone(f) && !(reason = clone_reason(sc, f, added)))
		return -1;
	return add_change(c, added ? NEW_FUNCTION : REMOVED_FUNCTION,
			  SYM_FUNCTION, f->name, NULL, reason) ? 0 : -1;
}

static int data_reason(const struct sc_data *a, const struct sc_data *b,
		       struct strbuf *sb)
{
	const char *sep = "";

	if (a->size != b->size) {
		if (strbuf_addf(sb, "size changed from %llu to %llu bytes",
				(unsigned long long)a->size,
				(unsigned long long)b->size))
			return -1;
		sep = "; ";
	}
	if (strcmp(a->init_hash, b->init_hash)) {
		if (strbuf_addf(sb, "%sinitializer changed", sep))
			return -1;
		sep = "; ";
	}
	if (strcmp(a->section, b->section)) {
		if (strbuf_addf(sb, "%smoved from section '%s' to '%s'", sep,
				a->section, b->section))
			return -1;
		sep = "; ";
	}
	if (a->readonly != b->readonly) {
		if (strbuf_addf(sb, "%snow %s", sep,
				b->readonly ? "read-only" : "writable"))
			return -1;
		sep = "; ";
	}
	if (a->linkage && b->linkage && strcmp(a->linkage, b->linkage) &&
	    strbuf_addf(sb, "%slinkage changed from '%s' to '%s'", sep,
			a->linkage, b->linkage))
		return -1;
	return 0;
}

static bool function_changed(const struct dctx *c, const char *name)
{
	const struct sc_function *pf = find_named(c->pre, name);
	const struct sc_function *qf = find_named(c->post, name);

	return pf && qf && strcmp(pf->hash, qf->hash);
}

/*
 * Changed data the update carries as a fresh copy instead of changing the
 * live one, with why (into sb), or 0 if it is live data.
 */
static int data_carried(const struct dctx *c, const struct sc_data *a,
			const struct sc_data *b, struct strbuf *sb)
{
	if (is_code_metadata_section(a->section) && !strcmp(a->section, b->section))
		return strbuf_addf(sb, "entry of section '%s': carried with the code that uses it",
				   b->section) ? -1 : 1;
	if (a->readonly && b->readonly && a->owner && b->owner &&
	    !is_init_data_section(b->section) && function_changed(c, b->owner))
		return strbuf_addf(sb, "read-only static local of changed '%s': carried with it",
				   b->owner) ? -1 : 1;
	return 0;
}

/* Why a change to existing data cannot be applied live, into sb. */
static int data_blocker(const struct sc_data *a, const struct sc_data *b,
			struct strbuf *sb)
{
	if (is_init_data_section(a->section) || is_init_data_section(b->section))
		return strbuf_addf(sb, "changed init data in section '%s': it was used at boot and freed",
				   b->section);
	if (a->size != b->size)
		return strbuf_addf(sb, "size changed from %llu to %llu bytes: the live object cannot be resized",
				   (unsigned long long)a->size,
				   (unsigned long long)b->size);
	if (strcmp(a->init_hash, b->init_hash))
		return strbuf_addstr(sb, "initializer changed: the live object keeps the value it has");
	if (is_percpu_section(a->section) != is_percpu_section(b->section))
		return strbuf_addf(sb, "moved from section '%s' to '%s': per-CPU and ordinary data are laid out differently",
				   a->section, b->section);
	return 0;
}

static int compare_data(struct dctx *c, const struct sc_data *a,
			const struct sc_data *b)
{
	struct strbuf why = STRBUF_INIT, block = STRBUF_INIT;
	char *r;
	int ret = -1, carried;

	if (data_reason(a, b, &why))
		goto out;
	if (!why.len) {
		ret = 0;
		goto out;
	}
	if (strbuf_addstr(&why, " ("))
		goto out;
	carried = data_carried(c, a, b, &why);
	if (carried < 0)
		goto out;
	if (!carried)
		strbuf_setlen(&why, why.len - 2);
	else if (strbuf_addstr(&why, ")"))
		goto out;
	if (!carried && data_blocker(a, b, &block))
		goto out;
	if (!(r = strbuf_detach(&why)) ||
	    !add_change(c, CHANGED_DATA, SYM_DATA, b->name, b->owner, r))
		goto out;
	if (block.len && (!(r = strbuf_detach(&block)) ||
			  !add_change(c, BLOCKER, SYM_DATA, b->name, b->owner, r)))
		goto out;
	ret = 0;
out:
	strbuf_release(&why);
	strbuf_release(&block);
	return ret;
}

static int new_data(struct dctx *c, const struct sc_data *d)
{
	char *r;

	if (!add_change(c, NEW_DATA, SYM_DATA, d->name, d->owner, NULL))
		return -1;
	if (!is_boot_table_section(d->section))
		return 0;
	r = xstrfmt("new entry in boot-time table '%s': it is read only at boot and would never take effect",
		    d->section);
	return r && add_change(c, BLOCKER, SYM_DATA, d->name, d->owner, r) ? 0 : -1;
}

static int add_object(struct diff *d, const char *object,
		      enum object_status status, const char **copy)
{
	struct diff_object *o;

	if (ALLOC_GROW(d->objects, d->nr_objects + 1, d->alloc_objects))
		return -1;
	o = &d->objects[d->nr_objects];
	o->status = status;
	o->object = xstrdup(object);
	if (!o->object)
		return -1;
	d->nr_objects++;
	*copy = o->object;
	return 0;
}

static int compare_all(struct dctx *c)
{
	const struct sidecar *pre = c->pre, *post = c->post;
	size_t i;

	for (i = 0; pre && i < pre->nr_funcs; i++)
		if ((c->fpre[i] >= 0 ?
		     compare_function(c, &pre->funcs[i], &post->funcs[c->fpre[i]]) :
		     one_sided_function(c, pre, &pre->funcs[i], false)))
			return -1;
	for (i = 0; post && i < post->nr_funcs; i++)
		if (c->fpost[i] < 0 &&
		    one_sided_function(c, post, &post->funcs[i], true))
			return -1;
	for (i = 0; pre && i < pre->nr_data; i++)
		if ((c->dpre[i] >= 0 ?
		     compare_data(c, &pre->data[i], &post->data[c->dpre[i]]) :
		     !add_change(c, REMOVED_DATA, SYM_DATA, pre->data[i].name,
				 pre->data[i].owner, NULL)))
			return -1;
	for (i = 0; post && i < post->nr_data; i++)
		if (c->dpost[i] < 0 && new_data(c, &post->data[i]))
			return -1;
	return 0;
}

static int *unmatched(size_t n)
{
	int *v = malloc((n + 1) * sizeof(*v));

	if (!v)
		error("out of memory");
	else
		memset(v, 0xff, (n + 1) * sizeof(*v));
	return v;
}

int diff_object(struct diff *d, const char *object,
		const struct sidecar *pre, const struct sidecar *post)
{
	struct dctx c = { d, NULL, pre, post, NULL, NULL, NULL, NULL };
	size_t first = d->nr, nr_objects = d->nr_objects;
	enum object_status status = !pre ? OBJECT_NEW :
				    !post ? OBJECT_REMOVED : OBJECT_CHANGED;
	const char *why;
	int ret = -1;

	if (add_object(d, object, status, &c.object))
		return -1;
	c.fpre = unmatched(pre ? pre->nr_funcs : 0);
	c.fpost = unmatched(post ? post->nr_funcs : 0);
	c.dpre = unmatched(pre ? pre->nr_data : 0);
	c.dpost = unmatched(post ? post->nr_data : 0);
	if (!c.fpre || !c.fpost || !c.dpre || !c.dpost)
		goto out;
	if (pre && post)
		match_all(&c);
	if (compare_all(&c))
		goto out;
	why = unpatchable_object(object);
	if (why && d->nr > first &&
	    !add_change(&c, BLOCKER, SYM_OBJECT, object, NULL, xstrdup(why)))
		goto out;
	/* An object whose symbols all match is not listed. */
	if (status == OBJECT_CHANGED && d->nr == first) {
		free(d->objects[nr_objects].object);
		d->nr_objects = nr_objects;
	}
	ret = 0;
out:
	free(c.fpre);
	free(c.fpost);
	free(c.dpre);
	free(c.dpost);
	return ret;
}

static int cmp_objects(const void *a, const void *b)
{
	return strcmp(((const struct diff_object *)a)->object,
		      ((const struct diff_object *)b)->object);
}

static int cmp_changes(const void *a, const void *b)
{
	const struct change *x = a, *y = b;
	int k = strcmp(x->object, y->object);

	if (k)
		return k;
	if (x->kind != y->kind)
		return x->kind < y->kind ? -1 : 1;
	if (x->sym != y->sym)
		return x->sym < y->sym ? -1 : 1;
	k = strcmp(x->name, y->name);
	if (k)
		return k;
	return strcmp(x->owner ? x->owner : "", y->owner ? y->owner : "");
}

void diff_sort(struct diff *d)
{
	if (d->nr_objects)
		qsort(d->objects, d->nr_objects, sizeof(*d->objects), cmp_objects);
	if (d->nr)
		qsort(d->changes, d->nr, sizeof(*d->changes), cmp_changes);
}

size_t diff_count(const struct diff *d, enum change_kind kind)
{
	size_t i, n = 0;

	for (i = 0; i < d->nr; i++)
		n += d->changes[i].kind == kind;
	return n;
}

int diff_status(const struct diff *d)
{
	if (diff_count(d, BLOCKER))
		return KSPLICE_EXIT_BLOCKED;
	return d->nr || d->nr_objects ? KSPLICE_EXIT_OK : KSPLICE_EXIT_UNCHANGED;
}

void diff_release(struct diff *d)
{
	size_t i, j;

	for (i = 0; i < d->nr; i++) {
		struct change *ch = &d->changes[i];

		free(ch->name);
		free(ch->owner);
		free(ch->reason);
		for (j = 0; j < ch->nr_callees; j++)
			free(ch->callees[j]);
		free(ch->callees);
	}
	for (i = 0; i < d->nr_objects; i++)
		free(d->objects[i].object);
	free(d->changes);
	free(d->objects);
	memset(d, 0, sizeof(*d));
}
