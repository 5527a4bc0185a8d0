// SPDX-License-Identifier: GPL-2.0-only
/*
 * tree.c: walk build trees for sidecars and diff them pairwise.
 *
 * A one-line patch recompiles a handful of objects out of thousands, so the
 * cost that matters is the walk and the identical pairs. The walk uses
 * openat() and getdents64() with d_type, so it never stats a file; identical pairs are recognised by length and memcmp() and never
 * parsed.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <pthread.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "tree.h"
#include "util.h"

struct walk {
	const char *root;
	const char *suffix;
	struct path_list *out;
	struct strbuf rel;		/* current directory, relative, with '/' */
};

static int walk_dir(struct walk *w, int dirfd);

static int walk_entry(struct walk *w, int dirfd, const char *name,
		      unsigned char type)
{
	size_t len = w->rel.len;
	int fd, ret;

	if (type == DT_UNKNOWN) {
		struct stat st;

		if (fstatat(dirfd, name, &st, AT_SYMLINK_NOFOLLOW) < 0)
			return error_errno("cannot stat '%s/%s%s'", w->root,
					   w->rel.buf, name);
		type = S_ISDIR(st.st_mode) ? DT_DIR :
		       S_ISREG(st.st_mode) ? DT_REG : DT_LNK;
	}
	if (type == DT_REG) {
		char *p;

		if (!ends_with(name, w->suffix))
			return 0;
		if (ALLOC_GROW(w->out->v, w->out->nr + 1, w->out->alloc) ||
		    !(p = xstrfmt("%s%s", w->rel.buf, name)))
			return -1;
		w->out->v[w->out->nr++] = p;
		return 0;
	}
	if (type != DT_DIR || name[0] == '.')
		return 0;
	fd = openat(dirfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW |
		    O_CLOEXEC);
	if (fd < 0)
		return error_errno("cannot open directory '%s/%s%s'", w->root,
				   w->rel.buf, name);
	if (strbuf_addf(&w->rel, "%s/", name)) {
		close(fd);
		return -1;
	}
	ret = walk_dir(w, fd);		/* closes fd */
	w->rel.len = len;
	w->rel.buf[len] = '\0';
	return ret;
}

/*
 * getdents64() straight into a buffer on this level's stack: readdir()
 * through fdopendir() costs an fcntl() and an fstat() per directory, a
 * third of the system calls of a kernel-tree walk.
 */
static int walk_dir(struct walk *w, int fd)
{
	char buf[16384] __attribute__((aligned(8)));
	ssize_t n;
	int ret = 0;

	while (!ret && (n = getdents64(fd, buf, sizeof(buf))) > 0) {
		ssize_t off;

		for (off = 0; !ret && off < n;) {
			struct dirent64 *de = (struct dirent64 *)(buf + off);

			off += de->d_reclen;
			if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
				continue;
			ret = walk_entry(w, fd, de->d_name, de->d_type);
		}
	}
	if (!ret && n < 0)
		ret = error_errno("cannot read directory '%s/%s'", w->root,
				  w->rel.buf);
	close(fd);
	return ret;
}

