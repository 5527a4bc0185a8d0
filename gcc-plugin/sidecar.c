// SPDX-License-Identifier: GPL-2.0-only
/*
 * sidecar.c: write the unit's record as JSON (docs/sidecar-format.md) to
 * <object>.ksplice.json, atomically: a temporary file in the same
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

/* Compact JSON, one function or data object per line: sidecars are many. */
static void put_key(FILE *f, const char *key, bool first)
{
	if (!first)
		putc(',', f);
	put_str(f, key);
	putc(':', f);
}

static void put_str_or_null(FILE *f, const char *s)
{
	if (s)
		put_str(f, s);
	else
		fputs("null", f);
}

static void put_hash(FILE *f, uint64_t v)
{
	char hex[17];

	ks_hex(v, hex);
	put_str(f, hex);
}

static void put_strv(FILE *f, const struct ks_strv *sv)
{
	putc('[', f);
	for (size_t i = 0; i < sv->n; i++) {
		if (i)
			putc(',', f);
		put_str(f, sv->v[i]);
	}
	putc(']', f);
}

static void put_bool(FILE *f, const char *key, bool v)
{
	put_key(f, key, false);
	fputs(v ? "true" : "false", f);
}

static const uint64_t *body_hash(struct ks_unit *u, unsigned int uid)
{
	return uid ? u->body_hashes->get(uid + 1) : NULL;
}

static int cmp_inlined(const void *a, const void *b)
{
	return strcmp(((const struct ks_inlined *)a)->name,
		      ((const struct ks_inlined *)b)->name);
}

static void put_inlined(FILE *f, struct ks_unit *u, struct ks_func *fn)
{
	qsort(fn->inlined, fn->nr_inlined, sizeof(*fn->inlined), cmp_inlined);
	putc('[', f);
	for (size_t i = 0; i < fn->nr_inlined; i++) {
		const uint64_t *h = body_hash(u, fn->inlined[i].uid);

		fputs(i ? ",{\"name\":" : "{\"name\":", f);
		put_str(f, fn->inlined[i].name);
		fputs(",\"body_hash\":", f);
		if (h)
			put_hash(f, *h);
		else
			fputs("null", f);
		putc('}', f);
	}
	putc(']', f);
}

static void put_static_locals(FILE *f, struct ks_unit *u, struct ks_func *fn)
{
	struct ks_strv sv = { NULL, 0, 0 };

	if (fn->uid) {
		for (size_t i = 0; i < u->nr_data; i++)
			if (u->data[i].owner && !strcmp(u->data[i].owner, fn->name))
				ks_strv_add(&sv, u->data[i].name);
	}
	ks_strv_sort_uniq(&sv);
	put_strv(f, &sv);
	for (size_t i = 0; i < sv.n; i++)
		free(sv.v[i]);
	free(sv.v);
}

static void put_func(FILE *f, struct ks_unit *u, struct ks_func *fn)
{
	const uint64_t *bh = body_hash(u, fn->uid);

	putc('{', f);
	put_key(f, "name", true);
	put_str(f, fn->name);
	put_key(f, "linkage", false);
	put_str(f, fn->linkage);
	put_key(f, "visibility", false);
	put_str(f, fn->visibility);
	put_key(f, "section", false);
	put_str(f, fn->section);
	put_key(f, "file", false);
	put_str(f, fn->file);
	put_key(f, "line", false);
	fprintf(f, "%d", fn->line);
	put_key(f, "hash", false);
	put_hash(f, fn->hash);
	put_key(f, "body_hash", false);
	if (bh)
		put_hash(f, *bh);
	else
		fputs("null", f);
	put_key(f, "clone_of", false);
	put_str_or_null(f, fn->clone_of);
	put_key(f, "clone_kind", false);
	put_str_or_null(f, fn->clone_kind);
	put_key(f, "refs", false);
	ks_strv_sort_uniq(&fn->refs);
	put_strv(f, &fn->refs);
	put_key(f, "inlined", false);
	put_inlined(f, u, fn);
	put_key(f, "static_locals", false);
	put_static_locals(f, u, fn);
	put_bool(f, "fentry", fn->fentry);
	put_bool(f, "init", fn->init);
	put_bool(f, "exit", fn->exit);
	put_bool(f, "notrace", fn->notrace);
	putc('}', f);
}

static void put_data(FILE *f, struct ks_data *d)
{
	putc('{', f);
	put_key(f, "name", true);
	put_str(f, d->name);
	put_key(f, "linkage", false);
	put_str(f, d->linkage);
	put_key(f, "section", false);
	put_str(f, d->section);
	put_key(f, "size", false);
	fprintf(f, "%llu", (unsigned long long)d->size);
	put_bool(f, "readonly", d->readonly);
	put_key(f, "owner", false);
	put_str_or_null(f, d->owner);
	put_key(f, "init_hash", false);
	put_hash(f, d->init_hash);
	putc('}', f);
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

static void put_unit(FILE *f, struct ks_unit *u, const char *object)
{
	qsort(u->funcs, u->nr_funcs, sizeof(*u->funcs), cmp_func);
	qsort(u->data, u->nr_data, sizeof(*u->data), cmp_data);
	fputs("{\"schema\":\"ksplice-sidecar\",\"version\":1,\"compiler\":", f);
	put_str(f, version_string);
	fputs(",\"source\":", f);
	put_str(f, main_input_filename);
	fputs(",\"object\":", f);
	put_str(f, object);
	fputs(",\"flags_hash\":", f);
	put_hash(f, ks_flags_hash());
	fputs(",\n\"functions\":[", f);
	for (size_t i = 0; i < u->nr_funcs; i++) {
		fputs(i ? ",\n" : "\n", f);
		put_func(f, u, &u->funcs[i]);
	}
	fputs("],\n\"data\":[", f);
	for (size_t i = 0; i < u->nr_data; i++) {
		fputs(i ? ",\n" : "\n", f);
		put_data(f, &u->data[i]);
	}
	fputs("]}\n", f);
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
