// SPDX-License-Identifier: GPL-2.0-only
/*
 * create-pack.c: the last stages of ksplice-create: extract the changed
 * code with ksplice-link, build the core and one update module per target
 * with Kbuild, and package the tarball. See docs/create.md.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "create.h"
#include "overlay.h"

int put_text(const char *path, const char *text)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	int ret = 0;

	if (fd < 0 || write(fd, text, strlen(text)) != (ssize_t)strlen(text))
		ret = error_errno("cannot write '%s'", path);
	if (fd >= 0 && close(fd))
		ret = error_errno("cannot write '%s'", path);
	return ret;
}

/* A growable argv. */
struct args {
	const char **v;
	char **owned;
	size_t nr, alloc, nr_owned, alloc_owned;
};

static int args_add(struct args *a, const char *s)
{
	if (ALLOC_GROW(a->v, a->nr + 2, a->alloc))
		return -1;
	a->v[a->nr++] = s;
	a->v[a->nr] = NULL;
	return 0;
}

/* Add a string the args own (s is malloc'ed; NULL means OOM). */
static int args_own(struct args *a, char *s)
{
	if (!s || ALLOC_GROW(a->owned, a->nr_owned + 1, a->alloc_owned)) {
		free(s);
		return -1;
	}
	a->owned[a->nr_owned++] = s;
	return args_add(a, s);
}

static void args_release(struct args *a)
{
	for (size_t i = 0; i < a->nr_owned; i++)
		free(a->owned[i]);
	free(a->owned);
	free(a->v);
	memset(a, 0, sizeof(*a));
}

static int link_target(struct create *c, const struct target *t)
{
	struct args a = { 0 };
	int ret = 0;

	ret |= args_own(&a, xstrfmt("%s/linker/ksplice-link", c->top));
	ret |= args_add(&a, "-o");
	ret |= args_own(&a, xstrfmt("%s/link/%s.o", c->work, t->name));
	ret |= args_add(&a, "--id") | args_add(&a, c->id);
	ret |= args_add(&a, "--target") | args_add(&a, t->name);
	ret |= args_add(&a, "--kernel-release") | args_add(&a, c->release);
	ret |= args_add(&a, "--description") |
	       args_add(&a, c->description ? c->description : "");
	ret |= args_add(&a, "--nr-targets");
	ret |= args_own(&a, xstrfmt("%zu", c->nr_targets));
	ret |= args_add(&a, "--symvers");
	ret |= args_own(&a, xstrfmt("%s/Module.symvers", c->tree));
	if (c->livepatch) {
		ret |= args_add(&a, "--klp");
		ret |= args_own(&a, xstrfmt("%s/System.map", c->tree));
	}
	for (size_t i = 0; i < t->nr_objs && !ret; i++) {
		const struct cobj *o = &t->objs[i];

		ret |= args_add(&a, "--object") | args_add(&a, o->path);
		ret |= args_add(&a, "--pre");
		ret |= args_own(&a, xstrfmt("%s/presec/upper/%s", c->work, o->path));
		ret |= args_add(&a, "--post");
		ret |= args_own(&a, xstrfmt("%s/postsec/upper/%s", c->work, o->path));
		if (o->changed.len)
			ret |= args_add(&a, "--changed") | args_add(&a, o->changed.buf);
		if (o->new_funcs.len)
			ret |= args_add(&a, "--new") | args_add(&a, o->new_funcs.buf);
		if (o->new_data.len)
			ret |= args_add(&a, "--new-data") | args_add(&a, o->new_data.buf);
	}
	if (!ret)
		ret = run_step(c, "extracting the changed code", NULL, a.v);
	args_release(&a);
	return ret ? -1 : 0;
}

int link_targets(struct create *c)
{
	char *dir = xstrfmt("%s/link", c->work);

	if (!dir || (mkdir(dir, 0755) && errno != EEXIST)) {
		free(dir);
		return error_errno("cannot create the link directory");
	}
	free(dir);
	for (size_t i = 0; i < c->nr_targets; i++)
		if (link_target(c, &c->targets[i]))
			return -1;
	return 0;
}

/*
 * A Kbuild directory dir with the core's sources (kmodsrc/Kbuild as
 * Kbuild.core) and whatever the shell command extra adds, a Kbuild file
 * including Kbuild.core followed by kbuild, then one "make M=dir modules"
 * against the tree, in an overlay named ovname: module builds only read
 * the tree, and the overlay makes sure of it.
 */
