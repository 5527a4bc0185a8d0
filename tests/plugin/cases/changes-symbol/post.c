extern void lock_a(void);
extern void lock_b(void);
extern int limit_a, limit_b;

void take(void) { lock_b(); }
int limit(void) { return limit_b; }
int other(void) { return limit_b + 1; }
