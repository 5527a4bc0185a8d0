/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * warn.h - the diagnostics of ksplice-link.
 *
 * Every message starts with the tool's name, then (by convention of the
 * caller) the object it concerns, and shows code locations as func+0x1c:
 *
 *   ksplice-link: error: fs/proc/meminfo.o: meminfo_proc_show+0x1c: ...
 *
 * Functions report with ERROR*() and return -1; only main() exits.
 */
#ifndef LINKER_WARN_H
#define LINKER_WARN_H

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

/* Set by main() from -v; defined in elf.c. */
extern bool linker_verbose;

#define ERROR(fmt, ...)							\
	fprintf(stderr, "ksplice-link: error: " fmt "\n", ##__VA_ARGS__)

#define ERROR_ELF(fmt, ...)							\
	fprintf(stderr, "ksplice-link: error: " fmt ": %s\n", ##__VA_ARGS__,	\
		elf_errmsg(-1))

#define ERROR_GLIBC(fmt, ...)							\
	fprintf(stderr, "ksplice-link: error: " fmt ": %s\n", ##__VA_ARGS__,	\
		strerror(errno))

#define WARN(fmt, ...)								\
	fprintf(stderr, "ksplice-link: warning: " fmt "\n", ##__VA_ARGS__)

#define dbg(fmt, ...)								\
	do {									\
		if (linker_verbose)						\
			fprintf(stderr, "ksplice-link: " fmt "\n", ##__VA_ARGS__); \
	} while (0)

#endif /* LINKER_WARN_H */
