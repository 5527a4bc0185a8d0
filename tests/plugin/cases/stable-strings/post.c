#include "kmacros.h"

void first(void)
{
	printk("a new string that takes .LC0\n");
	printk("and .LC1\n");
}

void hello(int x)
{
	printk("hello %d\n", x);
	printk("again\n");
}

const char *name(int i)
{
	return i ? "one" : "zero";
}
