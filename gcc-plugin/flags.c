// SPDX-License-Identifier: GPL-2.0-only
/*
 * flags.c: which object this compilation writes, and the hash of the
 * options that affect its code.
 *
 * cc1 does not know the object's name: the driver hands it only an
 * assembly file in /tmp. But the driver exports its own command line to
 * every subprocess as COLLECT_GCC_OPTIONS ('-c' '-o' 'fs/x.o' ...), so the
 * object is the -o of a -c run there, or the default <base>.o of -c.
 */
#include "ksplice.h"

/* Split COLLECT_GCC_OPTIONS ('a' 'b'\''c') into a vector. */
static void split_collect_options(const char *s, struct ks_strv *out)
{
	char *buf = XNEWVEC(char, strlen(s) + 1);

	while (*s) {
		size_t n = 0;

		if (*s != '\'') {
			s++;
			continue;
		}
		s++;
		for (;;) {
			if (!*s)
				break;
			if (*s != '\'') {
				buf[n++] = *s++;
				continue;
			}
			if (!strncmp(s, "'\\''", 4)) {
				buf[n++] = '\'';
				s += 4;
				continue;
			}
			s++;
			break;
		}
		buf[n] = 0;
		ks_strv_add(out, buf);
	}
	free(buf);
}

static bool is_null_file(const char *p)
{
	return !p || !strcmp(p, "/dev/null") || !strcmp(p, "-");
}

/* The object this run writes, or NULL when it writes none. */
char *ks_object_path(void)
{
	const char *env = getenv("COLLECT_GCC_OPTIONS");
	struct ks_strv argv = { NULL, 0, 0 };
	const char *out = NULL;
	bool compile = false, no_object = false;
	char *obj = NULL;

	if (!env || is_null_file(main_input_filename))
		return NULL;
	split_collect_options(env, &argv);
	for (size_t i = 0; i < argv.n; i++) {
		const char *a = argv.v[i];

		if (!strcmp(a, "-c"))
			compile = true;
		else if (!strcmp(a, "-E") || !strcmp(a, "-S") ||
			 !strcmp(a, "-M") || !strcmp(a, "-MM") ||
			 !strcmp(a, "-fsyntax-only") || !strcmp(a, "-###"))
			no_object = true;
		else if (!strcmp(a, "-o") && i + 1 < argv.n)
			out = argv.v[++i];
		else if (startswith(a, "-o") && a[2])
			out = a + 2;
	}
	if (compile && !no_object) {
		if (out) {
			if (strcmp(out, "/dev/null"))
				obj = xstrdup(out);
		} else {
			const char *base = lbasename(main_input_filename);
			const char *dot = strrchr(base, '.');
			size_t n = dot ? (size_t)(dot - base) : strlen(base);

			obj = concat(xstrndup(base, n), ".o", NULL);
		}
	}
	for (size_t i = 0; i < argv.n; i++)
		free(argv.v[i]);
	free(argv.v);
	return obj;
}

/*
 * Options that cannot change the code of a function whose source is the
 * same: names of outputs, dumps and dependency files, header search and
 * macros (what they change shows in the function hashes), file-name maps,
 * diagnostics, plugins. docs/sidecar-format.md lists them. Function and
 * data sections count by their effective values, which the sections
 * option sets.
 */
static bool skip_option(const char *opt)
{
	static const char *const prefixes[] = {
		"-o", "-dump", "-M", "-I", "-D", "-U", "-W", "-w",
		"-isystem", "-iquote", "-idirafter", "-imultiarch", "-imultilib",
		"-iprefix", "-iwithprefix", "-isysroot", "-iplugindir",
		"-include", "-imacros", "-nostdinc", "-quiet", "-v",
		"-fplugin", "-fdiagnostics-", "-fmessage-length",
		"-fno-diagnostics-", "-fmax-errors", "-pedantic",
		"-fshow-column", "-fno-show-column", "-fno-caret-diagnostics",
		/* hashed by their effective values, see ks_flags_hash() */
		"-ffunction-sections", "-fno-function-sections",
		"-fdata-sections", "-fno-data-sections",
		NULL
	};

	for (int i = 0; prefixes[i]; i++)
		if (startswith(opt, prefixes[i]))
			return true;
	return strstr(opt, "-prefix-map=") != NULL;
}

uint64_t ks_flags_hash(void)
{
	struct ks_hash hs;

	ks_hash_init(&hs);
	for (unsigned int i = 1; i < save_decoded_options_count; i++) {
		const struct cl_decoded_option *o = &save_decoded_options[i];
		const char *text = o->orig_option_with_args_text;

		if (o->opt_index == OPT_SPECIAL_input_file || !text ||
		    skip_option(text))
			continue;
		ks_hash_str(&hs, text);
	}
	ks_hash_str(&hs, "function-sections");
	ks_hash_u64(&hs, flag_function_sections);
	ks_hash_str(&hs, "data-sections");
	ks_hash_u64(&hs, flag_data_sections);
	return ks_hash_final(&hs);
}
