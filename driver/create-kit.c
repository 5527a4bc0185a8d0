// SPDX-License-Identifier: GPL-2.0-only
/*
 * create-kit.c: the module kit, what every update for a tree shares.
 *
 * Building an update module through Kbuild (make M=..., modpost, the
 * .mod.c, the links) costs seconds, although almost all of it is the same
 * for every update of a tree: the core (ksplice.ko), the loader stub
 * (kmodsrc/update.c) compiled, and the commands Kbuild runs to turn an
 * object into a module. The kit is those, built once per tree by Kbuild
 * for a template module and cached:
 *
 *   $KSPLICE_CACHE (default $XDG_CACHE_HOME/ksplice, ~/.cache/ksplice)
 *     kit/<key>/ksplice.ko          the core
 *     kit/<key>/kit_update.o        kmodsrc/update.c, compiled
 *                                   (the template also has a stand-in for
 *                                   ksplice-link's ksplice_update_header)
 *     kit/<key>/kit.mod.c           the template's .mod.c (names come from -D)
 *     kit/<key>/{mod.o,o,ko}.cmd    its Kbuild commands, with @DIR@ for the
 *                                   build directory and @NAME@ for the name
 *
 * <key> hashes everything the kit depends on: the tree's path, .config,
 * Module.symvers, kernel release and vmlinux (size and time), the compiler
 * command, and the sources of kmodsrc/ and linker/ksplice.lds.
 *
 * An update module is then the template's three commands with its own
 * name: compile the .mod.c, link kit_update.o with ksplice-link's output
 * (ksplice.lds), link the .ko (scripts/module.lds). That is what Kbuild
 * would run, minus modpost, whose checks ksplice-link has made (every
 * symbol the module loader resolves is in Module.symvers). Where modpost
 * writes per-module data into the .mod.c (CONFIG_MODVERSIONS' symbol
 * versions) or Kbuild post-processes the .ko (BTF for modules), the kit is
 * not used and update modules are built by Kbuild (create-pack.c), as
 * they also are when KSPLICE_KBUILD_MODULES is set (non-empty).
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "create.h"
#include "overlay.h"

#define KIT_NAME "ksplice_kit_template"

/* The template's Kbuild commands the kit keeps, as <what>.cmd. */
static const char *const kit_cmds[] = { "mod.o", "o", "ko" };

/* FNV-1a, 64 bits: a cache key, not a security boundary. */
static void hash_bytes(uint64_t *h, const void *data, size_t len)
{
	const unsigned char *p = data;

	for (size_t i = 0; i < len; i++) {
		*h ^= p[i];
		*h *= 0x100000001b3ULL;
	}
}

static void hash_str(uint64_t *h, const char *s)
{
	hash_bytes(h, s, strlen(s) + 1);
}

