// SPDX-License-Identifier: GPL-2.0-only
/*
 * sidecar.c: load, validate and index one ksplice sidecar
 * (docs/sidecar-format.md). See sidecar.h.
 *
 * Versions 1 and 2 of the format are read into the same structs. The
 * reader is strict: every key the format documents must be present with
 * its documented type (null only where the format allows it; in version 2
 * a row may leave off trailing columns that hold their default), so a
 * plugin that drifts from docs/sidecar-format.md is caught at the first
 * sidecar instead of producing a wrong diff. Unknown keys are ignored, as
 * the format allows additions without a version bump; so are unknown
 * columns of a version-2 row.
 */
#include <ctype.h>
#include <fcntl.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "sidecar.h"
#include "util.h"

/* Where in the document a value sits, for messages: "functions[3]". */
struct loc {
	const char *path;
	const char *array;
	int idx;
};

static int bad(const struct loc *l, const char *key, const char *what)
{
	if (l->array)
		return error("sidecar '%s': '%s[%d].%s' %s", l->path, l->array,
			     l->idx, key, what);
	return error("sidecar '%s': '%s' %s", l->path, key, what);
}

static int missing(const struct loc *l, const char *key)
{
	if (l->array)
		return error("sidecar '%s': missing key '%s[%d].%s'", l->path,
			     l->array, l->idx, key);
	return error("sidecar '%s': missing key '%s'", l->path, key);
}

/* How get_string() treats a value. */
enum {
	NONEMPTY = 1,	/* "" is an error */
	NULLABLE = 2,	/* null is allowed and gives NULL */
};

/* Every documented key is always present; a nullable one may hold null. */
static int get_string(const struct loc *l, const cJSON *obj, const char *key,
		      int flags, const char **out)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, key);

	*out = NULL;
	if (!v)
		return missing(l, key);
	if (cJSON_IsNull(v) && (flags & NULLABLE))
		return 0;
	if (!cJSON_IsString(v))
		return bad(l, key, flags & NULLABLE ? "is not a string or null" :
			   "is not a string");
	if ((flags & NONEMPTY) && !v->valuestring[0])
		return bad(l, key, "is empty");
	*out = v->valuestring;
	return 0;
}

static int get_bool(const struct loc *l, const cJSON *obj, const char *key,
		    bool *out)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, key);

	*out = false;
	if (!v)
		return missing(l, key);
	if (!cJSON_IsBool(v))
		return bad(l, key, "is not a boolean");
	*out = cJSON_IsTrue(v);
	return 0;
}

/* A non-negative integer that a double holds exactly. */
static int get_uint(const struct loc *l, const cJSON *obj, const char *key,
		    uint64_t *out)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, key);
	double d;

	*out = 0;
	if (!v)
		return missing(l, key);
	if (!cJSON_IsNumber(v))
		return bad(l, key, "is not a number");
	d = v->valuedouble;
	if (!(d >= 0 && d <= 9007199254740992.0) || floor(d) != d)
		return bad(l, key, "is not a non-negative integer");
	*out = (uint64_t)d;
	return 0;
}

static int get_array(const struct loc *l, const cJSON *obj, const char *key,
		     const cJSON **out)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, key);

	*out = NULL;
	if (!v)
		return missing(l, key);
	if (!cJSON_IsArray(v))
		return bad(l, key, "is not an array");
	*out = v;
	return 0;
}

/* An optional array of strings into a malloc'ed vector. */
static int get_strings(const struct loc *l, const cJSON *obj, const char *key,
		       const char ***out, size_t *nr)
{
	const cJSON *arr, *v;
	size_t n = 0;

	*out = NULL;
	*nr = 0;
	if (get_array(l, obj, key, &arr))
		return -1;
	if (!arr || !cJSON_GetArraySize(arr))
		return 0;
	*out = calloc(cJSON_GetArraySize(arr), sizeof(**out));
	if (!*out)
		return error("out of memory");
	cJSON_ArrayForEach(v, arr) {
		if (!cJSON_IsString(v))
			return bad(l, key, "has an entry that is not a string");
		(*out)[n++] = v->valuestring;
	}
	*nr = n;
	return 0;
}

static int get_inlined(const struct loc *l, const cJSON *obj,
		       struct sc_function *f)
{
	const cJSON *arr, *v;
	struct loc il = *l;
	char where[64];
	size_t n = 0;

