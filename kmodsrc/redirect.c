// SPDX-License-Identifier: GPL-2.0-only
/*
 * redirect.c - switching functions, all at once, under stop_machine.
 *
 * The switch runs on every online CPU at the same time. The first CPU to
 * arrive checks the stacks and, if no task is inside a function being
 * replaced, writes every jmp (or restores every saved byte) through
 * writable aliases of the text pages mapped beforehand (map_sites()),
 * while the others spin. Then every CPU
 * executes sync_core() before it returns to normal work, so none can run
 * stale instructions (cross-modifying code on x86 requires a serialising
 * instruction on each CPU that executes the modified bytes).
 *
 * Locking: cpus_read_lock() then text_mutex, the order the kernel's other
 * text patchers (jump labels, static calls, kprobes) use, then
 * stop_machine_cpuslocked(). Holding text_mutex keeps ftrace, kprobes,
 * jump labels and static calls from rewriting text concurrently.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/cpu.h>
#include <linux/delay.h>
#include <linux/kprobes.h>
#include <linux/timex.h>
#include <linux/vmalloc.h>
#include <linux/mm.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <asm/sync_core.h>
#include "arch.h"
#include "core.h"
#include "debug.h"
#include "redirect.h"
#include "safety.h"
#include "symbols.h"

#define SWITCH_TRIES		5
#define SWITCH_FIRST_WAIT_MS	20

/**
 * ksplice_prepare_func - work out where a patch's jmp goes and what it is
 *
 * f->old_addr and f->new_addr are set. Refuses (-EBUSY, abort unexpected)
 * when a kprobe or another patcher occupies the bytes the jmp would cover.
 */
int ksplice_prepare_func(struct ksplice_part *p, struct ksplice_func *f)
{
	struct ksplice_update *u = p->update;
	struct insn insn;
	unsigned long a;

	f->old_size = ksplice_symbol_size(f->old_addr);
	f->new_size = ksplice_symbol_size(f->new_addr);
	f->site = ksplice_patch_site(f->old_addr);
	if (!f->old_size || !f->new_size ||
	    f->site + KSPLICE_JMP_SIZE > f->old_addr + f->old_size) {
		ksplice_log(u, "'%s': no room for a jmp (size %lu)", f->name, f->old_size);
		goto unexpected;
	}
	if (!ksplice_jmp_in_range(f->site, f->new_addr)) {
		ksplice_log(u, "'%s': new code out of jmp range", f->name);
		goto unexpected;
	}
	/* An int3 where the jmp starts: a kprobe, or text_poke_bp() at work.
	 * (Further int3s are padding, e.g. after a rewritten return thunk.) */
	if (!ksplice_decode(&insn, (void *)f->site, MAX_INSN_SIZE) ||
	    ksplice_insn_is_int3(&insn)) {
		ksplice_log(u, "'%s'+0x%lx: int3 where the jmp goes (a kprobe or text patching in progress)",
			    f->name, f->site - f->old_addr);
		goto unexpected;
	}
	if (ksplice_kernel.get_kprobe) {
		bool probed = false;

		preempt_disable();
		for (a = f->site; a < f->site + KSPLICE_JMP_SIZE; a++)
			probed |= ksplice_kernel.get_kprobe((void *)a) != NULL;
		preempt_enable();
		if (probed) {
			ksplice_log(u, "'%s': a kprobe sits in the bytes to patch", f->name);
			goto unexpected;
		}
	}
	memcpy(f->saved, (void *)f->site, KSPLICE_JMP_SIZE);
	ksplice_make_jmp(f->jmp, f->site, f->new_addr);
	ksplice_log(u, "'%s': jmp at 0x%lx (+0x%lx) to 0x%lx, saved %*ph", f->name,
		    f->site, f->site - f->old_addr, f->new_addr,
		    KSPLICE_JMP_SIZE, f->saved);
	return 0;
unexpected:
	u->abort = KSPLICE_ABORT_UNEXPECTED;
	return -EBUSY;
}

/**
 * ksplice_write_new_relocs - fill in the new code's references to the kernel
 *
 * Every symbol is resolved. Written through text_poke, as the new code is
 * read-only; idempotent, so a second apply after a reverse rewrites the
 * same values.
 */
