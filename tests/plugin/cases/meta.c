/* Fixture for sidecar.t: one of each kind of thing a sidecar describes. */
#include "kmacros.h"

#define __init __attribute__((section(".init.text"), cold))
#define __exit __attribute__((section(".exit.text"), cold))
#define notrace __attribute__((no_instrument_function))
extern void __attribute__((cold)) report(const char *, int);

int counter = 5;
const int limits[3] = { 10, 20, 30 };
static const char *names[] = { "a", "b" };
static long zeroed[8];

static inline int clamp(int x) { return x > 100 ? 100 : x; }

int use(int x)
{
	static int calls;
	static const char tag[] = "use";

	calls++;
	return clamp(x) + calls + tag[0] + counter;
}

int __attribute__((noinline)) work(int *p, int n)
{
	int i, s = 0;

	for (i = 0; i < n; i++) {
		if (__builtin_expect(p[i] < 0, 0)) {
			report("negative", i);
			printk("neg at %d\n", i);
			return -1;
		}
		s += p[i] * 3;
	}
	return s;
}

struct big { long x[8]; };
static int __attribute__((noinline)) pick(struct big *b) { return b->x[3] * 2 + limits[1]; }
int user(struct big b) { return pick(&b) + (int)zeroed[1] + names[0][0]; }

notrace int quiet(int x) { return x + 1; }
static int __init setup(void) { printk("setup\n"); return 0; }
static void __exit teardown(void) { printk("teardown\n"); }
int (*hooks[2])(void) = { setup, 0 };
void (*unhooks[1])(void) = { teardown };
