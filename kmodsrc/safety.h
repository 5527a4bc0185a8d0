/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * safety.h - the stack check: is any task inside code about to change?
 */
#ifndef KSPLICE_SAFETY_H
#define KSPLICE_SAFETY_H

#include <linux/types.h>

struct task_struct;

/* A range of code that no task may be in: [start, end). */
struct ksplice_range {
	unsigned long start, end;
	const char *name;
};

/* A task on a CPU during the check, and its stack pointer there. */
struct ksplice_running {
	struct task_struct *task;
	unsigned long sp;
};

struct ksplice_prescan;

struct ksplice_prescan *ksplice_prescan(const struct ksplice_range *ranges,
					unsigned int nr);
bool ksplice_prescan_busy(const struct ksplice_prescan *pre, char *conflicts, size_t size);
void ksplice_prescan_free(struct ksplice_prescan *pre);
bool ksplice_stacks_safe(const struct ksplice_range *ranges, unsigned int nr,
			 const struct ksplice_prescan *pre,
			 const struct ksplice_running *running, unsigned int nr_running,
			 char *conflicts, size_t size, unsigned int stats[2]);

#endif /* KSPLICE_SAFETY_H */
