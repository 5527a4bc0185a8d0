// SPDX-License-Identifier: GPL-2.0-only
/*
 * register.c - update modules registering with the core, and the core's
 * own init and exit.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/module.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/utsname.h>
#include "core.h"
#include "debug.h"
#include "register.h"
#include "symbols.h"
#include "sysfs.h"

static LIST_HEAD(ksplice_updates);

#define BAD(mod, fmt, ...)						\
	({ pr_err("module '%s': " fmt "\n", (mod)->name, ##__VA_ARGS__); false; })

static bool valid_index(const struct ksplice_header *h, u32 idx)
{
	return idx < h->nr_symbols;
}

static bool validate_tables(const struct ksplice_header *h, struct module *mod)
{
	u32 i, j;

	for (i = 0; i < h->nr_symbols; i++)
		if (!h->symbols[i].name)
			return BAD(mod, "symbol %u has no name", i);
	for (i = 0; i < h->nr_relocs; i++) {
		u16 f = h->relocs[i].flags;

		u16 t = h->relocs[i].type;
		bool ok;

		if (f == KSPLICE_RELOC_SITE)
			ok = (t == KSPLICE_R_SITE_ALT || t == KSPLICE_R_SITE_CALL ||
			      t == KSPLICE_R_SITE_PV) &&
			     h->relocs[i].addend > 0 &&
			     h->relocs[i].addend < 256;
		else
			ok = (f == KSPLICE_RELOC_NEW || f == KSPLICE_RELOC_PRE) &&
			     t >= KSPLICE_R_ABS64 && t <= KSPLICE_R_ABS32S;
		if (!ok || !valid_index(h, h->relocs[i].symbol))
			return BAD(mod, "relocation %u is malformed", i);
	}
	for (i = 0; i < h->nr_pre; i++) {
		if (!valid_index(h, h->pre[i].symbol) || !h->pre[i].size ||
		    h->pre[i].size > U32_MAX)
			return BAD(mod, "pre section %u is malformed", i);
		if (h->pre[i].flags != KSPLICE_PRE_TEXT)
			return BAD(mod, "pre section %u: only code can be matched so far", i);
	}
	for (i = 0; i < h->nr_patches; i++) {
		if (!valid_index(h, h->patches[i].symbol) || !h->patches[i].new_code)
			return BAD(mod, "patch %u is malformed", i);
		for (j = 0; j < h->nr_pre; j++)
			if (h->pre[j].symbol == h->patches[i].symbol)
				break;
		if (j == h->nr_pre)
			return BAD(mod, "patch %u ('%s') has no pre section", i,
				   h->symbols[h->patches[i].symbol].name);
		for (j = 0; j < i; j++)
			if (h->patches[j].symbol == h->patches[i].symbol)
				return BAD(mod, "'%s' is patched twice",
					   h->symbols[h->patches[i].symbol].name);
	}
	return true;
}

static bool validate(const struct ksplice_header *h, struct module *mod)
{
	if (h->magic != KSPLICE_ABI_MAGIC)
		return BAD(mod, "not an update (magic 0x%x)", h->magic);
	if (h->version != KSPLICE_ABI_VERSION)
		return BAD(mod, "ABI version %u, this core reads %u", h->version,
			   KSPLICE_ABI_VERSION);
	if (h->header_size != sizeof(*h) ||
	    h->symbol_size != sizeof(struct ksplice_symbol) ||
	    h->reloc_size != sizeof(struct ksplice_reloc) ||
	    h->pre_size != sizeof(struct ksplice_pre_section) ||
	    h->patch_size != sizeof(struct ksplice_patch))
		return BAD(mod, "table entry sizes differ from this core's");
	if (!h->id || !h->target || !h->kernel_release || !h->description ||
	    !h->id[0] || strchr(h->id, '/') || strlen(h->id) > 64)
		return BAD(mod, "missing or malformed id, target or release");
	if (strcmp(h->kernel_release, init_utsname()->release))
		return BAD(mod, "built for %s, this kernel is %s", h->kernel_release,
			   init_utsname()->release);
	if (!h->nr_targets)
		return BAD(mod, "nr_targets is 0");
	return validate_tables(h, mod);
}

static struct ksplice_update *find_update(const char *id)
{
	struct ksplice_update *u;

	list_for_each_entry(u, &ksplice_updates, list)
		if (!strcmp(u->id, id))
			return u;
	return NULL;
}

static struct ksplice_update *new_update(const struct ksplice_header *h)
{
	struct ksplice_update *u;

	u = kzalloc(sizeof(*u), GFP_KERNEL);
	if (!u)
		return NULL;
	INIT_LIST_HEAD(&u->parts);
	INIT_LIST_HEAD(&u->applied);
	u->nr_targets = h->nr_targets;
	u->id = kstrdup(h->id, GFP_KERNEL);
	if (!u->id || ksplice_log_create(u)) {
		ksplice_log_destroy(u);
		kfree(u->id);
		kfree(u);
		return NULL;
	}
	if (ksplice_sysfs_add(u)) {
		ksplice_sysfs_put(u);	/* frees it */
		return NULL;
	}
	list_add_tail(&u->list, &ksplice_updates);
	return u;
}

