/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * run.h: run the commands a tool drives (make, patch, the compiler, tar).
 *
 * A struct runner carries what every command of a tool run shares: whether
 * to show commands (-v), the log that collects their output, and the last
 * command run, shell-quoted, so that a failing step can be reproduced by
 * hand. SIGINT and SIGTERM are caught once for the whole tool: the child
 * gets the signal too (same process group) and stops, and run_interrupted()
 * tells the caller to clean up instead of going on.
 */
#ifndef KSPLICE_RUN_H
#define KSPLICE_RUN_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

struct runner {
	bool verbose;		/* print each command on stderr */
	const char *log;	/* append commands and their output here; NULL: inherit */
	const char *prefix;	/* shown before the command in "reproduce with", or NULL */
	char *last;		/* the last command, as a shell command line */
	char *last_cwd;		/* and the directory it ran in */
};

/* Catch SIGINT and SIGTERM for the rest of the process. */
void run_catch_signals(void);
/* Was the tool asked to stop? */
bool run_interrupted(void);

/*
 * Run argv (a NULL-terminated vector) in directory cwd (NULL: the current
 * one). Returns its exit status (0 success), 128 + N if it was killed by
 * signal N, or -1 if it could not be started (after reporting why).
 */
int run(struct runner *r, const char *cwd, const char *const *argv);
/* Run a shell command line with /bin/sh -c. */
int run_sh(struct runner *r, const char *cwd, const char *cmdline);

/*
 * A command of a parallel batch: a shell command line run in cwd, inside
 * the mount namespace nsfd (-1: the tool's own), as step "what".
 */
struct run_job {
	const char *what;
	const char *cwd;
	const char *cmdline;
	int nsfd;
	pid_t pid;
	int status;
};

/*
 * Run jobs, at most max at a time. Returns 0 if all succeeded; otherwise
 * *failed is the first failing job (in array order), the runner remembers
 * it as the last command for run_print_reproduce(), and the result is its
 * exit status (128 + N for signal N), or -1 if a job could not be started
 * (reported). After a failure or an interrupt no new job starts; the
 * running ones are waited for. Each job's output goes to the log.
 */
int run_jobs(struct runner *r, struct run_job *jobs, size_t nr, unsigned int max,
	     size_t *failed);

/* Print "reproduce with: ..." for the last command on stderr. */
void run_print_reproduce(const struct runner *r);

/* A malloc'ed copy of s quoted for the shell (NULL on OOM, reported). */
char *shell_quote(const char *s);

void runner_release(struct runner *r);

#endif
