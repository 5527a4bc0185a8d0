/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * sysfs.h - /sys/kernel/ksplice/<id>/.
 */
#ifndef KSPLICE_SYSFS_H
#define KSPLICE_SYSFS_H

struct ksplice_update;

int ksplice_sysfs_init(void);
void ksplice_sysfs_exit(void);
int ksplice_sysfs_add(struct ksplice_update *u);
void ksplice_sysfs_put(struct ksplice_update *u);

#endif /* KSPLICE_SYSFS_H */
