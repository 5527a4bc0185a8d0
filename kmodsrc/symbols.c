// SPDX-License-Identifier: GPL-2.0-only
/*
 * symbols.c - finding things in the running kernel.
 *
 * Since 5.7 kallsyms_lookup_name() is not exported. A kprobe registered
 * on it by name makes the kprobes core resolve it for us (kprobes may use
 * kallsyms internally); its address is then read back from kp.addr and the
 * probe removed at once. Everything else the core needs and the kernel
 * does not export is looked up through that function, once, at load time.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/kallsyms.h>
#include <linux/kprobes.h>
#include <linux/module.h>
#include <linux/string.h>
#include "symbols.h"

struct ksplice_kernel ksplice_kernel;

static unsigned long find_lookup_name(void)
{
	struct kprobe kp = { .symbol_name = "kallsyms_lookup_name" };
	unsigned long addr;
	int ret;

	ret = register_kprobe(&kp);
	if (ret < 0) {
		pr_err("cannot find kallsyms_lookup_name through a kprobe: %d\n",
		       ret);
		return 0;
	}
	addr = (unsigned long)kp.addr;
	unregister_kprobe(&kp);
	return addr;
}

#define RESOLVE(field, name, required)					\
	do {								\
		unsigned long __a = ksplice_kernel.lookup_name(name);	\
		if (!__a && (required)) {				\
			pr_err("cannot find kernel symbol '%s'\n", name); \
			return -ENOENT;					\
		}							\
		*(unsigned long *)&ksplice_kernel.field = __a;		\
	} while (0)

int ksplice_symbols_init(void)
{
	unsigned long addr = find_lookup_name();

	if (!addr)
		return -ENOENT;
	ksplice_kernel.lookup_name = (void *)addr;

	RESOLVE(on_each_match_symbol, "kallsyms_on_each_match_symbol", true);
	RESOLVE(module_on_each_symbol, "module_kallsyms_on_each_symbol", true);
	RESOLVE(size_offset, "kallsyms_lookup_size_offset", true);
	RESOLVE(find_module, "find_module", true);
	RESOLVE(module_mutex, "module_mutex", true);
	RESOLVE(text_mutex, "text_mutex", true);
	RESOLVE(text_poke, "text_poke", true);
	RESOLVE(insn_decode, "insn_decode", true);
	RESOLVE(ftrace_location, "ftrace_location", false);
	RESOLVE(get_kprobe, "get_kprobe", false);
	RESOLVE(idle_task, "idle_task", false);
	RESOLVE(module_address, "__module_address", true);
	RESOLVE(stop_machine_cpuslocked, "stop_machine_cpuslocked", true);
	RESOLVE(jump_start, "__start___jump_table", false);
	RESOLVE(jump_stop, "__stop___jump_table", false);
	return 0;
}

struct candidates {
	const char *name;
	struct module *target;
	unsigned long *addrs;
	unsigned int max, nr;
};

static void add_candidate(struct candidates *c, unsigned long addr)
{
	if (c->nr < c->max)
		c->addrs[c->nr] = addr;
	c->nr++;
}

static int vmlinux_match(void *data, unsigned long addr)
{
	add_candidate(data, addr);
	return 0;
}

static int module_match(void *data, const char *name, struct module *mod,
			unsigned long addr)
{
	struct candidates *c = data;

	if (mod == c->target && !strcmp(name, c->name))
		add_candidate(c, addr);
	return 0;
}

/**
 * ksplice_candidates - every address a name has within one target
 * @target: the target module, or NULL for vmlinux
 * @name:   the symbol's kallsyms name
 * @addrs:  filled with up to @max addresses
 *
 * Return: how many symbols have the name, which may exceed @max.
 */
int ksplice_candidates(struct module *target, const char *name,
		       unsigned long *addrs, unsigned int max)
{
	struct candidates c = {
		.name = name, .target = target, .addrs = addrs, .max = max,
	};

	if (target)
		ksplice_kernel.module_on_each_symbol(module_match, &c);
	else
		ksplice_kernel.on_each_match_symbol(vmlinux_match, name, &c);
	return c.nr;
}

unsigned long ksplice_symbol_size(unsigned long addr)
{
	unsigned long size, offset;

	if (!ksplice_kernel.size_offset(addr, &size, &offset) || offset)
		return 0;
	return size;
}

/**
 * ksplice_get_target - find a loaded module by name and pin it
 *
 * Return: the module, with a reference the caller drops with
 * module_put(), or NULL if it is not loaded (or is going away).
 */
struct module *ksplice_get_target(const char *name)
{
	struct module *mod;

	mutex_lock(ksplice_kernel.module_mutex);
	mod = ksplice_kernel.find_module(name);
	if (mod && (mod->state != MODULE_STATE_LIVE || !try_module_get(mod)))
		mod = NULL;
	mutex_unlock(ksplice_kernel.module_mutex);
	return mod;
}