static int cmp_path(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

int find_files(const char *root, const char *suffix, struct path_list *out)
{
	struct walk w = { root, suffix, out, STRBUF_INIT };
	int fd, ret;

	fd = open(root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return error_errno("cannot open directory '%s'", root);
	if (strbuf_addstr(&w.rel, "")) {
		close(fd);
		return -1;
	}
	ret = walk_dir(&w, fd);
	strbuf_release(&w.rel);
	if (!ret && out->nr)
		qsort(out->v, out->nr, sizeof(*out->v), cmp_path);
	return ret;
}

void path_list_release(struct path_list *l)
{
	size_t i;

	for (i = 0; i < l->nr; i++)
		free(l->v[i]);
	free(l->v);
	memset(l, 0, sizeof(*l));
}

/* "fs/proc/meminfo.o.ksplice.json" -> "fs/proc/meminfo.o" */
static char *object_name(const char *rel)
{
	size_t n = strlen(rel);

	if (ends_with(rel, SIDECAR_SUFFIX))
		n -= strlen(SIDECAR_SUFFIX);
	return strndup(rel, n);
}

static int diff_parsed(struct diff *d, const char *object,
		       const char *pre_path, const struct strbuf *pre_buf,
		       const char *post_path, const struct strbuf *post_buf)
{
	struct sidecar *pre = NULL, *post = NULL;
	int ret = -1;

	if (pre_buf && !(pre = sidecar_parse(pre_path, pre_buf->buf, pre_buf->len)))
		goto out;
	if (post_buf && !(post = sidecar_parse(post_path, post_buf->buf, post_buf->len)))
		goto out;
	if (pre && post && sidecar_check_comparable(pre, post))
		goto out;
	ret = diff_object(d, object, pre, post);
out:
	sidecar_free(pre);
	sidecar_free(post);
	return ret;
}

/*
 * A sidecar whose object is missing or older than it is stale: the
 * assembler failed or a tool removed the object (docs/sidecar-format.md).
 * It describes nothing, so it counts as absent, with a warning.
 */
static bool is_stale(const char *sidecar)
{
	struct stat sc, obj;
	char *o = strndup(sidecar, strlen(sidecar) - strlen(SIDECAR_SUFFIX));
	bool stale;

	if (!o)
		return false;
	stale = stat(sidecar, &sc) || stat(o, &obj) ||
		obj.st_mtim.tv_sec < sc.st_mtim.tv_sec ||
		(obj.st_mtim.tv_sec == sc.st_mtim.tv_sec &&
		 obj.st_mtim.tv_nsec < sc.st_mtim.tv_nsec);
	if (stale)
		warning("ignoring stale sidecar '%s': its object '%s' is missing or older",
			sidecar, o);
	free(o);
	return stale;
}

/* One relative path: on both sides (pre_rel and post_rel) or one. */
static int diff_pair(struct diff *d, const char *pre_root, const char *pre_rel,
		     const char *post_root, const char *post_rel,
		     struct strbuf *a, struct strbuf *b)
{
	char *pp = NULL, *qp = NULL, *object;
	int ret = -1;

	object = object_name(pre_rel ? pre_rel : post_rel);
	if (!object)
		return error("out of memory");
	if ((pre_rel && !(pp = xstrfmt("%s/%s", pre_root, pre_rel))) ||
	    (post_rel && !(qp = xstrfmt("%s/%s", post_root, post_rel))))
		goto out;
	if (pp && read_file_at(AT_FDCWD, pp, "sidecar", pp, a))
		goto out;
	if (qp && read_file_at(AT_FDCWD, qp, "sidecar", qp, b))
		goto out;
	if (pp && qp && a->len == b->len && !memcmp(a->buf, b->buf, a->len)) {
		ret = 0;	/* the fast path: nothing can have changed */
		goto out;
	}
	/* Only sidecars that differ are checked for staleness: it costs stats. */
	if (pp && is_stale(pp)) {
		free(pp);
		pp = NULL;
	}
	if (qp && is_stale(qp)) {
		free(qp);
		qp = NULL;
	}
	ret = 0;
	if (pp || qp)
		ret = diff_parsed(d, object, pp, pp ? a : NULL, qp, qp ? b : NULL);
out:
	free(object);
	free(pp);
	free(qp);
	return ret;
}

struct find_job {
	const char *root;
	struct path_list *out;
	int ret;
};

static void *find_thread(void *arg)
{
	struct find_job *job = arg;

	job->ret = find_files(job->root, SIDECAR_SUFFIX, job->out);
	return NULL;
}

/* Walk both trees at once: the walk is most of the cost of a small patch. */
static int find_both(const char *pre, struct path_list *p, const char *post,
		     struct path_list *q)
{
	struct find_job job = { pre, p, 0 };
	pthread_t t;
	int ret;

	if (pthread_create(&t, NULL, find_thread, &job))
		return find_files(pre, SIDECAR_SUFFIX, p) ||
		       find_files(post, SIDECAR_SUFFIX, q) ? -1 : 0;
	ret = find_files(post, SIDECAR_SUFFIX, q);
	pthread_join(t, NULL);
	return ret || job.ret ? -1 : 0;
}

int diff_trees(struct diff *d, const char *pre, const char *post)
{
	struct path_list p = { 0 }, q = { 0 };
	struct strbuf a = STRBUF_INIT, b = STRBUF_INIT;
	size_t i = 0, j = 0;
	int ret = -1;

	if (find_both(pre, &p, post, &q))
		goto out;
	while (i < p.nr || j < q.nr) {
		int k = i == p.nr ? 1 : j == q.nr ? -1 : strcmp(p.v[i], q.v[j]);

		if (diff_pair(d, pre, k <= 0 ? p.v[i] : NULL,
			      post, k >= 0 ? q.v[j] : NULL, &a, &b))
			goto out;
		i += k <= 0;
		j += k >= 0;
	}
	ret = 0;
out:
	path_list_release(&p);
	path_list_release(&q);
	strbuf_release(&a);
	strbuf_release(&b);
	return ret;
}

int diff_files(struct diff *d, const char *pre, const char *post)
{
	struct sidecar *a, *b = NULL;
	char *object = NULL;
	int ret = -1;

	a = sidecar_load_at(AT_FDCWD, pre, pre);
	if (!a || !(b = sidecar_load_at(AT_FDCWD, post, post)) ||
	    sidecar_check_comparable(a, b))
		goto out;
	if (b->object && b->object[0])
		object = xstrdup(b->object);
	else
		object = object_name(post);
	if (object)
		ret = diff_object(d, object, a, b);
	else
		error("out of memory");
out:
	free(object);
	sidecar_free(a);
	sidecar_free(b);
	return ret;
}
