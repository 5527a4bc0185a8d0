#include "kmacros.h"

int table[4] = { 1, 2, 3, 4 };
static int hits;

static int __attribute__((noinline)) lookup(int i) { hits++; return table[i & 3]; }
int alpha(int i) { return lookup(i) * 2; }
int beta(int i) { return lookup(i + 1) - 1; }
int gamma_(int i) { printk("gamma %d\n", i); return hits; }