	if (get_array(l, obj, "inlined", &arr))
		return -1;
	if (!arr || !cJSON_GetArraySize(arr))
		return 0;
	f->inlined = calloc(cJSON_GetArraySize(arr), sizeof(*f->inlined));
	if (!f->inlined)
		return error("out of memory");
	snprintf(where, sizeof(where), "%s[%d].inlined", l->array, l->idx);
	il.array = where;
	cJSON_ArrayForEach(v, arr) {
		struct sc_inlined *in = &f->inlined[n];

		il.idx = n;
		if (!cJSON_IsObject(v))
			return bad(l, "inlined", "has an entry that is not an object");
		if (get_string(&il, v, "name", NONEMPTY, &in->name) ||
		    get_string(&il, v, "body_hash", NULLABLE, &in->body_hash))
			return -1;
		n++;
	}
	f->nr_inlined = n;
	return 0;
}

static int parse_function(const struct loc *l, const cJSON *v,
			  struct sc_function *f)
{
	uint64_t line;

	if (!cJSON_IsObject(v))
		return error("sidecar '%s': '%s[%d]' is not an object",
			     l->path, l->array, l->idx);
	if (get_string(l, v, "name", NONEMPTY, &f->name) ||
	    get_string(l, v, "linkage", NONEMPTY, &f->linkage) ||
	    get_string(l, v, "visibility", NONEMPTY, &f->visibility) ||
	    get_string(l, v, "section", NONEMPTY, &f->section) ||
	    get_string(l, v, "file", 0, &f->file) ||
	    get_uint(l, v, "line", &line) ||
	    get_string(l, v, "hash", NONEMPTY, &f->hash) ||
	    get_string(l, v, "body_hash", NULLABLE, &f->body_hash) ||
	    get_string(l, v, "clone_of", NULLABLE, &f->clone_of) ||
	    get_string(l, v, "clone_kind", NULLABLE, &f->clone_kind) ||
	    get_strings(l, v, "refs", &f->refs, &f->nr_refs) ||
	    get_inlined(l, v, f) ||
	    get_strings(l, v, "static_locals", &f->static_locals,
			&f->nr_static_locals) ||
	    get_bool(l, v, "fentry", &f->fentry) ||
	    get_bool(l, v, "init", &f->init) ||
	    get_bool(l, v, "exit", &f->exit) ||
	    get_bool(l, v, "notrace", &f->notrace))
		return -1;
	f->line = (long)line;
	return 0;
}

static int parse_data(const struct loc *l, const cJSON *v, struct sc_data *d)
{
	if (!cJSON_IsObject(v))
		return error("sidecar '%s': '%s[%d]' is not an object",
			     l->path, l->array, l->idx);
	return get_string(l, v, "name", NONEMPTY, &d->name) ||
	       get_string(l, v, "linkage", NONEMPTY, &d->linkage) ||
	       get_string(l, v, "section", NONEMPTY, &d->section) ||
	       get_uint(l, v, "size", &d->size) ||
	       get_bool(l, v, "readonly", &d->readonly) ||
	       get_string(l, v, "owner", NULLABLE | NONEMPTY, &d->owner) ||
	       get_string(l, v, "init_hash", NONEMPTY, &d->init_hash) ? -1 : 0;
}

static int parse_header(struct sidecar *sc, const cJSON *root)
{
	struct loc l = { sc->path, NULL, 0 };
	const char *schema;
	const cJSON *v;

	if (!cJSON_IsObject(root))
		return error("sidecar '%s': top level is not a JSON object",
			     sc->path);
	if (get_string(&l, root, "schema", 0, &schema))
		return -1;
	if (strcmp(schema, SIDECAR_SCHEMA))
		return error("sidecar '%s': schema is '%s', expected '%s'",
			     sc->path, schema, SIDECAR_SCHEMA);
	v = cJSON_GetObjectItemCaseSensitive(root, "version");
	if (!v)
		return missing(&l, "version");
	if (!cJSON_IsNumber(v))
		return bad(&l, "version", "is not a number");
	if ((v->valuedouble != 1 && v->valuedouble != SIDECAR_VERSION) ||
	    v->valuedouble != v->valueint)
		return error("sidecar '%s': unsupported version %g (this reader knows versions 1 and %d)",
			     sc->path, v->valuedouble, SIDECAR_VERSION);
	sc->version = v->valueint;
	return get_string(&l, root, "compiler", NONEMPTY, &sc->compiler) ||
	       get_string(&l, root, "source", 0, &sc->source) ||
	       get_string(&l, root, "object", 0, &sc->object) ||
	       get_string(&l, root, "flags_hash", NONEMPTY, &sc->flags_hash) ? -1 : 0;
}

