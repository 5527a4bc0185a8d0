// SPDX-License-Identifier: GPL-2.0-only
/*
 * ksplice-livecheck: prove in CI that patches go live.
 *
 *	ksplice-livecheck --tree KERNEL_TREE --patch FILE [--test SCRIPT]
 *			  [--expect=live|no-change|refused|busy] [--junit FILE]
 *	ksplice-livecheck --tree KERNEL_TREE [--junit FILE] PATCH...
 *
 * Builds each update with ksplice-create, boots the tree's kernel once
 * under QEMU (ksplice-guest-run) and, in the guest, for each update in
 * turn: runs its test script, which must fail (the fix is not live yet);
 * applies the update; runs the script, which must pass; reverses the
 * update; runs the script, which must fail again. Then it checks that the
 * kernel log stayed clean. A test script is a busybox sh script, run in the
 * payload directory after the updates' target modules were loaded.
 * --expect=no-change and --expect=refused only check that ksplice-create
 * exits 3 (no functional change) or 2 (a blocker); --expect=busy that the
 * apply aborts with code_busy and the script keeps failing.
 *
 * In the second form, each PATCH (NAME.patch) gives its expectation in a
 * "# expect: WHAT" line of its header (default: live), and its test script
 * is NAME.live next to it (the layout of tests/patches/).
 *
 * Prints TAP on stdout, and JUnit XML to --junit FILE. Exit status: 0 when
 * every step behaved, 1 otherwise. docs/livecheck.md is the manual.
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "opts.h"
#include "run.h"
#include "util.h"

#define MAX_CASES 64

enum expect { EXPECT_LIVE, EXPECT_NO_CHANGE, EXPECT_REFUSED, EXPECT_BUSY };
static const char *const expect_names[] = {
	[EXPECT_LIVE] = "live",
	[EXPECT_NO_CHANGE] = "no-change",
	[EXPECT_REFUSED] = "refused",
	[EXPECT_BUSY] = "busy",
};

static const char *opt_tree, *opt_patch, *opt_test, *opt_expect;
static const char *opt_junit, *opt_timeout = "600";
static bool opt_keep, opt_verbose;

static const struct option options[] = {
	OPT_STRING(0, "tree", &opt_tree, "DIR", "kernel tree built with the ksplice plugin"),
	OPT_STRING(0, "patch", &opt_patch, "FILE", "the source patch (-p1)"),
	OPT_STRING(0, "test", &opt_test, "SCRIPT", "guest script: exit 0 when the fix is live"),
	OPT_STRING(0, "expect", &opt_expect, "WHAT", "live (default), no-change, refused or busy"),
	OPT_STRING(0, "junit", &opt_junit, "FILE", "also write JUnit XML to FILE"),
	OPT_STRING(0, "timeout", &opt_timeout, "SECS", "guest time limit (default 600)"),
	OPT_BOOL(0, "keep-tmp", &opt_keep, "keep the work directory"),
	OPT_BOOL('v', "verbose", &opt_verbose, "show the commands run"),
	OPT_END(),
};

static const struct command livecheck_cmd = {
	.name = "ksplice-livecheck",
	.args = "[PATCH...]",
	.min_args = 0,
	.max_args = MAX_CASES,
	.summary = "Check in a QEMU guest that patches go live, and back.",
};

struct step {
	const char *name;	/* the case, or NULL for the whole boot */
	const char *what;
	bool ok;
	char *why;		/* why it failed, or NULL */
};

struct lc_case {
	char *patch;		/* absolute */
	char *test;		/* absolute, or NULL */
	char *name;		/* the patch's file name without .patch */
	char *id;		/* the update id: name with [^A-Za-z0-9] -> '_' */
	enum expect expect;
	bool in_guest;		/* built, and checked in the boot */
};

struct livecheck {
	char *bindir;		/* where ksplice-create is */
	char *guest_run;	/* ksplice-guest-run */
	char *work;
	struct runner run;
	struct lc_case cases[MAX_CASES];
	int nr_cases;
	struct step *steps;
	size_t nr_steps, alloc_steps;
};

