#define _XOPEN_SOURCE 700
// SPDX-License-Identifier: GPL-2.0-only
/*
 * ksplice-create: build a live update from a source patch.
 *
 *   ksplice-create --patch=FILE [--id=ID] [--description=TEXT] [-j N]
 *                  [-o DIR] [-v] [--keep-tmp] KERNEL_TREE
 *
 * KERNEL_TREE is a configured kernel tree built with the ksplice GCC
 * plugin. The tree is never written to: the patch is applied and the
 * affected objects rebuilt in an overlay of it (driver/overlay.h). The
 * stages, run in order by create(), are listed in stages[] below;
 * docs/create.md describes each.
 *
 * Exit status: 0 update written; 1 error; 2 the patch cannot be applied
 * live (blockers listed); 3 no functional change.
 */
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "create.h"
#include "opts.h"
#include "overlay.h"

static struct create ctx;

static const struct option options[] = {
	OPT_STRING('p', "patch", &ctx.patch_arg, "FILE", "the source patch (-p1, as from git diff)"),
	OPT_STRING(0, "id", &ctx.id_arg, "ID", "update id: letters, digits, _ (default: random)"),
	OPT_STRING(0, "description", &ctx.description, "TEXT", "one line shown by ksplice-view"),
	OPT_STRING('j', "jobs", &ctx.jobs, "N", "parallel build jobs (default: CPUs online)"),
	OPT_STRING('o', "output-dir", &ctx.outdir, "DIR", "where to write the tarball (default: .)"),
	OPT_BOOL('v', "verbose", &ctx.verbose, "show the commands run"),
	OPT_BOOL(0, "keep-tmp", &ctx.keep_tmp, "keep the work directory"),
	OPT_END(),
};

static const struct command create_cmd = {
	"ksplice-create", "KERNEL_TREE", 1, 1,
	"build a live update (ksplice-ID.tar.gz) from a source patch",
};

int run_step(struct create *c, const char *what, const char *cwd,
	     const char *const *argv)
{
	int rc = run(&c->run, cwd, argv);

	if (rc == 0)
		return 0;
	if (run_interrupted())
		return -1;
	if (rc > 0)
		error("%s failed (exit status %d)", what, rc);
	run_print_reproduce(&c->run);
	return -1;
}

int run_step_sh(struct create *c, const char *what, const char *cwd,
		const char *cmdline)
{
	const char *argv[] = { "/bin/sh", "-c", cmdline, NULL };

	return run_step(c, what, cwd, argv);
}

static bool exists(const char *dir, const char *path)
{
	char *p = xstrfmt("%s/%s", dir, path);
	bool ok = p && access(p, F_OK) == 0;

	free(p);
	return ok;
}