static int parse_symbols_v1(struct sidecar *sc, const cJSON *root)
{
	struct loc l = { sc->path, NULL, 0 };
	const cJSON *funcs, *data, *v;

	if (get_array(&l, root, "functions", &funcs) ||
	    get_array(&l, root, "data", &data))
		return -1;
	sc->funcs = calloc(cJSON_GetArraySize(funcs) + 1, sizeof(*sc->funcs));
	sc->data = calloc(cJSON_GetArraySize(data) + 1, sizeof(*sc->data));
	if (!sc->funcs || !sc->data)
		return error("out of memory");
	l.array = "functions";
	cJSON_ArrayForEach(v, funcs) {
		l.idx = sc->nr_funcs;
		if (parse_function(&l, v, &sc->funcs[sc->nr_funcs++]))
			return -1;
	}
	l.array = "data";
	cJSON_ArrayForEach(v, data) {
		l.idx = sc->nr_data;
		if (parse_data(&l, v, &sc->data[sc->nr_data++]))
			return -1;
	}
	return 0;
}

/*
 * Schema version 2: strings used more than once sit in the table
 * "strings" and are written elsewhere as their index; inlined callees sit
 * in the table "inlined"; functions and data are rows whose columns the
 * document declares once. See docs/sidecar-format.md.
 */
enum { FC_NAME, FC_FLAGS, FC_SECTION, FC_FILE, FC_LINE, FC_HASH, FC_BODY_HASH,
       FC_REFS, FC_INLINED, FC_CLONE_OF, FC_CLONE_KIND, NR_FC };
enum { DC_NAME, DC_FLAGS, DC_SECTION, DC_SIZE, DC_INIT_HASH, DC_OWNER, NR_DC };

static const char *const func_columns[NR_FC] = {
	"name", "flags", "section", "file", "line", "hash", "body_hash",
	"refs", "inlined", "clone_of", "clone_kind",
};
static const char *const data_columns[NR_DC] = {
	"name", "flags", "section", "size", "init_hash", "owner",
};
/* Columns up to these may not be left off a row. */
#define FC_REQUIRED FC_HASH
#define DC_REQUIRED DC_INIT_HASH

static const char *const linkages[] = { "global", "weak", "local" };
static const char *const visibilities[] = {
	"default", "hidden", "protected", "internal",
};

#define MAX_COLUMNS 64

struct v2 {
	const char **strings;
	size_t nr_strings;
	struct sc_inlined *inlined;
	size_t nr_inlined;
	int fpos[NR_FC];		/* position of each column, or -1 */
	int dpos[NR_DC];
};

/* A row's cells by column: cells[c] is NULL where the row stops early. */
struct row {
	const cJSON *item[MAX_COLUMNS];
	int n;
};

/* A string field: the string itself, or its index in "strings". */
static int v2_string(const struct loc *l, const struct v2 *t, const cJSON *v,
		     const char *key, int flags, const char **out)
{
	*out = NULL;
	if (cJSON_IsNull(v) && (flags & NULLABLE))
		return 0;
	if (cJSON_IsString(v)) {
		*out = v->valuestring;
	} else if (cJSON_IsNumber(v)) {
		double d = v->valuedouble;

		if (!(d >= 0 && d < (double)t->nr_strings) || floor(d) != d)
			return bad(l, key, "is not an index into 'strings'");
		*out = t->strings[(size_t)d];
	} else {
		return bad(l, key, flags & NULLABLE ?
			   "is not a string, an index into 'strings' or null" :
			   "is not a string or an index into 'strings'");
	}
	if ((flags & NONEMPTY) && !**out)
		return bad(l, key, "is empty");
	return 0;
}

static int v2_hash(const struct loc *l, const cJSON *v, const char *key,
		   int flags, const char **out)
{
	*out = NULL;
	if (cJSON_IsNull(v) && (flags & NULLABLE))
		return 0;
	if (!cJSON_IsString(v))
		return bad(l, key, flags & NULLABLE ? "is not a string or null" :
			   "is not a string");
	if (!v->valuestring[0])
		return bad(l, key, "is empty");
	*out = v->valuestring;
	return 0;
}

static int v2_uint(const struct loc *l, const cJSON *v, const char *key,
		   uint64_t max, uint64_t *out)
{
	double d;

	*out = 0;
	if (!cJSON_IsNumber(v))
		return bad(l, key, "is not a number");
	d = v->valuedouble;
	if (!(d >= 0 && d <= 9007199254740992.0) || floor(d) != d)
		return bad(l, key, "is not a non-negative integer");
	if (d > (double)max)
		return bad(l, key, "is out of range");
	*out = (uint64_t)d;
	return 0;
}

