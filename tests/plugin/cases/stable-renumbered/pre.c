#include "kmacros.h"

extern int g(int);
static int __UNIQUE_ID(tag) = 3;
int *tag_ptr(void) { extern int __UNIQUE_ID_tag0; return &__UNIQUE_ID_tag0; }

static int __attribute__((noinline)) scale(int *p, int k)
{
	int s = 0;

	for (int i = 0; i < k; i++)
		s += g(p[i] * k);
	return s;
}
int user_a(int *x) { return scale(x, 3) + 1; }
int user_b(int *x) { return scale(x, 5) + 2; }

int counter_a(void) { static int n; return ++n; }
int counter_b(void) { static int n; return n += 2; }
