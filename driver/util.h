/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * util.h: error reporting, exit codes and small buffers shared by every
 * driver tool (ksplice-diffmeta, ksplice-create, ksplice-apply, ...).
 *
 * Library code never exits: it reports with error() or error_errno(), both
 * of which return -1 so that a failing function can end with
 * `return error("...")`. Only a command's entry point turns -1 into an exit
 * status.
 */
#ifndef KSPLICE_UTIL_H
#define KSPLICE_UTIL_H

#include <stdbool.h>
#include <stddef.h>

/* Exit codes, the same for every tool (docs/diffmeta.md). */
enum ksplice_exit {
	KSPLICE_EXIT_OK = 0,		/* success, patchable changes */
	KSPLICE_EXIT_ERROR = 1,		/* error, bad usage or bad input */
	KSPLICE_EXIT_BLOCKED = 2,	/* cannot be applied live */
	KSPLICE_EXIT_UNCHANGED = 3,	/* nothing changed */
};

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
#define PRINTF(f, a) __attribute__((format(printf, f, a)))

/* "error: <message>" on stderr; returns -1. */
int error(const char *fmt, ...) PRINTF(1, 2);
/* Same, with ": <strerror(errno)>" appended; returns -1. */
int error_errno(const char *fmt, ...) PRINTF(1, 2);
/* "warning: <message>" on stderr. */
void warning(const char *fmt, ...) PRINTF(1, 2);

/*
 * Grow the array *ptr of *alloc elements of size elem so that it holds at
 * least nr elements. Returns -1 (after reporting) when out of memory.
 */
int grow_array(void *ptr, size_t *alloc, size_t nr, size_t elem);
#define ALLOC_GROW(p, nr, alloc) grow_array(&(p), &(alloc), (nr), sizeof(*(p)))

/* A growable, always NUL-terminated byte buffer. */
struct strbuf {
	char *buf;
	size_t len;
	size_t alloc;
};
#define STRBUF_INIT { NULL, 0, 0 }

int strbuf_add(struct strbuf *sb, const void *data, size_t len);
int strbuf_addstr(struct strbuf *sb, const char *s);
int strbuf_addf(struct strbuf *sb, const char *fmt, ...) PRINTF(2, 3);
void strbuf_reset(struct strbuf *sb);
/* Cut to len (<= sb->len) bytes. */
void strbuf_setlen(struct strbuf *sb, size_t len);
void strbuf_release(struct strbuf *sb);
/* Hand the buffer over to the caller (never NULL; "" if empty), or NULL on OOM. */
char *strbuf_detach(struct strbuf *sb);

/* malloc'ed printf; NULL (after reporting) when out of memory. */
char *xstrfmt(const char *fmt, ...) PRINTF(1, 2);
char *xstrdup(const char *s);

/*
 * Read the whole file path (relative to dirfd, or AT_FDCWD) into sb,
 * replacing its contents. what names the file kind in error messages
 * ("sidecar"), shown is the path to print. Returns 0 or -1.
 */
int read_file_at(int dirfd, const char *path, const char *what,
		 const char *shown, struct strbuf *sb);

bool starts_with(const char *s, const char *prefix);
bool ends_with(const char *s, const char *suffix);

#endif
