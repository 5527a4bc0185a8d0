#include "kmacros.h"

void die_new(void)
{
	annotate_unreachable();
	annotate_unreachable();
}

void die_a(int x)
{
	if (x)
		panic("a %d\n", x);
	annotate_unreachable();
}

void die_b(int x)
{
	if (x > 2)
		annotate_unreachable();
	printk("b\n");
}
