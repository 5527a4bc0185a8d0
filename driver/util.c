// SPDX-License-Identifier: GPL-2.0-only
/*
 * util.c: error reporting and small buffers for the driver tools.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "util.h"

static void report(const char *prefix, const char *fmt, va_list ap,
		   const char *suffix)
{
	char msg[4096];

	vsnprintf(msg, sizeof(msg), fmt, ap);
	if (suffix)
		fprintf(stderr, "%s: %s: %s\n", prefix, msg, suffix);
	else
		fprintf(stderr, "%s: %s\n", prefix, msg);
}

int error(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	report("error", fmt, ap, NULL);
	va_end(ap);
	return -1;
}

int error_errno(const char *fmt, ...)
{
	const char *why = strerror(errno);
	va_list ap;

	va_start(ap, fmt);
	report("error", fmt, ap, why);
	va_end(ap);
	return -1;
}

void warning(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	report("warning", fmt, ap, NULL);
	va_end(ap);
}

int grow_array(void *ptr, size_t *alloc, size_t nr, size_t elem)
{
	void **p = ptr;
	size_t n = *alloc ? *alloc : 8;
	void *q;

	if (nr <= *alloc)
		return 0;
	while (n < nr) {
		if (n > SIZE_MAX / 2 / elem)
			return error("out of memory");
		n *= 2;
	}
	q = realloc(*p, n * elem);
	if (!q)
		return error("out of memory");
	*p = q;
	*alloc = n;
	return 0;
}

int strbuf_add(struct strbuf *sb, const void *data, size_t len)
{
	if (ALLOC_GROW(sb->buf, sb->len + len + 1, sb->alloc))
		return -1;
	memcpy(sb->buf + sb->len, data, len);
	sb->len += len;
	sb->buf[sb->len] = '\0';
	return 0;
}

int strbuf_addstr(struct strbuf *sb, const char *s)
{
	return strbuf_add(sb, s, strlen(s));
}

int strbuf_addf(struct strbuf *sb, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0 || ALLOC_GROW(sb->buf, sb->len + n + 1, sb->alloc))
		return -1;
	va_start(ap, fmt);
	vsnprintf(sb->buf + sb->len, n + 1, fmt, ap);
	va_end(ap);
	sb->len += n;
	return 0;
}

void strbuf_reset(struct strbuf *sb)
{
	sb->len = 0;
	if (sb->buf)
		sb->buf[0] = '\0';
}

void strbuf_setlen(struct strbuf *sb, size_t len)
{
	if (sb->buf && len <= sb->len) {
		sb->len = len;
		sb->buf[len] = '\0';
	}
}

void strbuf_release(struct strbuf *sb)
{
	free(sb->buf);
	sb->buf = NULL;
	sb->len = sb->alloc = 0;
}

char *strbuf_detach(struct strbuf *sb)
{
	char *s = sb->buf;

	if (!s && strbuf_add(sb, "", 0))
		return NULL;
	s = sb->buf;
	sb->buf = NULL;
	sb->len = sb->alloc = 0;
	return s;
}

char *xstrfmt(const char *fmt, ...)
{
	va_list ap;
	char *s;
	int n;

	va_start(ap, fmt);
	n = vasprintf(&s, fmt, ap);
	va_end(ap);
	if (n < 0) {
		error("out of memory");
		return NULL;
	}
	return s;
}

char *xstrdup(const char *s)
{
	char *d = strdup(s);

	if (!d)
		error("out of memory");
	return d;
}

int read_file_at(int dirfd, const char *path, const char *what,
		 const char *shown, struct strbuf *sb)
{
	struct stat st;
	size_t want;
	int fd;

	strbuf_reset(sb);
	fd = openat(dirfd, path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return error_errno("cannot open %s '%s'", what, shown);
	if (fstat(fd, &st) < 0) {
		error_errno("cannot stat %s '%s'", what, shown);
		goto fail;
	}
	/* The size is a hint; read until EOF in case the file grows. */
	want = st.st_size > 0 ? (size_t)st.st_size + 1 : 4096;
	for (;;) {
		ssize_t n;

		if (ALLOC_GROW(sb->buf, sb->len + want + 1, sb->alloc))
			goto fail;
		n = read(fd, sb->buf + sb->len, sb->alloc - sb->len - 1);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			error_errno("cannot read %s '%s'", what, shown);
			goto fail;
		}
		if (n == 0)
			break;
		sb->len += n;
		/* A short read of a regular file is its end: spare a read(). */
		if (S_ISREG(st.st_mode) && (size_t)n < want)
			break;
		want = 4096;
	}
	sb->buf[sb->len] = '\0';
	close(fd);
	return 0;
fail:
	close(fd);
	return -1;
}

bool starts_with(const char *s, const char *prefix)
{
	return strncmp(s, prefix, strlen(prefix)) == 0;
}

bool ends_with(const char *s, const char *suffix)
{
	size_t n = strlen(s), m = strlen(suffix);

	return n >= m && memcmp(s + n - m, suffix, m) == 0;
}