int kbuild_modules(struct create *c, const char *dir, const char *extra,
		   const char *kbuild, const char *ovname, const char *what)
{
	/* The sources only: a built checkout also holds Kbuild's *.mod.c. */
	char *cp = xstrfmt("set -e; mkdir -p '%s'; cd '%s'; cp '%s'/kmodsrc/*.[ch] .; "
			   "cp '%s/kmodsrc/Kbuild' Kbuild.core; rm -f *.mod.c; %s",
			   dir, dir, c->top, c->top, extra);
	char *path = xstrfmt("%s/Kbuild", dir);
	char *text = xstrfmt("include $(src)/Kbuild.core\n%s", kbuild);
	char *m = xstrfmt("M=%s", dir), *cc = xstrfmt("CC=%s", c->cc);
	char *jobs = xstrfmt("-j%s", c->jobs);
	/* modpost would refuse the .klp.sym references (ksplice-link has
	 * checked every other symbol against Module.symvers). */
	const char *argv[] = { "make", "-s", jobs, "-C", c->tree, m, cc, "modules",
			       c->livepatch ? "KBUILD_MODPOST_WARN=1" : NULL, NULL };
	struct overlay ov;
	int ret = -1;

	if (!cp || !path || !text || !m || !cc || !jobs ||
	    run_step_sh(c, "preparing the module sources", NULL, cp) || put_text(path, text) ||
	    mount_tree(c, &ov, c->tree, ovname))
		goto out;
	ret = run_step(c, what, NULL, argv);
	if (unmount_tree(c, &ov))
		ret = -1;
out:
	free(cp);
	free(path);
	free(text);
	free(m);
	free(cc);
	free(jobs);
	return ret;
}

/*
 * Without the kit: the core and every update module in one Kbuild
 * directory and one make run (one modpost pass, and the updates see the
 * core's symbols): per target update_<target>.c (kmodsrc/update.c) and
 * <target>-out.o_shipped (ksplice-link's output), linked with
 * linker/ksplice.lds.
 */
static int build_with_kbuild(struct create *c, const char *dir)
{
	struct strbuf extra = STRBUF_INIT, kbuild = STRBUF_INIT;
	int ret = strbuf_addstr(&extra, "rm -f update.c");

	for (size_t i = 0; i < c->nr_targets; i++) {
		const struct target *t = &c->targets[i];

		ret |= strbuf_addf(&extra, "; cp '%s/kmodsrc/update.c' 'update_%s.c'"
				   "; cp '%s/link/%s.o' '%s-out.o_shipped'",
				   c->top, t->name, c->work, t->name, t->name);
		ret |= strbuf_addf(&kbuild, "obj-m += %s.o\n%s-y := update_%s.o %s-out.o\n"
				   "LDFLAGS_%s.o := -T %s/linker/ksplice.lds\n",
				   t->module, t->module, t->name, t->name, t->module, c->top);
	}
	if (!ret)
		ret = kbuild_modules(c, dir, extra.buf, kbuild.buf, "modbuild", "the module build");
	strbuf_release(&extra);
	strbuf_release(&kbuild);
	return ret ? -1 : 0;
}

/*
 * Livepatch relocations (linker/klp.c) survive the module's links only as
 * references to ".klp.sym.vmlinux.*"; turn them into what the loader reads.
 */
static int klp_finish(struct create *c, const struct target *t)
{
	char *tool = xstrfmt("%s/linker/ksplice-link", c->top);
	char *ko = xstrfmt("%s/mod/%s.ko", c->work, t->module);
	const char *argv[] = { tool, "--klp-finish", ko, NULL };
	int ret = tool && ko && c->livepatch ?
		  run_step(c, "writing the livepatch relocations", NULL, argv) : 0;

	free(tool);
	free(ko);
	return ret;
}

/*
 * With the kit: per target, the stub compiled earlier, then Kbuild's two
 * links; the core is the kit's.
 */
