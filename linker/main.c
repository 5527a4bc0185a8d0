// SPDX-License-Identifier: GPL-2.0-only
/*
 * ksplice-link - extract the changed functions of a kernel object into a
 * ksplice update object. docs/linker.md is the manual.
 *
 *   ksplice-link -o OUT.o --id ID --target T --kernel-release R
 *                [--description TEXT] [--nr-targets N] [--symvers FILE]
 *                (--object NAME --pre PRE.o --post POST.o
 *                 [--changed F,..] [--new F,..] [--new-data D,..])...
 *   ksplice-link --dump UPDATE.o
 *   ksplice-link --klp-finish UPDATE.ko
 *
 * Exit status: 0 success, 1 error.
 */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "link.h"
#include "warn.h"

enum {
	OPT_OBJECT = 256, OPT_PRE, OPT_POST, OPT_CHANGED, OPT_NEW, OPT_NEW_DATA,
	OPT_ID, OPT_TARGET, OPT_RELEASE, OPT_DESCRIPTION, OPT_NR_TARGETS,
	OPT_SYMVERS, OPT_DUMP, OPT_KLP, OPT_KLP_FINISH,
};

static const struct {
	struct option opt;
	const char *arg, *help;
} options[] = {
	{ { "output", 1, NULL, 'o' }, "FILE", "the update object to write" },
	{ { "id", 1, NULL, OPT_ID }, "ID", "the update id" },
	{ { "target", 1, NULL, OPT_TARGET }, "NAME", "vmlinux, or the module patched" },
	{ { "kernel-release", 1, NULL, OPT_RELEASE }, "REL", "uname -r of the kernel" },
	{ { "description", 1, NULL, OPT_DESCRIPTION }, "TEXT", "one line for ksplice-view" },
	{ { "nr-targets", 1, NULL, OPT_NR_TARGETS }, "N", "modules in the update (1)" },
	{ { "symvers", 1, NULL, OPT_SYMVERS }, "FILE",
	  "Module.symvers: what the loader may resolve (default: any global)" },
	{ { "klp", 1, NULL, OPT_KLP }, "MAP",
	  "System.map of a CONFIG_LIVEPATCH kernel: loader references to unexported vmlinux symbols become livepatch relocations" },
	{ { "object", 1, NULL, OPT_OBJECT }, "NAME",
	  "start a changed object, named relative to the tree" },
	{ { "pre", 1, NULL, OPT_PRE }, "FILE", "its build from the original source" },
	{ { "post", 1, NULL, OPT_POST }, "FILE", "its build from the patched source" },
	{ { "changed", 1, NULL, OPT_CHANGED }, "F,..", "changed functions" },
	{ { "new", 1, NULL, OPT_NEW }, "F,..", "new functions" },
	{ { "new-data", 1, NULL, OPT_NEW_DATA }, "D,..", "new data objects" },
	{ { "dump", 1, NULL, OPT_DUMP }, "FILE", "print the tables of an update object" },
	{ { "klp-finish", 1, NULL, OPT_KLP_FINISH }, "MODULE",
	  "turn a linked update module's .klp.sym references into livepatch relocations" },
	{ { "verbose", 0, NULL, 'v' }, NULL, "say what is copied and kept" },
	{ { "help", 0, NULL, 'h' }, NULL, "this text" },
};

#define NR_OPTIONS (sizeof(options) / sizeof(options[0]))

static void usage(FILE *f)
{
	fprintf(f, "usage: ksplice-link -o OUT.o --id ID --target T --kernel-release R [OPTIONS]\n"
		   "                    (--object NAME --pre PRE.o --post POST.o [--changed F,..]\n"
		   "                     [--new F,..] [--new-data D,..])...\n"
		   "       ksplice-link --dump UPDATE.o\n"
		   "       ksplice-link --klp-finish UPDATE.ko\n\n");
	for (unsigned int i = 0; i < NR_OPTIONS; i++) {
		char buf[64];

		snprintf(buf, sizeof(buf), "--%s%s%s", options[i].opt.name,
			 options[i].arg ? " " : "", options[i].arg ? options[i].arg : "");
		fprintf(f, "  %-24s %s\n", buf, options[i].help);
	}
}

