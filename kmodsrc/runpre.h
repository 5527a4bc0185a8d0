/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * runpre.h - run-pre matching: proving the running code is the code the
 * update was built against, and learning symbol addresses from it.
 */
#ifndef KSPLICE_RUNPRE_H
#define KSPLICE_RUNPRE_H

struct ksplice_part;

int ksplice_match_part(struct ksplice_part *p);
unsigned long ksplice_newest_code(unsigned long addr);

#endif /* KSPLICE_RUNPRE_H */