static int v2_strings(struct sidecar *sc, struct v2 *t, const cJSON *root)
{
	struct loc l = { sc->path, NULL, 0 };
	const cJSON *arr, *v;

	if (get_array(&l, root, "strings", &arr))
		return -1;
	t->strings = calloc(cJSON_GetArraySize(arr) + 1, sizeof(*t->strings));
	if (!t->strings)
		return error("out of memory");
	cJSON_ArrayForEach(v, arr) {
		if (!cJSON_IsString(v))
			return error("sidecar '%s': 'strings[%zu]' is not a string",
				     sc->path, t->nr_strings);
		t->strings[t->nr_strings++] = v->valuestring;
	}
	return 0;
}

static int v2_inlined_table(struct sidecar *sc, struct v2 *t,
			    const cJSON *root)
{
	struct loc l = { sc->path, NULL, 0 };
	const cJSON *arr, *v;

	if (get_array(&l, root, "inlined", &arr))
		return -1;
	t->inlined = calloc(cJSON_GetArraySize(arr) + 1, sizeof(*t->inlined));
	if (!t->inlined)
		return error("out of memory");
	l.array = "inlined";
	cJSON_ArrayForEach(v, arr) {
		struct sc_inlined *in = &t->inlined[t->nr_inlined];

		l.idx = t->nr_inlined;
		if (!cJSON_IsArray(v) || cJSON_GetArraySize(v) != 2)
			return error("sidecar '%s': 'inlined[%d]' is not a [name, body_hash] pair",
				     sc->path, l.idx);
		if (v2_string(&l, t, v->child, "name", NONEMPTY, &in->name) ||
		    v2_hash(&l, v->child->next, "body_hash", NULLABLE,
			    &in->body_hash))
			return -1;
		t->nr_inlined++;
	}
	return 0;
}

/* Where each known column sits in the declared list "key". */
static int v2_columns(struct sidecar *sc, const cJSON *root, const char *key,
		      const char *const *names, int nr, int required, int *pos)
{
	struct loc l = { sc->path, NULL, 0 };
	const cJSON *arr, *v;
	int i, n = 0;

	if (get_array(&l, root, key, &arr))
		return -1;
	for (i = 0; i < nr; i++)
		pos[i] = -1;
	cJSON_ArrayForEach(v, arr) {
		if (!cJSON_IsString(v))
			return error("sidecar '%s': '%s[%d]' is not a string",
				     sc->path, key, n);
		for (i = 0; i < nr; i++) {
			if (strcmp(v->valuestring, names[i]))
				continue;
			if (pos[i] >= 0)
				return error("sidecar '%s': '%s' names column '%s' twice",
					     sc->path, key, names[i]);
			if (n >= MAX_COLUMNS)
				return error("sidecar '%s': '%s' has column '%s' after the first %d",
					     sc->path, key, names[i], MAX_COLUMNS);
			pos[i] = n;
		}
		n++;
	}
	for (i = 0; i < nr; i++)
		if (pos[i] < 0 && i <= required)
			return error("sidecar '%s': '%s' lacks column '%s'",
				     sc->path, key, names[i]);
	return 0;
}

/* Split a row into cells; a required column the row stops before is missing. */
static int v2_row(const struct loc *l, const cJSON *v, const int *pos,
		  const char *const *names, int nr, int required, struct row *r)
{
	const cJSON *c;
	int i;

	if (!cJSON_IsArray(v))
		return error("sidecar '%s': '%s[%d]' is not an array",
			     l->path, l->array, l->idx);
	r->n = 0;
	for (c = v->child; c && r->n < MAX_COLUMNS; c = c->next)
		r->item[r->n++] = c;
	for (i = 0; i <= required && i < nr; i++)
		if (pos[i] >= r->n)
			return missing(l, names[i]);
	return 0;
}

static const cJSON *cell(const struct row *r, const int *pos, int col)
{
	return pos[col] >= 0 && pos[col] < r->n ? r->item[pos[col]] : NULL;
}

/* An array of string fields (refs). */
static int v2_refs(const struct loc *l, const struct v2 *t, const cJSON *arr,
		   struct sc_function *f)
{
	const cJSON *v;
	size_t n = 0;

	if (!arr)
		return 0;
	if (!cJSON_IsArray(arr))
		return bad(l, "refs", "is not an array");
	if (!cJSON_GetArraySize(arr))
		return 0;
	f->refs = calloc(cJSON_GetArraySize(arr), sizeof(*f->refs));
	if (!f->refs)
		return error("out of memory");
	cJSON_ArrayForEach(v, arr) {
		if (!cJSON_IsString(v) && !cJSON_IsNumber(v))
			return bad(l, "refs", "has an entry that is not a string or an index into 'strings'");
		if (v2_string(l, t, v, "refs", 0, &f->refs[n]))
			return -1;
		n++;
	}
	f->nr_refs = n;
	return 0;
}