int ksplice_write_new_relocs(struct ksplice_part *p)
{
	const struct ksplice_header *h = p->hdr;
	int ret = 0;
	u32 i;

	mutex_lock(ksplice_kernel.text_mutex);
	for (i = 0; i < h->nr_relocs; i++) {
		const struct ksplice_reloc *r = &h->relocs[i];
		unsigned long s = p->sym_addr[r->symbol] + r->addend;
		unsigned long where = (unsigned long)r->where;
		u64 v64 = s;
		u32 v32;
		s64 pc;

		if (!(r->flags & KSPLICE_RELOC_NEW))
			continue;
		switch (r->type) {
		case KSPLICE_R_ABS64:
			ksplice_kernel.text_poke(r->where, &v64, 8);
			continue;
		case KSPLICE_R_PC32:
			pc = (s64)(s - where);
			if (pc != (s32)pc)
				goto overflow;
			v32 = (u32)pc;
			break;
		case KSPLICE_R_ABS32:
			if (s != (u32)s)
				goto overflow;
			v32 = s;
			break;
		case KSPLICE_R_ABS32S:
			if ((long)s != (s32)s)
				goto overflow;
			v32 = s;
			break;
		default:
			goto overflow;
		}
		ksplice_kernel.text_poke(r->where, &v32, 4);
	}
	goto out;
overflow:
	ksplice_log(p->update, "relocation %u ('%s', type %u) cannot be written", i,
		    h->symbols[h->relocs[i].symbol].name, h->relocs[i].type);
	p->update->abort = KSPLICE_ABORT_UNEXPECTED;
	ret = -ERANGE;
out:
	mutex_unlock(ksplice_kernel.text_mutex);
	return ret;
}

struct switch_ctx {
	struct ksplice_update *u;
	bool reverse;
	struct ksplice_range *ranges;
	unsigned int nr;
	atomic_t entered;
	atomic_t arrived;
	struct ksplice_running *running;	/* one per online CPU */
	int done;
	int result;
	cycles_t scan_cycles, write_cycles;
	struct ksplice_prescan *pre;	/* this attempt's pre-scan */
	unsigned int stats[2];		/* tasks scanned in the pause, verdicts kept */
	u8 **alias;		/* a writable alias of each site, in ranges order */
	void **maps;		/* the vmap areas behind them */
	char bad[96];
};

/* The first CPU in: check, then write. Others are spinning. */
static int switch_leader(struct switch_ctx *c)
{
	struct ksplice_part *p;
	cycles_t t0 = get_cycles();
	unsigned int k;
	bool safe;
	u32 i;

	safe = ksplice_stacks_safe(c->ranges, c->nr, c->pre, c->running, nr_cpu_ids,
				   c->u->conflicts, sizeof(c->u->conflicts), c->stats);
	c->scan_cycles = get_cycles() - t0;
	if (!safe)
		return -EBUSY;
	t0 = get_cycles();
	for_each_part(c->u, p)
		for (i = 0; i < p->hdr->nr_patches; i++) {
			struct ksplice_func *f = &p->funcs[i];

			if (memcmp((void *)f->site, c->reverse ? f->jmp : f->saved,
				   KSPLICE_JMP_SIZE)) {
				snprintf(c->bad, sizeof(c->bad), "'%s': bytes at 0x%lx changed: %*ph",
					 f->name, f->site, KSPLICE_JMP_SIZE, (u8 *)f->site);
				return -EIO;
			}
		}
	k = 0;
	for_each_part(c->u, p)
		for (i = 0; i < p->hdr->nr_patches; i++, k++)
			memcpy(c->alias[k], c->reverse ? p->funcs[i].saved : p->funcs[i].jmp,
			       KSPLICE_JMP_SIZE);
	c->write_cycles = get_cycles() - t0;
	return 0;
}

static int switch_fn(void *data)
{
	struct switch_ctx *c = data;
	struct ksplice_running *me = &c->running[smp_processor_id()];

	me->task = current;
	me->sp = current_stack_pointer;
	atomic_inc(&c->arrived);
	if (atomic_inc_return(&c->entered) == 1) {
		/* Wait until every CPU has said where its stack is. */
		while (atomic_read(&c->arrived) < num_online_cpus())
			cpu_relax();
		c->result = switch_leader(c);
		smp_store_release(&c->done, 1);
	} else {
		while (!smp_load_acquire(&c->done))
			cpu_relax();
	}
	sync_core();
	return 0;
}