/* The checkout (or installation) holding linker/ and kmodsrc/. */
static int find_tools(struct create *c)
{
	char exe[PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	char *dir;

	if (n < 0)
		return error_errno("cannot find the ksplice-create binary");
	exe[n] = '\0';
	*strrchr(exe, '/') = '\0';
	c->diffmeta = xstrfmt("%s/ksplice-diffmeta", exe);
	dir = getenv("KSPLICE_TOP");
	if (dir)
		c->top = xstrdup(dir);
	else
		c->top = xstrfmt("%s/../..", exe);	/* driver/build/ */
	if (!c->diffmeta || !c->top)
		return -1;
	if (!exists(c->top, "linker/ksplice-link") || !exists(c->top, "kmodsrc/Kbuild") ||
	    !exists(c->top, "linker/ksplice.lds"))
		return error("cannot find the ksplice linker and kernel sources under "
			     "'%s' (set KSPLICE_TOP to the ksplice checkout, built with 'make')",
			     c->top);
	return 0;
}

static char *first_line_of(const char *cmd)
{
	char buf[512] = "";
	FILE *f = popen(cmd, "r");

	if (!f)
		return NULL;
	if (!fgets(buf, sizeof(buf), f))
		buf[0] = '\0';
	pclose(f);
	buf[strcspn(buf, "\n")] = '\0';
	return xstrdup(buf);
}

static int check_compiler(struct create *c)
{
	bool err;
	char *want = kbuild_config(c->tree, "CONFIG_CC_VERSION_TEXT", &err);
	char *probe = xstrfmt("%.*s --version 2>/dev/null", (int)strcspn(c->cc, " "), c->cc);
	char *have = probe ? first_line_of(probe) : NULL;
	int ret = 0;

	if (!err && (!want || !have || strcmp(want, have)))
		ret = error("tree '%s' was built by '%s', but '%.*s' is '%s'; build "
			    "updates with the compiler that built the kernel",
			    c->tree, want ? want : "an unknown compiler",
			    (int)strcspn(c->cc, " "), c->cc, have ? have : "missing");
	free(want);
	free(probe);
	free(have);
	return err ? -1 : ret;
}

/*
 * With CONFIG_LIVEPATCH the module loader resolves livepatch relocations,
 * which updates need for loader tables that name unexported symbols.
 * Without it, it ignores them silently: ksplice-link must then refuse.
 */
static int check_livepatch(struct create *c)
{
	bool err;
	char *v = kbuild_config(c->tree, "CONFIG_LIVEPATCH", &err);

	c->livepatch = v && !strcmp(v, "y");
	free(v);
	if (!err && c->livepatch && !exists(c->tree, "System.map"))
		return error("tree '%s' has no System.map; build vmlinux there first", c->tree);
	return err ? -1 : 0;
}

static int check_tree(struct create *c)
{
	const char *plugin;
	char *so;

	if (!exists(c->tree, ".config") || !exists(c->tree, "include/config/kernel.release"))
		return error("'%s' is not a configured and built kernel tree (no .config "
			     "or kernel release); run 'make' there first", c->tree);
	if (!exists(c->tree, "init/main.o.ksplice.json"))
		return error("tree '%s' was not built with the ksplice plugin (no sidecar "
			     "'init/main.o.ksplice.json'); build it with "
			     "make CC=\"gcc -fplugin=%s/gcc-plugin/ksplice.so\"",
			     c->tree, c->top);
	if (!exists(c->tree, "Module.symvers") || !exists(c->tree, "modules.order"))
		return error("tree '%s' has no Module.symvers or modules.order; "
			     "run 'make modules' there first", c->tree);
	c->release = kbuild_release(c->tree);
	c->cc = kbuild_cc(c->tree);
	if (!c->release || !c->cc)
		return -1;
	plugin = strstr(c->cc, "-fplugin=");
	if (!plugin || !strstr(plugin, "ksplice.so"))
		return error("tree '%s' was not compiled with the ksplice plugin "
			     "(init/main.o was built by '%s')", c->tree, c->cc);
	plugin += strlen("-fplugin=");
	so = strndup(plugin, strcspn(plugin, " "));
	if (!so || access(so, R_OK)) {
		error("the plugin the tree was built with, '%.*s', is gone; "
		      "rebuild the tree", (int)strcspn(plugin, " "), plugin);
		free(so);
		return -1;
	}
	free(so);
	if (check_compiler(c))
		return -1;
	return check_livepatch(c);
}

static int add_file(struct create *c, const char *path)
{
	for (size_t i = 0; i < c->nr_files; i++)
		if (!strcmp(c->files[i], path))
			return 0;
	if (path[0] == '/' || strstr(path, "../") || !strncmp(path, "..", 2))
		return error("patch '%s' names '%s', outside the tree", c->patch, path);
	if (kbuild_is_build_file(path))
		return error("patch '%s' changes '%s', a file of the build itself; "
			     "a live update can only change code", c->patch, path);
	if (ALLOC_GROW(c->files, c->nr_files + 1, c->alloc_files))
		return -1;
	c->files[c->nr_files] = xstrdup(path);
	return c->files[c->nr_files++] ? 0 : -1;
}

/* "+++ b/path\tdate" -> "path" (the patch is -p1) */
static char *patch_path(const char *line)
{
	size_t n = strcspn(line, "\t\n");
	const char *slash = memchr(line, '/', n);

	if (n >= 9 && !strncmp(line, "/dev/null", 9))
		return xstrdup("/dev/null");
	if (!slash)
		return NULL;
	return strndup(slash + 1, n - (slash + 1 - line));
}

static int read_patch(struct create *c)
{
	struct strbuf sb = STRBUF_INIT;
	char *old = NULL, *line;
	const char *argv[] = { "patch", "-p1", "--forward", "--batch", "--fuzz=0", "--dry-run",
			       "--silent", "-d", c->tree, "-i", c->patch, NULL };
	int ret = 0;

	if (read_file_at(AT_FDCWD, c->patch, "patch", c->patch, &sb))
		return -1;
	for (line = sb.buf; line && *line && !ret; line = strchr(line, '\n') ? strchr(line, '\n') + 1 : NULL) {
		char *p;

		if (strncmp(line, "--- ", 4) && strncmp(line, "+++ ", 4))
			continue;
		p = patch_path(line + 4);
		if (!p) {
			ret = error("patch '%s': cannot read the file name in '%.*s'",
				    c->patch, (int)strcspn(line, "\n"), line);
		} else if (line[0] == '-') {
			free(old);
			old = p;
			continue;
		} else {
			/* a deleted file is named by its --- line */
			ret = add_file(c, strcmp(p, "/dev/null") ? p : old ? old : p);
		}
		free(p);
	}
	free(old);
	strbuf_release(&sb);
	if (ret)
		return -1;
	if (!c->nr_files)
		return error("patch '%s' changes no file", c->patch);
	if (run_step(c, "the patch does not apply to the tree:", NULL, argv))
		return error("patch '%s' does not apply to '%s'; nothing was changed",
			     c->patch, c->tree);
	return 0;
}

static int find_objects(struct create *c)
{
	if (kbuild_affected(c->tree, c->files, c->nr_files, &c->objs))
		return -1;
	for (size_t i = 0; i < c->nr_files; i++) {
		bool used = false;

		for (size_t j = 0; j < c->objs.nr && !used; j++)
			used = !strcmp(c->objs.v[j].cause, c->files[i]);
		if (!used)
			fprintf(stderr, "note: '%s' is not compiled in this kernel's "
				"configuration\n", c->files[i]);
	}
	for (size_t j = 0; j < c->objs.nr; j++) {
		const struct kobj *k = &c->objs.v[j];
		char *sidecar = xstrfmt("%s.ksplice.json", k->path);
		bool ok = sidecar && exists(c->tree, sidecar);

		free(sidecar);
		if (ok)
			continue;
		if (ends_with(k->source, ".S"))
			return error("'%s' is assembled from '%s', which depends on '%s': "
				     "changes to assembly are not supported",
				     k->path, k->source, k->cause);
		return error("'%s' depends on '%s' but has no sidecar: it was not "
			     "compiled with the ksplice plugin", k->path, k->cause);
	}
	if (!c->objs.nr) {
		printf("no functional change: no object of this kernel is built from "
		       "what the patch changes\n");
		c->status = KSPLICE_EXIT_UNCHANGED;
		return STAGE_STOP;
	}
	return 0;
}

static int make_workdir(struct create *c)
{
	const char *tmp = getenv("TMPDIR");
	char *tmpl = xstrfmt("%s/ksplice-create.XXXXXX", tmp && *tmp ? tmp : "/tmp");

	if (!tmpl)
		return -1;
	c->work = mkdtemp(tmpl);
	if (!c->work) {
		free(tmpl);
		return error_errno("cannot create a work directory");
	}
	c->log = xstrfmt("%s/build.log", c->work);
	c->run.log = c->log;
	return ns_private_mounts();
}

/* stages[] before this one only check; they leave no work behind. */
#define FIRST_BUILD_STAGE 3

static const struct stage {
	const char *name;
	int (*fn)(struct create *c);
} stages[] = {
	{ "check the tree", check_tree },
	{ "check the patch", read_patch },
	{ "find the affected objects", find_objects },
	{ "prepare the module kit", prepare_kit },
	{ "rebuild them with the patch", build_post },
	{ "compare the sidecars", compare },
	{ "recompile changed objects with sections", build_sections },
	{ "extract the changed code", link_targets },
	{ "build the update modules", build_modules },
	{ "package", package },
};

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static int create(struct create *c)
{
	double start = now(), t;

	for (size_t i = 0; i < ARRAY_SIZE(stages); i++) {
		int ret;

		c->stage = i;
		t = now();
		ret = stages[i].fn(c);
		if (run_interrupted())
			return error("interrupted");
		if (ret)
			return ret;
		fprintf(stderr, "[%zu/%zu] %-42s %7.2fs\n", i + 1, ARRAY_SIZE(stages),
			stages[i].name, now() - t);
	}
	fprintf(stderr, "update '%s' written to '%s' in %.2fs\n", c->id, c->output,
		now() - start);
	return 0;
}

static int setup(struct create *c, const char *tree)
{
	static const char idchars[] = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_";

	if (!c->patch_arg)
		return error("--patch is required");
	c->tree = realpath(tree, NULL);
	if (!c->tree)
		return error_errno("cannot open kernel tree '%s'", tree);
	c->patch = realpath(c->patch_arg, NULL);
	if (!c->patch)
		return error_errno("cannot open patch '%s'", c->patch_arg);
	if (c->id_arg) {
		if (!*c->id_arg || strlen(c->id_arg) > 24 ||
		    strspn(c->id_arg, idchars) != strlen(c->id_arg))
			return error("invalid update id '%s': use 1 to 24 letters, digits "
				     "or '_'", c->id_arg);
		c->id = xstrdup(c->id_arg);
	} else {
		unsigned char r[4];
		int fd = open("/dev/urandom", O_RDONLY | O_CLOEXEC);

		if (fd < 0 || read(fd, r, sizeof(r)) != sizeof(r))
			return error_errno("cannot read /dev/urandom");
		close(fd);
		c->id = xstrfmt("%02x%02x%02x%02x", r[0], r[1], r[2], r[3]);
	}
	if (c->jobs && strspn(c->jobs, "0123456789") != strlen(c->jobs))
		return error("invalid job count '%s'", c->jobs);
	if (!c->jobs)
		c->jobs = xstrfmt("%ld", sysconf(_SC_NPROCESSORS_ONLN));
	if (!c->outdir)
		c->outdir = ".";
	c->run.verbose = c->verbose;
	if (find_tools(c))
		return -1;
	return make_workdir(c);
}

static int remove_entry(const char *path, const struct stat *st, int flag,
			struct FTW *ftw)
{
	if (remove(path))
		warning("cannot remove '%s': %s", path, strerror(errno));
	return 0;
}

/* Also after an interrupt, when run() starts nothing any more. */
static void remove_work(struct create *c)
{
	nftw(c->work, remove_entry, 16, FTW_DEPTH | FTW_PHYS);
}

int main(int argc, char **argv)
{
	struct create *c = &ctx;
	int ret;

	c->post_view.nsfd = -1;

	argc = parse_options(&create_cmd, options, argc, argv);
	if (argc == PARSE_OPT_HELP)
		return KSPLICE_EXIT_OK;
	if (argc < 0)
		return KSPLICE_EXIT_ERROR;
	run_catch_signals();
	ret = setup(c, argv[0]);
	if (!ret)
		ret = create(c);
	if (!c->work)
		return KSPLICE_EXIT_ERROR;
	/* A failed build keeps its work directory; a failed check has none. */
	if (ret < 0 && !run_interrupted() && c->stage >= FIRST_BUILD_STAGE) {
		fprintf(stderr, "work directory kept: '%s'\n", c->work);
		return KSPLICE_EXIT_ERROR;
	}
	if (c->keep_tmp)
		fprintf(stderr, "work directory kept: '%s'\n", c->work);
	else
		remove_work(c);
	if (ret < 0)
		return KSPLICE_EXIT_ERROR;
	return ret == STAGE_STOP ? c->status : KSPLICE_EXIT_OK;
}