static int v2_inlined(const struct loc *l, const struct v2 *t,
		      const cJSON *arr, struct sc_function *f)
{
	const cJSON *v;
	size_t n = 0;

	if (!arr)
		return 0;
	if (!cJSON_IsArray(arr))
		return bad(l, "inlined", "is not an array");
	if (!cJSON_GetArraySize(arr))
		return 0;
	f->inlined = calloc(cJSON_GetArraySize(arr), sizeof(*f->inlined));
	if (!f->inlined)
		return error("out of memory");
	cJSON_ArrayForEach(v, arr) {
		double d = cJSON_IsNumber(v) ? v->valuedouble : -1;

		if (!(d >= 0 && d < (double)t->nr_inlined) || floor(d) != d)
			return bad(l, "inlined", "has an entry that is not an index into the top-level 'inlined'");
		f->inlined[n++] = t->inlined[(size_t)d];
	}
	f->nr_inlined = n;
	return 0;
}

static int v2_function(const struct loc *l, const struct v2 *t,
		       const cJSON *v, struct sc_function *f)
{
	const int *p = t->fpos;
	struct row r;
	uint64_t flags, line;
	const cJSON *c;

	if (v2_row(l, v, p, func_columns, NR_FC, FC_REQUIRED, &r) ||
	    v2_string(l, t, cell(&r, p, FC_NAME), "name", NONEMPTY, &f->name) ||
	    v2_uint(l, cell(&r, p, FC_FLAGS), "flags", 255, &flags) ||
	    v2_string(l, t, cell(&r, p, FC_SECTION), "section", NONEMPTY,
		      &f->section) ||
	    v2_string(l, t, cell(&r, p, FC_FILE), "file", 0, &f->file) ||
	    v2_uint(l, cell(&r, p, FC_LINE), "line", LONG_MAX, &line) ||
	    v2_hash(l, cell(&r, p, FC_HASH), "hash", 0, &f->hash))
		return -1;
	if ((flags & 3) == 3)
		return bad(l, "flags", "has an unknown linkage (3)");
	f->linkage = linkages[flags & 3];
	f->visibility = visibilities[flags >> 2 & 3];
	f->fentry = flags & 16;
	f->init = flags & 32;
	f->exit = flags & 64;
	f->notrace = flags & 128;
	f->line = (long)line;
	if ((c = cell(&r, p, FC_BODY_HASH)) &&
	    v2_hash(l, c, "body_hash", NULLABLE, &f->body_hash))
		return -1;
	if ((c = cell(&r, p, FC_CLONE_OF)) &&
	    v2_string(l, t, c, "clone_of", NULLABLE | NONEMPTY, &f->clone_of))
		return -1;
	if ((c = cell(&r, p, FC_CLONE_KIND)) &&
	    v2_string(l, t, c, "clone_kind", NULLABLE | NONEMPTY,
		      &f->clone_kind))
		return -1;
	return v2_refs(l, t, cell(&r, p, FC_REFS), f) ||
	       v2_inlined(l, t, cell(&r, p, FC_INLINED), f) ? -1 : 0;
}

static int v2_data(const struct loc *l, const struct v2 *t, const cJSON *v,
		   struct sc_data *d)
{
	const int *p = t->dpos;
	struct row r;
	uint64_t flags;
	const cJSON *c;

	if (v2_row(l, v, p, data_columns, NR_DC, DC_REQUIRED, &r) ||
	    v2_string(l, t, cell(&r, p, DC_NAME), "name", NONEMPTY, &d->name) ||
	    v2_uint(l, cell(&r, p, DC_FLAGS), "flags", 7, &flags) ||
	    v2_string(l, t, cell(&r, p, DC_SECTION), "section", NONEMPTY,
		      &d->section) ||
	    v2_uint(l, cell(&r, p, DC_SIZE), "size", UINT64_MAX, &d->size) ||
	    v2_hash(l, cell(&r, p, DC_INIT_HASH), "init_hash", 0,
		    &d->init_hash))
		return -1;
	if ((flags & 3) == 3)
		return bad(l, "flags", "has an unknown linkage (3)");
	d->linkage = linkages[flags & 3];
	d->readonly = flags & 4;
	if ((c = cell(&r, p, DC_OWNER)) &&
	    v2_string(l, t, c, "owner", NULLABLE | NONEMPTY, &d->owner))
		return -1;
	return 0;
}

