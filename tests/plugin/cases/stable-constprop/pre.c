/* IPA-CP clones scale for k=3 (.constprop.1) and k=5 (.constprop.0) */
extern int g(int);

static int __attribute__((noinline)) scale(int *p, int k)
{
	int s = 0;

	for (int i = 0; i < 16; i++)
		s += g(p[i] * k);
	return s;
}
int user_a(int *x) { return scale(x, 3) + 1; }
int user_b(int *x) { return scale(x + 1, 5) + 2; }
