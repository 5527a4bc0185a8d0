// SPDX-License-Identifier: GPL-2.0-only
/*
 * ksplice.so: GCC plugin that records, for every object it compiles, what
 * each function and data object is, so that rebootless kernel updates can
 * be built by diffing metadata instead of object code.
 *
 * Usage:
 *   make CC="gcc -fplugin=/path/to/ksplice.so"
 *
 * For each X.o the compiler writes, the plugin writes X.o.ksplice.json
 * beside it (docs/sidecar-format.md): per function its assembler name,
 * linkage, section, clone origin, a hash of its final code that ignores
 * symbol addresses, label numbering and __LINE__ values, the hash of its
 * own body before inlining, the symbols it references, the functions
 * inlined into it, its static locals and its ftrace/init/exit/notrace
 * flags; per data object its section, size, owner and initializer hash.
 * Runs that write no object (-E, -S, compiler probes on /dev/null,
 * -o /dev/null) write nothing. The plugin only reads GCC's data: a default
 * build is byte-identical with and without it.
 *
 * Options (-fplugin-arg-ksplice-<key>; an unknown key is an error):
 *   sections  force -ffunction-sections -fdata-sections (update builds)
 *   debug     report each sidecar written, and each function's hash
 *
 * Passes (one per file):
 *   ksplice_body  body_pass.c  GIMPLE, after "cfg": body_hash
 *   ksplice_code  code_pass.c  RTL, after "final": hash and metadata
 *   data.c, flags.c and sidecar.c run at PLUGIN_FINISH_UNIT.
 *
 * Debugging: -fdump-rtl-all -fdump-tree-all include both passes' dumps
 * (X.c.*t.ksplice_body, X.c.*r.ksplice_code); -fplugin-arg-ksplice-debug
 * prints the hashes; docs/plugin.md has more.
 */
#include "ksplice.h"

/* The plugin's only exports: everything else is hidden (Makefile). */
__attribute__((visibility("default"))) int plugin_is_GPL_compatible;

struct ks_unit ks_unit;

static struct plugin_info ksplice_plugin_info = {
	"1",
	"Writes X.o.ksplice.json beside each object: per-function hashes and "
	"symbol metadata for ksplice.\n"
	"-fplugin-arg-ksplice-sections\tforce -ffunction-sections "
	"-fdata-sections\n"
	"-fplugin-arg-ksplice-debug\treport sidecars and hashes\n"
};

void ks_strv_add(struct ks_strv *sv, const char *s)
{
	if (sv->n == sv->cap) {
		sv->cap = sv->cap ? 2 * sv->cap : 8;
		sv->v = XRESIZEVEC(char *, sv->v, sv->cap);
	}
	sv->v[sv->n++] = xstrdup(s);
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

void ks_strv_sort_uniq(struct ks_strv *sv)
{
	size_t o = 0;

	if (!sv->n)
		return;
	qsort(sv->v, sv->n, sizeof(*sv->v), cmp_str);
	for (size_t i = 1; i < sv->n; i++) {
		if (!strcmp(sv->v[i], sv->v[o]))
			free(sv->v[i]);
		else
			sv->v[++o] = sv->v[i];
	}
	sv->n = o + 1;
}

struct ks_func *ks_new_func(struct ks_unit *u)
{
	if (u->nr_funcs == u->cap_funcs) {
		u->cap_funcs = u->cap_funcs ? 2 * u->cap_funcs : 64;
		u->funcs = XRESIZEVEC(struct ks_func, u->funcs, u->cap_funcs);
	}
	memset(&u->funcs[u->nr_funcs], 0, sizeof(*u->funcs));
	return &u->funcs[u->nr_funcs++];
}

struct ks_data *ks_new_data(struct ks_unit *u)
{
	if (u->nr_data == u->cap_data) {
		u->cap_data = u->cap_data ? 2 * u->cap_data : 64;
		u->data = XRESIZEVEC(struct ks_data, u->data, u->cap_data);
	}
	memset(&u->data[u->nr_data], 0, sizeof(*u->data));
	return &u->data[u->nr_data++];
}

/*
 * PLUGIN_FINISH_UNIT comes after the whole unit was compiled and written
 * to the assembly file, before the file is closed. Nothing is written to
 * it here.
 */
static void finish_unit(void *gcc_data, void *user_data)
{
	char *object;

	/* -Werror's errors count apart (werrorcount) from seen_error() */
	if (seen_error() || werrorcount)
		return;
	object = ks_object_path();
	if (!object)
		return;
	ks_collect_data(&ks_unit);
	if (ks_unit.debug) {
		for (size_t i = 0; i < ks_unit.nr_funcs; i++) {
			char text[KS_HASH_TEXT];

			ks_hash_text(ks_unit.funcs[i].hash, text);
			inform(UNKNOWN_LOCATION, "ksplice: %s %s",
			       ks_unit.funcs[i].name, text);
		}
	}
	ks_write_sidecar(&ks_unit, object);
	free(object);
}

static bool parse_args(const struct plugin_name_args *info)
{
	for (int i = 0; i < info->argc; i++) {
		const struct plugin_argument *arg = &info->argv[i];
		bool *flag = NULL;

		if (!strcmp(arg->key, "sections"))
			flag = &ks_unit.sections;
		else if (!strcmp(arg->key, "debug"))
			flag = &ks_unit.debug;
		if (!flag) {
			error("ksplice: unknown option %<-fplugin-arg-%s-%s%>",
			      info->base_name, arg->key);
			return false;
		}
		if (arg->value) {
			error("ksplice: option %<-fplugin-arg-%s-%s%> takes no "
			      "value", info->base_name, arg->key);
			return false;
		}
		*flag = true;
	}
	return true;
}

static void register_pass(opt_pass *pass, const char *ref,
			  enum pass_positioning_ops pos,
			  const struct plugin_name_args *info)
{
	struct register_pass_info p;

	p.pass = pass;
	p.reference_pass_name = ref;
	p.ref_pass_instance_number = 1;
	p.pos_op = pos;
	register_callback(info->base_name, PLUGIN_PASS_MANAGER_SETUP, NULL, &p);
}

__attribute__((visibility("default")))
int plugin_init(struct plugin_name_args *info,
		struct plugin_gcc_version *version)
{
	if (!plugin_default_version_check(version, &gcc_version)) {
		error("ksplice: plugin built for GCC %s, cannot load into GCC %s",
		      gcc_version.basever, version->basever);
		return 1;
	}
	if (!parse_args(info))
		return 1;
	if (ks_unit.sections) {
		flag_function_sections = 1;
		flag_data_sections = 1;
	}
	ks_unit.body_hashes =
		new hash_map<int_hash<unsigned int, 0u, ~0u>, uint64_t>();

	register_callback(info->base_name, PLUGIN_INFO, NULL,
			  &ksplice_plugin_info);
	register_pass(ks_make_body_pass(), "cfg", PASS_POS_INSERT_AFTER, info);
	register_pass(ks_make_code_pass(), "final", PASS_POS_INSERT_AFTER, info);
	register_callback(info->base_name, PLUGIN_FINISH_UNIT, finish_unit, NULL);
	return 0;
}
