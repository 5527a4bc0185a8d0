// SPDX-License-Identifier: GPL-2.0-only
/*
 * special.c - the special sections of x86-64 Linux 6.1, as data.
 *
 * Entry sizes are those of the 6.1 structures (with
 * CONFIG_HAVE_ARCH_PREL32_RELOCATIONS and GENERIC_BUG_RELATIVE_POINTERS):
 *
 *   __bug_table         struct bug_entry: s32 bug_addr, s32 file, u16 line,
 *                       u16 flags                                       12
 *   __ex_table          struct exception_table_entry: s32 insn, fixup,
 *                       data                                            12
 *   __jump_table        struct jump_entry: s32 code, s32 target, long key 16
 *   .altinstructions    struct alt_instr: s32 instr, s32 repl, u16 cpuid,
 *                       u8 instrlen, u8 replacementlen                  12
 *   .parainstructions   struct paravirt_patch_site: u8 *instr, u8 type,
 *                       u8 len (padded)                                 16
 *   .static_call_sites  struct static_call_site: s32 addr, s32 key       8
 *   .orc_unwind         struct orc_entry (packed)                        6
 *   __dyndbg            struct _ddebug                                  56
 *   .retpoline_sites, .return_sites, .call_sites, .smp_locks,
 *   .orc_unwind_ip      s32 PC-relative pointers                         4
 *   __mcount_loc, _kprobe_blacklist   unsigned long addresses            8
 *
 * The values were checked against the objects of the test kernel
 * (section size over number of relocations).
 */
#include <string.h>

#include "special.h"

#define BY_KEY(n, size)		.name = n, .entsize = size, .keep = KEEP_BY_KEY
#define CALL_SITE		.site = true, .site_len = 3, .site_len_field = -1

