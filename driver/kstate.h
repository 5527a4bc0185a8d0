/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * kstate.h: read the core's sysfs interface (docs/kmodsrc.md), shared by
 * ksplice-apply, ksplice-undo and ksplice-view.
 */
#ifndef KSPLICE_KSTATE_H
#define KSPLICE_KSTATE_H

#include <stdbool.h>

#define KSPLICE_SYSFS "/sys/kernel/ksplice"

/*
 * /sys/kernel/ksplice/ID/ATTR without its trailing newlines, malloc'ed;
 * "" if it cannot be read, which is reported unless quiet (an update can
 * go away while a tool looks at it). NULL only when out of memory.
 */
char *ksplice_attr(const char *id, const char *attr, bool quiet);

#endif
