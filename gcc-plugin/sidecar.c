// SPDX-License-Identifier: GPL-2.0-only
/*
 * sidecar.c: write the unit's record as JSON (docs/sidecar-format.md) to
 * <object>.ksplice.json (schema version 2: compact JSON, one function,
 * data object or inlined callee per line, strings used more than once
 * written once in a table), atomically: a temporary file in the same
 * directory, renamed over the sidecar only once complete, so that parallel
 * make and interrupted builds never leave half a file.
 */
#include "ksplice.h"

static void put_str(FILE *f, const char *s)
{
	putc('"', f);
	for (const unsigned char *p = (const unsigned char *)(s ? s : ""); *p; p++) {
		if (*p == '"' || *p == '\\')
			fprintf(f, "\\%c", *p);
		else if (*p < 0x20)
			fprintf(f, "\\u%04x", *p);
		else
			putc(*p, f);
	}
	putc('"', f);
}

static void put_hash(FILE *f, uint64_t v)
{
	char text[KS_HASH_TEXT];

	ks_hash_text(v, text);
	put_str(f, text);
}

/*
 * The unit's string table: every string a sidecar names (symbol, section,
 * file), with its number of uses. A string used more than once is written
 * once in "strings" and elsewhere as its index; one used once is written
 * in place. The table is sorted, so indices do not depend on the order of
 * definitions.
 */
struct ks_str {
	const char *s;
	unsigned int uses;
	int idx;		/* index in "strings", or -1: written in place */
};

struct ks_strtab {
	struct ks_str *v;
	size_t n, cap;
	size_t nr_shared;	/* entries with idx >= 0 */
};

static void st_add(struct ks_strtab *t, const char *s)
{
	if (!s)
		return;
	if (t->n == t->cap) {
		t->cap = t->cap ? 2 * t->cap : 256;
		t->v = XRESIZEVEC(struct ks_str, t->v, t->cap);
	}
	t->v[t->n].s = s;
	t->v[t->n].uses = 1;
	t->v[t->n].idx = -1;
	t->n++;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(((const struct ks_str *)a)->s, ((const struct ks_str *)b)->s);
}

static void st_finish(struct ks_strtab *t)
{
	size_t n = 0;

	if (!t->n)
		return;
	qsort(t->v, t->n, sizeof(*t->v), cmp_str);
	for (size_t i = 1; i < t->n; i++) {
		if (!strcmp(t->v[i].s, t->v[n].s))
			t->v[n].uses++;
		else
			t->v[++n] = t->v[i];
	}
	t->n = n + 1;
	for (size_t i = 0; i < t->n; i++)
		if (t->v[i].uses > 1)
			t->v[i].idx = t->nr_shared++;
}

static const struct ks_str *st_find(const struct ks_strtab *t, const char *s)
{
	struct ks_str key = { s, 0, 0 };

	return (const struct ks_str *)bsearch(&key, t->v, t->n, sizeof(*t->v),
					      cmp_str);
}

/* A string field: its index in "strings", or the string itself. */
static void put_sref(FILE *f, const struct ks_strtab *t, const char *s)
{
	const struct ks_str *e = s ? st_find(t, s) : NULL;

	if (!s)
		fputs("null", f);
	else if (e && e->idx >= 0)
		fprintf(f, "%d", e->idx);
	else
		put_str(f, s);
}

/*
 * The unit's table of inlined callees: each distinct (normalised name,
 * body_hash) pair once, sorted by name, then by body_hash as written
 * (none first). Functions refer to entries by index.
 */
struct ks_inl {
	const char *name;
	bool has_hash;
	char hash[KS_HASH_TEXT];
};

struct ks_inltab {
	struct ks_inl *v;
	size_t n;
};

static int cmp_inl(const void *a, const void *b)
{
	const struct ks_inl *x = (const struct ks_inl *)a;
	const struct ks_inl *y = (const struct ks_inl *)b;
	int c = strcmp(x->name, y->name);

	if (c)
		return c;
	if (x->has_hash != y->has_hash)
		return x->has_hash ? 1 : -1;
	return strcmp(x->hash, y->hash);
}

static const uint64_t *body_hash(struct ks_unit *u, unsigned int uid)
{
	return uid ? u->body_hashes->get(uid + 1) : NULL;
}

static void inl_make(struct ks_unit *u, const struct ks_inlined *in,
		     struct ks_inl *e)
{
	const uint64_t *h = body_hash(u, in->uid);

	e->name = in->name;
	e->has_hash = h != NULL;
	e->hash[0] = 0;
	if (h)
		ks_hash_text(*h, e->hash);
}

