// SPDX-License-Identifier: GPL-2.0-only
/*
 * kstate.c: read the core's sysfs interface; see kstate.h.
 */
#include <fcntl.h>
#include <stdlib.h>
#include <unistd.h>

#include "kstate.h"
#include "util.h"

char *ksplice_attr(const char *id, const char *attr, bool quiet)
{
	struct strbuf sb = STRBUF_INIT;
	char *path = xstrfmt(KSPLICE_SYSFS "/%s/%s", id, attr);

	if (path && (!quiet || access(path, R_OK) == 0) &&
	    read_file_at(AT_FDCWD, path, "sysfs file", path, &sb))
		strbuf_reset(&sb);
	free(path);
	while (sb.len && sb.buf[sb.len - 1] == '\n')
		strbuf_setlen(&sb, sb.len - 1);
	return strbuf_detach(&sb);
}