static void step(struct livecheck *lc, const struct lc_case *c, const char *what,
		 bool ok, const char *why)
{
	struct step *s;

	if (ALLOC_GROW(lc->steps, lc->nr_steps + 1, lc->alloc_steps))
		return;
	s = &lc->steps[lc->nr_steps++];
	s->name = c && lc->nr_cases > 1 ? c->name : NULL;
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

static int parse_expect(const char *s, size_t len, enum expect *e, const char *where)
{
	for (size_t i = 0; i < ARRAY_SIZE(expect_names); i++) {
		if (strlen(expect_names[i]) == len && !strncmp(s, expect_names[i], len)) {
			*e = i;
			return 0;
		}
	}
	return error("%s: expect live, no-change, refused or busy, not '%.*s'",
		     where, (int)len, s);
}

/* "# expect: WHAT" in the patch's header (the lines before "--- "). */
static int read_header(struct lc_case *c)
{
	struct strbuf sb = STRBUF_INIT;
	int ret = 0;

	c->expect = EXPECT_LIVE;
	if (read_file_at(AT_FDCWD, c->patch, "patch", c->patch, &sb))
		return -1;
	for (const char *l = sb.buf; l && *l && !starts_with(l, "--- ");
	     l = strchr(l, '\n') ? strchr(l, '\n') + 1 : NULL) {
		if (starts_with(l, "# expect: ")) {
			l += strlen("# expect: ");
			ret = parse_expect(l, strcspn(l, " \n"), &c->expect, c->patch);
			break;
		}
	}
	strbuf_release(&sb);
	return ret;
}

/* A case from --patch/--test/--expect, or from a PATCH argument (NAME.patch,
 * its "# expect:" header line, and NAME.live next to it). */
static int add_case(struct livecheck *lc, const char *patch, const char *test,
		    const char *expect)
{
	struct lc_case *c = &lc->cases[lc->nr_cases++];
	const char *base;
	char *p;

	c->patch = absolute(patch);
	if (!c->patch)
		return -1;
	base = strrchr(c->patch, '/') + 1;
	c->name = ends_with(base, ".patch") ? xstrfmt("%.*s", (int)strlen(base) - 6, base) :
					      xstrdup(base);
	c->id = xstrdup(c->name);
	if (!c->name || !c->id)
		return -1;
	for (p = c->id; *p; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9')))
			*p = '_';
	if (expect ? parse_expect(expect, strlen(expect), &c->expect, "'--expect'") :
		     read_header(c))
		return -1;
	if (!test && !opt_patch) {
		char *t = xstrfmt("%.*s.live", (int)(strlen(c->patch) - (ends_with(c->patch, ".patch") ? 6 : 0)),
				  c->patch);

		if (t && !access(t, F_OK))
			c->test = t;
		else
			free(t);
	} else if (test) {
		c->test = absolute(test);
		if (!c->test)
			return -1;
	}
	if ((c->expect == EXPECT_LIVE || c->expect == EXPECT_BUSY) && !c->test)
		return error("'%s' expects %s and needs a test script", c->name,
			     expect_names[c->expect]);
	return 0;
}

/* ksplice-create: returns its exit status, or -1. */
static int create(struct livecheck *lc, struct lc_case *c)
{
	char *create = xstrfmt("%s/ksplice-create", lc->bindir);
	char *out = xstrfmt("%s/%s", lc->work, c->id);
	const char *argv[] = { create, "--patch", c->patch, "--id", c->id,
			       "--description", c->name, "-o", out, opt_tree, NULL };
	int rc = create && out && !mkdir(out, 0755) ? run(&lc->run, lc->work, argv) : -1;

	free(create);
	free(out);
	return rc;
}

/*
 * The payload: the core, each update's modules in update/ID/, its target
 * modules in targets/, its test script as tests/ID.sh, the list of ids in
 * cases, and the guest script. It prints one line per step: "ID before RC",
 * "ID apply ok|failed CAUSE", "ID applied RC" (or "ID after RC" after a
 * failed apply), "ID reverse ...", "ID reversed RC".
 */
static const char guest_sh[] =
	"t() { sh ./tests/$1.sh >/dev/null 2>&1; echo $?; }\n"
	"st() { if echo $2 >/sys/kernel/ksplice/$1/stage 2>/dev/null; then echo \"$1 $2 ok\";\n"
	"	else echo \"$1 $2 failed $(cat /sys/kernel/ksplice/$1/abort_cause)\"; return 1; fi; }\n"
	"for m in targets/*.ko; do [ -e \"$m\" ] && insmod \"$m\"; done\n"
	"insmod ksplice.ko || exit 1\n"
	"while read -r id; do\n"
	"	echo \"$id before $(t $id)\"\n"
	"	for m in update/$id/*.ko; do insmod \"$m\" || exit 1; done\n"
	"	if st $id apply; then\n"
	"		echo \"$id applied $(t $id)\"\n"
	"		st $id reverse && echo \"$id reversed $(t $id)\"\n"
	"	else\n"
	"		echo \"$id after $(t $id)\"\n"
	"	fi\n"
	"	for m in update/$id/*.ko; do m=${m##*/}; rmmod ${m%.ko}; done\n"
	"done <cases\n";

static int add_to_payload(struct livecheck *lc, const struct lc_case *c)
{
	struct strbuf cmd = STRBUF_INIT;
	char *w = shell_quote(lc->work), *tree = shell_quote(opt_tree);
	char *test = shell_quote(c->test);
	int ret = -1;

	/* Target modules are found in the tree by name (the .ko of "module T"). */
	if (w && tree && test &&
	    strbuf_addf(&cmd,
			"set -e; cd %s/%s; tar -xzf ksplice-%s.tar.gz;"
			" mkdir -p ../payload/update/%s ../payload/targets ../payload/tests;"
			" cp ksplice-%s/modules/ksplice.ko ../payload/;"
			" cp %s ../payload/tests/%s.sh; echo %s >>../payload/cases;"
			" while read -r key target file; do"
			"  [ \"$key\" = module ] || continue;"
			"  cp \"ksplice-%s/$file\" ../payload/update/%s/;"
			"  [ \"$target\" = vmlinux ] && continue;"
			"  ko=$(find %s -name \"$target.ko\" | head -n 1);"
			"  [ -n \"$ko\" ] || { echo \"no '$target.ko' in the tree\" >&2; exit 1; };"
			"  cp \"$ko\" ../payload/targets/;"
			" done <ksplice-%s/contents",
			w, c->id, c->id, c->id, c->id, test, c->id, c->id, c->id, c->id, tree,
			c->id) >= 0) {
		ret = run_sh(&lc->run, NULL, cmd.buf);
		if (ret)
			ret = error("cannot add '%s' to the guest payload", c->name);
	}
	strbuf_release(&cmd);
	free(w);
	free(tree);
	free(test);
	return ret;
}

static int write_guest_sh(struct livecheck *lc)
{
	char *guest = xstrfmt("%s/payload/guest.sh", lc->work);
	FILE *f = guest ? fopen(guest, "w") : NULL;
	int ret = 0;

	if (!f || fputs(guest_sh, f) < 0 || fclose(f))
		ret = error_errno("cannot write '%s'", guest ? guest : "guest.sh");
	free(guest);
	return ret;
}

/* The value after "ID KEY " in the transcript, up to the end of its line. */
static char *field(const struct strbuf *t, const char *id, const char *key)
{
	size_t n = strlen(id), k = strlen(key);

	for (const char *l = t->buf; l && *l; l = strchr(l, '\n') ? strchr(l, '\n') + 1 : NULL)
		if (!strncmp(l, id, n) && l[n] == ' ' && !strncmp(l + n + 1, key, k) &&
		    l[n + 1 + k] == ' ')
			return xstrfmt("%.*s", (int)strcspn(l + n + 2 + k, "\n"), l + n + 2 + k);
	return NULL;
}

static void test_step(struct livecheck *lc, const struct lc_case *c, const struct strbuf *t,
		      const char *key, bool want_pass, const char *what)
{
	char *v = field(t, c->id, key);

	if (!v)
		step(lc, c, what, false, "not reached");
	else if (!strcmp(v, "0") == want_pass)
		step(lc, c, what, true, NULL);
	else
		step(lc, c, what, false, want_pass ? "the test failed" : "the test passed");
	free(v);
}

static void stage_step(struct livecheck *lc, const struct lc_case *c, const struct strbuf *t,
		       const char *key, const char *want, const char *what)
{
	char *v = field(t, c->id, key);

	if (!v)
		step(lc, c, what, false, "not reached");
	else
		step(lc, c, what, !strcmp(v, want), v);
	free(v);
}

static void case_steps(struct livecheck *lc, const struct lc_case *c, const struct strbuf *t)
{
	test_step(lc, c, t, "before", false, "the test fails before the update");
	if (c->expect == EXPECT_BUSY) {
		stage_step(lc, c, t, "apply", "failed code_busy",
			   "the apply aborts with code_busy");
		test_step(lc, c, t, "after", false, "the test still fails");
		return;
	}
	stage_step(lc, c, t, "apply", "ok", "the update applies");
	test_step(lc, c, t, "applied", true, "the test passes with the update");
	stage_step(lc, c, t, "reverse", "ok", "the update reverses");
	test_step(lc, c, t, "reversed", false, "the test fails again after the reverse");
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
	for (int i = 0; i < lc->nr_cases; i++)
		if (lc->cases[i].in_guest)
			case_steps(lc, &lc->cases[i], &t);
	step(lc, NULL, "the kernel log stayed clean", rc != 2 && rc != 3,
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
	printf("TAP version 13\n1..%zu\n", lc->nr_steps);
	for (size_t i = 0; i < lc->nr_steps; i++) {
		const struct step *s = &lc->steps[i];

		printf("%s %zu - %s%s%s\n", s->ok ? "ok" : "not ok", i + 1,
		       s->name ? s->name : "", s->name ? ": " : "", s->what);
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
		case '\'': fputs("&apos;", f); break;
		default: fputc(*s, f);
		}
	}
}

static int write_junit(const struct livecheck *lc, const char *path)
{
	FILE *f = fopen(path, "w");
	size_t failures = 0;

	if (!f)
		return error_errno("cannot write '%s'", path);
	for (size_t i = 0; i < lc->nr_steps; i++)
		failures += !lc->steps[i].ok;
	fprintf(f, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
		"<testsuite name=\"ksplice-livecheck\" tests=\"%zu\" failures=\"%zu\">\n",
		lc->nr_steps, failures);
	for (size_t i = 0; i < lc->nr_steps; i++) {
		const struct step *s = &lc->steps[i];

		fputs("  <testcase classname=\"", f);
		xml_escaped(f, s->name ? s->name : lc->nr_cases == 1 ? lc->cases[0].name : "boot");
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

static int check_options(int argc)
{
	if (!opt_tree)
		return error("'--tree' is required");
	if (!opt_patch == !argc)
		return error("give either '--patch' or PATCH arguments");
	if (!opt_patch && (opt_test || opt_expect))
		return error("'--test' and '--expect' go with '--patch'");
	if (strspn(opt_timeout, "0123456789") != strlen(opt_timeout) || !*opt_timeout)
		return error("'--timeout' takes a number of seconds, not '%s'", opt_timeout);
	return 0;
}

static int add_cases(struct livecheck *lc, int argc, char **argv)
{
	if (opt_patch)
		return add_case(lc, opt_patch, opt_test, opt_expect ? opt_expect : "live");
	for (int i = 0; i < argc; i++)
		if (add_case(lc, argv[i], NULL, NULL))
			return -1;
	for (int i = 0; i < lc->nr_cases; i++)
		for (int j = 0; j < i; j++)
			if (!strcmp(lc->cases[i].id, lc->cases[j].id))
				return error("'%s' and '%s' would have the same update id '%s'",
					     lc->cases[j].patch, lc->cases[i].patch, lc->cases[i].id);
	return 0;
}

/* Every step, recorded in lc->steps; -1 on an error of the tool itself. */
static int livecheck(struct livecheck *lc)
{
	static const char *const create_what[] = {
		[EXPECT_LIVE] = "ksplice-create built an update",
		[EXPECT_BUSY] = "ksplice-create built an update",
		[EXPECT_REFUSED] = "ksplice-create refused the patch (a blocker)",
		[EXPECT_NO_CHANGE] = "ksplice-create found no functional change",
	};
	static const int create_exit[] = {
		[EXPECT_LIVE] = KSPLICE_EXIT_OK,
		[EXPECT_BUSY] = KSPLICE_EXIT_OK,
		[EXPECT_REFUSED] = KSPLICE_EXIT_BLOCKED,
		[EXPECT_NO_CHANGE] = KSPLICE_EXIT_UNCHANGED,
	};
	bool boot = false;

	for (int i = 0; i < lc->nr_cases; i++) {
		struct lc_case *c = &lc->cases[i];
		int want = create_exit[c->expect], rc = create(lc, c);
		char why[64];

		if (rc < 0 || run_interrupted())
			return -1;
		snprintf(why, sizeof(why), "ksplice-create exited %d", rc);
		step(lc, c, create_what[c->expect], rc == want, why);
		if (rc || want)
			continue;
		if (add_to_payload(lc, c))
			return -1;
		c->in_guest = boot = true;
	}
	if (!boot)
		return 0;
	if (write_guest_sh(lc) || guest(lc))
		return -1;
	return 0;
}

int main(int argc, char **argv)
{
	struct livecheck lc = { 0 };
	const char *tmpdir = getenv("TMPDIR");
	char *log = NULL;
	bool all_ok = true;
	int ret;

	argc = parse_options(&livecheck_cmd, options, argc, argv);
	if (argc == PARSE_OPT_HELP)
		return KSPLICE_EXIT_OK;
	if (argc < 0 || check_options(argc) || find_tools(&lc))
		return KSPLICE_EXIT_ERROR;
	opt_tree = absolute(opt_tree);
	if (!opt_tree || add_cases(&lc, argc, argv))
		return KSPLICE_EXIT_ERROR;
	run_catch_signals();
	lc.work = xstrfmt("%s/ksplice-livecheck.XXXXXX", tmpdir ? tmpdir : "/tmp");
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
	for (size_t i = 0; i < lc.nr_steps; i++)
		all_ok &= lc.steps[i].ok;
	if (ret < 0 || !all_ok || opt_keep) {
		fprintf(stderr, "work directory kept: '%s' (log: livecheck.log)\n", lc.work);
	} else {
		const char *argv_rm[] = { "rm", "-rf", lc.work, NULL };

		lc.run.log = NULL;
		run(&lc.run, NULL, argv_rm);
	}
	free(log);
	return ret < 0 || !all_ok ? KSPLICE_EXIT_ERROR : KSPLICE_EXIT_OK;
}
