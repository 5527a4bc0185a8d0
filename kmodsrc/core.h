/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * core.h - the core's run-time state: updates, their parts, and the
 * functions they redirect. Shared by every file of ksplice.ko.
 */
#ifndef KSPLICE_CORE_H
#define KSPLICE_CORE_H

#include <linux/kobject.h>
#include <linux/list.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include "ksplice-abi.h"

#define KSPLICE_JMP_SIZE	5

/* The life of an update, as /sys/kernel/ksplice/<id>/stage shows it. */
enum ksplice_stage {
	KSPLICE_STAGE_PREPARING,	/* registered, not applied */
	KSPLICE_STAGE_APPLIED,
	KSPLICE_STAGE_REVERSED,		/* applied once, then undone */
	KSPLICE_STAGE_CLEANUP,		/* its modules are unregistering */
};

/* Why the last apply or reverse failed; "ok" when it did not. */
enum ksplice_abort {
	KSPLICE_ABORT_OK,
	KSPLICE_ABORT_NO_MATCH,
	KSPLICE_ABORT_CODE_BUSY,
	KSPLICE_ABORT_MODULE_BUSY,
	KSPLICE_ABORT_OUT_OF_MEMORY,
	KSPLICE_ABORT_FAILED_TO_FIND,
	KSPLICE_ABORT_TARGET_NOT_LOADED,
	KSPLICE_ABORT_MISSING_PARTS,
	KSPLICE_ABORT_OUT_OF_ORDER,
	KSPLICE_ABORT_UNEXPECTED,
	KSPLICE_ABORT_ALREADY_APPLIED,	/* apply of an applied update */
	KSPLICE_ABORT_NOT_APPLIED,	/* reverse of one that is not applied */
	KSPLICE_ABORT_NR,
};

struct ksplice_part;

/**
 * struct ksplice_func - one redirected function
 * @name:     its name, from the update's symbol table
 * @old_addr: the code being replaced: the target's function, or the newest
 *            replacement of it when an earlier update already patched it
 * @old_size: its size (kallsyms)
 * @site:     where the jmp is written: after the fentry site, or the entry
 * @new_addr: the replacement, in the update module
 * @new_size: its size (kallsyms)
 * @saved:    the bytes at @site before the jmp, restored on reverse
 * @jmp:      the jmp written at @site
 * @below:    the applied function of an earlier update that @old_addr
 *            belongs to, or NULL
 */
struct ksplice_func {
	const char *name;
	unsigned long old_addr, old_size;
	unsigned long site;
	unsigned long new_addr, new_size;
	u8 saved[KSPLICE_JMP_SIZE];
	u8 jmp[KSPLICE_JMP_SIZE];
	struct ksplice_func *below;
	struct ksplice_part *part;
};

/**
 * struct ksplice_part - one registered update module (one target)
 * @list:     in the update's @parts
 * @hdr:      its tables
 * @mod:      the update module
 * @target:   the target module, NULL for vmlinux; pinned while applied
 * @sym_addr: the resolved address of each symbol, 0 while unknown
 * @funcs:    one per patch, filled in by a successful prepare
 */
struct ksplice_part {
	struct list_head list;
	const struct ksplice_header *hdr;
	struct module *mod;
	struct module *target;
	unsigned long *sym_addr;
	struct ksplice_func *funcs;
	struct ksplice_update *update;
};

#define KSPLICE_CONFLICTS_SIZE	1024

/**
 * struct ksplice_update - all the parts that share an id
 * @kobj:      /sys/kernel/ksplice/<id>
 * @applied:   position in the stack of applied updates
 * @conflicts: the tasks that blocked the last attempt, one per line
 * @log:       the debug log (debugfs), see debug.c
 */
struct ksplice_update {
	struct list_head list;
	struct kobject kobj;
	bool kobj_added;
	char *id;
	enum ksplice_stage stage;
	enum ksplice_abort abort;
	struct list_head parts;
	unsigned int nr_parts, nr_targets;
	struct list_head applied;
	char conflicts[KSPLICE_CONFLICTS_SIZE];
	struct ksplice_log *log;
};

/* Every update and every field above is protected by this mutex. */
extern struct mutex ksplice_mutex;

#define for_each_part(u, p) list_for_each_entry(p, &(u)->parts, list)

int ksplice_apply(struct ksplice_update *u);
int ksplice_reverse(struct ksplice_update *u);
struct ksplice_func *ksplice_find_applied(unsigned long old_addr);
const char *ksplice_stage_name(enum ksplice_stage s);
const char *ksplice_abort_name(enum ksplice_abort a);

#endif /* KSPLICE_CORE_H */
