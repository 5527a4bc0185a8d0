// SPDX-License-Identifier: GPL-2.0-only
/*
 * ksplice-diffmeta: what a patch changed, from the sidecar metadata alone.
 *
 *	ksplice-diffmeta [--json | --quiet] PRE POST
 *
 * PRE and POST are two sidecars (X.o.ksplice.json), or two build trees
 * whose sidecars are matched by relative path. The result lists, per
 * object, the changed, new and removed functions and data, with the reason
 * for each change, and every blocker: a change a live update cannot apply.
 *
 * Exit status: 0 patchable changes, 1 error, 2 cannot be applied live,
 * 3 no functional change. On error nothing is printed on stdout. The rules
 * and the JSON format are in docs/diffmeta.md.
 */
#include <cjson/cJSON.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "diff.h"
#include "opts.h"
#include "tree.h"
#include "util.h"

static bool opt_json;
static bool opt_quiet;

static const struct option options[] = {
	OPT_BOOL('j', "json", &opt_json, "print one JSON document (docs/diffmeta.md)"),
	OPT_BOOL('q', "quiet", &opt_quiet, "print nothing; report through the exit status"),
	OPT_END(),
};

static const struct command diffmeta_cmd = {
	.name = "ksplice-diffmeta",
	.args = "PRE POST",
	.min_args = 2,
	.max_args = 2,
	.summary = "Compare two sidecars, or two build trees of sidecars, and say what\n"
		   "changed at the function level and whether it can be applied live.\n"
		   "Exit status: 0 patchable, 1 error, 2 cannot be applied live,\n"
		   "3 no functional change.",
};

static const char *const kind_names[NR_CHANGE_KINDS] = {
	[CHANGED_FUNCTION] = "changed_functions",
	[NEW_FUNCTION] = "new_functions",
	[REMOVED_FUNCTION] = "removed_functions",
	[CHANGED_DATA] = "changed_data",
	[NEW_DATA] = "new_data",
	[REMOVED_DATA] = "removed_data",
	[BLOCKER] = "blockers",
};

static const char *const kind_labels[NR_CHANGE_KINDS] = {
	[CHANGED_FUNCTION] = "changed function",
	[NEW_FUNCTION] = "new function",
	[REMOVED_FUNCTION] = "removed function",
	[CHANGED_DATA] = "changed data",
	[NEW_DATA] = "new data",
	[REMOVED_DATA] = "removed data",
};

static const char *const sym_names[] = {
	[SYM_FUNCTION] = "function",
	[SYM_DATA] = "data",
	[SYM_OBJECT] = "object",
};

static const char *const status_names[] = {
	[OBJECT_CHANGED] = "changed",
	[OBJECT_NEW] = "new",
	[OBJECT_REMOVED] = "removed",
};

static const char *result_name(int status)
{
	return status == KSPLICE_EXIT_BLOCKED ? "blocked" :
	       status == KSPLICE_EXIT_UNCHANGED ? "unchanged" : "patchable";
}

static int print_change(struct strbuf *out, const struct change *ch)
{
	if (ch->kind == BLOCKER)
		return strbuf_addf(out, "  blocker: %s '%s'%s%s%s: %s\n",
				   sym_names[ch->sym], ch->name,
				   ch->owner ? " (static local of '" : "",
				   ch->owner ? ch->owner : "",
				   ch->owner ? "')" : "", ch->reason);
	return strbuf_addf(out, "  %s '%s'%s%s%s%s%s\n", kind_labels[ch->kind],
			   ch->name,
			   ch->owner ? " (static local of '" : "",
			   ch->owner ? ch->owner : "", ch->owner ? "')" : "",
			   ch->reason ? ": " : "", ch->reason ? ch->reason : "");
}

static int format_text(const struct diff *d, struct strbuf *out)
{
	size_t i, c = 0;
	int status = diff_status(d);

	for (i = 0; i < d->nr_objects; i++) {
		const struct diff_object *o = &d->objects[i];

		if (strbuf_addf(out, "%s%s:%s\n", i ? "\n" : "", o->object,
				o->status == OBJECT_NEW ? " (new object)" :
				o->status == OBJECT_REMOVED ? " (removed object)" : ""))
			return -1;
		for (; c < d->nr && d->changes[c].object == o->object; c++)
			if (print_change(out, &d->changes[c]))
				return -1;
	}
	if (d->nr_objects && strbuf_addstr(out, "\n"))
		return -1;
	if (status == KSPLICE_EXIT_UNCHANGED)
		return strbuf_addstr(out, "result: no functional change\n");
	if (status == KSPLICE_EXIT_BLOCKED)
		return strbuf_addf(out, "result: cannot be applied live (%zu blocker%s)\n",
				   diff_count(d, BLOCKER),
				   diff_count(d, BLOCKER) > 1 ? "s" : "");
	return strbuf_addf(out, "result: patchable (functions: %zu changed, %zu new, %zu removed; data: %zu changed, %zu new, %zu removed)\n",
			   diff_count(d, CHANGED_FUNCTION),
			   diff_count(d, NEW_FUNCTION),
			   diff_count(d, REMOVED_FUNCTION),
			   diff_count(d, CHANGED_DATA), diff_count(d, NEW_DATA),
			   diff_count(d, REMOVED_DATA));
}

