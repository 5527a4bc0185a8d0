// SPDX-License-Identifier: GPL-2.0-only
/*
 * create-build.c: the building stages of ksplice-create: rebuild with the
 * patch, compare, recompile with sections, extract, build the modules,
 * package. See ksplice-create.c for the flow and docs/create.md.
 *
 * Work directory layout:
 *   post/upper      the tree's view with the patch applied and rebuilt
 *   diff/{pre,post} the affected objects' sidecars, for ksplice-diffmeta
 *   presec/upper    changed objects from the original source, with sections
 *   postsec/upper   the same from the patched source
 *   link/T.o        ksplice-link's output for target T
 *   mod/            the update modules (and, without the kit, the Kbuild
 *                   directory of the core and the update modules)
 *   kitbuild/, modbuild/  what Kbuild's module builds write (overlays)
 *   pkg/ksplice-ID/ the tarball's contents
 */
#include <cjson/cJSON.h>
#include <errno.h>
#include <fcntl.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "create.h"
#include "overlay.h"

/* mkdir -p */
int mkdir_p(const char *dir)
{
	char *p = xstrdup(dir);
	int ret = 0;

	if (!p)
		return -1;
	for (char *s = strchr(p + 1, '/'); ; s = strchr(s + 1, '/')) {
		if (s)
			*s = '\0';
		if (mkdir(p, 0755) && errno != EEXIST) {
			ret = error_errno("cannot create '%s'", p);
			break;
		}
		if (!s)
			break;
		*s = '/';
	}
	free(p);
	return ret;
}

/* mkdir -p for the directory part of path */
static int make_parents(const char *path)
{
	const char *slash = strrchr(path, '/');
	char *dir = slash && slash != path ? strndup(path, slash - path) : NULL;
	int ret = dir ? mkdir_p(dir) : 0;

	free(dir);
	return ret;
}

/* Copy a file, keeping its modification time. */
int copy_file(const char *from, const char *to)
{
	struct strbuf sb = STRBUF_INIT;
	struct stat st;
	int fd, ret = 0;

	if (stat(from, &st))
		return error_errno("cannot stat '%s'", from);
	if (read_file_at(AT_FDCWD, from, "file", from, &sb) || make_parents(to))
		return -1;
	fd = open(to, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0 || write(fd, sb.buf, sb.len) != (ssize_t)sb.len)
		ret = error_errno("cannot write '%s'", to);
	if (fd >= 0) {
		struct timespec times[2] = { st.st_atim, st.st_mtim };

		if (!ret && futimens(fd, times))
			ret = error_errno("cannot set the time of '%s'", to);
		if (close(fd))
			ret = error_errno("cannot write '%s'", to);
	}
	strbuf_release(&sb);
	return ret;
}

int mount_tree(struct create *c, struct overlay *ov, const char *lower,
		      const char *name)
{
	char *dir = xstrfmt("%s/%s", c->work, name);
	int ret = dir ? overlay_mount(ov, c->tree, lower, dir) : -1;

	free(dir);
	if (!ret)
		c->run.prefix = overlay_describe(ov);
	return ret;
}

int unmount_tree(struct create *c, struct overlay *ov)
{
	int ret = overlay_umount(ov);

	free((char *)c->run.prefix);
	c->run.prefix = NULL;
	overlay_release(ov);
	return ret;
}

/* One job of a batch, with the view it runs in (NULL: the tool's namespace). */
struct batch {
	struct run_job *jobs;
	struct view **views;
	char **owned;
	size_t nr, alloc, alloc_views, nr_owned, alloc_owned;
};

/* Add a job; cmdline is malloc'ed and the batch owns it (NULL: OOM). */
static int batch_add(struct batch *b, const char *what, struct view *v, char *cmdline)
{
	if (!cmdline || ALLOC_GROW(b->jobs, b->nr + 1, b->alloc) ||
	    ALLOC_GROW(b->views, b->nr + 1, b->alloc_views) ||
	    ALLOC_GROW(b->owned, b->nr_owned + 1, b->alloc_owned)) {
		free(cmdline);
		return -1;
	}
	b->owned[b->nr_owned++] = cmdline;
	b->views[b->nr] = v;
	b->jobs[b->nr++] = (struct run_job){ .what = what, .cmdline = cmdline,
					     .nsfd = v ? v->nsfd : -1 };
	return 0;
}

