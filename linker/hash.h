/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * hash.h - a small chained hash table with intrusive nodes.
 *
 * A table is an array of bucket heads sized once, from the number of
 * entries expected; it never rehashes, so size it from the input.
 * Entries embed a struct hnode and are found with container_of().
 */
#ifndef LINKER_HASH_H
#define LINKER_HASH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#ifndef container_of
#define container_of(ptr, type, member) \
	((type *)((char *)(ptr) - offsetof(type, member)))
#endif

struct hnode {
	struct hnode *next;
};

struct htable {
	struct hnode **buckets;
	unsigned int bits;
};

static inline int htable_init(struct htable *t, size_t expected)
{
	t->bits = 4;
	while ((1UL << t->bits) < expected * 2 && t->bits < 24)
		t->bits++;
	t->buckets = calloc(1UL << t->bits, sizeof(*t->buckets));
	return t->buckets ? 0 : -1;
}

static inline void htable_free(struct htable *t)
{
	free(t->buckets);
	t->buckets = NULL;
}

static inline uint64_t hash_u64(uint64_t v)
{
	v ^= v >> 33;
	v *= 0xff51afd7ed558ccdULL;
	v ^= v >> 33;
	return v;
}

static inline uint64_t hash_str(const char *s)
{
	uint64_t h = 1469598103934665603ULL;	/* FNV-1a */

	while (*s)
		h = (h ^ (unsigned char)*s++) * 1099511628211ULL;
	return h;
}

static inline struct hnode **htable_head(struct htable *t, uint64_t key)
{
	return &t->buckets[hash_u64(key) & ((1UL << t->bits) - 1)];
}

static inline void htable_add(struct htable *t, struct hnode *n, uint64_t key)
{
	struct hnode **head = htable_head(t, key);

	n->next = *head;
	*head = n;
}

/* Walk the bucket of @key; the caller compares the full key. */
#define htable_for_each_entry(t, key, pos, type, member)			\
	for (struct hnode *__n = *htable_head(t, key);				\
	     __n && ((pos) = container_of(__n, type, member), true);		\
	     __n = __n->next)

#endif /* LINKER_HASH_H */
