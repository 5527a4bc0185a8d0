#include "kmacros.h"

void greet(void) { printk("hello, world\n"); }
void part(void) { printk("goodbye\n"); }
