// SPDX-License-Identifier: GPL-2.0-only
/*
 * debug.c - the per-update debug log.
 *
 * Every decision behind an abort (which instruction failed to match, which
 * symbol could not be found, which task held which function) is appended to
 * a log kept with the update, and shown as /sys/kernel/debug/ksplice/<id>
 * (root only). The log keeps the first KSPLICE_LOG_SIZE bytes of each
 * update's history; later lines are counted but dropped, so a flood of
 * messages never costs more memory.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/debugfs.h>
#include <linux/fs.h>
#include <linux/seq_file.h>
#include <linux/slab.h>
#include "core.h"
#include "debug.h"

#define KSPLICE_LOG_SIZE	(32 * 1024)

struct ksplice_log {
	char *buf;
	size_t len;
	unsigned long dropped;
	struct dentry *dentry;
};

static struct dentry *ksplice_debugfs;

int ksplice_debug_init(void)
{
	ksplice_debugfs = debugfs_create_dir("ksplice", NULL);
	return 0;	/* debugfs failures are not fatal, by design */
}

void ksplice_debug_exit(void)
{
	debugfs_remove_recursive(ksplice_debugfs);
}

static int log_show(struct seq_file *m, void *v)
{
	struct ksplice_update *u = m->private;

	mutex_lock(&ksplice_mutex);
	seq_write(m, u->log->buf, u->log->len);
	if (u->log->dropped)
		seq_printf(m, "(%lu lines dropped: log full)\n", u->log->dropped);
	mutex_unlock(&ksplice_mutex);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(log);

int ksplice_log_create(struct ksplice_update *u)
{
	struct ksplice_log *log;

	log = kzalloc(sizeof(*log), GFP_KERNEL);
	if (!log)
		return -ENOMEM;
	log->buf = kvmalloc(KSPLICE_LOG_SIZE, GFP_KERNEL);
	if (!log->buf) {
		kfree(log);
		return -ENOMEM;
	}
	u->log = log;
	log->dentry = debugfs_create_file(u->id, 0400, ksplice_debugfs, u,
					  &log_fops);
	return 0;
}

void ksplice_log_destroy(struct ksplice_update *u)
{
	if (!u->log)
		return;
	debugfs_remove(u->log->dentry);
	kvfree(u->log->buf);
	kfree(u->log);
	u->log = NULL;
}

/* Append one line; the caller holds ksplice_mutex. */
void ksplice_log(struct ksplice_update *u, const char *fmt, ...)
{
	struct ksplice_log *log = u->log;
	va_list args;
	size_t room;
	int n;

	lockdep_assert_held(&ksplice_mutex);
	room = KSPLICE_LOG_SIZE - log->len;
	va_start(args, fmt);
	n = vsnprintf(log->buf + log->len, room, fmt, args);
	va_end(args);
	if (n + 2 > room) {
		log->dropped++;
		return;
	}
	log->len += n;
	log->buf[log->len++] = '\n';
	pr_debug("%s: %.*s", u->id, n + 1, log->buf + log->len - n - 1);
}
