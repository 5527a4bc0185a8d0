#include "kmacros.h"

struct dev { int state; int count; };

static inline int check(struct dev *d)
{
	might_sleep();
	return WARN_ON(d->state < 0);
}

int dev_open(struct dev *d)
{
	if (check(d))
		return -1;
	printk("opened at line %d\n", __LINE__);
	d->count++;
	return 0;
}

void dev_close(struct dev *d)
{
	BUG_ON(d->count == 0);
	might_sleep();
	d->count--;
}

int dev_state(const struct dev *d)
{
	static int calls;

	calls++;
	return d->state + calls;
}
