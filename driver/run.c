// SPDX-License-Identifier: GPL-2.0-only
/*
 * run.c: run commands for the driver tools; see run.h.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "run.h"
#include "util.h"

static volatile sig_atomic_t interrupted;

static void on_signal(int sig)
{
	interrupted = sig;
}

void run_catch_signals(void)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
}

bool run_interrupted(void)
{
	return interrupted != 0;
}

char *shell_quote(const char *s)
{
	struct strbuf sb = STRBUF_INIT;

	if (*s && strspn(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
			    "0123456789_-+=./:,@%") == strlen(s))
		return xstrdup(s);
	if (strbuf_addstr(&sb, "'"))
		return NULL;
	for (; *s; s++) {
		if (*s == '\'' ? strbuf_addstr(&sb, "'\\''") : strbuf_add(&sb, s, 1))
			goto oom;
	}
	if (strbuf_addstr(&sb, "'"))
		goto oom;
	return strbuf_detach(&sb);
oom:
	strbuf_release(&sb);
	return NULL;
}

static int remember(struct runner *r, const char *cwd, const char *const *argv)
{
	struct strbuf sb = STRBUF_INIT;

	for (int i = 0; argv[i]; i++) {
		char *q = shell_quote(argv[i]);

		if (!q || (i && strbuf_addstr(&sb, " ")) || strbuf_addstr(&sb, q)) {
			free(q);
			strbuf_release(&sb);
			return -1;
		}
		free(q);
	}
	free(r->last);
	free(r->last_cwd);
	r->last = strbuf_detach(&sb);
	r->last_cwd = cwd ? xstrdup(cwd) : NULL;
	if (!r->last || (cwd && !r->last_cwd))
		return -1;
	if (r->verbose)
		fprintf(stderr, "+ %s%s%s\n", cwd ? "cd " : "", cwd ? cwd : "",
			cwd ? " && " : "");
	if (r->verbose)
		fprintf(stderr, "+   %s\n", r->last);
	return 0;
}

/* In the child: enter nsfd, go to cwd, send output to the log, exec. Never returns. */
static void child(const struct runner *r, const char *cwd, int nsfd,
		  const char *const *argv)
{
	if (nsfd >= 0 && setns(nsfd, CLONE_NEWNS)) {
		fprintf(stderr, "error: cannot enter the build's mount namespace: %s\n",
			strerror(errno));
		_exit(127);
	}
	if (cwd && chdir(cwd)) {
		fprintf(stderr, "error: cannot enter '%s': %s\n", cwd, strerror(errno));
		_exit(127);
	}
	if (r->log) {
		int fd = open(r->log, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0644);

		if (fd < 0) {
			fprintf(stderr, "error: cannot open log '%s': %s\n",
				r->log, strerror(errno));
			_exit(127);
		}
		dprintf(fd, "$ %s\n", r->last);
		if (dup2(fd, 1) < 0 || dup2(fd, 2) < 0)
			_exit(127);
	}
	execvp(argv[0], (char *const *)argv);
	fprintf(stderr, "error: cannot run '%s': %s\n", argv[0], strerror(errno));
	_exit(127);
}

int run(struct runner *r, const char *cwd, const char *const *argv)
{
	pid_t pid;
	int status;

	if (remember(r, cwd, argv))
		return error("out of memory");
	if (interrupted)
		return 128 + interrupted;
	fflush(NULL);
	pid = fork();
	if (pid < 0)
		return error_errno("cannot start '%s'", argv[0]);
	if (!pid)
		child(r, cwd, -1, argv);
	while (waitpid(pid, &status, 0) < 0) {
		if (errno != EINTR)
			return error_errno("cannot wait for '%s'", argv[0]);
	}
	if (WIFSIGNALED(status))
		return 128 + WTERMSIG(status);
	if (interrupted)
		return 128 + interrupted;
	return WEXITSTATUS(status);
}

int run_sh(struct runner *r, const char *cwd, const char *cmdline)
{
	const char *argv[] = { "/bin/sh", "-c", cmdline, NULL };

	return run(r, cwd, argv);
}

static int start_job(struct runner *r, struct run_job *j)
{
	const char *argv[] = { "/bin/sh", "-c", j->cmdline, NULL };

	if (remember(r, j->cwd, argv))
		return error("out of memory");
	fflush(NULL);
	j->pid = fork();
	if (j->pid < 0)
		return error_errno("cannot start '%s'", j->what);
	if (!j->pid)
		child(r, j->cwd, j->nsfd, argv);
	return 0;
}

static int wait_job(struct run_job *jobs, size_t nr)
{
	int status;
	pid_t pid;

	while ((pid = wait(&status)) < 0) {
		if (errno != EINTR)
			return error_errno("cannot wait for the build jobs");
	}
	for (size_t i = 0; i < nr; i++) {
		if (jobs[i].pid != pid)
			continue;
		jobs[i].pid = 0;
		jobs[i].status = WIFSIGNALED(status) ? 128 + WTERMSIG(status) :
						       WEXITSTATUS(status);
		return 0;
	}
	return 0;
}

int run_jobs(struct runner *r, struct run_job *jobs, size_t nr, unsigned int max,
	     size_t *failed)
{
	size_t next = 0, running = 0;
	int ret = 0;

	for (size_t i = 0; i < nr; i++) {
		jobs[i].pid = 0;
		jobs[i].status = -1;	/* not run */
	}
	while (next < nr || running) {
		bool stop = ret || interrupted;

		for (size_t i = 0; i < next && !stop; i++)
			stop = jobs[i].status > 0;
		if (!stop && next < nr && running < (max ? max : 1)) {
			if (start_job(r, &jobs[next])) {
				*failed = next;
				ret = -1;
			} else {
				running++;
			}
			next++;
			continue;
		}
		if (!running)
			break;
		if (wait_job(jobs, nr))
			return -1;
		running--;
	}
	if (ret)
		return ret;
	for (size_t i = 0; i < next; i++) {
		if (jobs[i].status == 0)
			continue;
		*failed = i;
		free(r->last);
		free(r->last_cwd);
		r->last = xstrdup(jobs[i].cmdline);
		r->last_cwd = jobs[i].cwd ? xstrdup(jobs[i].cwd) : NULL;
		return jobs[i].status;
	}
	return interrupted ? 128 + interrupted : 0;
}

void run_print_reproduce(const struct runner *r)
{
	if (!r->last)
		return;
	fprintf(stderr, "reproduce with:\n  %s%s%s%s%s\n",
		r->prefix ? r->prefix : "",
		r->last_cwd ? "cd " : "", r->last_cwd ? r->last_cwd : "",
		r->last_cwd ? " && " : "", r->last);
	if (r->log)
		fprintf(stderr, "output in '%s'\n", r->log);
}

void runner_release(struct runner *r)
{
	free(r->last);
	free(r->last_cwd);
	r->last = r->last_cwd = NULL;
}