static int link_from_kit(struct create *c)
{
	char *dir = xstrfmt("%s/mod", c->work);
	char *core = xstrfmt("cp '%s/ksplice.ko' '%s/mod/'", c->kit, c->work);
	int ret = dir && core ? 0 : -1;

	for (size_t i = 0; i < c->nr_targets && !ret; i++) {
		const struct target *t = &c->targets[i];
		char *list = xstrfmt("%s/%s.mod", dir, t->module);
		char *objs = xstrfmt("%s/kit_update.o %s/link/%s.o\n", c->kit, c->work, t->name);
		char *o = kit_command(c, "o", dir, t->module);
		char *ko = kit_command(c, "ko", dir, t->module);

		ret = list && objs && o && ko ? put_text(list, objs) : -1;
		if (!ret)
			ret = run_step_sh(c, "linking the update module", c->tree, o);
		if (!ret)
			ret = run_step_sh(c, "linking the update module", c->tree, ko);
		if (!ret)
			ret = klp_finish(c, t);
		free(list);
		free(objs);
		free(o);
		free(ko);
	}
	if (!ret)
		ret = run_step_sh(c, "copying the core", NULL, core);
	free(dir);
	free(core);
	return ret;
}

int build_modules(struct create *c)
{
	char *dir;
	int ret;

	if (c->kit)
		return link_from_kit(c);
	if (!(dir = xstrfmt("%s/mod", c->work)))
		return -1;
	ret = build_with_kbuild(c, dir);
	for (size_t i = 0; i < c->nr_targets && !ret; i++)
		ret = klp_finish(c, &c->targets[i]);
	free(dir);
	return ret;
}

static int write_contents(struct create *c, const char *pkg)
{
	struct strbuf sb = STRBUF_INIT;
	char *path = xstrfmt("%s/contents", pkg);
	int ret = 0;

	ret |= strbuf_addf(&sb, "ksplice-update 1\nid %s\nkernel-release %s\n", c->id,
			   c->release);
	ret |= strbuf_addstr(&sb, "patch patch\ndescription description\n"
			     "report diffmeta.txt\nreport-json diffmeta.json\n"
			     "core modules/ksplice.ko\n");
	for (size_t i = 0; i < c->nr_targets; i++)
		ret |= strbuf_addf(&sb, "module %s modules/%s.ko\n",
				   c->targets[i].name, c->targets[i].module);
	if (!ret && path)
		ret = put_text(path, sb.buf);
	strbuf_release(&sb);
	free(path);
	return ret || !path ? -1 : 0;
}

int package(struct create *c)
{
	char *pkg = xstrfmt("%s/pkg/ksplice-%s", c->work, c->id);
	char *desc = xstrfmt("%s/description", pkg ? pkg : "");
	struct strbuf cmd = STRBUF_INIT;
	int ret = pkg && desc ? 0 : -1;

	ret |= strbuf_addf(&cmd, "set -e; mkdir -p '%s/modules'; cp '%s' '%s/patch'; "
			   "cp diffmeta.txt diffmeta.json '%s/'; cp mod/ksplice.ko '%s/modules/'; "
			   "echo '%s' >'%s/kernel-release'",
			   pkg, c->patch, pkg, pkg, pkg, c->release, pkg);
	for (size_t i = 0; i < c->nr_targets; i++)
		ret |= strbuf_addf(&cmd, "; cp 'mod/%s.ko' '%s/modules/'",
				   c->targets[i].module, pkg);
	if (!ret)
		ret = run_step_sh(c, "assembling the package", c->work, cmd.buf);
	if (!ret)
		ret = put_text(desc, c->description ? c->description : "");
	if (!ret)
		ret = write_contents(c, pkg);
	if (!ret) {
		char *abs = realpath(c->outdir, NULL);

		c->output = abs ? xstrfmt("%s/ksplice-%s.tar.gz", abs, c->id) : NULL;
		free(abs);
		if (!c->output)
			ret = error_errno("cannot use output directory '%s'", c->outdir);
	}
	if (!ret) {
		strbuf_reset(&cmd);
		ret = strbuf_addf(&cmd, "tar --sort=name --owner=0 --group=0 --numeric-owner "
				  "-C pkg -czf '%s' 'ksplice-%s'", c->output, c->id);
		if (!ret)
			ret = run_step_sh(c, "writing the tarball", c->work, cmd.buf);
	}
	strbuf_release(&cmd);
	free(pkg);
	free(desc);
	return ret ? -1 : 0;
}
