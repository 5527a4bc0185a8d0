/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * redirect.h - writing and removing the redirect jmps, and filling in the
 * relocations of new code.
 */
#ifndef KSPLICE_REDIRECT_H
#define KSPLICE_REDIRECT_H

#include <linux/types.h>

struct ksplice_update;
struct ksplice_part;
struct ksplice_func;

int ksplice_prepare_func(struct ksplice_part *p, struct ksplice_func *f);
int ksplice_write_new_relocs(struct ksplice_part *p);
int ksplice_switch(struct ksplice_update *u, bool reverse);

#endif /* KSPLICE_REDIRECT_H */