static const struct special_section special_sections[] = {
	{ BY_KEY("__bug_table", 12), .site_len_field = -1 },
	{ BY_KEY("__ex_table", 12), .site_len_field = -1 },
	{ BY_KEY("__jump_table", 16), .site_len_field = -1 },
	{ BY_KEY(".altinstructions", 12), .site = true, .site_len_field = 10,
	  .piece_sec = ".altinstr_replacement", .piece = 4, .piece_len_field = 11 },
	{ BY_KEY(".parainstructions", 16), .site = true, .site_len_field = 9 },
	{ BY_KEY(".retpoline_sites", 4), CALL_SITE },
	{ BY_KEY(".return_sites", 4), CALL_SITE },
	{ BY_KEY(".call_sites", 4), CALL_SITE },
	/* A site whose key (or trampoline) is not exported is left out: the
	 * code then calls through the trampoline, like any call. */
	{ BY_KEY(".static_call_sites", 8), CALL_SITE, .export_field = 4 },
	/* The loader's ftrace_module_init() checks each site is a call to
	 * __fentry__ before it turns it into a nop. */
	{ BY_KEY("__mcount_loc", 8), CALL_SITE },
	{ BY_KEY(".orc_unwind_ip", 4), .site_len_field = -1,
	  .parallel = ".orc_unwind", .parallel_entsize = 6 },
	{ BY_KEY(".smp_locks", 4), .site_len_field = -1 },
	{ BY_KEY("_kprobe_blacklist", 8), .site_len_field = -1 },
	{ BY_KEY("_error_injection_whitelist", 16), .site_len_field = -1 },

	{ .name = "__dyndbg", .entsize = 56, .keep = KEEP_REFERENCED },
	{ .name = "__tracepoint_str", .entsize = 8, .keep = KEEP_REFERENCED },
	{ .name = "__trace_printk_fmt", .entsize = 8, .keep = KEEP_REFERENCED },

	{ .name = "__tracepoints", .keep = KEEP_RUNNING,
	  .why = "tracepoints are defined once, in the running kernel" },
	{ .name = "__tracepoints_ptrs", .keep = KEEP_RUNNING, .why = "idem" },
	{ .name = "__tracepoints_strings", .keep = KEEP_RUNNING, .why = "idem" },
	{ .name = "_ftrace_events", .keep = KEEP_RUNNING, .why = "idem" },
	{ .name = "_ftrace_eval_map", .keep = KEEP_RUNNING, .why = "idem" },
	{ .name = "__param", .keep = KEEP_RUNNING,
	  .why = "module parameters stay with the running kernel" },

	{ .name = ".orc_unwind", .keep = KEEP_NONE,
	  .why = "carried with .orc_unwind_ip" },
	{ .name = ".altinstr_replacement", .keep = KEEP_NONE,
	  .why = "carried piece by piece with .altinstructions" },
	{ .name = ".printk_index", .keep = KEEP_NONE,
	  .why = "the printk format index of the running kernel is not updated" },
	{ .name = "__dyndbg_classes", .keep = KEEP_NONE,
	  .why = "class maps stay with the running kernel" },
	{ .name = "___ksymtab", .prefix = true, .keep = KEEP_NONE,
	  .why = "exports stay with the running kernel, which redirects the old function" },
	{ .name = "__ksymtab", .prefix = true, .keep = KEEP_NONE, .why = "idem" },
	{ .name = "__kcrctab", .prefix = true, .keep = KEEP_NONE, .why = "idem" },
	{ .name = ".init.setup", .keep = KEEP_NONE, .why = "boot-time tables run once" },
	{ .name = ".initcall", .prefix = true, .keep = KEEP_NONE, .why = "idem" },
	{ .name = ".con_initcall.init", .keep = KEEP_NONE, .why = "idem" },
	{ .name = ".exitcall.exit", .keep = KEEP_NONE, .why = "idem" },
	{ .name = ".x86_cpu_dev.init", .keep = KEEP_NONE, .why = "idem" },
	{ .name = ".pci_fixup", .prefix = true, .keep = KEEP_NONE, .why = "idem" },
	{ .name = ".modinfo", .keep = KEEP_NONE, .why = "the update module has its own" },
	{ .name = "__modver", .keep = KEEP_NONE, .why = "idem" },
	{ .name = ".discard.", .prefix = true, .keep = KEEP_NONE,
	  .why = "objtool annotations, discarded by the module linker script" },
	{ .name = ".debug_", .prefix = true, .keep = KEEP_NONE,
	  .why = "debug information is not carried" },
	{ .name = ".eh_frame", .keep = KEEP_NONE,
	  .why = "the kernel unwinds with ORC, not DWARF" },
	{ .name = ".comment", .keep = KEEP_NONE, .why = "no meaning at run time" },
	{ .name = ".note", .prefix = true, .keep = KEEP_NONE, .why = "idem" },
	{ .name = ".BTF", .prefix = true, .keep = KEEP_NONE, .why = "idem" },
	{ .name = ".ksplice.", .prefix = true, .keep = KEEP_NONE,
	  .why = "ksplice's own tables are written, not carried" },
};

/* Plain code and data: carried symbol by symbol, never as entries. */
static const char *const regular_prefixes[] = {
	".text", ".data", ".rodata", ".bss", ".init.", ".exit.", ".ref.",
	".meminit.", ".noinstr.text", ".sched.text", ".cpuidle.text",
	".spinlock.text", ".entry.text", ".head.text", ".static_call.text",
	".altinstr_aux", ".kprobes.text", ".irqentry.text", ".softirqentry.text",
	".lock.text",
};

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

const struct special_section *find_special_section(const char *name)
{
	for (unsigned int i = 0; i < ARRAY_SIZE(special_sections); i++) {
		const struct special_section *s = &special_sections[i];

		if (s->prefix ? !strncmp(name, s->name, strlen(s->name)) : !strcmp(name, s->name))
			return s;
	}
	return NULL;
}

bool is_regular_section(const char *name)
{
	for (unsigned int i = 0; i < ARRAY_SIZE(regular_prefixes); i++) {
		size_t n = strlen(regular_prefixes[i]);

		/* ".text" and ".text.foo", but not ".textfoo". */
		if (!strncmp(name, regular_prefixes[i], n) &&
		    (name[n] == '\0' || name[n] == '.' || regular_prefixes[i][n - 1] == '.'))
			return true;
	}
	return false;
}

/* The table, for the caller that walks every keep-by-key section. */
const struct special_section *special_section_table(unsigned int *nr)
{
	*nr = ARRAY_SIZE(special_sections);
	return special_sections;
}