static void batch_release(struct batch *b)
{
	for (size_t i = 0; i < b->nr_owned; i++)
		free(b->owned[i]);
	free(b->owned);
	free(b->jobs);
	free(b->views);
	memset(b, 0, sizeof(*b));
}

/*
 * Run the batch in the tree, c->jobs at a time. A failing job is named
 * with its "reproduce with" line, its view's mount included.
 */
static int batch_run(struct create *c, struct batch *b)
{
	unsigned int max = strtoul(c->jobs, NULL, 10);
	size_t failed = 0;
	int rc;

	for (size_t i = 0; i < b->nr; i++)
		b->jobs[i].cwd = c->tree;
	rc = run_jobs(&c->run, b->jobs, b->nr, max, &failed);
	if (rc == 0)
		return 0;
	if (run_interrupted())
		return -1;
	if (rc > 0 && failed < b->nr) {
		error("%s failed (exit status %d)", b->jobs[failed].what, rc);
		free((char *)c->run.prefix);
		c->run.prefix = b->views[failed] ? overlay_describe(&b->views[failed]->ov) : NULL;
		run_print_reproduce(&c->run);
		free((char *)c->run.prefix);
		c->run.prefix = NULL;
	}
	return -1;
}

static int open_view(struct create *c, struct view *v, const char *lower, const char *name)
{
	char *dir = xstrfmt("%s/%s", c->work, name);
	int ret = dir ? view_open(v, c->tree, lower, dir) : -1;

	free(dir);
	return ret;
}

/* Compile the update stub of module name (the kit's .mod.c) into work/mod. */
static int add_stub_job(struct create *c, struct batch *b, const char *name)
{
	char *dir = xstrfmt("%s/mod", c->work);
	int ret = dir && !kit_stub(c, dir, name) ? 0 : -1;

	if (!ret)
		ret = batch_add(b, "compiling the update module's stub", NULL,
				kit_command(c, "mod.o", dir, name));
	free(dir);
	return ret;
}

/*
 * The affected objects' targets, before the comparison says which change:
 * their stubs compile alongside the objects, when there are few.
 */
static int add_likely_stubs(struct create *c, struct batch *b)
{
	const char **seen = calloc(c->objs.nr + 1, sizeof(*seen));
	size_t nr = 0, jobs = strtoul(c->jobs, NULL, 10);
	int ret = seen ? 0 : -1;

	for (size_t i = 0; i < c->objs.nr && !ret; i++) {
		size_t k = 0;

		while (k < nr && strcmp(seen[k], c->objs.v[i].target))
			k++;
		if (k == nr)
			seen[nr++] = c->objs.v[i].target;
	}
	for (size_t k = 0; k < nr && !ret && c->objs.nr + nr <= jobs; k++) {
		char *name = xstrfmt("ksplice_%s_%s", c->id, seen[k]);

		ret = name ? add_stub_job(c, b, name) : -1;
		free(name);
	}
	free(seen);
	return ret;
}

/* The object's Kbuild command, run as Kbuild runs it: stop at the first failure. */
static char *recorded_cmd(const char *tree, const char *obj)
{
	char *cmd = kbuild_cmd(tree, obj), *out = cmd ? xstrfmt("set -e; %s", cmd) : NULL;

	free(cmd);
	return out;
}

/*
 * Apply the patch in the "post" view and recompile every affected object
 * there with the command Kbuild recorded for it: Kbuild's own rule, since
 * the command line has not changed and a prerequisite has. Running the
 * recorded commands saves make's reading of the whole tree's makefiles.
 */
int build_post(struct create *c)
{
	struct batch b = { 0 };
	char *patch = NULL, *qtree = shell_quote(c->tree), *qpatch = shell_quote(c->patch);
	int ret = -1;

	if (!qtree || !qpatch || open_view(c, &c->post_view, c->tree, "post"))
		goto out;
	patch = xstrfmt("patch -p1 --forward --batch --fuzz=0 --silent -d %s -i %s",
			qtree, qpatch);
	if (batch_add(&b, "applying the patch", &c->post_view, patch) || batch_run(c, &b))
		goto out;
	batch_release(&b);
	for (size_t i = 0; i < c->objs.nr; i++)
		if (batch_add(&b, "the incremental build", &c->post_view,
			      recorded_cmd(c->tree, c->objs.v[i].path)))
			goto out;
	if (c->kit && add_likely_stubs(c, &b))
		goto out;
	ret = batch_run(c, &b);
out:
	/* The view's upper directory holds the result; the mount is done. */
	if (view_close(&c->post_view))
		ret = -1;
	batch_release(&b);
	free(qtree);
	free(qpatch);
	return ret;
}

