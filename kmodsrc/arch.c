// SPDX-License-Identifier: GPL-2.0-only
/*
 * arch.c - x86-64 specifics.
 *
 * Decoding uses the kernel's own decoder, insn_decode() from
 * arch/x86/lib/insn.c, resolved through kallsyms: it is the decoder the
 * running kernel trusts for alternatives, kprobes and static calls, so its
 * idea of an instruction's length is the one that counts, and the core
 * carries no copy of the opcode tables that could fall behind the kernel.
 * struct insn comes from the headers of the tree the core is built against,
 * which is the running kernel's.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/kernel.h>
#include <linux/string.h>
#include "arch.h"
#include "symbols.h"

#define JMP32_OPCODE	0xe9
#define JMP8_OPCODE	0xeb
#define CALL32_OPCODE	0xe8
#define INT3_OPCODE	0xcc

static const u8 endbr64[] = { 0xf3, 0x0f, 0x1e, 0xfa };

bool ksplice_decode(struct insn *insn, const void *kaddr, int len)
{
	if (len > MAX_INSN_SIZE)
		len = MAX_INSN_SIZE;
	if (len <= 0)
		return false;
	return ksplice_kernel.insn_decode(insn, kaddr, len, INSN_MODE_64) == 0;
}

/* 0x90 (without REX.B, which would make it xchg %r8,%rax) and 0f 1f /0. */
bool ksplice_insn_is_nop(const struct insn *insn)
{
	u8 op0 = insn->opcode.bytes[0];

	if (op0 == 0x90)
		return !(insn->rex_prefix.nbytes && (insn->rex_prefix.bytes[0] & 1));
	return op0 == 0x0f && insn->opcode.bytes[1] == 0x1f;
}

bool ksplice_insn_is_int3(const struct insn *insn)
{
	return insn->opcode.bytes[0] == INT3_OPCODE;
}

/**
 * ksplice_branch_kind - classify a relative branch
 * @cond: set to the condition code (0-15) of a jcc
 */
enum ksplice_branch ksplice_branch_kind(const struct insn *insn, u8 *cond)
{
	u8 op0 = insn->opcode.bytes[0], op1 = insn->opcode.bytes[1];

	if (insn->prefixes.nbytes)	/* e.g. a bnd or segment prefix */
		return KSPLICE_BR_NONE;
	switch (op0) {
	case JMP32_OPCODE:
	case JMP8_OPCODE:
		return KSPLICE_BR_JMP;
	case CALL32_OPCODE:
		return KSPLICE_BR_CALL;
	case 0x70 ... 0x7f:
		*cond = op0 & 0xf;
		return KSPLICE_BR_JCC;
	case 0x0f:
		if (op1 >= 0x80 && op1 <= 0x8f) {
			*cond = op1 & 0xf;
			return KSPLICE_BR_JCC;
		}
		break;
	}
	return KSPLICE_BR_NONE;
}

/* The displacement of a relative branch (the decoder calls it immediate). */
long ksplice_branch_disp(const struct insn *insn)
{
	return insn->immediate.value;
}

bool ksplice_jmp_in_range(unsigned long from, unsigned long to)
{
	long disp = (long)(to - (from + 5));

	return disp == (long)(s32)disp;
}

void ksplice_make_jmp(u8 *buf, unsigned long from, unsigned long to)
{
	s32 disp = (s32)(to - (from + 5));

	buf[0] = JMP32_OPCODE;
	memcpy(buf + 1, &disp, sizeof(disp));
}

/* The fentry site of a function: after endbr64 when there is one. */
unsigned long ksplice_fentry_site(unsigned long func)
{
	if (!memcmp((void *)func, endbr64, sizeof(endbr64)))
		return func + sizeof(endbr64);
	return func;
}

/**
 * ksplice_patch_site - where the redirect jmp goes in a function
 *
 * Right after the ftrace (fentry) site when ftrace knows one, so that
 * ftrace, entry kprobes and BPF trampolines keep running before the jmp;
 * otherwise at the entry (after endbr64, which indirect calls must land on).
 */
unsigned long ksplice_patch_site(unsigned long func)
{
	unsigned long site = ksplice_fentry_site(func);

	if (ksplice_kernel.ftrace_location &&
	    ksplice_kernel.ftrace_location(site) == site)
		return site + 5;
	return site;
}
