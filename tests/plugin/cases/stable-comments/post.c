#include "kmacros.h"

/* Items form a singly linked list. */
struct item {
	long key;	/* lookup key */
	long val;	/* payload */
	struct item *next;
};

/* Add up the values of the list. */
long sum_list(struct item *it) {
  long s = 0;
  while (it) { s += it->val; /* accumulate */ it = it->next; }
  return s;
}
struct item *find(struct item *it,
		  long key)
{
	for (; it; it = it->next)   // walk
		if (it->key == key)
			return it;

	printk("not found: %ld\n",
	       key);
	return 0;
}