/*
 * Stage the affected objects and their sidecars for ksplice-diffmeta, with
 * their times: in tree mode it ignores a sidecar whose object is missing or
 * older than it (a stale sidecar).
 */
static int stage_object(struct create *c, const char *obj, const char *from,
			const char *side)
{
	static const char *const suffixes[] = { "", ".ksplice.json" };

	for (size_t i = 0; i < ARRAY_SIZE(suffixes); i++) {
		char *a = xstrfmt("%s/%s%s", from, obj, suffixes[i]);
		char *b = xstrfmt("%s/diff/%s/%s%s", c->work, side, obj, suffixes[i]);
		int ret = a && b ? 0 : -1;

		if (!ret && access(a, F_OK))
			ret = error("the %s build has no '%s'", side, a);
		if (!ret)
			ret = copy_file(a, b);
		free(a);
		free(b);
		if (ret)
			return -1;
	}
	return 0;
}

static int stage_sidecars(struct create *c)
{
	char *post = xstrfmt("%s/post/upper", c->work);
	int ret = post ? 0 : -1;

	for (size_t i = 0; i < c->objs.nr && !ret; i++) {
		const char *obj = c->objs.v[i].path;

		ret = stage_object(c, obj, c->tree, "pre") ||
		      stage_object(c, obj, post, "post") ? -1 : 0;
	}
	free(post);
	return ret;
}

static struct target *find_target(struct create *c, const char *name)
{
	struct target *t;

	for (size_t i = 0; i < c->nr_targets; i++)
		if (!strcmp(c->targets[i].name, name))
			return &c->targets[i];
	if (ALLOC_GROW(c->targets, c->nr_targets + 1, c->alloc_targets))
		return NULL;
	t = &c->targets[c->nr_targets++];
	memset(t, 0, sizeof(*t));
	t->name = xstrdup(name);
	t->module = xstrfmt("ksplice_%s_%s", c->id, name);
	return t->name && t->module ? t : NULL;
}

static struct cobj *find_cobj(struct create *c, const char *obj)
{
	const char *target = NULL;
	struct target *t;

	for (size_t i = 0; i < c->objs.nr && !target; i++)
		if (!strcmp(c->objs.v[i].path, obj))
			target = c->objs.v[i].target;
	if (!target) {
		error("ksplice-diffmeta reports unknown object '%s'", obj);
		return NULL;
	}
	t = find_target(c, target);
	if (!t)
		return NULL;
	for (size_t i = 0; i < t->nr_objs; i++)
		if (!strcmp(t->objs[i].path, obj))
			return &t->objs[i];
	if (ALLOC_GROW(t->objs, t->nr_objs + 1, t->alloc_objs))
		return NULL;
	memset(&t->objs[t->nr_objs], 0, sizeof(t->objs[0]));
	t->objs[t->nr_objs].path = xstrdup(obj);
	return &t->objs[t->nr_objs++];
}

/* Sort the report's changes into targets and objects. */
static int collect(struct create *c, const cJSON *report)
{
	static const struct {
		const char *key;
		size_t off;
	} kinds[] = {
		{ "changed_functions", offsetof(struct cobj, changed) },
		{ "new_functions", offsetof(struct cobj, new_funcs) },
		{ "new_data", offsetof(struct cobj, new_data) },
	};

	for (size_t k = 0; k < ARRAY_SIZE(kinds); k++) {
		const cJSON *e, *arr = cJSON_GetObjectItemCaseSensitive(report, kinds[k].key);

		cJSON_ArrayForEach(e, arr) {
			const char *obj = cJSON_GetStringValue(cJSON_GetObjectItem(e, "object"));
			const char *name = cJSON_GetStringValue(cJSON_GetObjectItem(e, "name"));
			struct cobj *co;
			struct strbuf *sb;

			if (!obj || !name)
				return error("malformed ksplice-diffmeta report: '%s' entry "
					     "without object or name", kinds[k].key);
			co = find_cobj(c, obj);
			if (!co)
				return -1;
			sb = (struct strbuf *)((char *)co + kinds[k].off);
			if ((sb->len && strbuf_addstr(sb, ",")) || strbuf_addstr(sb, name))
				return -1;
		}
	}
	return 0;
}

