#include "kmacros.h"

void hello(int x)
{
	printk("hello %d\n", x);
	printk("again\n");
}

const char *name(int i)
{
	return i ? "one" : "zero";
}
