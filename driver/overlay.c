// SPDX-License-Identifier: GPL-2.0-only
/*
 * overlay.c: private mount namespace and overlay mounts; see overlay.h.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#include "overlay.h"
#include "run.h"
#include "util.h"

/* In a user namespace, overlayfs keeps its metadata in user.* xattrs. */
static bool in_user_ns;

static int write_proc(const char *path, const char *text)
{
	int fd = open(path, O_WRONLY | O_CLOEXEC);
	ssize_t n;

	if (fd < 0)
		return error_errno("cannot open '%s'", path);
	n = write(fd, text, strlen(text));
	close(fd);
	if (n != (ssize_t)strlen(text))
		return error_errno("cannot write '%s'", path);
	return 0;
}

static int enter_user_ns(void)
{
	char map[64];
	uid_t uid = geteuid();
	gid_t gid = getegid();

	if (unshare(CLONE_NEWUSER | CLONE_NEWNS))
		return error_errno("cannot create a user and mount namespace "
				   "(needed to build in an overlay of the tree "
				   "without root)");
	in_user_ns = true;
	if (write_proc("/proc/self/setgroups", "deny"))
		return -1;
	snprintf(map, sizeof(map), "0 %u 1\n", (unsigned int)uid);
	if (write_proc("/proc/self/uid_map", map))
		return -1;
	snprintf(map, sizeof(map), "0 %u 1\n", (unsigned int)gid);
	return write_proc("/proc/self/gid_map", map);
}

int ns_private_mounts(void)
{
	if (geteuid() == 0) {
		if (unshare(CLONE_NEWNS))
			return error_errno("cannot create a mount namespace");
	} else if (enter_user_ns()) {
		return -1;
	}
	/* Nothing mounted from here on may propagate back to the host. */
	if (mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL))
		return error_errno("cannot make mounts private");
	return 0;
}

static bool bad_path(const char *p)
{
	return strpbrk(p, ",:\\\n") != NULL;
}

static char *options(const struct overlay *ov)
{
	return xstrfmt("lowerdir=%s,upperdir=%s,workdir=%s%s", ov->lower,
		       ov->upper, ov->work, in_user_ns ? ",userxattr" : "");
}

int overlay_mount(struct overlay *ov, const char *target, const char *lower,
		  const char *dir)
{
	char *opts;
	int ret;

	memset(ov, 0, sizeof(*ov));
	ov->target = xstrdup(target);
	ov->lower = xstrdup(lower);
	ov->upper = xstrfmt("%s/upper", dir);
	ov->work = xstrfmt("%s/work", dir);
	if (!ov->target || !ov->lower || !ov->upper || !ov->work)
		return -1;
	if (bad_path(ov->target) || bad_path(ov->upper) || bad_path(ov->work))
		return error("cannot overlay '%s' from '%s': paths with ',', ':' or "
			     "'\\' cannot be overlay mount options", target, dir);
	if ((mkdir(dir, 0755) && errno != EEXIST) ||
	    (mkdir(ov->upper, 0755) && errno != EEXIST) ||
	    (mkdir(ov->work, 0755) && errno != EEXIST))
		return error_errno("cannot create '%s'", dir);
	opts = options(ov);
	if (!opts)
		return -1;
	ret = mount("overlay", target, "overlay", 0, opts);
	if (ret)
		error_errno("cannot mount an overlay on '%s' (%s)", target, opts);
	free(opts);
	if (ret)
		return -1;
	ov->mounted = true;
	return 0;
}

int overlay_umount(struct overlay *ov)
{
	if (!ov->mounted)
		return 0;
	if (umount2(ov->target, 0))
		return error_errno("cannot unmount the overlay on '%s'", ov->target);
	ov->mounted = false;
	return 0;
}

char *overlay_describe(const struct overlay *ov)
{
	char *opts = options(ov), *s;

	if (!opts)
		return NULL;
	s = xstrfmt("unshare -m --propagation private sh   # then, in that shell:\n"
		    "  mount -t overlay overlay -o %s %s\n  ", opts, ov->target);
	free(opts);
	return s;
}

void overlay_release(struct overlay *ov)
{
	free(ov->target);
	free(ov->lower);
	free(ov->upper);
	free(ov->work);
	memset(ov, 0, sizeof(*ov));
}

/* Move into the namespace nsfd; the working directory is kept. */
static int enter_ns(int nsfd)
{
	int cwd = open(".", O_PATH | O_DIRECTORY | O_CLOEXEC), ret = 0;

	if (cwd < 0)
		return error_errno("cannot open the working directory");
	if (setns(nsfd, CLONE_NEWNS))
		ret = error_errno("cannot enter a mount namespace");
	else if (fchdir(cwd))
		ret = error_errno("cannot return to the working directory");
	close(cwd);
	return ret;
}

int view_open(struct view *v, const char *target, const char *lower, const char *dir)
{
	int self = open("/proc/self/ns/mnt", O_RDONLY | O_CLOEXEC), ret = -1;

	memset(v, 0, sizeof(*v));
	v->nsfd = -1;
	if (self < 0)
		return error_errno("cannot open '/proc/self/ns/mnt'");
	if (unshare(CLONE_NEWNS)) {
		error_errno("cannot create a mount namespace");
		goto out;
	}
	if (!overlay_mount(&v->ov, target, lower, dir)) {
		v->nsfd = open("/proc/self/ns/mnt", O_RDONLY | O_CLOEXEC);
		if (v->nsfd < 0)
			error_errno("cannot open '/proc/self/ns/mnt'");
		else
			ret = 0;
	}
	if (enter_ns(self))
		ret = -1;
out:
	close(self);
	if (ret)
		view_close(v);
	return ret;
}

int view_close(struct view *v)
{
	int self, ret = 0;

	if (v->nsfd >= 0 && v->ov.mounted) {
		/* Unmount now, not whenever the namespace is freed. */
		self = open("/proc/self/ns/mnt", O_RDONLY | O_CLOEXEC);
		if (self < 0)
			return error_errno("cannot open '/proc/self/ns/mnt'");
		if (enter_ns(v->nsfd) || overlay_umount(&v->ov))
			ret = -1;
		if (enter_ns(self))
			ret = -1;
		close(self);
	}
	if (v->nsfd >= 0)
		close(v->nsfd);
	v->nsfd = -1;
	overlay_release(&v->ov);
	return ret;
}