int compare(struct create *c)
{
	char *cmd = NULL, *json = NULL, *pre = xstrfmt("%s/diff/pre", c->work);
	char *post = xstrfmt("%s/diff/post", c->work);
	struct strbuf sb = STRBUF_INIT;
	cJSON *report = NULL;
	int rc, ret = -1;

	if (!pre || !post || stage_sidecars(c))
		goto out;
	cmd = xstrfmt("'%s' diff/pre diff/post >diffmeta.txt; rc=$?; "
		      "'%s' --json diff/pre diff/post >diffmeta.json && exit $rc",
		      c->diffmeta, c->diffmeta);
	if (!cmd)
		goto out;
	rc = run_sh(&c->run, c->work, cmd);
	json = xstrfmt("%s/diffmeta.json", c->work);
	if (rc == KSPLICE_EXIT_UNCHANGED || rc == KSPLICE_EXIT_BLOCKED) {
		char *txt = xstrfmt("%s/diffmeta.txt", c->work);

		if (txt && !read_file_at(AT_FDCWD, txt, "report", txt, &sb))
			fputs(sb.buf, rc == KSPLICE_EXIT_BLOCKED ? stderr : stdout);
		free(txt);
		if (rc == KSPLICE_EXIT_UNCHANGED)
			printf("no functional change\n");
		else
			error("the patch cannot be applied live (blockers above)");
		c->status = rc;
		ret = STAGE_STOP;
		goto out;
	}
	if (rc != 0) {
		error("ksplice-diffmeta failed (exit status %d)", rc);
		run_print_reproduce(&c->run);
		goto out;
	}
	if (!json || read_file_at(AT_FDCWD, json, "report", json, &sb))
		goto out;
	report = cJSON_ParseWithLength(sb.buf, sb.len);
	if (!report) {
		error("cannot parse the ksplice-diffmeta report '%s'", json);
		goto out;
	}
	ret = collect(c, report);
	if (!ret && !c->nr_targets)
		ret = error("ksplice-diffmeta reports changes but no changed function");
out:
	cJSON_Delete(report);
	strbuf_release(&sb);
	free(cmd);
	free(json);
	free(pre);
	free(post);
	return ret;
}

/* The object's Kbuild command, with the plugin told to use sections. */
static char *sections_cmd(const char *dir, const char *obj)
{
	char *cmd = kbuild_cmd(dir, obj), *p, *out;

	if (!cmd)
		return NULL;
	p = strstr(cmd, "ksplice.so");
	if (!p) {
		error("the Kbuild command of '%s' does not load the ksplice plugin", obj);
		free(cmd);
		return NULL;
	}
	p += strlen("ksplice.so");
	out = xstrfmt("set -e; %.*s -fplugin-arg-ksplice-sections%s", (int)(p - cmd), cmd, p);
	free(cmd);
	return out;
}

/*
 * Recompile the changed objects with sections, from the original source
 * (view "presec") and from the patched one ("postsec", over what the post
 * build wrote), all in one batch, with the update modules' stubs not yet
 * compiled.
 */
int build_sections(struct create *c)
{
	struct view pre = { .nsfd = -1 }, post = { .nsfd = -1 };
	char *postdir = xstrfmt("%s/post/upper", c->work);
	char *lower = xstrfmt("%s:%s", postdir, c->tree);
	struct batch b = { 0 };
	int ret = -1;

	if (!postdir || !lower || open_view(c, &pre, c->tree, "presec") ||
	    open_view(c, &post, lower, "postsec"))
		goto out;
	for (size_t t = 0; t < c->nr_targets; t++) {
		for (size_t i = 0; i < c->targets[t].nr_objs; i++) {
			const char *obj = c->targets[t].objs[i].path;

			if (batch_add(&b, "recompiling from the original source", &pre,
				      sections_cmd(c->tree, obj)) ||
			    batch_add(&b, "recompiling from the patched source", &post,
				      sections_cmd(c->tree, obj)))
				goto out;
		}
	}
	for (size_t t = 0; t < c->nr_targets && c->kit; t++) {
		char *o = xstrfmt("%s/mod/%s.mod.o", c->work, c->targets[t].module);

		if (!o)
			goto out;
		if (access(o, F_OK) && add_stub_job(c, &b, c->targets[t].module)) {
			free(o);
			goto out;
		}
		free(o);
	}
	ret = batch_run(c, &b);
out:
	if (view_close(&pre))
		ret = -1;
	if (view_close(&post))
		ret = -1;
	batch_release(&b);
	free(postdir);
	free(lower);
	return ret;
}
