// SPDX-License-Identifier: GPL-2.0-only
/*
 * ksplice-livecheck: prove in CI that a patch goes live.
 *
 *	ksplice-livecheck --tree KERNEL_TREE --patch FILE --test SCRIPT
 *			  [--expect=live|no-change|refused] [--junit FILE]
 *			  [--timeout SECS] [--keep-tmp] [-v]
 *
 * Builds the update with ksplice-create, boots the tree's kernel under
 * QEMU (ksplice-guest-run) and, in the guest: runs SCRIPT, which must fail
 * (the fix is not live yet); applies the update; runs SCRIPT, which must
 * pass; reverses the update; runs SCRIPT, which must fail again; and checks
 * that the kernel log stayed clean. SCRIPT is a busybox sh script; it runs
 * in the payload directory, after the update's target modules (if any)
 * were loaded. --expect=no-change and --expect=refused only check that
 * ksplice-create exits 3 (no functional change) or 2 (a blocker).
 *
 * Prints TAP on stdout, and JUnit XML to --junit FILE. Exit status: 0 when
 * every step behaved, 1 otherwise.
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "opts.h"
#include "run.h"
#include "util.h"

#define UPDATE_ID "livecheck"
#define MAX_STEPS 8

static const char *opt_tree, *opt_patch, *opt_test, *opt_expect = "live";
static const char *opt_junit, *opt_timeout = "600";
static bool opt_keep, opt_verbose;

static const struct option options[] = {
	OPT_STRING(0, "tree", &opt_tree, "DIR", "kernel tree built with the ksplice plugin"),
	OPT_STRING(0, "patch", &opt_patch, "FILE", "the source patch (-p1)"),
	OPT_STRING(0, "test", &opt_test, "SCRIPT", "guest script: exit 0 when the fix is live"),
	OPT_STRING(0, "expect", &opt_expect, "WHAT", "live (default), no-change or refused"),
	OPT_STRING(0, "junit", &opt_junit, "FILE", "also write JUnit XML to FILE"),
	OPT_STRING(0, "timeout", &opt_timeout, "SECS", "guest time limit (default 600)"),
	OPT_BOOL(0, "keep-tmp", &opt_keep, "keep the work directory"),
	OPT_BOOL('v', "verbose", &opt_verbose, "show the commands run"),
	OPT_END(),
};

static const struct command livecheck_cmd = {
	.name = "ksplice-livecheck",
	.args = "",
	.min_args = 0,
	.max_args = 0,
	.summary = "Check in a QEMU guest that a patch goes live, and back.",
};

struct step {
	const char *what;
	bool ok;
	char *why;		/* why it failed, or NULL */
};

struct livecheck {
	char *bindir;		/* where ksplice-create is */
	char *guest_run;	/* ksplice-guest-run */
	char *work;
	struct runner run;
	struct step steps[MAX_STEPS];
	int nr_steps;
};

static void step(struct livecheck *lc, const char *what, bool ok, const char *why)
{
	struct step *s = &lc->steps[lc->nr_steps++];

	s->what = what;
	s->ok = ok;
	s->why = ok || !why ? NULL : xstrdup(why);
}