static struct page *text_page(unsigned long addr)
{
	struct module *mod;

	preempt_disable();
	mod = ksplice_kernel.module_address(addr);
	preempt_enable();
	return mod ? vmalloc_to_page((void *)addr) : virt_to_page((void *)addr);
}

/*
 * An alias of the site at @site (on pages[0..n)) through a mapping made for
 * one of the first @k sites, whose pages are first[2 * j] and [2 * j + 1],
 * or NULL.
 */
static u8 *shared_alias(struct switch_ctx *c, struct page **first, unsigned int k,
			struct page **pages, unsigned int n, unsigned long site)
{
	unsigned int j;

	for (j = 0; j < k; j++) {
		struct page **m = &first[2 * j];

		if (!c->maps[j])
			continue;
		if (m[0] == pages[0] && (n == 1 || m[1] == pages[1]))
			return c->maps[j] + offset_in_page(site);
		if (n == 1 && m[1] == pages[0])
			return c->maps[j] + PAGE_SIZE + offset_in_page(site);
	}
	return NULL;
}

/*
 * Map every site writable at a second address, before stopping the
 * machine, so that the switch itself is only stores. (text_poke() would
 * build a temporary mm and flush for each site, with every CPU waiting.)
 * The stores reach the same physical bytes; x86 keeps instruction fetch
 * coherent with them, and each CPU serialises before running them.
 * Sites on the same page share one mapping: an update of many functions
 * of one object then takes few TLB misses in the pause, and little vmalloc
 * space.
 */
static noinline int map_sites(struct switch_ctx *c)
{
	struct ksplice_part *p;
	struct page **first;
	unsigned int k = 0;
	int ret = 0;
	u32 i;

	c->alias = kcalloc(c->nr, sizeof(*c->alias), GFP_KERNEL);
	c->maps = kcalloc(c->nr, sizeof(*c->maps), GFP_KERNEL);
	first = kcalloc(c->nr, 2 * sizeof(*first), GFP_KERNEL);	/* pages of site k */
	if (!c->alias || !c->maps || !first) {
		ret = -ENOMEM;
		goto out;
	}
	for_each_part(c->u, p)
		for (i = 0; i < p->hdr->nr_patches; i++, k++) {
			unsigned long site = p->funcs[i].site;
			unsigned long last = site + KSPLICE_JMP_SIZE - 1;
			struct page **pages = &first[2 * k];
			unsigned int n = 1;

			pages[0] = text_page(site);
			if ((last & PAGE_MASK) != (site & PAGE_MASK))
				pages[n++] = text_page(last);
			if (!pages[0] || !pages[n - 1]) {
				ret = -EFAULT;
				goto out;
			}
			c->alias[k] = shared_alias(c, first, k, pages, n, site);
			if (c->alias[k])
				continue;
			c->maps[k] = vmap(pages, n, VM_MAP, PAGE_KERNEL);
			if (!c->maps[k]) {
				ret = -ENOMEM;
				goto out;
			}
			c->alias[k] = c->maps[k] + offset_in_page(site);
		}
out:
	kfree(first);
	return ret;
}

static void unmap_sites(struct switch_ctx *c)
{
	unsigned int k;

	for (k = 0; c->maps && k < c->nr; k++)
		if (c->maps[k])
			vunmap(c->maps[k]);
	kfree(c->maps);
	kfree(c->alias);
}

static noinline int build_ranges(struct switch_ctx *c)
{
	struct ksplice_part *p;
	unsigned int n = 0;
	u32 i;

	for_each_part(c->u, p)
		n += p->hdr->nr_patches;
	c->ranges = kcalloc(n ? n : 1, sizeof(*c->ranges), GFP_KERNEL);
	if (!c->ranges)
		return -ENOMEM;
	for_each_part(c->u, p)
		for (i = 0; i < p->hdr->nr_patches; i++) {
			struct ksplice_func *f = &p->funcs[i];
			struct ksplice_range *r = &c->ranges[c->nr++];

			r->name = f->name;
			r->start = c->reverse ? f->new_addr : f->old_addr;
			r->end = r->start + (c->reverse ? f->new_size : f->old_size);
		}
	return 0;
}

