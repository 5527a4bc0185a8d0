/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * sidecar.h: reader for the JSON sidecars the ksplice GCC plugin writes
 * beside each object (docs/sidecar-format.md, schema version 2; version 1
 * is read too).
 *
 * sidecar_load() / sidecar_parse() read and validate one sidecar into plain
 * structs, compute the normalised name of every symbol, and index functions
 * and data by normalised name in hash tables. Symbols whose normalised
 * names collide (GCC's numbered clones, __UNIQUE_ID_ symbols, static locals
 * of the same name in one function) form a chain: find_function() returns
 * the first, ->next_same the next.
 *
 * Every string points into the parsed document, which the sidecar owns;
 * sidecar_free() releases all of it.
 */
#ifndef KSPLICE_SIDECAR_H
#define KSPLICE_SIDECAR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define SIDECAR_SCHEMA "ksplice-sidecar"
#define SIDECAR_VERSION 2	/* the newest version read; 1 is read too */
#define SIDECAR_SUFFIX ".ksplice.json"

struct sc_inlined {
	const char *name;
	const char *body_hash;		/* NULL if the plugin gave none */
};

struct sc_function {
	const char *name;		/* assembler name: foo.constprop.0 */
	const char *norm;		/* normalised: foo.constprop */
	const char *linkage;		/* global, weak, local */
	const char *visibility;
	const char *section;
	const char *file;
	long line;
	const char *hash;
	const char *body_hash;		/* NULL if absent (draft key) */
	const char *clone_of;		/* NULL unless a GCC clone */
	const char *clone_kind;
	const char **refs;		/* normalised names */
	size_t nr_refs;
	struct sc_inlined *inlined;
	size_t nr_inlined;
	const char **static_locals;
	size_t nr_static_locals;
	bool fentry, init, exit, notrace;
	int next_same;			/* index of next with equal norm, or -1 */
};

struct sc_data {
	const char *name;		/* counter.3 */
	const char *norm;		/* counter */
	const char *key;		/* norm, or "owner::norm" for a static local */
	const char *linkage;
	const char *section;
	uint64_t size;
	bool readonly;
	const char *owner;		/* owning function of a static local, or NULL */
	const char *init_hash;
	int next_same;			/* index of next with equal key, or -1 */
};

struct sc_index {
	int *slots;			/* first symbol index per bucket, -1: empty */
	size_t mask;
};

struct sidecar {
	char *path;			/* as shown in messages */
	int version;			/* schema version: 1 or 2 */
	const char *compiler;
	const char *source;
	const char *object;
	const char *flags_hash;
	struct sc_function *funcs;
	size_t nr_funcs;
	struct sc_data *data;
	size_t nr_data;
	struct sc_index func_index;	/* by norm */
	struct sc_index data_index;	/* by key */
	void *json;			/* the cJSON document */
	char *names;			/* storage for norm and key strings */
};

/*
 * Parse and validate len bytes of buf (need not be NUL-terminated) as the
 * sidecar named path. Returns a new sidecar, or NULL after reporting what
 * is wrong with it: malformed JSON with line and column, wrong schema or
 * version, a missing key or one of the wrong type.
 */
struct sidecar *sidecar_parse(const char *path, const char *buf, size_t len);

/* Read path (relative to dirfd, or AT_FDCWD) and parse it. */
struct sidecar *sidecar_load_at(int dirfd, const char *path, const char *shown);

void sidecar_free(struct sidecar *sc);

/*
 * Check that two sidecars can be compared: same compiler and flags_hash.
 * Returns 0, or -1 with an error naming both files.
 */
int sidecar_check_comparable(const struct sidecar *pre,
			     const struct sidecar *post);

/* First function / data object with this normalised name (key), or NULL. */
const struct sc_function *find_function(const struct sidecar *sc,
					const char *norm);
const struct sc_data *find_data(const struct sidecar *sc, const char *key);
const struct sc_function *next_same_function(const struct sidecar *sc,
					     const struct sc_function *f);
const struct sc_data *next_same_data(const struct sidecar *sc,
				     const struct sc_data *d);

#define for_each_function(sc, f) \
	for ((f) = (sc)->funcs; (f) < (sc)->funcs + (sc)->nr_funcs; (f)++)
#define for_each_data(sc, d) \
	for ((d) = (sc)->data; (d) < (sc)->data + (sc)->nr_data; (d)++)

/*
 * Write the normalised form of name into out (at least strlen(name) + 1
 * bytes): numeric components are dropped (foo.123 -> foo,
 * foo.constprop.0.isra.1 -> foo.constprop.isra), __UNIQUE_ID_ names lose
 * their trailing counter (__UNIQUE_ID_ddebug42 -> __UNIQUE_ID_ddebug), and
 * initcall entries lose counter and line
 * (__initcall__kmod_meminfo__263_170_proc_meminfo_init5 ->
 * __initcall__kmod_meminfo__proc_meminfo_init5). Returns the length.
 */
size_t sidecar_normalise(const char *name, char *out);

/* Is f a GCC clone (.isra, .constprop, .part, .cold, ...) of another? */
bool is_clone(const struct sc_function *f);

#endif