static cJSON *json_change(const struct change *ch)
{
	cJSON *e = cJSON_CreateObject();
	size_t i;

	if (!e || !cJSON_AddStringToObject(e, "object", ch->object) ||
	    (ch->kind == BLOCKER &&
	     !cJSON_AddStringToObject(e, "kind", sym_names[ch->sym])) ||
	    !cJSON_AddStringToObject(e, "name", ch->name) ||
	    (ch->owner && !cJSON_AddStringToObject(e, "owner", ch->owner)) ||
	    (ch->reason && !cJSON_AddStringToObject(e, "reason", ch->reason)))
		goto fail;
	if (ch->nr_callees) {
		cJSON *v = cJSON_AddArrayToObject(e, "inlined_callees");

		for (i = 0; v && i < ch->nr_callees; i++) {
			cJSON *s = cJSON_CreateString(ch->callees[i]);

			if (!s)
				goto fail;
			cJSON_AddItemToArray(v, s);
		}
		if (!v)
			goto fail;
	}
	return e;
fail:
	cJSON_Delete(e);
	return NULL;
}

static int build_json(const struct diff *d, const char *pre, const char *post,
		      cJSON *root)
{
	cJSON *arrays[NR_CHANGE_KINDS], *objects;
	int status = diff_status(d);
	size_t i;

	if (!cJSON_AddNumberToObject(root, "version", 1) ||
	    !cJSON_AddStringToObject(root, "pre", pre) ||
	    !cJSON_AddStringToObject(root, "post", post) ||
	    !cJSON_AddStringToObject(root, "result", result_name(status)) ||
	    !cJSON_AddNumberToObject(root, "exit_status", status) ||
	    !(objects = cJSON_AddArrayToObject(root, "objects")))
		return -1;
	for (i = 0; i < d->nr_objects; i++) {
		cJSON *o = cJSON_CreateObject();

		if (!o)
			return -1;
		cJSON_AddItemToArray(objects, o);
		if (!cJSON_AddStringToObject(o, "object", d->objects[i].object) ||
		    !cJSON_AddStringToObject(o, "status",
					     status_names[d->objects[i].status]))
			return -1;
	}
	for (i = 0; i < NR_CHANGE_KINDS; i++)
		if (!(arrays[i] = cJSON_AddArrayToObject(root, kind_names[i])))
			return -1;
	for (i = 0; i < d->nr; i++) {
		cJSON *e = json_change(&d->changes[i]);

		if (!e)
			return -1;
		cJSON_AddItemToArray(arrays[d->changes[i].kind], e);
	}
	return 0;
}

static int format_json(const struct diff *d, const char *pre, const char *post,
		       struct strbuf *out)
{
	cJSON *root = cJSON_CreateObject();
	char *text = NULL;
	int ret = -1;

	if (root && !build_json(d, pre, post, root))
		text = cJSON_Print(root);
	if (text)
		ret = strbuf_addstr(out, text) || strbuf_addstr(out, "\n");
	else
		error("out of memory");
	cJSON_free(text);
	cJSON_Delete(root);
	return ret;
}

static bool is_dir(const char *path)
{
	struct stat st;

	return !stat(path, &st) && S_ISDIR(st.st_mode);
}

/* Everything is computed before anything is printed: on error, no stdout. */
static int diffmeta(const char *pre, const char *post)
{
	struct diff d = { 0 };
	struct strbuf out = STRBUF_INIT;
	int ret = KSPLICE_EXIT_ERROR;

	if (is_dir(pre) && is_dir(post) ? diff_trees(&d, pre, post) :
	    diff_files(&d, pre, post))
		goto out;
	diff_sort(&d);
	if (!opt_quiet && (opt_json ? format_json(&d, pre, post, &out) :
			   format_text(&d, &out)))
		goto out;
	if (out.len && (fwrite(out.buf, 1, out.len, stdout) != out.len ||
			fflush(stdout))) {
		error_errno("cannot write the result");
		goto out;
	}
	ret = diff_status(&d);
out:
	diff_release(&d);
	strbuf_release(&out);
	return ret;
}

int cmd_diffmeta(int argc, char **argv)
{
	int n = parse_options(&diffmeta_cmd, options, argc, argv);

	if (n == PARSE_OPT_HELP)
		return KSPLICE_EXIT_OK;
	if (n < 0 || opt_exclusive(options, &opt_json, &opt_quiet, NULL))
		return KSPLICE_EXIT_ERROR;
	return diffmeta(argv[0], argv[1]);
}

int main(int argc, char **argv)
{
	return cmd_diffmeta(argc, argv);
}
