// SPDX-License-Identifier: GPL-2.0-only
/*
 * ksplice-view: the updates loaded into the running kernel.
 *
 *	ksplice-view [--json] [ID]
 *
 * For each update (or only ID): its id, stage, description, the functions
 * it patches and, after a failed attempt, the abort cause. --json prints
 * one document:
 *
 *	{"updates": [{"id": ..., "stage": ..., "description": ...,
 *	  "abort_cause": ..., "functions": [{"target": ..., "name": ...}]}]}
 *
 * Exit status: 0, or 1 on error (an ID that is not loaded).
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "kstate.h"
#include "opts.h"
#include "util.h"


static bool opt_json;

static const struct option options[] = {
	OPT_BOOL('j', "json", &opt_json, "print one JSON document"),
	OPT_END(),
};

static const struct command view_cmd = {
	.name = "ksplice-view",
	.args = "[ID]",
	.min_args = 0,
	.max_args = 1,
	.summary = "Show the updates loaded into the running kernel.",
};

static void json_string(const char *s)
{
	putchar('"');
	for (; *s; s++) {
		if (*s == '"' || *s == '\\')
			printf("\\%c", *s);
		else if ((unsigned char)*s < 0x20)
			printf("\\u%04x", *s);
		else
			putchar(*s);
	}
	putchar('"');
}

static void show(const char *id, bool first)
{
	char *stage = ksplice_attr(id, "stage", true), *desc = ksplice_attr(id, "description", true);
	char *cause = ksplice_attr(id, "abort_cause", true), *funcs = ksplice_attr(id, "functions", true);
	char *line, *save = NULL;
	bool first_func = true;

	if (opt_json) {
		printf("%s{\"id\": ", first ? "" : ", ");
		json_string(id);
		printf(", \"stage\": ");
		json_string(stage);
		printf(", \"description\": ");
		json_string(desc);
		printf(", \"abort_cause\": ");
		json_string(cause);
		printf(", \"functions\": [");
	} else {
		printf("%s %s: %s\n", id, stage, desc);
		if (strcmp(cause, "ok"))
			printf("  last attempt failed: %s\n", cause);
	}
	for (line = strtok_r(funcs, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		char *name = strchr(line, ' ');

		if (!name)
			continue;
		*name++ = '\0';
		if (opt_json) {
			printf("%s{\"target\": ", first_func ? "" : ", ");
			json_string(line);
			printf(", \"name\": ");
			json_string(name);
			putchar('}');
		} else {
			printf("  %s %s\n", line, name);
		}
		first_func = false;
	}
	if (opt_json)
		printf("]}");
	free(stage);
	free(desc);
	free(cause);
	free(funcs);
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

int main(int argc, char **argv)
{
	char *ids[256];
	size_t nr = 0, i;
	struct dirent *de;
	DIR *d;

	argc = parse_options(&view_cmd, options, argc, argv);
	if (argc == PARSE_OPT_HELP)
		return KSPLICE_EXIT_OK;
	if (argc < 0)
		return KSPLICE_EXIT_ERROR;
	if (argc == 1) {
		char *stage = ksplice_attr(argv[0], "stage", true);

		if (strchr(argv[0], '/') || !*stage) {
			error("no update '%s' is loaded", argv[0]);
			return KSPLICE_EXIT_ERROR;
		}
		free(stage);
		ids[nr++] = xstrdup(argv[0]);
	} else if ((d = opendir(KSPLICE_SYSFS))) {
		while ((de = readdir(d)) && nr < ARRAY_SIZE(ids))
			if (de->d_name[0] != '.')
				ids[nr++] = xstrdup(de->d_name);
		closedir(d);
	}
	qsort(ids, nr, sizeof(*ids), cmp_str);
	if (opt_json)
		printf("{\"updates\": [");
	else if (!nr)
		printf("no updates loaded\n");
	for (i = 0; i < nr; i++) {
		show(ids[i], i == 0);
		free(ids[i]);
	}
	if (opt_json)
		printf("]}\n");
	return KSPLICE_EXIT_OK;
}