static int parse_symbols_v2(struct sidecar *sc, const cJSON *root)
{
	struct loc l = { sc->path, NULL, 0 };
	struct v2 t = { 0 };
	const cJSON *funcs, *data, *v;
	int ret = -1;

	if (v2_strings(sc, &t, root) || v2_inlined_table(sc, &t, root) ||
	    v2_columns(sc, root, "function_columns", func_columns, NR_FC,
		       FC_REQUIRED, t.fpos) ||
	    v2_columns(sc, root, "data_columns", data_columns, NR_DC,
		       DC_REQUIRED, t.dpos) ||
	    get_array(&l, root, "functions", &funcs) ||
	    get_array(&l, root, "data", &data))
		goto out;
	sc->funcs = calloc(cJSON_GetArraySize(funcs) + 1, sizeof(*sc->funcs));
	sc->data = calloc(cJSON_GetArraySize(data) + 1, sizeof(*sc->data));
	if (!sc->funcs || !sc->data) {
		error("out of memory");
		goto out;
	}
	l.array = "functions";
	cJSON_ArrayForEach(v, funcs) {
		l.idx = sc->nr_funcs;
		if (v2_function(&l, &t, v, &sc->funcs[sc->nr_funcs++]))
			goto out;
	}
	l.array = "data";
	cJSON_ArrayForEach(v, data) {
		l.idx = sc->nr_data;
		if (v2_data(&l, &t, v, &sc->data[sc->nr_data++]))
			goto out;
	}
	ret = 0;
out:
	free(t.strings);
	free(t.inlined);
	return ret;
}

static int parse_symbols(struct sidecar *sc, const cJSON *root)
{
	return sc->version == 1 ? parse_symbols_v1(sc, root) :
	       parse_symbols_v2(sc, root);
}

static void json_position(const char *buf, size_t off, int *line, int *col)
{
	size_t i;

	*line = 1;
	*col = 1;
	for (i = 0; i < off; i++) {
		if (buf[i] == '\n') {
			++*line;
			*col = 1;
		} else {
			++*col;
		}
	}
}

static bool all_space(const char *buf, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++)
		if (!isspace((unsigned char)buf[i]))
			return false;
	return true;
}

static cJSON *parse_json(const char *path, const char *buf, size_t len)
{
	const char *end = NULL;
	size_t off;
	cJSON *root;
	int line, col;

	if (all_space(buf, len)) {
		error("sidecar '%s': empty file", path);
		return NULL;
	}
	root = cJSON_ParseWithLengthOpts(buf, len, &end, false);
	if (root) {
		/* cJSON stops after the first value; only space may follow. */
		off = end - buf;
		while (off < len && isspace((unsigned char)buf[off]))
			off++;
		if (off == len)
			return root;
		cJSON_Delete(root);
		json_position(buf, off, &line, &col);
		error("sidecar '%s': malformed JSON at line %d, column %d: data after the document",
		      path, line, col);
		return NULL;
	}
	off = end && end >= buf && end <= buf + len ? (size_t)(end - buf) : len;
	json_position(buf, off, &line, &col);
	error("sidecar '%s': malformed JSON at line %d, column %d", path, line,
	      col);
	return NULL;
}

static bool component_is_number(const char *p, size_t n)
{
	size_t i;

	if (!n)
		return false;
	for (i = 0; i < n; i++)
		if (!isdigit((unsigned char)p[i]))
			return false;
	return true;
}

/* Length of "__<digits>_<digits>_" at p, or 0. */
static size_t initcall_id_len(const char *p)
{
	const char *q = p;
	int part;

	if (q[0] != '_' || q[1] != '_')
		return 0;
	q += 2;
	for (part = 0; part < 2; part++) {
		if (!isdigit((unsigned char)*q))
			return 0;
		while (isdigit((unsigned char)*q))
			q++;
		if (*q++ != '_')
			return 0;
	}
	return q - p;
}

