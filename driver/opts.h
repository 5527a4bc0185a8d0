/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * opts.h: declarative command-line options for the driver tools.
 *
 * A command describes itself with a struct command (name, arguments, one
 * line of summary) and an option table ending in OPT_END(). The usage text
 * is generated from both:
 *
 *	static bool json;
 *	static const struct option options[] = {
 *		OPT_BOOL('j', "json", &json, "print one JSON document"),
 *		OPT_END(),
 *	};
 *	static const struct command cmd = {
 *		"ksplice-diffmeta", "PRE POST", 2, 2, "compare ...",
 *	};
 *	argc = parse_options(&cmd, options, argc, argv);
 *
 * parse_options() stops at "--", accepts --opt=value and --opt value,
 * bundled short flags (-jq) and -h/--help. Checks that involve several
 * options (opt_exclusive()) run right after it.
 */
#ifndef KSPLICE_OPTS_H
#define KSPLICE_OPTS_H

#include <stdbool.h>

enum option_type {
	OPTION_END,
	OPTION_BOOL,		/* value is a bool * */
	OPTION_STRING,		/* value is a const char **; takes an argument */
};

struct option {
	enum option_type type;
	char short_name;	/* 0: none */
	const char *long_name;	/* NULL: none */
	void *value;
	const char *argh;	/* argument placeholder for OPTION_STRING */
	const char *help;
};

#define OPT_BOOL(s, l, v, h)		{ OPTION_BOOL, (s), (l), (v), NULL, (h) }
#define OPT_STRING(s, l, v, a, h)	{ OPTION_STRING, (s), (l), (v), (a), (h) }
#define OPT_END()			{ OPTION_END, 0, NULL, NULL, NULL, NULL }

struct command {
	const char *name;	/* "ksplice-diffmeta" */
	const char *args;	/* "PRE POST", shown in usage */
	int min_args, max_args;	/* positional arguments allowed */
	const char *summary;	/* one line: what the command does */
};

/* parse_options() result when -h/--help printed the usage: exit 0. */
#define PARSE_OPT_HELP (-2)

/*
 * Parse argv[1..argc-1] against options. On success, moves the positional
 * arguments to argv[0..n-1] and returns n. Returns PARSE_OPT_HELP after
 * printing the usage on stdout for -h/--help, or -1 after an error message
 * and the usage on stderr.
 */
int parse_options(const struct command *cmd, const struct option *options,
		  int argc, char **argv);

/* Print the usage generated from cmd and options on stdout or stderr. */
void usage_with_options(const struct command *cmd,
			const struct option *options, bool to_stderr);

/*
 * Fail (error message, -1) when more than one of the options whose value
 * pointers are given (NULL-terminated) is set. Works for OPTION_BOOL and
 * OPTION_STRING entries of options.
 */
int opt_exclusive(const struct option *options, ...);

#endif
