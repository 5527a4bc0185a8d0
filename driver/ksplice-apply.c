// SPDX-License-Identifier: GPL-2.0-only
/*
 * ksplice-apply: load an update into the running kernel and apply it.
 *
 *	ksplice-apply [--core FILE] [-v] TARBALL|DIR
 *
 * Also installed as ksplice-load. TARBALL is what ksplice-create writes
 * (docs/create.md); DIR is such a tarball unpacked, the directory that
 * holds "contents". The package is validated before anything is loaded:
 * no entry may leave its directory or be anything but a file or a
 * directory, every file "contents" names must be there and nothing else,
 * and the update must be for this kernel (uname -r). Then the core
 * (ksplice.ko, from the package unless --core names another, and only if
 * it is not loaded already) and the update modules are loaded and the
 * update applied through /sys/kernel/ksplice/<id>/stage. An update whose
 * id is already loaded is refused before anything is loaded ("already
 * applied; ksplice-undo ID first").
 *
 * On any failure everything this run loaded is unloaded again, so the
 * kernel is exactly as before. Exit status: 0 applied, 1 error, 2 the
 * kernel refused to apply the update (the abort cause is explained).
 *
 * Runs in a minimal system (busybox): it needs only a "tar" that
 * understands -z, and is linked statically.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <unistd.h>

#include "kstate.h"
#include "opts.h"
#include "util.h"

#define MAX_MODULES 64

static const char *opt_core;
static bool opt_verbose;

static const struct option options[] = {
	OPT_STRING(0, "core", &opt_core, "FILE", "load this ksplice.ko if the core is not loaded"),
	OPT_BOOL('v', "verbose", &opt_verbose, "say what is loaded"),
	OPT_END(),
};

static const struct command apply_cmd = {
	.name = "ksplice-apply",
	.args = "TARBALL|DIR",
	.min_args = 1,
	.max_args = 1,
	.summary = "Load an update made by ksplice-create and apply it to the running kernel.\n"
		   "Exit status: 0 applied, 1 error, 2 the kernel refused the update.",
};

/* What "contents" says. */
struct package {
	char *dir;			/* the package directory */
	char *id, *release, *core;
	char *files[MAX_MODULES + 8];	/* every file named, relative */
	size_t nr_files;
	char *modules[MAX_MODULES];	/* update modules, relative */
	size_t nr_modules;
};

/* A relative path that stays inside its directory. */
static bool safe_path(const char *p)
{
	const char *c = p;

	if (!*p || *p == '/')
		return false;
	while (c) {
		if (!strncmp(c, "..", 2) && (c[2] == '/' || !c[2]))
			return false;
		c = strchr(c, '/');
		if (c)
			c++;
	}
	return true;
}

