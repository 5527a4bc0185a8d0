#include "kmacros.h"

static int hits;
int table[4] = { 1, 2, 3, 4 };

static int __attribute__((noinline)) lookup(int i) { hits++; return table[i & 3]; }
int gamma_(int i) { printk("gamma %d\n", i); return hits; }
int beta(int i) { return lookup(i + 1) - 1; }
int alpha(int i) { return lookup(i) * 2; }