static int find_tools(struct livecheck *lc)
{
	char exe[PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	const char *top = getenv("KSPLICE_TOP");

	if (n < 0)
		return error_errno("cannot find the ksplice-livecheck binary");
	exe[n] = '\0';
	*strrchr(exe, '/') = '\0';
	lc->bindir = xstrdup(exe);
	/* driver/build/ in a checkout; the runner is a script in driver/. */
	lc->guest_run = top ? xstrfmt("%s/driver/ksplice-guest-run", top) :
			      xstrfmt("%s/../ksplice-guest-run", exe);
	if (!lc->bindir || !lc->guest_run)
		return -1;
	if (access(lc->guest_run, X_OK))
		return error_errno("cannot run '%s' (set KSPLICE_TOP to the ksplice checkout)",
				   lc->guest_run);
	return 0;
}

static char *absolute(const char *path)
{
	char *p = realpath(path, NULL);

	if (!p)
		error_errno("cannot find '%s'", path);
	return p;
}

/* ksplice-create: returns its exit status, or -1. */
static int create(struct livecheck *lc)
{
	char *create = xstrfmt("%s/ksplice-create", lc->bindir);
	const char *argv[] = { create, "--patch", opt_patch, "--id", UPDATE_ID,
			       "--description", opt_patch, "-o", lc->work, opt_tree, NULL };
	int rc = run(&lc->run, lc->work, argv);

	free(create);
	return rc;
}

/*
 * The payload: the core, the update modules, their target modules, the
 * test script and the guest script, which prints one line per step:
 * "before RC", "apply ok|failed CAUSE", "applied RC", "reverse ...",
 * "reversed RC".
 */
static const char guest_sh[] =
	"U=/sys/kernel/ksplice/" UPDATE_ID "\n"
	"t() { sh ./test.sh >/dev/null 2>&1; echo $?; }\n"
	"st() { if echo $1 >$U/stage 2>/dev/null; then echo \"$1 ok\";\n"
	"	else echo \"$1 failed $(cat $U/abort_cause)\"; return 1; fi; }\n"
	"for m in targets/*.ko; do [ -e \"$m\" ] && insmod \"$m\"; done\n"
	"insmod ksplice.ko || exit 1\n"
	"echo \"before $(t)\"\n"
	"for m in update/*.ko; do insmod \"$m\" || exit 1; done\n"
	"st apply || exit 0\n"
	"echo \"applied $(t)\"\n"
	"st reverse || exit 0\n"
	"echo \"reversed $(t)\"\n";

static int make_payload(struct livecheck *lc)
{
	struct strbuf cmd = STRBUF_INIT;
	char *w = shell_quote(lc->work), *tree = shell_quote(opt_tree);
	char *test = shell_quote(opt_test);
	char *guest = xstrfmt("%s/payload/guest.sh", lc->work);
	FILE *f;
	int ret = -1;

	if (!w || !tree || !test || !guest)
		goto out;
	/* Target modules are found in the tree by name (the .ko of "module T"). */
	if (strbuf_addf(&cmd,
			"set -e; cd %s; tar -xzf ksplice-" UPDATE_ID ".tar.gz;"
			" mkdir -p payload/update payload/targets;"
			" cp ksplice-" UPDATE_ID "/modules/ksplice.ko payload/;"
			" cp %s payload/test.sh;"
			" while read -r key target file; do"
			"  [ \"$key\" = module ] || continue;"
			"  cp \"ksplice-" UPDATE_ID "/$file\" payload/update/;"
			"  [ \"$target\" = vmlinux ] && continue;"
			"  ko=$(find %s -name \"$target.ko\" | head -n 1);"
			"  [ -n \"$ko\" ] || { echo \"no '$target.ko' in the tree\" >&2; exit 1; };"
			"  cp \"$ko\" payload/targets/;"
			" done <ksplice-" UPDATE_ID "/contents",
			w, test, tree) < 0)
		goto out;
	if (run_sh(&lc->run, NULL, cmd.buf)) {
		error("cannot build the guest payload");
		goto out;
	}
	f = fopen(guest, "w");
	if (!f || fputs(guest_sh, f) < 0 || fclose(f)) {
		error_errno("cannot write '%s'", guest);
		goto out;
	}
	ret = 0;
out:
	strbuf_release(&cmd);
	free(w);
	free(tree);
	free(test);
	free(guest);
	return ret;
}

/* The value after "KEY " in the transcript, or NULL. */
static const char *field(const struct strbuf *t, const char *key)
{
	size_t n = strlen(key);

	for (const char *l = t->buf; l && *l; l = strchr(l, '\n') ? strchr(l, '\n') + 1 : NULL)
		if (!strncmp(l, key, n) && l[n] == ' ')
			return l + n + 1;
	return NULL;
}

static void test_step(struct livecheck *lc, const struct strbuf *t, const char *key,
		      bool want_pass, const char *what)
{
	const char *v = field(t, key);

	if (!v)
		return step(lc, what, false, "not reached");
	if ((*v == '0' && v[1] == '\n') == want_pass)
		return step(lc, what, true, NULL);
	step(lc, what, false, want_pass ? "the test failed" : "the test passed");
}

static void stage_step(struct livecheck *lc, const struct strbuf *t, const char *key,
		       const char *what)
{
	const char *v = field(t, key);
	char why[128];

	if (!v)
		return step(lc, what, false, "not reached");
	if (starts_with(v, "ok\n") || !strcmp(v, "ok"))
		return step(lc, what, true, NULL);
	snprintf(why, sizeof(why), "%.*s", (int)strcspn(v, "\n"), v);
	step(lc, what, false, why);
}

static int guest(struct livecheck *lc)
{
	struct strbuf t = STRBUF_INIT;
	char *cmd = NULL, *q[4] = { NULL };
	char *kernel = xstrfmt("%s/arch/x86/boot/bzImage", opt_tree);
	int rc = -1;

	q[0] = shell_quote(lc->guest_run);
	q[1] = shell_quote(kernel);
	q[2] = shell_quote(lc->work);
	q[3] = shell_quote(opt_timeout);
	if (!q[0] || !q[1] || !q[2] || !q[3])
		goto out;
	cmd = xstrfmt("%s --kernel %s --payload %s/payload --timeout %s"
		      " --console %s/console.log >%s/transcript",
		      q[0], q[1], q[2], q[3], q[2], q[2]);
	if (!cmd)
		goto out;
	rc = run_sh(&lc->run, NULL, cmd);
	if (rc < 0)
		goto out;
	free(cmd);
	cmd = xstrfmt("%s/transcript", lc->work);
	if (!cmd || read_file_at(AT_FDCWD, cmd, "transcript", cmd, &t) < 0) {
		rc = -1;
		goto out;
	}
	test_step(lc, &t, "before", false, "the test fails before the update");
	stage_step(lc, &t, "apply", "the update applies");
	test_step(lc, &t, "applied", true, "the test passes with the update");
	stage_step(lc, &t, "reverse", "the update reverses");
	test_step(lc, &t, "reversed", false, "the test fails again after the reverse");
	step(lc, "the kernel log stayed clean", rc != 2 && rc != 3,
	     rc == 2 ? "the guest hung or died" : "oops, BUG or WARNING in the kernel log");
	rc = 0;
out:
	strbuf_release(&t);
	for (int i = 0; i < 4; i++)
		free(q[i]);
	free(cmd);
	free(kernel);
	return rc;
}

static void print_tap(const struct livecheck *lc)
{
	printf("TAP version 13\n1..%d\n", lc->nr_steps);
	for (int i = 0; i < lc->nr_steps; i++) {
		const struct step *s = &lc->steps[i];

		printf("%s %d - %s\n", s->ok ? "ok" : "not ok", i + 1, s->what);
		if (s->why)
			printf("  ---\n  message: '%s'\n  ...\n", s->why);
	}
}

static void xml_escaped(FILE *f, const char *s)
{
	for (; *s; s++) {
		switch (*s) {
		case '<': fputs("&lt;", f); break;
		case '>': fputs("&gt;", f); break;
		case '&': fputs("&amp;", f); break;
		case '"': fputs("&quot;", f); break;
		default: fputc(*s, f);
		}
	}
}

static int write_junit(const struct livecheck *lc, const char *path)
{
	FILE *f = fopen(path, "w");
	int failures = 0;

	if (!f)
		return error_errno("cannot write '%s'", path);
	for (int i = 0; i < lc->nr_steps; i++)
		failures += !lc->steps[i].ok;
	fprintf(f, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
		"<testsuite name=\"ksplice-livecheck\" tests=\"%d\" failures=\"%d\">\n",
		lc->nr_steps, failures);
	for (int i = 0; i < lc->nr_steps; i++) {
		const struct step *s = &lc->steps[i];

		fputs("  <testcase classname=\"", f);
		xml_escaped(f, opt_patch);
		fputs("\" name=\"", f);
		xml_escaped(f, s->what);
		if (s->ok) {
			fputs("\"/>\n", f);
			continue;
		}
		fputs("\">\n    <failure message=\"", f);
		xml_escaped(f, s->why ? s->why : "failed");
		fputs("\"/>\n  </testcase>\n", f);
	}
	fputs("</testsuite>\n", f);
	if (fclose(f))
		return error_errno("cannot write '%s'", path);
	return 0;
}

static int check_options(void)
{
	if (!opt_tree || !opt_patch)
		return error("'--tree' and '--patch' are required");
	if (strcmp(opt_expect, "live") && strcmp(opt_expect, "no-change") &&
	    strcmp(opt_expect, "refused"))
		return error("'--expect' must be live, no-change or refused, not '%s'", opt_expect);
	if (!strcmp(opt_expect, "live") && !opt_test)
		return error("'--test' is required with --expect=live");
	if (strspn(opt_timeout, "0123456789") != strlen(opt_timeout) || !*opt_timeout)
		return error("'--timeout' takes a number of seconds, not '%s'", opt_timeout);
	return 0;
}

/* Every step, recorded in lc->steps; -1 on an error of the tool itself. */
static int livecheck(struct livecheck *lc)
{
	static const char *const create_what[] = {
		[0] = "ksplice-create built an update",
		[2] = "ksplice-create refused the patch (a blocker)",
		[3] = "ksplice-create found no functional change",
	};
	int want = !strcmp(opt_expect, "refused") ? 2 : !strcmp(opt_expect, "no-change") ? 3 : 0;
	char why[64];
	int rc = create(lc);

	if (rc < 0)
		return -1;
	snprintf(why, sizeof(why), "ksplice-create exited %d", rc);
	step(lc, create_what[want], rc == want, why);
	if (rc != want || want)
		return 0;
	if (make_payload(lc) || guest(lc))
		return -1;
	return 0;
}

int main(int argc, char **argv)
{
	struct livecheck lc = { 0 };
	char tmpl[] = "/tmp/ksplice-livecheck.XXXXXX";
	const char *tmpdir = getenv("TMPDIR");
	char *log = NULL;
	bool all_ok = true;
	int ret;

	argc = parse_options(&livecheck_cmd, options, argc, argv);
	if (argc == PARSE_OPT_HELP)
		return KSPLICE_EXIT_OK;
	if (argc < 0 || check_options() || find_tools(&lc))
		return KSPLICE_EXIT_ERROR;
	opt_tree = absolute(opt_tree);
	opt_patch = absolute(opt_patch);
	if (!opt_tree || !opt_patch || (opt_test && !(opt_test = absolute(opt_test))))
		return KSPLICE_EXIT_ERROR;
	run_catch_signals();
	lc.work = tmpdir ? xstrfmt("%s/ksplice-livecheck.XXXXXX", tmpdir) : xstrdup(tmpl);
	if (!lc.work || !mkdtemp(lc.work)) {
		error_errno("cannot create a work directory");
		return KSPLICE_EXIT_ERROR;
	}
	log = xstrfmt("%s/livecheck.log", lc.work);
	lc.run.log = log;
	lc.run.verbose = opt_verbose;
	ret = livecheck(&lc);
	if (lc.nr_steps)
		print_tap(&lc);
	if (opt_junit && write_junit(&lc, opt_junit))
		ret = -1;
	for (int i = 0; i < lc.nr_steps; i++)
		all_ok &= lc.steps[i].ok;
	if (ret < 0 || !all_ok || opt_keep) {
		fprintf(stderr, "work directory kept: '%s' (log: livecheck.log)\n", lc.work);
	} else {
		const char *argv_rm[] = { "rm", "-rf", lc.work, NULL };

		lc.run.log = NULL;
		run(&lc.run, NULL, argv_rm);
	}
	return ret < 0 || !all_ok ? KSPLICE_EXIT_ERROR : KSPLICE_EXIT_OK;
}
