/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * create.h: the state of one ksplice-create run, shared by its stages
 * (ksplice-create.c: options, flow, tree and patch checks; create-build.c:
 * builds, comparison, extraction, modules, package).
 */
#ifndef KSPLICE_CREATE_H
#define KSPLICE_CREATE_H

#include <stdbool.h>
#include <stddef.h>

#include "kbuild.h"
#include "overlay.h"
#include "run.h"
#include "util.h"

/* One changed object of a target, and what the linker takes from it. */
struct cobj {
	char *path;			/* fs/proc/loadavg.o */
	struct strbuf changed;		/* comma-separated function names */
	struct strbuf new_funcs;
	struct strbuf new_data;
};

/* One update module: vmlinux, or a loadable module the patch changes. */
struct target {
	char *name;			/* "vmlinux", "binfmt_misc" */
	char *module;			/* "ksplice_<id>_<name>" */
	struct cobj *objs;
	size_t nr_objs, alloc_objs;
};

struct create {
	/* options */
	const char *patch_arg;
	const char *id_arg;
	const char *description;
	const char *jobs;
	const char *outdir;
	bool verbose;
	bool keep_tmp;

	/* the tree, the tools, the work directory */
	char *tree;			/* absolute path */
	char *patch;			/* absolute path */
	char *id;
	char *top;			/* checkout with linker/, kmodsrc/ */
	char *diffmeta;			/* the ksplice-diffmeta binary */
	char *cc;			/* CC the tree was built with */
	char *release;			/* its kernel release */
	char *work;
	char *log;			/* work/build.log */
	struct runner run;

	char **files;			/* files the patch touches */
	size_t nr_files, alloc_files;
	struct kobj_list objs;		/* objects that depend on them */
	struct target *targets;
	size_t nr_targets, alloc_targets;
	char *output;			/* the tarball written */
	char *kit;			/* the module kit (create-kit.c), or NULL */
	bool livepatch;			/* CONFIG_LIVEPATCH=y: livepatch relocations */
	struct view post_view;		/* the tree with the patch applied */

	size_t stage;			/* index of the stage running */
	int status;			/* exit status when a stage stops the run */
};

/* Stage results besides 0 (go on) and -1 (error): stop with c->status. */
#define STAGE_STOP 1

/*
 * Mount an overlay of lower over the tree, writes going to work/name, and
 * make "reproduce with" show the mount; unmount_tree() undoes both.
 */
struct overlay;
int mount_tree(struct create *c, struct overlay *ov, const char *lower,
	       const char *name);
int unmount_tree(struct create *c, struct overlay *ov);

int prepare_kit(struct create *c);
char *kit_command(struct create *c, const char *what, const char *dir, const char *name);
int kit_stub(struct create *c, const char *dir, const char *name);

int build_post(struct create *c);

/* Helpers shared by the stages. */
int put_text(const char *path, const char *text);
int mkdir_p(const char *dir);
int copy_file(const char *from, const char *to);
int kbuild_modules(struct create *c, const char *dir, const char *extra,
		   const char *kbuild, const char *ovname, const char *what);

int compare(struct create *c);
int build_sections(struct create *c);
int link_targets(struct create *c);
int build_modules(struct create *c);
int package(struct create *c);

/* Run argv, or fail naming the step, keeping the reproduce information. */
int run_step(struct create *c, const char *what, const char *cwd,
	     const char *const *argv);
int run_step_sh(struct create *c, const char *what, const char *cwd,
		const char *cmdline);

#endif
