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
 *
 * The pre-scan keeps the machine stopped for less: just before each
 * attempt, with the machine running, every task that is off its CPU is
 * scanned and its count of context switches (nvcsw + nivcsw) noted. A task
 * can only change its own stack by running, and a task that ran since then
 * was switched out again before the stopper threads took the CPUs, which
 * counted one more switch. So under stop_machine a task whose count (and
 * start time, in case its task_struct was freed and reused) is unchanged
 * keeps its pre-scan verdict "not inside", and only the others are scanned
 * again: the tasks that ran in between, new tasks, and those on a CPU at
 * the pre-scan.
 * And if the pre-scan found a task inside, the attempt is busy without
 * stopping the machine at all: that task is off its CPU, and a retry comes
 * after it had time to leave.
 * Stacks stay readable throughout: the pre-scan holds rcu_read_lock, and a
 * kernel stack is freed only after an RCU grace period.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/bsearch.h>
#include <linux/kernel.h>
#include <linux/mm.h>
#include <linux/sched.h>
#include <linux/sched/signal.h>
#include <linux/sched/task_stack.h>
#include <linux/sort.h>
#include "safety.h"
#include "symbols.h"

/* What the pre-scan saw of one task. */
struct ksplice_seen {
	const struct task_struct *task;
	u64 start_time;
	unsigned long switches;
	const struct ksplice_range *range;	/* NULL: not inside */
	unsigned long word;			/* the word inside it */
	pid_t pid;				/* for conflicts, if inside */
	char comm[TASK_COMM_LEN];
};

struct ksplice_prescan {
	unsigned int nr, max;
	struct ksplice_seen seen[];		/* sorted by task */
};

struct scan {
	const struct ksplice_range *ranges;
	unsigned int nr;
	unsigned long lo, hi;		/* the hull of all ranges */
	const struct ksplice_running *running;
	unsigned int nr_running;
	char *conflicts;
	size_t size, len;
	bool safe;
	unsigned int scanned, reused;
};

static void set_hull(struct scan *s)
{
	unsigned int i;

	s->lo = ULONG_MAX;
	s->hi = 0;
	for (i = 0; i < s->nr; i++) {
		s->lo = min(s->lo, s->ranges[i].start);
		s->hi = max(s->hi, s->ranges[i].end);
	}
}

static unsigned long switches(const struct task_struct *t)
{
	return READ_ONCE(t->nvcsw) + READ_ONCE(t->nivcsw);
}

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

/* The first word of t's live stack inside a range, or NULL. */
static const struct ksplice_range *find_inside(struct scan *s, struct task_struct *t,
					       unsigned long *word)
{
	const struct ksplice_range *r;
	unsigned long *p, *end;
	void *stack = READ_ONCE(t->stack);

	if (!stack)	/* exited, its stack already freed */
		return NULL;
	end = stack + THREAD_SIZE;
	for (p = live_start(s, t, stack, end); p < end; p++) {
		r = in_ranges(s, READ_ONCE(*p));
		if (r) {
			*word = *p;
			return r;
		}
	}
	return NULL;
}

/* A task inside: one line "comm pid func+off" in s->conflicts. */
static void conflict(struct scan *s, const char *comm, pid_t pid,
		     const struct ksplice_range *r, unsigned long word)
{
	if (s->len < s->size)
		s->len += scnprintf(s->conflicts + s->len, s->size - s->len,
				    "%s %d %s+0x%lx\n", comm, pid, r->name, word - r->start);
	s->safe = false;
}

static void scan_task(struct scan *s, struct task_struct *t)
{
	const struct ksplice_range *r;
	unsigned long word;

	s->scanned++;
	r = find_inside(s, t, &word);
	if (r)
		conflict(s, t->comm, task_pid_nr(t), r, word);
}

static int cmp_seen(const void *a, const void *b)
{
	const struct task_struct *x = ((const struct ksplice_seen *)a)->task;
	const struct task_struct *y = ((const struct ksplice_seen *)b)->task;

	return x < y ? -1 : x > y;
}

/*
 * Under stop_machine: did the pre-scan see t outside every range, and has
 * t not run since? (A verdict "inside" is never kept: with one, the caller
 * does not stop the machine, and a rescan can only confirm it.)
 */
