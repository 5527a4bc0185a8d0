/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * debug.h - the per-update debug log, shown in debugfs as
 * /sys/kernel/debug/ksplice/<id>.
 */
#ifndef KSPLICE_DEBUG_H
#define KSPLICE_DEBUG_H

#include <linux/compiler.h>

struct ksplice_update;

int ksplice_debug_init(void);
void ksplice_debug_exit(void);
int ksplice_log_create(struct ksplice_update *u);
void ksplice_log_destroy(struct ksplice_update *u);
__printf(2, 3) void ksplice_log(struct ksplice_update *u, const char *fmt, ...);

#endif /* KSPLICE_DEBUG_H */
