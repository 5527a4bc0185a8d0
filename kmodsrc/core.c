// SPDX-License-Identifier: GPL-2.0-only
/*
 * core.c - ksplice.ko: the registry of updates and their state machine.
 *
 * Each update module registers its tables at load time (update.c, the
 * loader stub). Parts that share an id form one update, which can be
 * applied once all nr_targets parts have registered:
 *
 *   preparing --apply--> applied --reverse--> reversed --apply--> applied
 *   (any stage) --last part unregisters--> cleanup (then gone)
 *
 * Apply: pin the parts and their targets, run-pre match, resolve the
 * remaining symbols, fill in the new code's relocations, then switch every
 * function at once under stop_machine. Any failure before the switch leaves
 * the kernel text untouched, and the switch itself writes nothing unless
 * the stack check passes. Applied updates form a stack; only the newest
 * can be reversed.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/module.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/utsname.h>
#include "core.h"
#include "debug.h"
#include "redirect.h"
#include "runpre.h"
#include "symbols.h"
#include "sysfs.h"

DEFINE_MUTEX(ksplice_mutex);
static LIST_HEAD(ksplice_applied);	/* newest first */

static const char *const stage_names[] = {
	[KSPLICE_STAGE_PREPARING] = "preparing",
	[KSPLICE_STAGE_APPLIED] = "applied",
	[KSPLICE_STAGE_REVERSED] = "reversed",
	[KSPLICE_STAGE_CLEANUP] = "cleanup",
};

static const char *const abort_names[KSPLICE_ABORT_NR] = {
	[KSPLICE_ABORT_OK] = "ok",
	[KSPLICE_ABORT_NO_MATCH] = "no_match",
	[KSPLICE_ABORT_CODE_BUSY] = "code_busy",
	[KSPLICE_ABORT_MODULE_BUSY] = "module_busy",
	[KSPLICE_ABORT_OUT_OF_MEMORY] = "out_of_memory",
	[KSPLICE_ABORT_FAILED_TO_FIND] = "failed_to_find",
	[KSPLICE_ABORT_TARGET_NOT_LOADED] = "target_not_loaded",
	[KSPLICE_ABORT_MISSING_PARTS] = "missing_parts",
	[KSPLICE_ABORT_OUT_OF_ORDER] = "out_of_order",
	[KSPLICE_ABORT_UNEXPECTED] = "unexpected",
	[KSPLICE_ABORT_ALREADY_APPLIED] = "already_applied",
	[KSPLICE_ABORT_NOT_APPLIED] = "not_applied",
};

const char *ksplice_stage_name(enum ksplice_stage s)
{
	return stage_names[s];
}

const char *ksplice_abort_name(enum ksplice_abort a)
{
	return abort_names[a];
}

/* The applied function whose code starts at @old_addr, if any. */
struct ksplice_func *ksplice_find_applied(unsigned long old_addr)
{
	struct ksplice_update *u;
	struct ksplice_part *p;
	u32 i;

	lockdep_assert_held(&ksplice_mutex);
	list_for_each_entry(u, &ksplice_applied, applied)
		for_each_part(u, p)
			for (i = 0; i < p->hdr->nr_patches; i++)
				if (p->funcs[i].old_addr == old_addr)
					return &p->funcs[i];
	return NULL;
}

/* Resolve what run-pre matching left unknown, by name, within the target
 * first and then in vmlinux; the name must be unique where it is found. */
static int resolve_rest(struct ksplice_part *p)
{
	const struct ksplice_header *h = p->hdr;
	unsigned long addr;
	u32 i;
	int n;

	for (i = 0; i < h->nr_relocs; i++) {
		u32 s = h->relocs[i].symbol;
		const char *name = h->symbols[s].name;

		if (!(h->relocs[i].flags & KSPLICE_RELOC_NEW) || p->sym_addr[s])
			continue;
		n = p->target ? ksplice_candidates(p->target, name, &addr, 1) : 0;
		if (n == 0)
			n = ksplice_candidates(NULL, name, &addr, 1);
		if (n != 1) {
			ksplice_log(p->update, "'%s': %s", name,
				    n ? "ambiguous name" : "not found");
			p->update->abort = KSPLICE_ABORT_FAILED_TO_FIND;
			return -ENOENT;
		}
		p->sym_addr[s] = addr;
		ksplice_log(p->update, "'%s' is at 0x%lx (kallsyms)", name, addr);
	}
	return 0;
}

static int prepare_funcs(struct ksplice_part *p)
{
	const struct ksplice_header *h = p->hdr;
	u32 i;
	int ret;

	p->funcs = kcalloc(h->nr_patches, sizeof(*p->funcs), GFP_KERNEL);
	if (!p->funcs) {
		p->update->abort = KSPLICE_ABORT_OUT_OF_MEMORY;
		return -ENOMEM;
	}
	for (i = 0; i < h->nr_patches; i++) {
		struct ksplice_func *f = &p->funcs[i], *below;
		unsigned long addr = p->sym_addr[h->patches[i].symbol];

		f->part = p;
		f->name = h->symbols[h->patches[i].symbol].name;
		f->new_addr = (unsigned long)h->patches[i].new_code;
		while ((below = ksplice_find_applied(addr))) {
			f->below = below;
			addr = below->new_addr;
		}
		f->old_addr = addr;
		ret = ksplice_prepare_func(p, f);
		if (ret)
			return ret;
	}
	return 0;
}