static bool still_outside(const struct ksplice_prescan *pre, const struct task_struct *t)
{
	struct ksplice_seen key = { .task = t };
	const struct ksplice_seen *e;

	if (!pre || READ_ONCE(t->on_cpu))
		return false;
	e = bsearch(&key, pre->seen, pre->nr, sizeof(key), cmp_seen);
	return e && !e->range && e->start_time == t->start_time &&
	       e->switches == switches(t);
}

/**
 * ksplice_prescan - scan the tasks that are off their CPUs, machine running
 *
 * Return: the verdicts for ksplice_stacks_safe(), or NULL if out of memory
 * (then every task is scanned under stop_machine). May sleep.
 */
struct ksplice_prescan *ksplice_prescan(const struct ksplice_range *ranges,
					unsigned int nr)
{
	struct scan s = { .ranges = ranges, .nr = nr };
	struct ksplice_prescan *pre;
	struct task_struct *g, *t;
	unsigned int max = 64;

	rcu_read_lock();
	for_each_process_thread(g, t)
		max++;
	rcu_read_unlock();
	max += max / 8;		/* tasks forked meanwhile are scanned later */
	pre = kvmalloc(struct_size(pre, seen, max), GFP_KERNEL);
	if (!pre)
		return NULL;
	pre->nr = 0;
	pre->max = max;
	set_hull(&s);
	rcu_read_lock();
	for_each_process_thread(g, t) {
		struct ksplice_seen *e = &pre->seen[pre->nr];
		unsigned long n;

		if (pre->nr == pre->max)
			break;
		n = switches(t);
		smp_rmb();	/* the count before the stack, as __schedule writes */
		if (READ_ONCE(t->on_cpu))
			continue;
		e->range = find_inside(&s, t, &e->word);
		smp_rmb();
		if (READ_ONCE(t->on_cpu) || switches(t) != n)
			continue;	/* it ran while being scanned */
		e->task = t;
		e->start_time = t->start_time;
		e->switches = n;
		if (e->range) {
			e->pid = task_pid_nr(t);
			get_task_comm(e->comm, t);
		}
		pre->nr++;
	}
	rcu_read_unlock();
	sort(pre->seen, pre->nr, sizeof(pre->seen[0]), cmp_seen, NULL);
	return pre;
}

/**
 * ksplice_prescan_busy - did the pre-scan find a task inside?
 * @conflicts: filled as by ksplice_stacks_safe() if so
 *
 * A task found inside by the pre-scan is off its CPU, so the switch would
 * find it there too unless it runs and leaves first: the caller can count
 * the attempt as busy without stopping the machine.
 */
bool ksplice_prescan_busy(const struct ksplice_prescan *pre, char *conflicts, size_t size)
{
	struct scan s = { .conflicts = conflicts, .size = size, .safe = true };
	unsigned int i;

	conflicts[0] = '\0';
	for (i = 0; pre && i < pre->nr; i++)
		if (pre->seen[i].range)
			conflict(&s, pre->seen[i].comm, pre->seen[i].pid,
				 pre->seen[i].range, pre->seen[i].word);
	return !s.safe;
}

void ksplice_prescan_free(struct ksplice_prescan *pre)
{
	kvfree(pre);
}

/**
 * ksplice_stacks_safe - check that no task is inside any of @ranges
 * @pre: ksplice_prescan()'s verdicts for these ranges, or NULL
 * @conflicts: filled with one line per blocking task: "comm pid func+off"
 * @stats: set to "<tasks scanned now> scanned, <verdicts kept> kept"
 *
 * Must run with every other CPU stopped (stop_machine).
 */
bool ksplice_stacks_safe(const struct ksplice_range *ranges, unsigned int nr,
			 const struct ksplice_prescan *pre,
			 const struct ksplice_running *running, unsigned int nr_running,
			 char *conflicts, size_t size, unsigned int stats[2])
{
	struct scan s = {
		.ranges = ranges, .nr = nr, .conflicts = conflicts,
		.running = running, .nr_running = nr_running,
		.size = size, .safe = true,
	};
	struct task_struct *g, *t;
	int cpu;

	set_hull(&s);
	conflicts[0] = '\0';
	rcu_read_lock();
	for_each_process_thread(g, t) {
		if (still_outside(pre, t))
			s.reused++;
		else
			scan_task(&s, t);
	}
	rcu_read_unlock();
	if (ksplice_kernel.idle_task)
		for_each_online_cpu(cpu)
			scan_task(&s, ksplice_kernel.idle_task(cpu));
	stats[0] = s.scanned;
	stats[1] = s.reused;
	return s.safe;
}