static int hash_file(uint64_t *h, const char *dir, const char *name)
{
	struct strbuf sb = STRBUF_INIT;
	char *path = xstrfmt("%s/%s", dir, name);
	int ret = path ? read_file_at(AT_FDCWD, path, "file", path, &sb) : -1;

	if (!ret) {
		hash_str(h, name);
		hash_bytes(h, sb.buf, sb.len);
	}
	strbuf_release(&sb);
	free(path);
	return ret;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The kmodsrc sources, in name order. */
static int hash_kmodsrc(uint64_t *h, const char *top)
{
	char *dir = xstrfmt("%s/kmodsrc", top), **names = NULL;
	size_t nr = 0, alloc = 0;
	struct dirent *de;
	DIR *d = dir ? opendir(dir) : NULL;
	int ret = 0;

	if (!d) {
		free(dir);
		return error_errno("cannot read '%s/kmodsrc'", top);
	}
	while ((de = readdir(d)) && !ret) {
		if (!(ends_with(de->d_name, ".c") || ends_with(de->d_name, ".h") ||
		      !strcmp(de->d_name, "Kbuild")) || ends_with(de->d_name, ".mod.c"))
			continue;
		if (ALLOC_GROW(names, nr + 1, alloc) || !(names[nr] = xstrdup(de->d_name)))
			ret = -1;
		else
			nr++;
	}
	closedir(d);
	qsort(names, nr, sizeof(*names), cmp_str);
	for (size_t i = 0; i < nr; i++) {
		if (!ret)
			ret = hash_file(h, dir, names[i]);
		free(names[i]);
	}
	free(names);
	free(dir);
	return ret;
}

static char *kit_key(struct create *c)
{
	uint64_t h = 0xcbf29ce484222325ULL;
	char *lds = xstrfmt("%s/linker", c->top);
	struct stat st;
	int ret = lds ? 0 : -1;

	hash_str(&h, "ksplice-kit 1");
	hash_str(&h, c->tree);
	hash_str(&h, c->top);
	hash_str(&h, c->cc);
	hash_str(&h, c->release);
	ret |= hash_file(&h, c->tree, ".config");
	ret |= hash_file(&h, c->tree, "Module.symvers");
	ret |= hash_kmodsrc(&h, c->top);
	if (!ret)
		ret = hash_file(&h, lds, "ksplice.lds");
	free(lds);
	if (!ret) {
		char *vmlinux = xstrfmt("%s/vmlinux", c->tree);

		if (!vmlinux || stat(vmlinux, &st))
			ret = error_errno("cannot stat '%s/vmlinux'", c->tree);
		free(vmlinux);
	}
	if (ret)
		return NULL;
	hash_bytes(&h, &st.st_size, sizeof(st.st_size));
	hash_bytes(&h, &st.st_mtim, sizeof(st.st_mtim));
	return xstrfmt("%016llx", (unsigned long long)h);
}

static char *cache_root(void)
{
	const char *dir = getenv("KSPLICE_CACHE"), *xdg = getenv("XDG_CACHE_HOME");
	const char *home = getenv("HOME");

	if (dir && *dir)
		return xstrdup(dir);
	if (xdg && *xdg)
		return xstrfmt("%s/ksplice", xdg);
	if (home && *home)
		return xstrfmt("%s/.cache/ksplice", home);
	return NULL;
}

/* Replace every occurrence of from in s by to; s is freed. */
static char *replace_all(char *s, const char *from, const char *to)
{
	struct strbuf sb = STRBUF_INIT;
	const char *p = s, *q;
	size_t n = strlen(from);

	if (!s)
		return NULL;
	while ((q = strstr(p, from))) {
		if (strbuf_add(&sb, p, q - p) || strbuf_addstr(&sb, to))
			goto oom;
		p = q + n;
	}
	if (strbuf_addstr(&sb, p))
		goto oom;
	free(s);
	return strbuf_detach(&sb);
oom:
	free(s);
	strbuf_release(&sb);
	return NULL;
}

/*
 * The template's Kbuild command for what (mod.o, o, ko), generalised:
 * the build directory becomes @DIR@, the template's name @NAME@.
 */
static int save_command(const char *dir, const char *what)
{
	char *obj = xstrfmt("%s/" KIT_NAME ".%s", dir, what);
	char *cmd = obj ? kbuild_cmd("", obj) : NULL;
	char *out = xstrfmt("%s/%s.cmd", dir, what);
	int ret = -1;

	cmd = replace_all(replace_all(cmd, dir, "@DIR@"), KIT_NAME, "@NAME@");
	if (cmd && out)
		ret = put_text(out, cmd);
	free(obj);
	free(cmd);
	free(out);
	return ret;
}

/*
 * Is the template's .mod.c the same for every update module? It must not
 * name the module (Kbuild passes the name with -D) nor list symbol
 * versions.
 */
static int check_stub(struct create *c, const char *dir)
{
	struct strbuf sb = STRBUF_INIT;
	char *path = xstrfmt("%s/" KIT_NAME ".mod.c", dir), *to = xstrfmt("%s/kit.mod.c", dir);
	int ret = path && to ? read_file_at(AT_FDCWD, path, "module stub", path, &sb) : -1;

	if (!ret && (strstr(sb.buf, KIT_NAME) || strstr(sb.buf, "__versions")))
		ret = error("'%s' has per-module contents; ksplice-create cannot reuse it", path);
	if (!ret)
		ret = copy_file(path, to);
	strbuf_release(&sb);
	free(path);
	free(to);
	return ret;
}

/* The template: kmodsrc/update.c, and a stand-in for ksplice-link's header. */
static int build_kit(struct create *c, const char *dir)
{
	char *kbuild = xstrfmt("obj-m += " KIT_NAME ".o\n"
			       KIT_NAME "-y := kit_update.o kit_header.o\n"
			       "LDFLAGS_" KIT_NAME ".o := -T %s/linker/ksplice.lds\n", c->top);
	int ret = kbuild ? kbuild_modules(c, dir,
		"mv update.c kit_update.c; "
		"echo '#include \"ksplice-abi.h\"' >kit_header.c; "
		"echo 'const struct ksplice_header ksplice_update_header;' >>kit_header.c",
		kbuild, "kitbuild", "the module kit's build") : -1;

	for (size_t i = 0; i < ARRAY_SIZE(kit_cmds) && !ret; i++)
		ret = save_command(dir, kit_cmds[i]);
	if (!ret)
		ret = check_stub(c, dir);
	free(kbuild);
	return ret;
}

static bool kit_complete(const char *dir)
{
	static const char *const need[] = { "ksplice.ko", "kit_update.o", "kit.mod.c" };
	char path[4096];

	for (size_t i = 0; i < ARRAY_SIZE(need); i++) {
		snprintf(path, sizeof(path), "%s/%s", dir, need[i]);
		if (access(path, R_OK))
			return false;
	}
	for (size_t i = 0; i < ARRAY_SIZE(kit_cmds); i++) {
		snprintf(path, sizeof(path), "%s/%s.cmd", dir, kit_cmds[i]);
		if (access(path, R_OK))
			return false;
	}
	return true;
}

/* Which configurations Kbuild builds modules for in ways the kit does not. */
static int kit_usable(struct create *c, bool *usable)
{
	static const char *const opts[] = { "CONFIG_MODVERSIONS", "CONFIG_DEBUG_INFO_BTF_MODULES" };

	*usable = true;
	if (getenv("KSPLICE_KBUILD_MODULES") && *getenv("KSPLICE_KBUILD_MODULES")) {
		*usable = false;
		return 0;
	}
	for (size_t i = 0; i < ARRAY_SIZE(opts) && *usable; i++) {
		bool err;
		char *v = kbuild_config(c->tree, opts[i], &err);

		if (err)
			return -1;
		if (v && !strcmp(v, "y")) {
			*usable = false;
			if (c->verbose)
				fprintf(stderr, "note: %s=y: the update modules are built "
					"by Kbuild\n", opts[i]);
		}
		free(v);
	}
	return 0;
}

int prepare_kit(struct create *c)
{
	char *root = NULL, *key = NULL, *final = NULL, *tmp = NULL;
	bool usable;
	int ret = -1;

	if (kit_usable(c, &usable))
		return -1;
	if (!usable)
		return 0;
	if (!(key = kit_key(c)))
		goto out;
	root = cache_root();
	final = root ? xstrfmt("%s/kit/%s", root, key) : xstrfmt("%s/kit", c->work);
	if (!final)
		goto out;
	if (kit_complete(final)) {
		c->kit = final;
		final = NULL;
		ret = 0;
		goto out;
	}
	/* Build beside the final place, then rename: a parallel run wins or loses whole. */
	tmp = root ? xstrfmt("%s.tmp.XXXXXX", final) : xstrdup(final);
	if (!tmp || mkdir_p(root ? root : c->work))
		goto out;
	if (root) {
		char *parent = xstrfmt("%s/kit", root);

		ret = parent ? mkdir_p(parent) : -1;
		free(parent);
		if (ret || !mkdtemp(tmp)) {
			ret = error_errno("cannot create a directory in '%s/kit'", root);
			goto out;
		}
	} else if (mkdir(tmp, 0755)) {
		ret = error_errno("cannot create '%s'", tmp);
		goto out;
	}
	ret = build_kit(c, tmp);
	if (!ret && root && rename(tmp, final) && !kit_complete(final))
		ret = error_errno("cannot move the module kit to '%s'", final);
	if (!ret) {
		c->kit = final;
		final = NULL;
	}
out:
	if (tmp && root && access(tmp, F_OK) == 0) {
		/* Lost the race, or failed: the directory is ours to remove. */
		char *rm = xstrfmt("rm -rf '%s'", tmp);

		if (rm && !c->keep_tmp)
			run_sh(&c->run, NULL, rm);
		free(rm);
	}
	free(root);
	free(key);
	free(final);
	free(tmp);
	return ret;
}

/* The kit's command what (mod.o, o, ko) for module name, built in dir. */
char *kit_command(struct create *c, const char *what, const char *dir, const char *name)
{
	struct strbuf sb = STRBUF_INIT;
	char *path = xstrfmt("%s/%s.cmd", c->kit, what), *cmd = NULL;

	if (path && !read_file_at(AT_FDCWD, path, "module kit command", path, &sb))
		cmd = replace_all(replace_all(strbuf_detach(&sb), "@DIR@", dir), "@NAME@", name);
	strbuf_release(&sb);
	free(path);
	return cmd;
}

/* Write dir/name.mod.c for a module built from the kit. */
int kit_stub(struct create *c, const char *dir, const char *name)
{
	char *from = xstrfmt("%s/kit.mod.c", c->kit), *to = xstrfmt("%s/%s.mod.c", dir, name);
	int ret = from && to ? copy_file(from, to) : -1;

	free(from);
	free(to);
	return ret;
}
