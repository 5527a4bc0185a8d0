/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * special.h - what ksplice-link knows about the kernel's special sections.
 *
 * Every section of an x86-64 6.1 object that is neither plain code nor
 * plain data is described by one row of a table (special.c): its name, its
 * entry size, and how an entry is carried into an update. A section that is
 * in neither list and refers to extracted code is refused.
 */
#ifndef LINKER_SPECIAL_H
#define LINKER_SPECIAL_H

#include <stdbool.h>

enum special_keep {
	/* Keep the entries whose key field points into extracted code. */
	KEEP_BY_KEY,
	/* Keep the entries (data objects) that extracted code refers to. */
	KEEP_REFERENCED,
	/* Definitions that stay in the running kernel: references to them
	 * become ksplice relocations, nothing is copied. */
	KEEP_RUNNING,
	/* Never carried; special_section.why says why that is safe. */
	KEEP_NONE,
};

struct special_section {
	const char *name;
	bool prefix;			/* @name is a prefix */
	unsigned int entsize;		/* 0: not an array of entries */
	enum special_keep keep;
	unsigned int key;		/* KEEP_BY_KEY: offset of the key field */

	/*
	 * Loader sites: the module loader rewrites the code the key points
	 * to (site_len bytes, or the byte at site_len_field in the entry), so
	 * relocations there stay with the loader.
	 */
	bool site;
	unsigned int site_len;
	int site_len_field;		/* -1: use site_len */

	/* A parallel array, one entry per kept entry (.orc_unwind). */
	const char *parallel;
	unsigned int parallel_entsize;

	/* Each entry points (field piece) at a piece of another section of
	 * piece_len_field bytes that is copied with it, and rewritten by the
	 * loader (.altinstr_replacement). */
	const char *piece_sec;
	int piece, piece_len_field;

	/* An entry whose field at export_field does not resolve to an exported
	 * symbol is dropped (0: no such field). */
	unsigned int export_field;

	const char *why;
};

const struct special_section *find_special_section(const char *name);
bool is_regular_section(const char *name);
const struct special_section *special_section_table(unsigned int *nr);

#endif /* LINKER_SPECIAL_H */
