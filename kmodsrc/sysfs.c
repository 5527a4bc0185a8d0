// SPDX-License-Identifier: GPL-2.0-only
/*
 * sysfs.c - /sys/kernel/ksplice/<id>/, root only.
 *
 *   stage        read: preparing, applied, reversed or cleanup
 *                write "apply" or "reverse"; the write fails with the
 *                errno of the abort, and abort_cause says why
 *   abort_cause  ok, no_match, code_busy, ... (see core.c)
 *   conflicts    the tasks that blocked the last attempt: "comm pid func+off"
 *   description  the update's one-line description
 *   functions    one line per patched function: "target name"
 *   modules      one line per registered update module: "module target"
 *
 * The kobject owns the update: its release frees it, so an open sysfs file
 * keeps the memory alive after the update's modules are gone.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/kobject.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/sysfs.h>
#include "core.h"
#include "debug.h"
#include "sysfs.h"

static struct kobject *ksplice_kobj;

#define to_update(k) container_of(k, struct ksplice_update, kobj)

static ssize_t stage_show(struct kobject *k, struct kobj_attribute *a, char *buf)
{
	struct ksplice_update *u = to_update(k);
	ssize_t n;

	mutex_lock(&ksplice_mutex);
	n = sysfs_emit(buf, "%s\n", ksplice_stage_name(u->stage));
	mutex_unlock(&ksplice_mutex);
	return n;
}

static ssize_t stage_store(struct kobject *k, struct kobj_attribute *a,
			   const char *buf, size_t count)
{
	struct ksplice_update *u = to_update(k);
	int ret;

	if (sysfs_streq(buf, "apply"))
		ret = ksplice_apply(u);
	else if (sysfs_streq(buf, "reverse"))
		ret = ksplice_reverse(u);
	else
		ret = -EINVAL;
	return ret ? ret : count;
}

static ssize_t abort_cause_show(struct kobject *k, struct kobj_attribute *a,
				char *buf)
{
	struct ksplice_update *u = to_update(k);
	ssize_t n;

	mutex_lock(&ksplice_mutex);
	n = sysfs_emit(buf, "%s\n", ksplice_abort_name(u->abort));
	mutex_unlock(&ksplice_mutex);
	return n;
}

static ssize_t conflicts_show(struct kobject *k, struct kobj_attribute *a,
			      char *buf)
{
	struct ksplice_update *u = to_update(k);
	ssize_t n;

	mutex_lock(&ksplice_mutex);
	n = sysfs_emit(buf, "%s", u->conflicts);
	mutex_unlock(&ksplice_mutex);
	return n;
}

static ssize_t description_show(struct kobject *k, struct kobj_attribute *a,
				char *buf)
{
	struct ksplice_update *u = to_update(k);
	struct ksplice_part *p;
	ssize_t n = 0;

	mutex_lock(&ksplice_mutex);
	for_each_part(u, p) {	/* every part carries the same line */
		n = sysfs_emit(buf, "%s\n", p->hdr->description);
		break;
	}
	mutex_unlock(&ksplice_mutex);
	return n;
}

static ssize_t functions_show(struct kobject *k, struct kobj_attribute *a,
			      char *buf)
{
	struct ksplice_update *u = to_update(k);
	struct ksplice_part *p;
	ssize_t n = 0;
	u32 i;

	mutex_lock(&ksplice_mutex);
	for_each_part(u, p)
		for (i = 0; i < p->hdr->nr_patches; i++)
			n += sysfs_emit_at(buf, n, "%s %s\n", p->hdr->target,
					   p->hdr->symbols[p->hdr->patches[i].symbol].name);
	mutex_unlock(&ksplice_mutex);
	return n;
}

static ssize_t modules_show(struct kobject *k, struct kobj_attribute *a,
			    char *buf)
{
	struct ksplice_update *u = to_update(k);
	struct ksplice_part *p;
	ssize_t n = 0;

	mutex_lock(&ksplice_mutex);
	for_each_part(u, p)
		n += sysfs_emit_at(buf, n, "%s %s\n", p->mod->name, p->hdr->target);
	mutex_unlock(&ksplice_mutex);
	return n;
}

static struct kobj_attribute stage_attr = __ATTR(stage, 0600, stage_show, stage_store);
static struct kobj_attribute abort_cause_attr = __ATTR(abort_cause, 0400, abort_cause_show, NULL);
static struct kobj_attribute conflicts_attr = __ATTR(conflicts, 0400, conflicts_show, NULL);
static struct kobj_attribute description_attr = __ATTR(description, 0400, description_show, NULL);
static struct kobj_attribute functions_attr = __ATTR(functions, 0400, functions_show, NULL);
static struct kobj_attribute modules_attr = __ATTR(modules, 0400, modules_show, NULL);

static struct attribute *update_attrs[] = {
	&stage_attr.attr,
	&abort_cause_attr.attr,
	&conflicts_attr.attr,
	&description_attr.attr,
	&functions_attr.attr,
	&modules_attr.attr,
	NULL,
};
ATTRIBUTE_GROUPS(update);

static void update_release(struct kobject *k)
{
	struct ksplice_update *u = to_update(k);

	ksplice_log_destroy(u);
	kfree(u->id);
	kfree(u);
}

static struct kobj_type update_ktype = {
	.release = update_release,
	.sysfs_ops = &kobj_sysfs_ops,
	.default_groups = update_groups,
};

int ksplice_sysfs_init(void)
{
	ksplice_kobj = kobject_create_and_add("ksplice", kernel_kobj);
	return ksplice_kobj ? 0 : -ENOMEM;
}

void ksplice_sysfs_exit(void)
{
	kobject_put(ksplice_kobj);
}

/* From here on the kobject owns @u: free it with ksplice_sysfs_put(). */
int ksplice_sysfs_add(struct ksplice_update *u)
{
	kobject_init(&u->kobj, &update_ktype);
	return kobject_add(&u->kobj, ksplice_kobj, "%s", u->id);
}

void ksplice_sysfs_put(struct ksplice_update *u)
{
	kobject_put(&u->kobj);
}