size_t sidecar_normalise(const char *name, char *out)
{
	static const char *const initcalls[] = {
		"__initcall__kmod_", "__initstub__kmod_",
	};
	const char *p = name, *dot;
	char *o = out;
	size_t i, n;

	for (i = 0; i < ARRAY_SIZE(initcalls); i++) {
		if (!starts_with(name, initcalls[i]))
			continue;
		for (p = name + strlen(initcalls[i]); *p; p++) {
			n = initcall_id_len(p);
			if (n) {
				memcpy(o, name, p + 2 - name);
				o += p + 2 - name;
				p += n;
				break;
			}
		}
		if (!*p)
			p = name;
		break;
	}
	/* First component is kept; numeric ones after it are dropped. */
	dot = strchr(p, '.');
	n = dot ? (size_t)(dot - p) : strlen(p);
	memcpy(o, p, n);
	if (o == out && starts_with(p, "__UNIQUE_ID_"))
		while (n > strlen("__UNIQUE_ID_") && isdigit((unsigned char)o[n - 1]))
			n--;
	o += n;
	p += n;
	while (*p == '.') {
		p++;
		dot = strchr(p, '.');
		n = dot ? (size_t)(dot - p) : strlen(p);
		if (!component_is_number(p, n)) {
			*o++ = '.';
			memcpy(o, p, n);
			o += n;
		}
		p += n;
	}
	*o = '\0';
	return o - out;
}

/* Open addressing; each slot holds the first index of a chain. */
static int index_build(struct sc_index *ix, size_t nr, const char *(*key)(
		       const struct sidecar *, int), const struct sidecar *sc,
		       int (*next)(const struct sidecar *, int, int))
{
	size_t size = 16, i;
	int k;

	while (size < nr * 2)
		size *= 2;
	ix->slots = malloc(size * sizeof(*ix->slots));
	if (!ix->slots)
		return error("out of memory");
	memset(ix->slots, 0xff, size * sizeof(*ix->slots));
	ix->mask = size - 1;
	/* Walk backwards and push to the front: chains end up in order. */
	for (k = (int)nr - 1; k >= 0; k--) {
		const char *s = key(sc, k);
		uint32_t h = 2166136261u;

		for (i = 0; s[i]; i++)
			h = (h ^ (unsigned char)s[i]) * 16777619u;
		for (i = h & ix->mask;; i = (i + 1) & ix->mask) {
			if (ix->slots[i] < 0 || !strcmp(key(sc, ix->slots[i]), s)) {
				next(sc, k, ix->slots[i]);
				ix->slots[i] = k;
				break;
			}
		}
	}
	return 0;
}

static int index_find(const struct sc_index *ix, const struct sidecar *sc,
		      const char *(*key)(const struct sidecar *, int),
		      const char *s)
{
	uint32_t h = 2166136261u;
	size_t i;

	if (!ix->slots)
		return -1;
	for (i = 0; s[i]; i++)
		h = (h ^ (unsigned char)s[i]) * 16777619u;
	for (i = h & ix->mask; ix->slots[i] >= 0; i = (i + 1) & ix->mask)
		if (!strcmp(key(sc, ix->slots[i]), s))
			return ix->slots[i];
	return -1;
}

static const char *func_key(const struct sidecar *sc, int i)
{
	return sc->funcs[i].norm;
}

static const char *data_key(const struct sidecar *sc, int i)
{
	return sc->data[i].key;
}

static int func_link(const struct sidecar *sc, int i, int next)
{
	return sc->funcs[i].next_same = next;
}

static int data_link(const struct sidecar *sc, int i, int next)
{
	return sc->data[i].next_same = next;
}

static int normalise_all(struct sidecar *sc)
{
	size_t total = 1, i;
	char *p;

	for (i = 0; i < sc->nr_funcs; i++)
		total += strlen(sc->funcs[i].name) + 1;
	for (i = 0; i < sc->nr_data; i++)
		total += 2 * strlen(sc->data[i].name) + 2 +
			 (sc->data[i].owner ? strlen(sc->data[i].owner) + 2 : 0);
	p = sc->names = malloc(total);
	if (!p)
		return error("out of memory");
	for (i = 0; i < sc->nr_funcs; i++) {
		sc->funcs[i].norm = p;
		p += sidecar_normalise(sc->funcs[i].name, p) + 1;
	}
	for (i = 0; i < sc->nr_data; i++) {
		struct sc_data *d = &sc->data[i];

		d->norm = p;
		p += sidecar_normalise(d->name, p) + 1;
		d->key = d->norm;
		if (!d->owner)
			continue;
		d->key = p;
		p += sidecar_normalise(d->owner, p);
		memcpy(p, "::", 2);
		p += 2;
		p += sidecar_normalise(d->name, p) + 1;
	}
	return 0;
}

/*
 * Version 2 leaves static_locals to the data: a function's static locals
 * are the data objects whose owner is its name, in data order.
 */
