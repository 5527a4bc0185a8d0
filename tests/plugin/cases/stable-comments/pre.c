#include "kmacros.h"

struct item { long key; long val; struct item *next; };

long sum_list(struct item *it)
{
	long s = 0;

	while (it) {
		s += it->val;
		it = it->next;
	}
	return s;
}

struct item *find(struct item *it, long key)
{
	for (; it; it = it->next)
		if (it->key == key)
			return it;
	printk("not found: %ld\n", key);
	return 0;
}
