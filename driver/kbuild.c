// SPDX-License-Identifier: GPL-2.0-only
/*
 * kbuild.c: read what Kbuild recorded in a built tree; see kbuild.h.
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kbuild.h"
#include "tree.h"
#include "util.h"

static char *read_text(const char *path, const char *what)
{
	struct strbuf sb = STRBUF_INIT;

	if (read_file_at(AT_FDCWD, path, what, path, &sb)) {
		strbuf_release(&sb);
		return NULL;
	}
	return strbuf_detach(&sb);
}

char *kbuild_release(const char *tree)
{
	char *path = xstrfmt("%s/include/config/kernel.release", tree);
	char *text = path ? read_text(path, "kernel release") : NULL;

	free(path);
	if (text)
		text[strcspn(text, "\n")] = '\0';
	return text;
}

char *kbuild_config(const char *tree, const char *option, bool *err)
{
	char *path = xstrfmt("%s/.config", tree);
	char *text = path ? read_text(path, "kernel configuration") : NULL;
	char *line, *val = NULL;
	size_t n = strlen(option);

	free(path);
	*err = !text;
	for (line = text; line && *line; line = strchr(line, '\n') ? strchr(line, '\n') + 1 : NULL) {
		if (strncmp(line, option, n) || line[n] != '=')
			continue;
		line += n + 1;
		line[strcspn(line, "\n")] = '\0';
		if (*line == '"') {
			line++;
			line[strcspn(line, "\"")] = '\0';
		}
		val = xstrdup(line);
		*err = !val;
		break;
	}
	free(text);
	return val;
}

/* Undo Kbuild's escaping of commands in .cmd files: $$ and $(pound). */
static void unescape(char *s)
{
	char *o = s;

	while (*s) {
		if (s[0] == '$' && s[1] == '$') {
			*o++ = '$';
			s += 2;
		} else if (!strncmp(s, "$(pound)", 8)) {
			*o++ = '#';
			s += 8;
		} else {
			*o++ = *s++;
		}
	}
	*o = '\0';
}

static char *cmd_file(const char *dir, const char *obj)
{
	const char *base = strrchr(obj, '/');

	if (!base)
		return xstrfmt("%s/.%s.cmd", dir, obj);
	return xstrfmt("%s/%.*s/.%s.cmd", dir, (int)(base - obj), obj, base + 1);
}

/* The value of "key := value" in text, malloc'ed, or NULL if absent. */
static char *assignment(const char *text, const char *key)
{
	size_t n = strlen(key);
	const char *p = text;

	while (p && *p) {
		if (!strncmp(p, key, n) && !strncmp(p + n, " := ", 4)) {
			p += n + 4;
			return strndup(p, strcspn(p, "\n"));
		}
		p = strchr(p, '\n');
		if (p)
			p++;
	}
	return NULL;
}

char *kbuild_cmd(const char *dir, const char *obj)
{
	char *path = cmd_file(dir, obj), *key = xstrfmt("cmd_%s", obj);
	char *text = path ? read_text(path, "Kbuild command file") : NULL;
	char *cmd = text && key ? assignment(text, key) : NULL;

	if (text && !cmd)
		error("'%s' has no command for '%s'", path, obj);
	else if (cmd)
		unescape(cmd);
	free(path);
	free(key);
	free(text);
	return cmd;
}

char *kbuild_cc(const char *tree)
{
	char *cmd = kbuild_cmd(tree, "init/main.o"), *end;

	if (!cmd)
		return NULL;
	/* The compiler, then the -fplugin options CC carried. */
	end = cmd + strcspn(cmd, " ");
	while (!strncmp(end, " -fplugin", 9))
		end += 1 + strcspn(end + 1, " ");
	*end = '\0';
	return cmd;
}

bool kbuild_is_build_file(const char *path)
{
	const char *base = strrchr(path, '/') ? strrchr(path, '/') + 1 : path;

	return !strcmp(base, "Makefile") || !strcmp(base, "Kbuild") ||
	       !strncmp(base, "Kconfig", 7) || !strncmp(base, "Makefile.", 9) ||
	       starts_with(path, "scripts/") || starts_with(path, "tools/") ||
	       ends_with(path, ".lds.S") || !strcmp(path, ".config");
}

/* Module membership: obj -> module name, from modules.order and *.mod. */
struct member {
	char *obj, *module;
};

struct members {
	struct member *v;
	size_t nr, alloc;
};

