// SPDX-License-Identifier: GPL-2.0-only
/*
 * opts.c: declarative option parsing and generated usage text for the
 * driver tools. See opts.h.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "opts.h"
#include "util.h"

static const char *opt_label(const struct option *o, char *buf, size_t len)
{
	if (o->long_name)
		snprintf(buf, len, "--%s", o->long_name);
	else
		snprintf(buf, len, "-%c", o->short_name);
	return buf;
}

static void format_opt(const struct option *o, char *buf, size_t len)
{
	int n = 0;

	if (o->short_name && o->long_name)
		n = snprintf(buf, len, "-%c, --%s", o->short_name, o->long_name);
	else if (o->short_name)
		n = snprintf(buf, len, "-%c", o->short_name);
	else
		n = snprintf(buf, len, "    --%s", o->long_name);
	if (o->type == OPTION_STRING && n >= 0 && (size_t)n < len)
		snprintf(buf + n, len - n, o->long_name ? "=%s" : " %s", o->argh);
}

void usage_with_options(const struct command *cmd,
			const struct option *options, bool to_stderr)
{
	FILE *f = to_stderr ? stderr : stdout;
	const struct option *o;
	char buf[128];

	fprintf(f, "usage: %s [<options>] %s\n", cmd->name, cmd->args);
	if (cmd->summary)
		fprintf(f, "\n%s\n", cmd->summary);
	fprintf(f, "\n");
	for (o = options; o->type != OPTION_END; o++) {
		format_opt(o, buf, sizeof(buf));
		fprintf(f, "    %-24s %s\n", buf, o->help);
	}
	fprintf(f, "    %-24s %s\n", "-h, --help", "show this help");
}

static int set_value(const struct option *o, const char *arg)
{
	switch (o->type) {
	case OPTION_BOOL:
		*(bool *)o->value = true;
		return 0;
	case OPTION_STRING:
		*(const char **)o->value = arg;
		return 0;
	case OPTION_END:
		break;
	}
	return -1;
}

/* --name[=value]; *i may advance past a separate value. */
static int parse_long(const struct option *options, int argc, char **argv,
		      int *i)
{
	const char *arg = argv[*i] + 2, *eq = strchr(arg, '=');
	size_t len = eq ? (size_t)(eq - arg) : strlen(arg);
	const struct option *o;

	for (o = options; o->type != OPTION_END; o++) {
		if (!o->long_name || strlen(o->long_name) != len ||
		    strncmp(o->long_name, arg, len))
			continue;
		if (o->type == OPTION_BOOL) {
			if (eq)
				return error("option '--%s' takes no value",
					     o->long_name);
			return set_value(o, NULL);
		}
		if (eq)
			return set_value(o, eq + 1);
		if (*i + 1 >= argc)
			return error("option '--%s' requires a value",
				     o->long_name);
		return set_value(o, argv[++*i]);
	}
	return error("unknown option '--%.*s'", (int)len, arg);
}

/* -abc, or -s value / -svalue for a string option. */
static int parse_short(const struct option *options, int argc, char **argv,
		       int *i)
{
	const char *p;

	for (p = argv[*i] + 1; *p; p++) {
		const struct option *o;

		for (o = options; o->type != OPTION_END; o++)
			if (o->short_name == *p)
				break;
		if (o->type == OPTION_END)
			return error("unknown option '-%c'", *p);
		if (o->type == OPTION_BOOL) {
			set_value(o, NULL);
			continue;
		}
		if (p[1])
			return set_value(o, p + 1);
		if (*i + 1 >= argc)
			return error("option '-%c' requires a value", *p);
		return set_value(o, argv[++*i]);
	}
	return 0;
}

static bool is_help(const char *arg)
{
	return !strcmp(arg, "-h") || !strcmp(arg, "--help");
}

int parse_options(const struct command *cmd, const struct option *options,
		  int argc, char **argv)
{
	bool only_args = false;
	int i, n = 0;

	for (i = 1; i < argc; i++) {
		char *arg = argv[i];
		int ret;

		if (only_args || arg[0] != '-' || !arg[1]) {
			argv[n++] = arg;
			continue;
		}
		if (!strcmp(arg, "--")) {
			only_args = true;
			continue;
		}
		if (is_help(arg)) {
			usage_with_options(cmd, options, false);
			return PARSE_OPT_HELP;
		}
		if (arg[1] == '-')
			ret = parse_long(options, argc, argv, &i);
		else
			ret = parse_short(options, argc, argv, &i);
		if (ret)
			goto usage;
	}
	argv[n] = NULL;
	if (n < cmd->min_args || n > cmd->max_args) {
		error(n < cmd->min_args ? "too few arguments" :
		      "too many arguments");
		goto usage;
	}
	return n;
usage:
	usage_with_options(cmd, options, true);
	return -1;
}

static bool opt_is_set(const struct option *o)
{
	if (o->type == OPTION_BOOL)
		return *(bool *)o->value;
	return *(const char **)o->value != NULL;
}

int opt_exclusive(const struct option *options, ...)
{
	const struct option *first = NULL;
	char a[64], b[64];
	va_list ap;
	void *v;

	va_start(ap, options);
	while ((v = va_arg(ap, void *))) {
		const struct option *o;

		for (o = options; o->type != OPTION_END; o++)
			if (o->value == v)
				break;
		if (o->type == OPTION_END || !opt_is_set(o))
			continue;
		if (first) {
			va_end(ap);
			return error("options '%s' and '%s' cannot be used together",
				     opt_label(first, a, sizeof(a)),
				     opt_label(o, b, sizeof(b)));
		}
		first = o;
	}
	va_end(ap);
	return 0;
}
