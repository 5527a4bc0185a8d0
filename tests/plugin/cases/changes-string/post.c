#include "kmacros.h"

void greet(void) { printk("hello, World\n"); }
void part(void) { printk("goodbye\n"); }