/**
 * ksplice_register_update - called by an update module's init
 * @hdr: its tables (KSPLICE_HEADER_SYMBOL)
 * @mod: the update module itself
 *
 * Return: 0, or -EINVAL for tables this core cannot use, -EEXIST if the
 * update already has a part for the same target or all nr_targets parts,
 * -ENOMEM.
 */
int ksplice_register_update(const struct ksplice_header *hdr, struct module *mod)
{
	struct ksplice_update *u;
	struct ksplice_part *p, *q;
	int ret;

	if (!validate(hdr, mod))
		return -EINVAL;
	p = kzalloc(sizeof(*p), GFP_KERNEL);
	if (!p)
		return -ENOMEM;
	p->hdr = hdr;
	p->mod = mod;
	p->sym_addr = kcalloc(hdr->nr_symbols ? hdr->nr_symbols : 1,
			      sizeof(*p->sym_addr), GFP_KERNEL);
	if (!p->sym_addr) {
		ret = -ENOMEM;
		goto err_free;
	}
	mutex_lock(&ksplice_mutex);
	u = find_update(hdr->id);
	if (u) {
		ret = -EEXIST;
		if (u->nr_targets != hdr->nr_targets) {
			pr_err("module '%s': update %s has %u targets, not %u\n",
			       mod->name, u->id, u->nr_targets, hdr->nr_targets);
			ret = -EINVAL;
			goto err_unlock;
		}
		for_each_part(u, q)
			if (!strcmp(q->hdr->target, hdr->target))
				goto err_unlock;
		/* A part for yet another target: one too many. Were it let in
		 * while the update is applied, reversing it would find a part
		 * that was never prepared. */
		if (u->nr_parts >= u->nr_targets) {
			pr_err("module '%s': update %s already has its %u part(s), stage %s\n",
			       mod->name, u->id, u->nr_targets, ksplice_stage_name(u->stage));
			goto err_unlock;
		}
	} else {
		u = new_update(hdr);
		ret = -ENOMEM;
		if (!u)
			goto err_unlock;
	}
	p->update = u;
	list_add_tail(&p->list, &u->parts);
	u->nr_parts++;
	ksplice_log(u, "part '%s' (target %s) registered, %u of %u", mod->name,
		    hdr->target, u->nr_parts, u->nr_targets);
	mutex_unlock(&ksplice_mutex);
	return 0;

err_unlock:
	mutex_unlock(&ksplice_mutex);
err_free:
	kfree(p->sym_addr);
	kfree(p);
	return ret;
}
EXPORT_SYMBOL_GPL(ksplice_register_update);

/* Called by an update module's exit; the module is never applied then. */
void ksplice_unregister_update(const struct ksplice_header *hdr, struct module *mod)
{
	struct ksplice_update *u, *gone = NULL;
	struct ksplice_part *p;

	mutex_lock(&ksplice_mutex);
	list_for_each_entry(u, &ksplice_updates, list)
		for_each_part(u, p)
			if (p->hdr == hdr)
				goto found;
	mutex_unlock(&ksplice_mutex);
	WARN_ON(1);	/* a module that never registered */
	return;
found:
	/* Applied parts pin their module, so its exit cannot run. */
	WARN_ON(u->stage == KSPLICE_STAGE_APPLIED);
	list_del(&p->list);
	kfree(p->sym_addr);
	kfree(p);
	if (--u->nr_parts == 0) {
		list_del(&u->list);
		u->stage = KSPLICE_STAGE_CLEANUP;
		gone = u;
	}
	mutex_unlock(&ksplice_mutex);
	/* Outside the mutex: removing the directory waits for sysfs writers. */
	if (gone)
		ksplice_sysfs_put(gone);
}
EXPORT_SYMBOL_GPL(ksplice_unregister_update);

static int __init ksplice_init(void)
{
	int ret;

	ret = ksplice_symbols_init();
	if (ret)
		return ret;
	ret = ksplice_sysfs_init();
	if (ret)
		return ret;
	ksplice_debug_init();
	pr_info("ready\n");
	return 0;
}

static void __exit ksplice_exit(void)
{
	ksplice_debug_exit();
	ksplice_sysfs_exit();
}

module_init(ksplice_init);
module_exit(ksplice_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("ksplice: rebootless kernel updates");