static void inl_build(struct ks_unit *u, struct ks_inltab *t)
{
	size_t total = 0, n = 0;

	for (size_t i = 0; i < u->nr_funcs; i++)
		total += u->funcs[i].nr_inlined;
	t->v = XNEWVEC(struct ks_inl, total + 1);
	for (size_t i = 0; i < u->nr_funcs; i++)
		for (size_t j = 0; j < u->funcs[i].nr_inlined; j++)
			inl_make(u, &u->funcs[i].inlined[j], &t->v[n++]);
	if (n)
		qsort(t->v, n, sizeof(*t->v), cmp_inl);
	t->n = 0;
	for (size_t i = 0; i < n; i++)
		if (!t->n || cmp_inl(&t->v[i], &t->v[t->n - 1]))
			t->v[t->n++] = t->v[i];
}

static int cmp_int(const void *a, const void *b)
{
	int x = *(const int *)a, y = *(const int *)b;

	return x < y ? -1 : x > y;
}

static void put_inlined(FILE *f, struct ks_unit *u, const struct ks_inltab *t,
			struct ks_func *fn)
{
	int *idx = XNEWVEC(int, fn->nr_inlined + 1);
	size_t n = 0;

	for (size_t i = 0; i < fn->nr_inlined; i++) {
		struct ks_inl key;
		const struct ks_inl *e;

		inl_make(u, &fn->inlined[i], &key);
		e = (const struct ks_inl *)bsearch(&key, t->v, t->n,
						   sizeof(*t->v), cmp_inl);
		gcc_assert(e);
		idx[n++] = e - t->v;
	}
	qsort(idx, n, sizeof(*idx), cmp_int);
	putc('[', f);
	for (size_t i = 0; i < n; i++) {
		if (i && idx[i] == idx[i - 1])
			continue;
		fprintf(f, i ? ",%d" : "%d", idx[i]);
	}
	putc(']', f);
	free(idx);
}

/* The flags column (docs/sidecar-format.md). */
static unsigned int linkage_code(const char *linkage)
{
	return !strcmp(linkage, "weak") ? 1 : !strcmp(linkage, "local") ? 2 : 0;
}

static unsigned int visibility_code(const char *visibility)
{
	return !strcmp(visibility, "hidden") ? 1 :
	       !strcmp(visibility, "protected") ? 2 :
	       !strcmp(visibility, "internal") ? 3 : 0;
}

#define FUNC_COLUMNS "\"name\",\"flags\",\"section\",\"file\",\"line\",\"hash\"," \
	"\"body_hash\",\"refs\",\"inlined\",\"clone_of\",\"clone_kind\""
#define DATA_COLUMNS "\"name\",\"flags\",\"section\",\"size\",\"init_hash\",\"owner\""

/*
 * One function as a row of FUNC_COLUMNS. The columns from body_hash on
 * are left off from the end while they hold their default (null, []).
 */
static void put_func(FILE *f, struct ks_unit *u, const struct ks_strtab *st,
		     const struct ks_inltab *it, struct ks_func *fn)
{
	const uint64_t *bh = body_hash(u, fn->uid);
	unsigned int flags = linkage_code(fn->linkage) |
			     visibility_code(fn->visibility) << 2 |
			     fn->fentry << 4 | fn->init << 5 |
			     fn->exit << 6 | fn->notrace << 7;
	int last;

	last = fn->clone_kind ? 10 : fn->clone_of ? 9 : fn->nr_inlined ? 8 :
	       fn->refs.n ? 7 : bh ? 6 : 5;
	putc('[', f);
	put_sref(f, st, fn->name);
	fprintf(f, ",%u,", flags);
	put_sref(f, st, fn->section);
	putc(',', f);
	put_sref(f, st, fn->file);
	fprintf(f, ",%d,", fn->line);
	put_hash(f, fn->hash);
	if (last >= 6) {
		putc(',', f);
		if (bh)
			put_hash(f, *bh);
		else
			fputs("null", f);
	}
	if (last >= 7) {
		fputs(",[", f);
		for (size_t i = 0; i < fn->refs.n; i++) {
			if (i)
				putc(',', f);
			put_sref(f, st, fn->refs.v[i]);
		}
		putc(']', f);
	}
	if (last >= 8) {
		putc(',', f);
		put_inlined(f, u, it, fn);
	}
	if (last >= 9) {
		putc(',', f);
		put_sref(f, st, fn->clone_of);
	}
	if (last >= 10) {
		putc(',', f);
		put_sref(f, st, fn->clone_kind);
	}
	putc(']', f);
}

/* One data object as a row of DATA_COLUMNS; owner only if it has one. */
static void put_data(FILE *f, const struct ks_strtab *st, struct ks_data *d)
{
	putc('[', f);
	put_sref(f, st, d->name);
	fprintf(f, ",%u,", linkage_code(d->linkage) | d->readonly << 2);
	put_sref(f, st, d->section);
	fprintf(f, ",%llu,", (unsigned long long)d->size);
	put_hash(f, d->init_hash);
	if (d->owner) {
		putc(',', f);
		put_sref(f, st, d->owner);
	}
	putc(']', f);
}

