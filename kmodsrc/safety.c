// SPDX-License-Identifier: GPL-2.0-only
/*
 * safety.c - the stack check, run with every other CPU stopped.
 *
 * The check is a conservative scan: every aligned word of the live part of
 * every task's kernel stack (sleeping, preempted, the stopper threads, and
 * each CPU's idle task) is compared with the ranges of code being
 * replaced. The live part of a switched-out task starts at its saved stack
 * pointer (thread.sp, where __switch_to_asm left it); for a task on a CPU
 * (only the stopper threads, under stop_machine) it starts at the stack
 * pointer each of them reports as it enters the switch.
 * Any word there that points into a range counts as a return address into
 * it, whether it is one or a stale value in an unused slot of a live frame.
 *
 * Why not the reliable unwinder: stack_trace_save_tsk_reliable() is only
 * built with HAVE_RELIABLE_STACKTRACE and LIVEPATCH, which a kernel need
 * not have, and it gives up on any frame it cannot prove (interrupts,
 * exceptions, generated code), which would turn into code_busy anyway. The
 * scan needs nothing from the unwinder, cannot miss a frame, and errs only
 * towards refusing (a stale word causes a retry, never an unsafe switch).
 * Words on the stack are also where an interrupted task's saved
 * instruction pointer lives (struct pt_regs at the top of the stack), so
 * the scan also covers "a CPU's current instruction" of every task that is
 * not running. The tasks that are running are the stopper threads, which
 * are in stop_machine's code, not in code being replaced.
 *
 * Interrupt and exception stacks are not scanned: under stop_machine every
 * CPU runs its stopper with interrupts off, so none is in use.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/kernel.h>
#include <linux/sched.h>
#include <linux/sched/signal.h>
#include <linux/sched/task_stack.h>
#include "safety.h"
#include "symbols.h"

struct scan {
	const struct ksplice_range *ranges;
	unsigned int nr;
	unsigned long lo, hi;		/* the hull of all ranges */
	const struct ksplice_running *running;
	unsigned int nr_running;
	char *conflicts;
	size_t size, len;
	bool safe;
};

static const struct ksplice_range *in_ranges(struct scan *s, unsigned long w)
{
	unsigned int i;

	if (w < s->lo || w >= s->hi)	/* nearly every word */
		return NULL;
	for (i = 0; i < s->nr; i++)
		if (w >= s->ranges[i].start && w < s->ranges[i].end)
			return &s->ranges[i];
	return NULL;
}

/*
 * Below the stack pointer lie only dead frames; skipping them avoids false
 * positives from stale words. A switched-out task's stack pointer is the
 * one __switch_to_asm saved; a task on a CPU reported its own.
 */
static unsigned long *live_start(struct scan *s, struct task_struct *t,
				 void *stack, void *end)
{
	unsigned long sp = 0;
	unsigned int i;

	if (READ_ONCE(t->on_cpu)) {
		for (i = 0; i < s->nr_running; i++)
			if (s->running[i].task == t)
				sp = s->running[i].sp;
	} else {
		sp = t->thread.sp;
	}
	if (sp > (unsigned long)stack && sp < (unsigned long)end)
		return (unsigned long *)sp;
	return stack;	/* unknown: the whole stack */
}

static void scan_task(struct scan *s, struct task_struct *t)
{
	const struct ksplice_range *r;
	unsigned long *p, *end;
	void *stack = task_stack_page(t);

	if (!stack)	/* exited, its stack already freed */
		return;
	end = stack + THREAD_SIZE;
	p = live_start(s, t, stack, end);
	for (; p < end; p++) {
		r = in_ranges(s, *p);
		if (!r)
			continue;
		if (s->safe || s->len < s->size)
			s->len += scnprintf(s->conflicts + s->len, s->size - s->len,
					    "%s %d %s+0x%lx\n", t->comm, task_pid_nr(t),
					    r->name, *p - r->start);
		s->safe = false;
		return;		/* one line per task is enough */
	}
}

/**
 * ksplice_stacks_safe - check that no task is inside any of @ranges
 * @conflicts: filled with one line per blocking task: "comm pid func+off"
 *
 * Must run with every other CPU stopped (stop_machine).
 */
bool ksplice_stacks_safe(const struct ksplice_range *ranges, unsigned int nr,
			 const struct ksplice_running *running, unsigned int nr_running,
			 char *conflicts, size_t size)
{
	struct scan s = {
		.ranges = ranges, .nr = nr, .conflicts = conflicts,
		.running = running, .nr_running = nr_running,
		.size = size, .safe = true,
	};
	struct task_struct *g, *t;
	unsigned int i;
	int cpu;

	s.lo = ULONG_MAX;
	for (i = 0; i < nr; i++) {
		s.lo = min(s.lo, ranges[i].start);
		s.hi = max(s.hi, ranges[i].end);
	}
	conflicts[0] = '\0';
	rcu_read_lock();
	for_each_process_thread(g, t)
		scan_task(&s, t);
	rcu_read_unlock();
	if (ksplice_kernel.idle_task)
		for_each_online_cpu(cpu)
			scan_task(&s, ksplice_kernel.idle_task(cpu));
	return s.safe;
}
