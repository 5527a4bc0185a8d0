/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * kbuild.h: what a built kernel tree records about itself.
 *
 * Everything here reads files Kbuild wrote during the tree's build: the
 * kernel release, the compiler command (from the objects' .cmd files), the
 * exact command line and dependency list of each object, and which objects
 * make up which module. Nothing is guessed from file names.
 */
#ifndef KSPLICE_KBUILD_H
#define KSPLICE_KBUILD_H

#include <stdbool.h>
#include <stddef.h>

struct kobj {
	char *path;		/* fs/proc/loadavg.o, relative to the tree */
	char *source;		/* fs/proc/loadavg.c */
	char *target;		/* "vmlinux", or the module's name */
	char *cause;		/* the patched file that makes it rebuild */
};

struct kobj_list {
	struct kobj *v;
	size_t nr, alloc;
};

/* The contents of include/config/kernel.release, without the newline. */
char *kbuild_release(const char *tree);

/*
 * The value of a CONFIG_ option in the tree's .config ("y", "m", or the
 * string without quotes), or NULL if it is not set. *err is set on a read
 * error (reported).
 */
char *kbuild_config(const char *tree, const char *option, bool *err);

/*
 * The Kbuild command that built obj, with Kbuild's escaping ($$, $(pound))
 * undone, from the .cmd file under dir (the tree, or an overlay's upper
 * directory). NULL (reported) if there is none.
 */
char *kbuild_cmd(const char *dir, const char *obj);

/*
 * The compiler command (CC) the tree was built with: the compiler and the
 * -fplugin options in front of init/main.o's command line.
 */
char *kbuild_cc(const char *tree);

/*
 * The objects of the tree that depend on any of files (paths relative to
 * the tree), from the source_ and deps_ lists of every .cmd file, with the
 * target each belongs to. Sorted by path. Returns 0 or -1.
 */
int kbuild_affected(const char *tree, char *const *files, size_t nr_files,
		    struct kobj_list *out);

/* Is path one of the files that drive the build, not code in it? */
bool kbuild_is_build_file(const char *path);

void kobj_list_release(struct kobj_list *l);

#endif
