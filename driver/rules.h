/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * rules.h: what a live update of x86-64 Linux 6.1 cannot do, as far as
 * the sidecar metadata can tell. Policy only: these functions know section
 * and object names, not sidecars. docs/diffmeta.md explains each rule.
 */
#ifndef KSPLICE_RULES_H
#define KSPLICE_RULES_H

#include <stdbool.h>

/*
 * Why a changed function in this output section cannot be redirected, or
 * NULL if it can. init_flag and exit_flag are the sidecar's init/exit.
 */
const char *function_blocker(const char *section, bool init_flag,
			     bool exit_flag);

/* Data used at boot and freed: .init.data, .init.rodata, .initcall6.init... */
bool is_init_data_section(const char *section);

/* Tables read only at boot, where a new entry would never take effect. */
bool is_boot_table_section(const char *section);

/*
 * Sections whose entries describe a piece of code (printk index, dynamic
 * debug descriptors, tracepoint strings) or never reach the kernel image
 * (.discard.*): the update carries the entries of the code it replaces, so
 * a changed entry is no change to live data.
 */
bool is_code_metadata_section(const char *section);

/* Per-CPU data (.data..percpu and friends). */
bool is_percpu_section(const char *section);

/*
 * Why no change to the object at this path (relative to the build tree,
 * or as recorded in the sidecar) can be applied live, or NULL.
 */
const char *unpatchable_object(const char *object);

#endif