static int add_list(struct strlist *l, char *arg)
{
	for (char *s = strtok(arg, ","); s; s = strtok(NULL, ","))
		if (strlist_add(l, s))
			return -1;
	return 0;
}

static struct unit *cur_unit(struct link_ctx *ctx, const char *opt)
{
	if (!ctx->nr_units) {
		ERROR("option '--%s' before any '--object'", opt);
		return NULL;
	}
	return &ctx->units[ctx->nr_units - 1];
}

static int parse_unit_option(struct link_ctx *ctx, int c, char *arg)
{
	static unsigned int alloc;
	struct unit *u;

	if (c == OPT_OBJECT) {
		if (grow_array((void **)&ctx->units, &alloc, ctx->nr_units + 1, sizeof(*u)))
			return -1;
		u = &ctx->units[ctx->nr_units++];
		memset(u, 0, sizeof(*u));
		u->name = arg;
		return 0;
	}
	if (!(u = cur_unit(ctx, c == OPT_PRE ? "pre" : c == OPT_POST ? "post" : "changed")))
		return -1;
	switch (c) {
	case OPT_PRE:		u->pre_path = arg; return 0;
	case OPT_POST:		u->post_path = arg; return 0;
	case OPT_CHANGED:	return add_list(&u->changed, arg);
	case OPT_NEW:		return add_list(&u->added, arg);
	default:		return add_list(&u->new_data, arg);
	}
}

static int check_options(struct link_ctx *ctx)
{
	if (!ctx->output || !ctx->id || !ctx->target || !ctx->release) {
		ERROR("'-o', '--id', '--target' and '--kernel-release' are required");
		return -1;
	}
	if (!ctx->nr_units) {
		ERROR("no '--object' given");
		return -1;
	}
	for (unsigned int i = 0; i < ctx->nr_units; i++) {
		struct unit *u = &ctx->units[i];

		if (!u->post_path || (u->changed.nr && !u->pre_path)) {
			ERROR("object '%s': '--post' (and '--pre' with '--changed') required",
			      u->name);
			return -1;
		}
		if (!u->changed.nr && !u->added.nr) {
			ERROR("object '%s': no '--changed' or '--new' function", u->name);
			return -1;
		}
	}
	return 0;
}

int main(int argc, char **argv)
{
	struct option longopts[NR_OPTIONS + 1] = { 0 };
	struct link_ctx ctx = { .nr_targets = 1, .description = "" };
	const char *dump = NULL, *finish = NULL;
	int c;

	for (unsigned int i = 0; i < NR_OPTIONS; i++)
		longopts[i] = options[i].opt;
	while ((c = getopt_long(argc, argv, "o:vh", longopts, NULL)) != -1) {
		switch (c) {
		case 'o':		ctx.output = optarg; break;
		case 'v':		linker_verbose = true; break;
		case 'h':		usage(stdout); return 0;
		case OPT_ID:		ctx.id = optarg; break;
		case OPT_TARGET:	ctx.target = optarg; break;
		case OPT_RELEASE:	ctx.release = optarg; break;
		case OPT_DESCRIPTION:	ctx.description = optarg; break;
		case OPT_NR_TARGETS:	ctx.nr_targets = strtoul(optarg, NULL, 0); break;
		case OPT_SYMVERS:	ctx.symvers = optarg; break;
		case OPT_DUMP:		dump = optarg; break;
		case OPT_KLP:		ctx.klp_map = optarg; break;
		case OPT_KLP_FINISH:	finish = optarg; break;
		case OPT_OBJECT: case OPT_PRE: case OPT_POST:
		case OPT_CHANGED: case OPT_NEW: case OPT_NEW_DATA:
			if (parse_unit_option(&ctx, c, optarg))
				return 1;
			break;
		default:
			usage(stderr);
			return 1;
		}
	}
	if (optind < argc) {
		ERROR("unexpected argument '%s'", argv[optind]);
		return 1;
	}
	if (dump)
		return dump_update(dump) ? 1 : 0;
	if (finish)
		return klp_finish(finish) ? 1 : 0;
	if (check_options(&ctx) || ksplice_link(&ctx)) {
		if (ctx.output)
			remove(ctx.output);
		return 1;
	}
	return 0;
}
