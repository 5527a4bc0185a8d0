/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * diff.h: compare the sidecars of one object before and after a patch.
 *
 * diff_object() matches functions by normalised name and data by
 * normalised name plus owning function, classifies every difference
 * (changed, new, removed, with a reason) and records what blocks a live
 * update, appending to a struct diff. The command prints the result.
 */
#ifndef KSPLICE_DIFF_H
#define KSPLICE_DIFF_H

#include <stdbool.h>
#include <stddef.h>

#include "sidecar.h"

enum change_kind {
	CHANGED_FUNCTION,
	NEW_FUNCTION,
	REMOVED_FUNCTION,
	CHANGED_DATA,
	NEW_DATA,
	REMOVED_DATA,
	BLOCKER,
	NR_CHANGE_KINDS,
};

enum symbol_kind {
	SYM_FUNCTION,
	SYM_DATA,
	SYM_OBJECT,
};

/* Object status, for the list of objects that differ. */
enum object_status {
	OBJECT_CHANGED,
	OBJECT_NEW,
	OBJECT_REMOVED,
};

struct change {
	enum change_kind kind;
	enum symbol_kind sym;	/* what a blocker is about */
	const char *object;	/* owned by struct diff */
	char *name;		/* post-patch name; pre-patch for removed */
	char *owner;		/* static local: owning function, else NULL */
	char *reason;		/* NULL when there is nothing to add */
	char **callees;		/* only-inlined-callee reasons: the callees */
	size_t nr_callees;
};

struct diff_object {
	char *object;
	enum object_status status;
};

struct diff {
	struct change *changes;
	size_t nr, alloc;
	struct diff_object *objects;
	size_t nr_objects, alloc_objects;
};

/*
 * Compare pre and post, the sidecars of object; either may be NULL for an
 * object present on one side only. Returns 0, or -1 on error (out of
 * memory). Both sidecars must have passed sidecar_check_comparable().
 */
int diff_object(struct diff *d, const char *object,
		const struct sidecar *pre, const struct sidecar *post);

/* Sort objects by path, and changes by object, kind and name. */
void diff_sort(struct diff *d);

size_t diff_count(const struct diff *d, enum change_kind kind);

/* Exit status for the result: KSPLICE_EXIT_OK, _BLOCKED or _UNCHANGED. */
int diff_status(const struct diff *d);

void diff_release(struct diff *d);

#endif
