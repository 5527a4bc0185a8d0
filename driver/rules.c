// SPDX-License-Identifier: GPL-2.0-only
/*
 * rules.c: the sections and objects a live update cannot change, as tables.
 *
 * Text sections are listed by name. A function in a section that is not in
 * the table is refused rather than guessed about: each kernel release adds
 * sections, and a silently wrong guess is how broken updates ship.
 */
#include <stddef.h>
#include <string.h>

#include "rules.h"
#include "util.h"

static const char init_why[] =
	"__init code has run and its memory was freed after boot";
static const char exit_why[] =
	"__exit code is discarded from the kernel image or runs only at module unload, and is never redirected";

/*
 * Output sections of x86-64 6.1 that hold functions. blocks is NULL for
 * sections whose functions the apply engine can redirect; prefix entries
 * end in '.'.
 */
static const struct text_section {
	const char *name;
	const char *blocks;
} text_sections[] = {
	{ ".text", NULL },
	{ ".text.", NULL },		/* .text.unlikely, .text.hot, -ffunction-sections */
	{ ".ref.text", NULL },
	{ ".sched.text", NULL },
	{ ".spinlock.text", NULL },
	{ ".lock.text", NULL },
	{ ".kprobes.text", NULL },
	{ ".irqentry.text", NULL },
	{ ".softirqentry.text", NULL },
	{ ".init.text", init_why },
	{ ".meminit.text", "__meminit code is freed after boot unless memory hotplug is built in" },
	{ ".exit.text", exit_why },
	{ ".memexit.text", exit_why },
	{ ".head.text", "early boot code has run once and is never called again" },
	{ ".noinstr.text", "noinstr code runs where instrumentation and text patching are forbidden (RCU not watching, entry state not established)" },
	{ ".entry.text", "entry code runs on entry stacks and, with page-table isolation, only the entry section is mapped while it runs" },
	{ ".cpuidle.text", "cpuidle code runs with RCU not watching, under noinstr rules" },
};

static const struct text_section *find_text_section(const char *section)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(text_sections); i++) {
		const char *n = text_sections[i].name;

		if (ends_with(n, ".") ? starts_with(section, n) : !strcmp(section, n))
			return &text_sections[i];
	}
	return NULL;
}

const char *function_blocker(const char *section, bool init_flag,
			     bool exit_flag)
{
	const struct text_section *t;

	if (init_flag)
		return init_why;
	if (exit_flag)
		return exit_why;
	t = find_text_section(section);
	if (!t)
		return "the section is not one the apply engine knows how to redirect";
	return t->blocks;
}

bool is_init_data_section(const char *section)
{
	static const char *const prefixes[] = {
		".init.", ".exit.", ".meminit.", ".memexit.", ".head.",
		".initcall",
	};
	size_t i;

	for (i = 0; i < ARRAY_SIZE(prefixes); i++)
		if (starts_with(section, prefixes[i]))
			return true;
	/* .con_initcall.init, .x86_cpu_dev.init, .initcall6.init */
	return ends_with(section, ".init");
}

bool is_boot_table_section(const char *section)
{
	return starts_with(section, ".initcall") ||
	       !strcmp(section, ".con_initcall.init") ||
	       !strcmp(section, ".init.setup") ||
	       !strcmp(section, ".x86_cpu_dev.init");
}

bool is_code_metadata_section(const char *section)
{
	return starts_with(section, ".discard.") ||
	       !strcmp(section, ".printk_index") ||
	       !strcmp(section, "__dyndbg") ||
	       !strcmp(section, "__tracepoint_str");
}

bool is_percpu_section(const char *section)
{
	return starts_with(section, ".data..percpu");
}

static const struct {
	const char *dir;
	const char *why;
} unpatchable_dirs[] = {
	{ "arch/x86/entry/vdso/", "vDSO code runs in user space, from a copy mapped into every process" },
	{ "arch/x86/boot/", "boot code runs before the kernel starts and is not part of the running kernel" },
	{ "arch/x86/realmode/", "real-mode code is copied to low memory at boot and runs from that copy" },
	{ "arch/x86/purgatory/", "kexec purgatory is a separate image, loaded only for kexec" },
};

const char *unpatchable_object(const char *object)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(unpatchable_dirs); i++) {
		const char *dir = unpatchable_dirs[i].dir;
		const char *p = strstr(object, dir);

		/* At the start or after a '/': "./arch/...", "/build/arch/..." */
		if (p && (p == object || p[-1] == '/'))
			return unpatchable_dirs[i].why;
	}
	return NULL;
}
