/* SPDX-License-Identifier: GPL-2.0-only */
/* Kernel-like macros that use __LINE__ and __COUNTER__, for the fixtures. */
#ifndef KMACROS_H
#define KMACROS_H
extern int _printk(const char *fmt, ...);
/* printk is a macro in the kernel too (printk_index_wrap) */
#define printk(fmt, ...) _printk(fmt, ##__VA_ARGS__)
extern void __might_sleep(const char *file, int line);
extern void __attribute__((noreturn)) panic(const char *fmt, ...);

/* Like x86's __WARN_FLAGS: a bug-table entry whose line is an asm operand. */
#define WARN_ON(cond) ({						\
	int __ret = !!(cond);						\
	if (__builtin_expect(__ret, 0))					\
		asm volatile("1: ud2\n"					\
			     ".pushsection __bug_table,\"aw\"\n"	\
			     ".long 1b - ., %c0 - .\n"			\
			     ".word %c1, %c2\n"				\
			     ".popsection" : : "i" (__FILE__),		\
			     "i" (__LINE__), "i" (1 << 9));		\
	__ret; })
#define BUG_ON(cond) do {						\
	if (__builtin_expect(!!(cond), 0))				\
		asm volatile("1: ud2\n"					\
			     ".pushsection __bug_table,\"aw\"\n"	\
			     ".long 1b - ., %c0 - .\n"			\
			     ".word %c1, 0\n"				\
			     ".popsection" : : "i" (__FILE__),		\
			     "i" (__LINE__));				\
		__builtin_unreachable();				\
	} while (0)
#define might_sleep() __might_sleep(__FILE__, __LINE__)
#define ___PASTE(a, b) a##b
#define __PASTE(a, b) ___PASTE(a, b)
#define __UNIQUE_ID(prefix) __PASTE(__PASTE(__UNIQUE_ID_, prefix), __COUNTER__)
/* Like the kernel's annotate_unreachable(): a __COUNTER__ label in asm. */
#define __stringify_label(n) #n
#define __annotate_unreachable(c) ({					\
	asm volatile(__stringify_label(c) ":\n\t"			\
		     ".pushsection .discard.unreachable\n\t"		\
		     ".long " __stringify_label(c) "b - .\n\t"		\
		     ".popsection\n\t" : : "i" (c));			\
})
#define annotate_unreachable() __annotate_unreachable(__COUNTER__)
#endif