static int cmp_func(const void *a, const void *b)
{
	return strcmp(((const struct ks_func *)a)->name,
		      ((const struct ks_func *)b)->name);
}

static int cmp_data(const void *a, const void *b)
{
	return strcmp(((const struct ks_data *)a)->name,
		      ((const struct ks_data *)b)->name);
}

static void strtab_build(struct ks_unit *u, const struct ks_inltab *it,
			 struct ks_strtab *t)
{
	for (size_t i = 0; i < u->nr_funcs; i++) {
		struct ks_func *fn = &u->funcs[i];

		st_add(t, fn->name);
		st_add(t, fn->section);
		st_add(t, fn->file);
		st_add(t, fn->clone_of);
		st_add(t, fn->clone_kind);
		for (size_t j = 0; j < fn->refs.n; j++)
			st_add(t, fn->refs.v[j]);
	}
	for (size_t i = 0; i < it->n; i++)
		st_add(t, it->v[i].name);
	for (size_t i = 0; i < u->nr_data; i++) {
		st_add(t, u->data[i].name);
		st_add(t, u->data[i].section);
		st_add(t, u->data[i].owner);
	}
	st_finish(t);
}

static void put_unit(FILE *f, struct ks_unit *u, const char *object)
{
	struct ks_inltab it = { NULL, 0 };
	struct ks_strtab st = { NULL, 0, 0, 0 };
	size_t n = 0;

	qsort(u->funcs, u->nr_funcs, sizeof(*u->funcs), cmp_func);
	qsort(u->data, u->nr_data, sizeof(*u->data), cmp_data);
	for (size_t i = 0; i < u->nr_funcs; i++)
		ks_strv_sort_uniq(&u->funcs[i].refs);
	inl_build(u, &it);
	strtab_build(u, &it, &st);

	fputs("{\"schema\":\"ksplice-sidecar\",\"version\":2,\"compiler\":", f);
	put_str(f, version_string);
	fputs(",\"source\":", f);
	put_str(f, main_input_filename);
	fputs(",\"object\":", f);
	put_str(f, object);
	fputs(",\"flags_hash\":", f);
	put_hash(f, ks_flags_hash());
	fputs(",\n\"strings\":[", f);
	for (size_t i = 0; i < st.n; i++) {
		if (st.v[i].idx < 0)
			continue;
		if (n++)
			putc(',', f);
		put_str(f, st.v[i].s);
	}
	fputs("],\n\"inlined\":[", f);
	for (size_t i = 0; i < it.n; i++) {
		fputs(i ? ",\n[" : "\n[", f);
		put_sref(f, &st, it.v[i].name);
		putc(',', f);
		if (it.v[i].has_hash)
			put_str(f, it.v[i].hash);
		else
			fputs("null", f);
		putc(']', f);
	}
	fputs("],\n\"function_columns\":[" FUNC_COLUMNS "],\n\"functions\":[", f);
	for (size_t i = 0; i < u->nr_funcs; i++) {
		fputs(i ? ",\n" : "\n", f);
		put_func(f, u, &st, &it, &u->funcs[i]);
	}
	fputs("],\n\"data_columns\":[" DATA_COLUMNS "],\n\"data\":[", f);
	for (size_t i = 0; i < u->nr_data; i++) {
		fputs(i ? ",\n" : "\n", f);
		put_data(f, &st, &u->data[i]);
	}
	fputs("]}\n", f);
	free(st.v);
	free(it.v);
}

void ks_write_sidecar(struct ks_unit *u, const char *object)
{
	char *path = concat(object, ".ksplice.json", NULL);
	char *tmp = xasprintf("%s.tmp.%ld", path, (long)getpid());
	int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_EXCL, 0666);
	FILE *f = fd < 0 ? NULL : fdopen(fd, "w");
	int err;

	if (!f) {
		err = errno;
		if (fd >= 0)
			close(fd);
		goto fail;
	}
	put_unit(f, u, object);
	err = ferror(f) ? EIO : 0;
	if (fclose(f) && !err)
		err = errno;
	if (!err && rename(tmp, path))
		err = errno;
	if (!err) {
		if (u->debug)
			inform(UNKNOWN_LOCATION, "ksplice: wrote %qs: %lu functions, "
			       "%lu data objects", path, (unsigned long)u->nr_funcs,
			       (unsigned long)u->nr_data);
		goto out;
	}
fail:
	unlink(tmp);
	errno = err;
	error("ksplice: cannot write sidecar %qs: %m", path);
out:
	free(tmp);
	free(path);
}