static void unprepare_part(struct ksplice_part *p)
{
	kfree(p->funcs);
	p->funcs = NULL;
	memset(p->sym_addr, 0, p->hdr->nr_symbols * sizeof(*p->sym_addr));
	if (p->target)
		module_put(p->target);
	p->target = NULL;
	module_put(p->mod);
}

/* Pin, match, resolve, and get the new code ready. */
static int prepare_part(struct ksplice_part *p)
{
	struct ksplice_update *u = p->update;
	const char *target = p->hdr->target;
	int ret;

	if (!try_module_get(p->mod)) {
		ksplice_log(u, "module '%s' is going away", p->mod->name);
		u->abort = KSPLICE_ABORT_MODULE_BUSY;
		return -EBUSY;
	}
	if (strcmp(target, "vmlinux")) {
		p->target = ksplice_get_target(target);
		if (!p->target) {
			ksplice_log(u, "target module '%s' is not loaded", target);
			u->abort = KSPLICE_ABORT_TARGET_NOT_LOADED;
			ret = -ENOENT;
			goto err;
		}
	}
	ret = ksplice_match_part(p);
	if (ret)
		goto err;
	ret = resolve_rest(p);
	if (ret)
		goto err;
	ret = prepare_funcs(p);
	if (ret)
		goto err;
	ret = ksplice_write_new_relocs(p);
	if (ret)
		goto err;
	return 0;
err:
	unprepare_part(p);
	return ret;
}

/*
 * Refuse an apply or reverse that the update's stage does not allow, and
 * say why. An update already in the state asked for (applied, or not
 * applied) gets EALREADY: nothing is done, and nothing needs to be.
 */
static int check_stage(struct ksplice_update *u, bool reverse)
{
	const char *op = reverse ? "reverse" : "apply";

	if (u->stage == KSPLICE_STAGE_CLEANUP) {
		ksplice_log(u, "%s refused: the update's modules are being unloaded", op);
		u->abort = KSPLICE_ABORT_MODULE_BUSY;
		return -EBUSY;
	}
	if (!reverse && u->stage == KSPLICE_STAGE_APPLIED) {
		ksplice_log(u, "apply refused: the update is already applied");
		u->abort = KSPLICE_ABORT_ALREADY_APPLIED;
		return -EALREADY;
	}
	if (reverse && u->stage != KSPLICE_STAGE_APPLIED) {
		ksplice_log(u, "reverse refused: the update is not applied (stage %s)",
			    ksplice_stage_name(u->stage));
		u->abort = KSPLICE_ABORT_NOT_APPLIED;
		return -EALREADY;
	}
	return 0;
}

int ksplice_apply(struct ksplice_update *u)
{
	struct ksplice_part *p, *failed = NULL;
	int ret;

	mutex_lock(&ksplice_mutex);
	u->abort = KSPLICE_ABORT_OK;
	ret = check_stage(u, false);
	if (ret)
		goto out;
	ksplice_log(u, "apply");
	if (u->nr_parts != u->nr_targets) {
		ksplice_log(u, "%u of %u parts registered", u->nr_parts, u->nr_targets);
		u->abort = KSPLICE_ABORT_MISSING_PARTS;
		ret = -EAGAIN;
		goto out;
	}
	for_each_part(u, p) {
		ret = prepare_part(p);
		if (ret) {
			failed = p;
			goto err_unprepare;
		}
	}
	ret = ksplice_switch(u, false);
	if (ret)
		goto err_unprepare;
	list_add(&u->applied, &ksplice_applied);
	u->stage = KSPLICE_STAGE_APPLIED;
	ksplice_log(u, "applied");
	pr_info("update %s applied\n", u->id);
	goto out;

err_unprepare:
	for_each_part(u, p) {
		if (p == failed)
			break;
		unprepare_part(p);
	}
	ksplice_log(u, "apply aborted: %s", ksplice_abort_name(u->abort));
	pr_info("update %s not applied: %s\n", u->id, ksplice_abort_name(u->abort));
out:
	mutex_unlock(&ksplice_mutex);
	return ret;
}

int ksplice_reverse(struct ksplice_update *u)
{
	struct ksplice_update *newest;
	struct ksplice_part *p;
	int ret;

	mutex_lock(&ksplice_mutex);
	u->abort = KSPLICE_ABORT_OK;
	ret = check_stage(u, true);
	if (ret)
		goto out;
	ksplice_log(u, "reverse");
	newest = list_first_entry(&ksplice_applied, struct ksplice_update, applied);
	if (newest != u) {
		ksplice_log(u, "update %s was applied after this one: reverse it first",
			    newest->id);
		pr_info("update %s not reversed: reverse %s first\n", u->id, newest->id);
		u->abort = KSPLICE_ABORT_OUT_OF_ORDER;
		ret = -EBUSY;
		goto out;
	}
	ret = ksplice_switch(u, true);
	if (ret) {
		pr_info("update %s not reversed: %s\n", u->id, ksplice_abort_name(u->abort));
		goto out;
	}
	list_del(&u->applied);
	for_each_part(u, p)
		unprepare_part(p);
	u->stage = KSPLICE_STAGE_REVERSED;
	ksplice_log(u, "reversed");
	pr_info("update %s reversed\n", u->id);
out:
	mutex_unlock(&ksplice_mutex);
	return ret;
}
