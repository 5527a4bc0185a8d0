/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * ksplice-abi.h - the tables an update module carries.
 *
 * Shared by the linker step (linker/, userspace), which writes these tables
 * into each update module, and the core module (kmodsrc/), which reads
 * them. docs/module-abi.md documents every field; the comments here are the
 * reference. Both sides are x86-64, so pointers are 8 bytes everywhere, and
 * the linker places pointer fields with R_X86_64_64 relocations against
 * symbols of the update module itself, which the module loader resolves.
 *
 * The tables are input only: the core never writes them. Run-time state
 * (resolved addresses, saved bytes, stage) lives in the core's own memory.
 *
 * Any change a version-1 reader would misread bumps KSPLICE_ABI_VERSION.
 */
#ifndef KSPLICE_ABI_H
#define KSPLICE_ABI_H

#include <linux/types.h>

#define KSPLICE_ABI_MAGIC	0x4c50534bU	/* "KSPL" in memory order */
#define KSPLICE_ABI_VERSION	1

/* Section names in an update module. */
#define KSPLICE_SEC_HEADER	".ksplice.header"
#define KSPLICE_SEC_SYMBOLS	".ksplice.symbols"
#define KSPLICE_SEC_RELOCS	".ksplice.relocs"
#define KSPLICE_SEC_PRE		".ksplice.pre"		/* the pre-section table */
#define KSPLICE_SEC_PRE_CODE	".ksplice.pre_code"	/* old code bytes */
#define KSPLICE_SEC_PATCHES	".ksplice.patches"
#define KSPLICE_SEC_STRINGS	".ksplice.strings"

/* The symbol the loader stub (kmodsrc/update.c) finds the header by. */
#define KSPLICE_HEADER_SYMBOL	"ksplice_update_header"

/**
 * struct ksplice_symbol - a symbol of the running kernel the update uses
 * @name:   its name as /proc/kallsyms shows it (GCC suffixes included,
 *          e.g. "show_val.constprop.0")
 * @object: the object file that defines it, relative to the tree
 *          ("fs/proc/meminfo.o"), or "" if it is not known; used in
 *          messages and to tell apart local symbols with the same name
 * @flags:  KSPLICE_SYM_* below
 * @reserved: zero
 *
 * Symbols are referred to by their index in the symbol table. The core
 * resolves each one to an address before it changes anything: from run-pre
 * matching when a pre section or a pre-code relocation pins it down,
 * otherwise through kallsyms, where the name must then be unique within
 * the target (an ambiguous name aborts with failed_to_find).
 */
struct ksplice_symbol {
	const char *name;
	const char *object;
	__u32 flags;
	__u32 reserved;
};

#define KSPLICE_SYM_FUNC	0x1	/* a function */
#define KSPLICE_SYM_DATA	0x2	/* a data object */
#define KSPLICE_SYM_LOCAL	0x4	/* local (static) linkage */

/**
 * struct ksplice_reloc - a field that refers to a running-kernel symbol
 * @where:  the field's address inside this module, in new code
 *          (KSPLICE_RELOC_NEW) or in pre code (KSPLICE_RELOC_PRE)
 * @addend: the ELF relocation addend
 * @symbol: index into the symbol table
 * @type:   KSPLICE_R_* below, the value computation
 * @flags:  exactly one of KSPLICE_RELOC_NEW, KSPLICE_RELOC_PRE or
 *          KSPLICE_RELOC_SITE
 *
 * A NEW relocation is filled in by the core, through text_poke, after
 * the symbol is resolved and before any function is redirected, so that
 * the loader never resolves unexported or local kernel symbols.
 *
 * A PRE relocation is never written. Run-pre matching reads the running
 * kernel's value at the corresponding offset instead: for an unresolved
 * symbol that value gives its address (S = value - A + P for PC32); for a
 * resolved one it must agree.
 *
 * A SITE entry is not a relocation: it marks a place in pre code that the
 * kernel may have rewritten at boot or load time, so that run-pre matching
 * accepts whatever the running bytes there are, as long as they are whole
 * instructions covering the same length. @where is the site's start in
 * pre code, @type says what kind of site (KSPLICE_R_SITE_*), @addend is
 * its length in bytes, and @symbol is the pre section's own symbol. The
 * linker emits one for each .altinstructions entry whose original
 * instructions lie in pre code (the running kernel's own table cannot be
 * used, as vmlinux frees .altinstructions after boot), and one for each
 * .static_call_sites entry there (static_call_init() turned the call into
 * a call to the current target, a jmp, or a nop).
 *
 * Sites that the module loader itself rewrites at load time (alternatives
 * and their replacements, jump-table entries, static-call, retpoline and
 * return-thunk sites) need their targets before the core runs, so the
 * linker leaves relocations there to the loader, against exported symbols,
 * or, on a CONFIG_LIVEPATCH kernel, as livepatch relocations against
 * unique vmlinux symbols (docs/linker.md); any other reference from such a
 * site to an unexported symbol is refused at build time, naming the
 * section and the symbol.
 */
