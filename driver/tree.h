/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * tree.h: find the sidecars of a build tree, and diff two trees or two
 * sidecar files into a struct diff.
 */
#ifndef KSPLICE_TREE_H
#define KSPLICE_TREE_H

#include <stddef.h>

#include "diff.h"

/* Sorted paths relative to a tree's root. */
struct path_list {
	char **v;
	size_t nr, alloc;
};

/*
 * Collect every file under root whose name ends in suffix, without
 * following symbolic links and skipping directories whose names start
 * with '.'. Paths are relative to root, sorted bytewise. Returns 0 or -1.
 */
int find_files(const char *root, const char *suffix, struct path_list *out);
void path_list_release(struct path_list *l);

/*
 * Diff the sidecars of two build trees, matched by relative path. A pair
 * of byte-identical sidecars is skipped without parsing; a sidecar on one
 * side only is an object that is new or removed.
 */
int diff_trees(struct diff *d, const char *pre, const char *post);

/* Diff two sidecar files (always parsed and validated). */
int diff_files(struct diff *d, const char *pre, const char *post);

#endif