static int add_module(const char *tree, const char *ko, struct members *m)
{
	char *path = xstrfmt("%s/%.*s.mod", tree, (int)(strlen(ko) - 3), ko);
	char *text = path ? read_text(path, "module object list") : NULL;
	const char *base = strrchr(ko, '/') ? strrchr(ko, '/') + 1 : ko;
	char *name = strndup(base, strlen(base) - 3), *line, *next;

	free(path);
	if (!text || !name)
		goto fail;
	for (char *c = name; *c; c++)
		if (*c == '-')
			*c = '_';
	for (line = text; *line; line = next) {
		next = line + strcspn(line, "\n");
		if (*next)
			*next++ = '\0';
		if (!*line)
			continue;
		if (ALLOC_GROW(m->v, m->nr + 1, m->alloc))
			goto fail;
		m->v[m->nr].obj = xstrdup(line);
		m->v[m->nr++].module = xstrdup(name);
	}
	free(text);
	free(name);
	return 0;
fail:
	free(text);
	free(name);
	return -1;
}

static int read_members(const char *tree, struct members *m)
{
	char *path = xstrfmt("%s/modules.order", tree);
	char *text = path ? read_text(path, "module list") : NULL, *line, *next;
	int ret = 0;

	free(path);
	if (!text)
		return -1;
	for (line = text; *line && !ret; line = next) {
		next = line + strcspn(line, "\n");
		if (*next)
			*next++ = '\0';
		if (ends_with(line, ".ko"))
			ret = add_module(tree, line, m);
		else if (*line)
			ret = error("'%s/modules.order': unexpected entry '%s'", tree, line);
	}
	free(text);
	return ret;
}

static const char *target_of(const struct members *m, const char *obj)
{
	for (size_t i = 0; i < m->nr; i++)
		if (!strcmp(m->v[i].obj, obj))
			return m->v[i].module;
	return "vmlinux";
}

/* Which of files is src, or a dependency in the .cmd text? NULL: none. */
static const char *depends_on(const char *text, const char *src,
			      char *const *files, size_t nr_files)
{
	const char *p = strstr(text, "\ndeps_");

	for (size_t i = 0; i < nr_files; i++)
		if (!strcmp(src, files[i]))
			return files[i];
	while (p) {
		const char *line = p + 1, *end = line + strcspn(line, "\n");

		p = *end ? end : NULL;
		if (strncmp(line, "  ", 2))
			continue;
		line += 2;
		while (end > line && (end[-1] == '\\' || end[-1] == ' '))
			end--;
		for (size_t i = 0; i < nr_files; i++)
			if ((size_t)(end - line) == strlen(files[i]) &&
			    !strncmp(line, files[i], end - line))
				return files[i];
	}
	return NULL;
}

/* dir/.name.o.cmd describes dir/name.o: add name.o if it is affected. */
static int scan_cmd(const char *tree, const char *cmdpath, char *const *files,
		    size_t nr_files, const struct members *m, struct kobj_list *out)
{
	const char *base = strrchr(cmdpath, '/'), *hit;
	size_t dirlen = base ? (size_t)(base - cmdpath) + 1 : 0;
	char *path = xstrfmt("%s/%s", tree, cmdpath), *text = NULL;
	char *obj = NULL, *key = NULL, *src = NULL;
	struct kobj *k;
	int ret = -1;

	text = path ? read_text(path, "Kbuild command file") : NULL;
	obj = xstrfmt("%.*s%.*s", (int)dirlen, cmdpath,
		      (int)(strlen(cmdpath) - dirlen - 5), cmdpath + dirlen + 1);
	key = obj ? xstrfmt("source_%s", obj) : NULL;
	if (!text || !key)
		goto out;
	ret = 0;
	src = assignment(text, key);	/* NULL: a link or archive, not compiled */
	hit = src ? depends_on(text, src, files, nr_files) : NULL;
	if (!hit)
		goto out;
	if (ALLOC_GROW(out->v, out->nr + 1, out->alloc)) {
		ret = -1;
		goto out;
	}
	k = &out->v[out->nr++];
	k->path = obj;
	k->source = src;
	k->target = xstrdup(target_of(m, obj));
	k->cause = xstrdup(hit);
	obj = src = NULL;
out:
	free(path);
	free(text);
	free(obj);
	free(key);
	free(src);
	return ret;
}

int kbuild_affected(const char *tree, char *const *files, size_t nr_files,
		    struct kobj_list *out)
{
	struct path_list cmds = { 0 };
	struct members m = { 0 };
	int ret = -1;

	if (read_members(tree, &m) || find_files(tree, ".o.cmd", &cmds))
		goto out;
	for (size_t i = 0; i < cmds.nr; i++)
		if (scan_cmd(tree, cmds.v[i], files, nr_files, &m, out))
			goto out;
	ret = 0;
out:
	for (size_t i = 0; i < m.nr; i++) {
		free(m.v[i].obj);
		free(m.v[i].module);
	}
	free(m.v);
	path_list_release(&cmds);
	return ret;
}

void kobj_list_release(struct kobj_list *l)
{
	for (size_t i = 0; i < l->nr; i++) {
		free(l->v[i].path);
		free(l->v[i].source);
		free(l->v[i].target);
		free(l->v[i].cause);
	}
	free(l->v);
	memset(l, 0, sizeof(*l));
}