struct ksplice_reloc {
	void *where;
	__s64 addend;
	__u32 symbol;
	__u16 type;
	__u16 flags;
};

#define KSPLICE_R_ABS64		1	/* S + A, 8 bytes (R_X86_64_64) */
#define KSPLICE_R_PC32		2	/* S + A - P, 4 bytes (R_X86_64_PC32, _PLT32) */
#define KSPLICE_R_ABS32		3	/* S + A, 4 bytes, zero-extended (R_X86_64_32) */
#define KSPLICE_R_ABS32S	4	/* S + A, 4 bytes, sign-extended (R_X86_64_32S) */
#define KSPLICE_R_SITE_ALT	16	/* SITE: an alternatives site, @addend bytes */
#define KSPLICE_R_SITE_CALL	17	/* SITE: a static call site (call, jmp or nop), @addend bytes */
#define KSPLICE_R_SITE_PV	18	/* SITE: a paravirt site, @addend bytes */

#define KSPLICE_RELOC_NEW	0x1
#define KSPLICE_RELOC_PRE	0x2
#define KSPLICE_RELOC_SITE	0x4

/**
 * struct ksplice_pre_section - old code to match against the running kernel
 * @code:   the old code, compiled from the unpatched source with
 *          -ffunction-sections -fdata-sections; its relocation fields are
 *          left as zero, and described by PRE relocations
 * @size:   its size in bytes
 * @symbol: the running-kernel function (or read-only data) it must match
 * @flags:  KSPLICE_PRE_* below
 *
 * Every changed function has a pre section. Run-pre matching compares it,
 * instruction by instruction, with the running code at each candidate
 * address of @symbol, tolerating what differs legitimately between the
 * two builds (relocation fields, short and near jump encodings, and the
 * sites ftrace, alternatives, retpolines, return thunks and jump labels
 * rewrite). A unique match resolves @symbol and every symbol its PRE
 * relocations refer to; no match aborts with no_match and changes
 * nothing.
 */
struct ksplice_pre_section {
	const void *code;
	__u64 size;
	__u32 symbol;
	__u32 flags;
};

#define KSPLICE_PRE_TEXT	0x1	/* code */
#define KSPLICE_PRE_RODATA	0x2	/* read-only data */

/**
 * struct ksplice_patch - one function to redirect
 * @new_code: the replacement function's entry, in this module
 * @symbol:   the running function it replaces (a pre section's symbol)
 * @flags:    KSPLICE_PATCH_* below
 *
 * The core writes a 5-byte jmp to @new_code at the old function's entry,
 * or right after its ftrace (fentry) site when it has one, so that ftrace,
 * entry kprobes and BPF trampolines keep working.
 */
struct ksplice_patch {
	const void *new_code;
	__u32 symbol;
	__u32 flags;
};

#define KSPLICE_PATCH_FENTRY	0x1	/* the old function starts with a fentry site */

/**
 * struct ksplice_header - what an update module holds
 * @magic:          KSPLICE_ABI_MAGIC
 * @version:        KSPLICE_ABI_VERSION
 * @header_size:    sizeof(struct ksplice_header) as built
 * @id:             the update id; all modules of one update share it
 * @target:         "vmlinux", or the name of the module this part patches
 * @kernel_release: the release (uname -r) the update was built for
 * @description:    a one-line description of the update, for ksplice-view
 * @nr_targets:     how many update modules (targets) the update has; the
 *                  core applies an update only when all have registered
 * @symbols, @nr_symbols:   the symbol table
 * @relocs, @nr_relocs:     the relocation table
 * @pre, @nr_pre:           the pre-section table
 * @patches, @nr_patches:   the patch table
 *
 * The @*_size fields hold the entry sizes as built, so that a reader can
 * refuse tables it does not understand instead of misreading them.
 */
struct ksplice_header {
	__u32 magic;
	__u16 version;
	__u16 header_size;
	const char *id;
	const char *target;
	const char *kernel_release;
	const char *description;
	__u32 nr_targets;
	__u32 reserved;
	const struct ksplice_symbol *symbols;
	__u32 nr_symbols;
	__u32 symbol_size;
	const struct ksplice_reloc *relocs;
	__u32 nr_relocs;
	__u32 reloc_size;
	const struct ksplice_pre_section *pre;
	__u32 nr_pre;
	__u32 pre_size;
	const struct ksplice_patch *patches;
	__u32 nr_patches;
	__u32 patch_size;
};

#endif /* KSPLICE_ABI_H */