static int run(char *const argv[], const char *out_path)
{
	int status, fd;
	pid_t pid = fork();

	if (pid < 0)
		return error_errno("cannot fork");
	if (!pid) {
		if (out_path) {
			fd = open(out_path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
			if (fd < 0 || dup2(fd, 1) < 0 || dup2(fd, 2) < 0)
				_exit(127);
		}
		execvp(argv[0], argv);
		_exit(127);
	}
	if (waitpid(pid, &status, 0) < 0)
		return error_errno("cannot wait for '%s'", argv[0]);
	if (!WIFEXITED(status) || WEXITSTATUS(status))
		return error("'%s' failed", argv[0]);
	return 0;
}

/* Check every entry of the tarball's listing ("tar -tvzf", with its stderr)
 * before unpacking. */
static int check_listing(const char *tarball, const char *listing)
{
	struct strbuf sb = STRBUF_INIT;
	char *line, *save = NULL, *top = NULL;
	int ret = read_file_at(AT_FDCWD, listing, "listing", listing, &sb);

	for (line = ret ? NULL : strtok_r(sb.buf, "\n", &save); line && !ret;
	     line = strtok_r(NULL, "\n", &save)) {
		char *name, *arrow = strstr(line, " -> ");
		size_t len;

		/* tar's own complaints, e.g. "removing leading '../'" */
		if (!strncmp(line, "tar:", 4)) {
			ret = error("'%s': an entry leaves the package directory (%s)",
				    tarball, line);
			break;
		}
		if (arrow)
			*arrow = '\0';
		name = strrchr(line, ' ');
		name = name ? name + 1 : line;
		if (line[0] != '-' && line[0] != 'd') {
			ret = error("'%s': entry '%s' is not a file or a directory", tarball, name);
			break;
		}
		if (!safe_path(name)) {
			ret = error("'%s': entry '%s' leaves the package directory", tarball, name);
			break;
		}
		len = strcspn(name, "/");
		if (!top)
			top = strndup(name, len);
		else if (strlen(top) != len || strncmp(top, name, len))
			ret = error("'%s': entries outside '%s/'", tarball, top);
	}
	if (!ret && !top)
		ret = error("'%s': empty tarball", tarball);
	free(top);
	strbuf_release(&sb);
	return ret;
}

/* Unpack TARBALL into a fresh directory; set *dir to the package in it. */
static int unpack(const char *tarball, char **tmp, char **dir)
{
	char tmpl[] = "/tmp/ksplice-apply.XXXXXX";
	char *listing, *sub = NULL;
	struct dirent *de;
	DIR *d;
	int ret;

	if (!mkdtemp(tmpl))
		return error_errno("cannot create a temporary directory");
	*tmp = xstrdup(tmpl);
	listing = xstrfmt("%s/.listing", tmpl);
	{
		char *list_argv[] = { "tar", "-tvzf", (char *)tarball, NULL };
		char *x_argv[] = { "tar", "-xzf", (char *)tarball, "-C", tmpl, NULL };

		ret = run(list_argv, listing);
		if (!ret)
			ret = check_listing(tarball, listing);
		unlink(listing);
		if (!ret)
			ret = run(x_argv, NULL);
	}
	free(listing);
	if (ret)
		return ret;
	d = opendir(tmpl);
	if (!d)
		return error_errno("cannot read '%s'", tmpl);
	while ((de = readdir(d)))
		if (de->d_name[0] != '.')
			sub = xstrfmt("%s/%s", tmpl, de->d_name);
	closedir(d);
	if (!sub)
		return error("'%s': no package directory", tarball);
	*dir = sub;
	return 0;
}

static int add_file(struct package *p, const char *key, const char *path)
{
	char *full;
	struct stat st;

	if (!safe_path(path))
		return error("contents: %s '%s' leaves the package directory", key, path);
	if (p->nr_files == ARRAY_SIZE(p->files))
		return error("contents: too many files");
	full = xstrfmt("%s/%s", p->dir, path);
	if (lstat(full, &st) || !S_ISREG(st.st_mode)) {
		free(full);
		return error("contents: %s '%s' is not a file in the package", key, path);
	}
	free(full);
	p->files[p->nr_files++] = xstrdup(path);
	return 0;
}

static int parse_line(struct package *p, char *line)
{
	char *key = line, *val = strchr(line, ' '), *arg2;

	if (!val)
		return error("contents: malformed line '%s'", line);
	*val++ = '\0';
	if (!strcmp(key, "id")) {
		if (strspn(val, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_.-")
		    != strlen(val) || !*val)
			return error("contents: bad id '%s'", val);
		p->id = xstrdup(val);
	} else if (!strcmp(key, "kernel-release")) {
		p->release = xstrdup(val);
	} else if (!strcmp(key, "patch") || !strcmp(key, "description") ||
		   !strcmp(key, "report") || !strcmp(key, "report-json")) {
		return add_file(p, key, val);
	} else if (!strcmp(key, "core")) {
		p->core = xstrdup(val);
		return add_file(p, key, val);
	} else if (!strcmp(key, "module")) {
		arg2 = strchr(val, ' ');
		if (!arg2 || p->nr_modules == MAX_MODULES)
			return error("contents: malformed module line");
		arg2++;
		p->modules[p->nr_modules++] = xstrdup(arg2);
		return add_file(p, key, arg2);
	} else {
		return error("contents: unknown key '%s'", key);
	}
	return 0;
}

/* Every file in the package must be named by contents, and be a file. */
static int check_tree(struct package *p, const char *rel)
{
	char *path = xstrfmt("%s%s%s", p->dir, *rel ? "/" : "", rel);
	struct dirent *de;
	int ret = 0;
	DIR *d = opendir(path);

	if (!d) {
		free(path);
		return error_errno("cannot read '%s'", rel);
	}
	while (!ret && (de = readdir(d))) {
		char *sub;
		struct stat st;
		size_t i;

		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
			continue;
		sub = xstrfmt("%s%s%s", rel, *rel ? "/" : "", de->d_name);
		char *full = xstrfmt("%s/%s", p->dir, sub);

		if (lstat(full, &st))
			ret = error_errno("cannot stat '%s'", sub);
		else if (S_ISDIR(st.st_mode))
			ret = check_tree(p, sub);
		else if (!S_ISREG(st.st_mode))
			ret = error("'%s' in the package is not a file", sub);
		else if (strcmp(sub, "contents") && strcmp(sub, "kernel-release")) {
			for (i = 0; i < p->nr_files && strcmp(p->files[i], sub); i++)
				;
			if (i == p->nr_files)
				ret = error("'%s' is in the package but not in its contents", sub);
		}
		free(full);
		free(sub);
	}
	closedir(d);
	free(path);
	return ret;
}

static int read_package(struct package *p)
{
	struct strbuf sb = STRBUF_INIT, rel = STRBUF_INIT;
	struct utsname un;
	char *line, *save = NULL, *relpath;
	int ret = read_file_at(AT_FDCWD, relpath = xstrfmt("%s/contents", p->dir),
			       "contents file", "contents", &sb);

	free(relpath);
	line = ret ? NULL : strtok_r(sb.buf, "\n", &save);
	if (!ret && (!line || strcmp(line, "ksplice-update 1")))
		ret = error("contents: not a version 1 ksplice update");
	while (!ret && (line = strtok_r(NULL, "\n", &save)))
		ret = parse_line(p, line);
	if (!ret && (!p->id || !p->release || !p->nr_modules))
		ret = error("contents: id, kernel-release and a module are required");
	if (!ret)
		ret = check_tree(p, "");
	if (!ret) {
		relpath = xstrfmt("%s/kernel-release", p->dir);
		ret = read_file_at(AT_FDCWD, relpath, "file", "kernel-release", &rel);
		free(relpath);
		if (!ret && rel.len && rel.buf[rel.len - 1] == '\n')
			strbuf_setlen(&rel, rel.len - 1);
		if (!ret && strcmp(rel.buf, p->release))
			ret = error("kernel-release says '%s', contents says '%s'", rel.buf,
				    p->release);
	}
	if (!ret && uname(&un) == 0 && strcmp(un.release, p->release))
		ret = error("update '%s' is for kernel '%s', this kernel is '%s'", p->id,
			    p->release, un.release);
	strbuf_release(&sb);
	strbuf_release(&rel);
	return ret;
}

static int load_module(const char *path)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	int ret;

	if (fd < 0)
		return error_errno("cannot open '%s'", path);
	ret = syscall(SYS_finit_module, fd, "", 0);
	close(fd);
	if (ret)
		return error_errno("cannot load '%s'", path);
	if (opt_verbose)
		printf("loaded %s\n", path);
	return 0;
}

static void unload_module(const char *name)
{
	if (syscall(SYS_delete_module, name, O_NONBLOCK))
		warning("cannot unload module '%s': %s", name, strerror(errno));
	else if (opt_verbose)
		printf("unloaded %s\n", name);
}

/* Unload the update modules the core knows for id ("module target" lines). */
static void unload_update(const char *id)
{
	char *mods = ksplice_attr(id, "modules", false), *line, *save = NULL;

	for (line = strtok_r(mods, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		*strchrnul(line, ' ') = '\0';
		unload_module(line);
	}
	free(mods);
}

static const struct {
	const char *cause, *words;
} causes[] = {
	{ "no_match", "the running code is not what the update was built against;\n"
		      "build it from the source of the running kernel" },
	{ "code_busy", "a task kept running a function the update replaces;\n"
		       "try again later (blocking tasks below)" },
	{ "module_busy", "an update module was being unloaded; try again" },
	{ "out_of_memory", "the kernel ran out of memory; try again" },
	{ "failed_to_find", "a symbol the update needs is not in the running kernel,\n"
			    "or is ambiguous; the update does not fit this kernel" },
	{ "target_not_loaded", "a module the update patches is not loaded; load it, then retry" },
	{ "missing_parts", "not every module of the update was loaded" },
	{ "already_applied", "the update is already applied; undo it with ksplice-undo first" },
	{ "unexpected", "the kernel found something it will not patch over\n"
			"(a kprobe or another patcher, see the kernel's debug log)" },
};

static void explain(const char *id)
{
	char *cause = ksplice_attr(id, "abort_cause", false);
	char *conflicts = ksplice_attr(id, "conflicts", false);
	const char *words = "see /sys/kernel/debug/ksplice/<id>";
	size_t i;

	for (i = 0; i < ARRAY_SIZE(causes); i++)
		if (!strcmp(cause, causes[i].cause))
			words = causes[i].words;
	error("update '%s' not applied: %s\n%s", id, cause, words);
	if (*conflicts)
		fprintf(stderr, "%s\n", conflicts);
	free(cause);
	free(conflicts);
}

static int apply(struct package *p)
{
	bool core_loaded = false;
	char *path, *stage;
	size_t i;
	int fd, ret = 0;

	/* Loading it again would fail anyway (the module names are taken);
	 * say so in plain words, and touch nothing. */
	path = xstrfmt(KSPLICE_SYSFS "/%s", p->id);
	if (!access(path, F_OK)) {
		stage = ksplice_attr(p->id, "stage", true);
		if (!strcmp(stage, "applied"))
			ret = error("update '%s' is already applied; ksplice-undo %s first",
				    p->id, p->id);
		else
			ret = error("update '%s' is already loaded, not applied (stage %s);\n"
				    "ksplice-undo %s unloads it", p->id, *stage ? stage : "unknown",
				    p->id);
		free(stage);
	}
	free(path);
	if (ret)
		return ret;
	if (access(KSPLICE_SYSFS, F_OK)) {
		path = opt_core ? xstrdup(opt_core) :
		       p->core ? xstrfmt("%s/%s", p->dir, p->core) : NULL;
		if (!path)
			return error("the core (ksplice.ko) is not loaded and the package has none");
		ret = load_module(path);
		free(path);
		if (ret)
			return ret;
		core_loaded = true;
	}
	for (i = 0; i < p->nr_modules && !ret; i++) {
		path = xstrfmt("%s/%s", p->dir, p->modules[i]);
		ret = load_module(path);
		free(path);
	}
	if (!ret) {
		path = xstrfmt(KSPLICE_SYSFS "/%s/stage", p->id);
		fd = open(path, O_WRONLY);
		if (fd < 0 || write(fd, "apply", 5) != 5) {
			explain(p->id);
			ret = 2;
		}
		if (fd >= 0)
			close(fd);
		free(path);
	}
	if (ret) {
		unload_update(p->id);
		if (core_loaded)
			unload_module("ksplice");
		return ret;
	}
	stage = ksplice_attr(p->id, "description", false);
	printf("update %s applied%s%s\n", p->id, *stage ? ": " : "", stage);
	free(stage);
	return 0;
}

static void remove_tree(const char *path)
{
	char *argv[] = { "rm", "-rf", (char *)path, NULL };

	run(argv, NULL);
}

int main(int argc, char **argv)
{
	struct package p = { 0 };
	char *tmp = NULL;
	struct stat st;
	int ret;

	argc = parse_options(&apply_cmd, options, argc, argv);
	if (argc == PARSE_OPT_HELP)
		return KSPLICE_EXIT_OK;
	if (argc < 0)
		return KSPLICE_EXIT_ERROR;
	if (stat(argv[0], &st))
		return error_errno("cannot open '%s'", argv[0]) ? KSPLICE_EXIT_ERROR : 0;
	if (S_ISDIR(st.st_mode)) {
		p.dir = xstrdup(argv[0]);
		ret = 0;
	} else {
		ret = unpack(argv[0], &tmp, &p.dir);
	}
	if (!ret)
		ret = read_package(&p);
	if (!ret)
		ret = apply(&p);
	if (tmp)
		remove_tree(tmp);
	if (ret == 2)
		return KSPLICE_EXIT_BLOCKED;
	return ret ? KSPLICE_EXIT_ERROR : KSPLICE_EXIT_OK;
}
