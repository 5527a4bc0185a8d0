/* the two callers swapped: IPA-CP now numbers the k=3 clone .0 and the k=5 clone .1 */
extern int g(int);

static int __attribute__((noinline)) scale(int *p, int k)
{
	int s = 0;

	for (int i = 0; i < 16; i++)
		s += g(p[i] * k);
	return s;
}
int user_b(int *x) { return scale(x + 1, 5) + 2; }
int user_a(int *x) { return scale(x, 3) + 1; }