/*
 * The stack check reads every word of the live stack of the task applying
 * the update too: it waits inside stop_machine, in frames laid over the
 * ones run-pre matching and the pre-scan used a moment before, which left
 * addresses inside the very functions being replaced in their locals. A
 * slot of the new frames that is never written would still hold one, and
 * look like a return address (a false code_busy, seen in the benchmark).
 * So zero about 4 KiB of the stack below the caller first, in frames small
 * enough for -Wframe-larger-than.
 */
static noinline void scrub_stack(int depth)
{
	unsigned long buf[64];

	memzero_explicit(buf, sizeof(buf));
	if (depth > 0)
		scrub_stack(depth - 1);
	barrier_data(buf);	/* keeps buf, and the frame, until here */
}

static noinline int do_switch(struct ksplice_update *u, bool reverse)
{
	struct switch_ctx c = { .u = u, .reverse = reverse };
	unsigned int try, wait = SWITCH_FIRST_WAIT_MS;
	cycles_t t0;
	int ret;

	ret = build_ranges(&c);
	if (!ret)
		ret = map_sites(&c);
	c.running = kcalloc(nr_cpu_ids, sizeof(*c.running), GFP_KERNEL);
	if (ret || !c.running) {
		ksplice_log(u, "cannot prepare the switch: %d", ret ? ret : -ENOMEM);
		ret = -ENOMEM;
		u->abort = KSPLICE_ABORT_OUT_OF_MEMORY;
		goto out;
	}
	for (try = 1; ; try++) {
		atomic_set(&c.entered, 0);
		atomic_set(&c.arrived, 0);
		memset(c.running, 0, nr_cpu_ids * sizeof(*c.running));
		c.done = 0;
		c.pre = ksplice_prescan(c.ranges, c.nr);
		if (ksplice_prescan_busy(c.pre, u->conflicts, sizeof(u->conflicts))) {
			ksplice_prescan_free(c.pre);
			ret = -EBUSY;
			ksplice_log(u, "%s attempt %u: busy at the pre-scan, machine not stopped",
				    reverse ? "reverse" : "apply", try);
			goto busy;
		}
		/* again: build_ranges(), map_sites() and the pre-scan ran below us */
		scrub_stack(7);
		cpus_read_lock();
		mutex_lock(ksplice_kernel.text_mutex);
		t0 = get_cycles();
		ret = ksplice_kernel.stop_machine_cpuslocked(switch_fn, &c, cpu_online_mask);
		t0 = get_cycles() - t0;
		mutex_unlock(ksplice_kernel.text_mutex);
		cpus_read_unlock();
		ksplice_prescan_free(c.pre);
		if (!ret)
			ret = c.result;
		ksplice_log(u, "%s attempt %u: %d, stop_machine took %llu cycles (stack check %llu, writes %llu); tasks scanned in it %u, pre-scan verdicts kept %u",
			    reverse ? "reverse" : "apply", try, ret, (u64)t0,
			    (u64)c.scan_cycles, (u64)c.write_cycles, c.stats[0], c.stats[1]);
busy:
		if (ret != -EBUSY || try == SWITCH_TRIES)
			break;
		ksplice_log(u, "busy:\n%s", u->conflicts);
		msleep(wait);
		wait *= 2;
	}
	if (ret == -EBUSY) {
		ksplice_log(u, "code busy after %u attempts:\n%s", try, u->conflicts);
		u->abort = KSPLICE_ABORT_CODE_BUSY;
	} else if (ret) {
		ksplice_log(u, "switch failed: %s", c.bad[0] ? c.bad : "stop_machine failed");
		u->abort = KSPLICE_ABORT_UNEXPECTED;
	} else {
		u->conflicts[0] = '\0';
	}
out:
	unmap_sites(&c);
	kfree(c.ranges);
	kfree(c.running);
	return ret;
}

/**
 * ksplice_switch - redirect (or restore) every function of an update
 *
 * Tries SWITCH_TRIES times, waiting longer each time, while a task is
 * inside the code; then gives up with code_busy and u->conflicts filled in.
 * The stack below the caller is scrubbed first, where do_switch() and
 * stop_machine will have their frames (see scrub_stack()); do_switch()
 * must not be a tail call, which would put its frame over this one's,
 * outside the scrubbed part.
 */
int ksplice_switch(struct ksplice_update *u, bool reverse)
{
	int ret;

	scrub_stack(7);
	ret = do_switch(u, reverse);
	OPTIMIZER_HIDE_VAR(ret);
	return ret;
}
