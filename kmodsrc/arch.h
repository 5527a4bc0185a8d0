/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * arch.h - x86-64 instruction knowledge: decoding, branches, nops, the
 * redirect jmp, and where it goes in a function.
 */
#ifndef KSPLICE_ARCH_H
#define KSPLICE_ARCH_H

#include <linux/types.h>
#include <asm/insn.h>

bool ksplice_decode(struct insn *insn, const void *kaddr, int len);
bool ksplice_insn_is_nop(const struct insn *insn);
bool ksplice_insn_is_int3(const struct insn *insn);

/* Relative branches: jmp, jcc and call with an 8- or 32-bit displacement. */
enum ksplice_branch {
	KSPLICE_BR_NONE,
	KSPLICE_BR_JMP,
	KSPLICE_BR_JCC,
	KSPLICE_BR_CALL,
};

enum ksplice_branch ksplice_branch_kind(const struct insn *insn, u8 *cond);
long ksplice_branch_disp(const struct insn *insn);

void ksplice_make_jmp(u8 *buf, unsigned long from, unsigned long to);
bool ksplice_jmp_in_range(unsigned long from, unsigned long to);
unsigned long ksplice_fentry_site(unsigned long func);
unsigned long ksplice_patch_site(unsigned long func);

#endif /* KSPLICE_ARCH_H */
