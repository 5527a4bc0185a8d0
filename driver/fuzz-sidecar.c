// SPDX-License-Identifier: GPL-2.0-only
/*
 * fuzz-sidecar.c: libFuzzer target for the sidecar reader and the diff.
 * Built and run by tests/fuzz/sidecar.fuzz, never by the driver Makefile.
 *
 * The input is one sidecar, or two separated by a line "===": each part is
 * parsed; when both parse and are comparable they are diffed both ways, and
 * each is diffed against nothing (a new and a removed object).
 */
#define _GNU_SOURCE
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "diff.h"
#include "sidecar.h"
#include "util.h"

static const char sep[] = "\n===\n";

static void check_normalise(const struct sidecar *sc)
{
	const struct sc_function *f;
	char buf[4096];

	for_each_function(sc, f)
		if (strlen(f->name) < sizeof(buf) &&
		    sidecar_normalise(f->name, buf) > strlen(f->name))
			__builtin_trap();
}

static void diff_one(const char *object, const struct sidecar *a,
		     const struct sidecar *b)
{
	struct diff d = { 0 };

	diff_object(&d, object, a, b);
	diff_sort(&d);
	diff_status(&d);
	diff_release(&d);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *buf = (const char *)data;
	const char *mid = memmem(buf, size, sep, strlen(sep));
	size_t n1 = mid ? (size_t)(mid - buf) : size;
	struct sidecar *a, *b = NULL;

	a = sidecar_parse("a", buf, n1);
	if (mid)
		b = sidecar_parse("b", mid + strlen(sep),
				  size - n1 - strlen(sep));
	if (a) {
		check_normalise(a);
		diff_one("arch/x86/boot/a.o", a, NULL);
		diff_one("a.o", NULL, a);
		diff_one("a.o", a, a);
	}
	if (a && b && !sidecar_check_comparable(a, b)) {
		diff_one("a.o", a, b);
		diff_one("a.o", b, a);
	}
	sidecar_free(a);
	sidecar_free(b);
	return 0;
}
