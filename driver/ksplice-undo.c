// SPDX-License-Identifier: GPL-2.0-only
/*
 * ksplice-undo: reverse an applied update and unload its modules.
 *
 *	ksplice-undo [-v] ID
 *
 * The core checks that no task is running the new code, restores the
 * original bytes, and refuses to reverse an update while a later one is
 * applied (reverse that one first). The core module itself stays loaded.
 * Exit status: 0 reversed, 1 error, 2 the kernel refused (the abort cause
 * is explained).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "kstate.h"
#include "opts.h"
#include "util.h"


static bool opt_verbose;

static const struct option options[] = {
	OPT_BOOL('v', "verbose", &opt_verbose, "say what is unloaded"),
	OPT_END(),
};

static const struct command undo_cmd = {
	.name = "ksplice-undo",
	.args = "ID",
	.min_args = 1,
	.max_args = 1,
	.summary = "Reverse an applied update and unload its modules.\n"
		   "Exit status: 0 reversed, 1 error, 2 the kernel refused.",
};

static int reverse(const char *id)
{
	char *path = xstrfmt(KSPLICE_SYSFS "/%s/stage", id), *cause, *conflicts;
	int fd = open(path, O_WRONLY), ret = 0;

	free(path);
	if (fd < 0)
		return error_errno("cannot open the stage of update '%s'", id);
	if (write(fd, "reverse", 7) != 7) {
		cause = ksplice_attr(id, "abort_cause", false);
		conflicts = ksplice_attr(id, "conflicts", false);
		if (!strcmp(cause, "out_of_order"))
			error("update '%s' not reversed: a later update is applied; undo it first", id);
		else if (!strcmp(cause, "code_busy"))
			error("update '%s' not reversed: code_busy\n"
			      "a task kept running the new code; try again later\n%s", id, conflicts);
		else
			error("update '%s' not reversed: %s\nsee /sys/kernel/debug/ksplice/%s",
			      id, cause, id);
		free(cause);
		free(conflicts);
		ret = 2;
	}
	close(fd);
	return ret;
}

int main(int argc, char **argv)
{
	char *stage, *mods, *line, *save = NULL;
	const char *id;
	bool applied;
	int ret = 0;

	argc = parse_options(&undo_cmd, options, argc, argv);
	if (argc == PARSE_OPT_HELP)
		return KSPLICE_EXIT_OK;
	if (argc < 0)
		return KSPLICE_EXIT_ERROR;
	id = argv[0];
	if (!*id || strchr(id, '/') || !strcmp(id, ".") || !strcmp(id, "..")) {
		error("bad update id '%s'", id);
		return KSPLICE_EXIT_ERROR;
	}
	stage = xstrfmt(KSPLICE_SYSFS "/%s", id);
	ret = access(stage, F_OK);
	free(stage);
	stage = ret ? xstrdup("") : ksplice_attr(id, "stage", false);
	ret = 0;
	if (!*stage) {
		error("no update '%s' is loaded", id);
		return KSPLICE_EXIT_ERROR;
	}
	applied = !strcmp(stage, "applied");
	if (applied)
		ret = reverse(id);
	free(stage);
	if (ret)
		return KSPLICE_EXIT_BLOCKED;
	mods = ksplice_attr(id, "modules", false);
	for (line = strtok_r(mods, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		*strchrnul(line, ' ') = '\0';
		if (syscall(SYS_delete_module, line, O_NONBLOCK)) {
			ret = error("cannot unload module '%s': %s", line, strerror(errno));
		} else if (opt_verbose) {
			printf("unloaded %s\n", line);
		}
	}
	free(mods);
	if (!ret)
		printf("update %s %s\n", id, applied ? "reversed" : "unloaded (it was not applied)");
	return ret ? KSPLICE_EXIT_ERROR : KSPLICE_EXIT_OK;
}