static int derive_static_locals(struct sidecar *sc)
{
	int *owner = calloc(sc->nr_data + 1, sizeof(*owner));
	char *norm = NULL;
	size_t i;
	int ret = -1;

	if (!owner)
		return error("out of memory");
	for (i = 0; i < sc->nr_data; i++) {
		const struct sc_data *d = &sc->data[i];
		const struct sc_function *f;

		owner[i] = -1;
		if (!d->owner)
			continue;
		free(norm);
		norm = malloc(strlen(d->owner) + 1);
		if (!norm) {
			error("out of memory");
			goto out;
		}
		sidecar_normalise(d->owner, norm);
		for (f = find_function(sc, norm); f; f = next_same_function(sc, f))
			if (!strcmp(f->name, d->owner))
				break;
		if (!f)
			continue;
		owner[i] = f - sc->funcs;
		sc->funcs[owner[i]].nr_static_locals++;
	}
	for (i = 0; i < sc->nr_funcs; i++) {
		struct sc_function *f = &sc->funcs[i];

		if (!f->nr_static_locals)
			continue;
		f->static_locals = calloc(f->nr_static_locals,
					  sizeof(*f->static_locals));
		if (!f->static_locals) {
			error("out of memory");
			goto out;
		}
		f->nr_static_locals = 0;
	}
	for (i = 0; i < sc->nr_data; i++) {
		struct sc_function *f;

		if (owner[i] < 0)
			continue;
		f = &sc->funcs[owner[i]];
		f->static_locals[f->nr_static_locals++] = sc->data[i].name;
	}
	ret = 0;
out:
	free(norm);
	free(owner);
	return ret;
}

struct sidecar *sidecar_parse(const char *path, const char *buf, size_t len)
{
	struct sidecar *sc = calloc(1, sizeof(*sc));

	if (!sc || !(sc->path = strdup(path))) {
		free(sc);
		error("out of memory");
		return NULL;
	}
	sc->json = parse_json(path, buf, len);
	if (!sc->json || parse_header(sc, sc->json) ||
	    parse_symbols(sc, sc->json) || normalise_all(sc) ||
	    index_build(&sc->func_index, sc->nr_funcs, func_key, sc,
			func_link) ||
	    index_build(&sc->data_index, sc->nr_data, data_key, sc,
			data_link) ||
	    (sc->version > 1 && derive_static_locals(sc))) {
		sidecar_free(sc);
		return NULL;
	}
	return sc;
}

struct sidecar *sidecar_load_at(int dirfd, const char *path, const char *shown)
{
	struct strbuf sb = STRBUF_INIT;
	struct sidecar *sc = NULL;

	if (!read_file_at(dirfd, path, "sidecar", shown, &sb))
		sc = sidecar_parse(shown, sb.buf, sb.len);
	strbuf_release(&sb);
	return sc;
}

void sidecar_free(struct sidecar *sc)
{
	size_t i;

	if (!sc)
		return;
	for (i = 0; i < sc->nr_funcs; i++) {
		free(sc->funcs[i].refs);
		free(sc->funcs[i].inlined);
		free(sc->funcs[i].static_locals);
	}
	free(sc->funcs);
	free(sc->data);
	free(sc->func_index.slots);
	free(sc->data_index.slots);
	free(sc->names);
	cJSON_Delete(sc->json);
	free(sc->path);
	free(sc);
}

int sidecar_check_comparable(const struct sidecar *pre,
			     const struct sidecar *post)
{
	if (strcmp(pre->compiler, post->compiler))
		return error("sidecars '%s' and '%s' were made by different compilers ('%s' and '%s')",
			     pre->path, post->path, pre->compiler, post->compiler);
	if (strcmp(pre->flags_hash, post->flags_hash))
		return error("sidecars '%s' and '%s' were made with different code-generation flags (flags_hash '%s' and '%s')",
			     pre->path, post->path, pre->flags_hash,
			     post->flags_hash);
	return 0;
}

const struct sc_function *find_function(const struct sidecar *sc,
					const char *norm)
{
	int i = index_find(&sc->func_index, sc, func_key, norm);

	return i < 0 ? NULL : &sc->funcs[i];
}

const struct sc_data *find_data(const struct sidecar *sc, const char *key)
{
	int i = index_find(&sc->data_index, sc, data_key, key);

	return i < 0 ? NULL : &sc->data[i];
}

const struct sc_function *next_same_function(const struct sidecar *sc,
					     const struct sc_function *f)
{
	return f->next_same < 0 ? NULL : &sc->funcs[f->next_same];
}

const struct sc_data *next_same_data(const struct sidecar *sc,
				     const struct sc_data *d)
{
	return d->next_same < 0 ? NULL : &sc->data[d->next_same];
}

bool is_clone(const struct sc_function *f)
{
	return f->clone_of || strchr(f->name, '.');
}
