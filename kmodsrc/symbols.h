/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * symbols.h - the running kernel's symbols: the unexported kernel
 * functions the core calls, candidate addresses for a name, target modules.
 */
#ifndef KSPLICE_SYMBOLS_H
#define KSPLICE_SYMBOLS_H

#include <linux/types.h>

struct module;
struct kprobe;
struct insn;
struct jump_entry;
struct task_struct;
struct cpumask;

/*
 * Unexported kernel functions and objects, resolved once at load time.
 * The optional ones (marked) may be NULL; the core then does without.
 */
struct ksplice_kernel {
	unsigned long (*lookup_name)(const char *name);
	int (*on_each_match_symbol)(int (*fn)(void *, unsigned long),
				    const char *name, void *data);
	int (*module_on_each_symbol)(int (*fn)(void *, const char *,
					       struct module *, unsigned long),
				     void *data);
	int (*size_offset)(unsigned long addr, unsigned long *size,
			   unsigned long *offset);
	struct module *(*find_module)(const char *name);
	struct mutex *module_mutex;
	struct mutex *text_mutex;
	void *(*text_poke)(void *addr, const void *opcode, size_t len);
	int (*insn_decode)(struct insn *insn, const void *kaddr, int len,
			   int mode);
	unsigned long (*ftrace_location)(unsigned long ip);	/* optional */
	struct kprobe *(*get_kprobe)(void *addr);		/* optional */
	struct task_struct *(*idle_task)(int cpu);		/* optional */
	struct module *(*module_address)(unsigned long addr);
	int (*stop_machine_cpuslocked)(int (*fn)(void *), void *data,
				       const struct cpumask *cpus);
	struct jump_entry *jump_start, *jump_stop;		/* optional */
};

extern struct ksplice_kernel ksplice_kernel;

int ksplice_symbols_init(void);

#define KSPLICE_MAX_CANDIDATES	8

int ksplice_candidates(struct module *target, const char *name,
		       unsigned long *addrs, unsigned int max);
unsigned long ksplice_symbol_size(unsigned long addr);
struct module *ksplice_get_target(const char *name);

#endif /* KSPLICE_SYMBOLS_H */
