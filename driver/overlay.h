/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * overlay.h: work on a kernel tree without writing to it.
 *
 * ksplice-create patches and rebuilds inside an overlay mounted over the
 * tree's own path, in a private mount namespace: every write lands in the
 * work directory, and the tree, as every other process sees it, never
 * changes. The namespace, and with it every mount, goes away with the
 * process, so an interrupted or killed run leaves nothing to restore.
 * Mounting over the tree's own path keeps every path the build has
 * recorded (Kbuild's relative ones, objtool's absolute ones) valid, so
 * nothing is rebuilt because it moved.
 */
#ifndef KSPLICE_OVERLAY_H
#define KSPLICE_OVERLAY_H

#include <stdbool.h>

/*
 * Move the process into a private mount namespace: as root directly,
 * otherwise inside a new user namespace that maps the caller to root.
 * Returns 0, or -1 after explaining why it cannot.
 */
int ns_private_mounts(void);

struct overlay {
	char *target;		/* where it is mounted (the tree) */
	char *lower;		/* colon-separated lower directories, top first */
	char *upper;		/* where writes go */
	char *work;		/* overlayfs' scratch directory */
	bool mounted;
};

/*
 * Mount an overlay of lower (top first, colon-separated) with writes going
 * to dir/upper (scratch: dir/work) over target. Returns 0 or -1.
 */
int overlay_mount(struct overlay *ov, const char *target, const char *lower,
		  const char *dir);
int overlay_umount(struct overlay *ov);
/* The shell commands that recreate this overlay, for "reproduce with". */
char *overlay_describe(const struct overlay *ov);
void overlay_release(struct overlay *ov);

/*
 * A view of the tree: an overlay mounted over it in a mount namespace of
 * its own, held open by nsfd, so that commands can run in several views
 * at once (run_jobs() enters nsfd). The tool's own namespace is left as it
 * was. Like every mount here, a view goes away with the process.
 */
struct view {
	struct overlay ov;
	int nsfd;
};

int view_open(struct view *v, const char *target, const char *lower, const char *dir);
/* Unmount and release; 0 or -1. A view that was never opened is fine. */
int view_close(struct view *v);

#endif
