extern void lock_a(void);
extern void lock_b(void);
extern int limit_a, limit_b;

void take(void) { lock_a(); }
int limit(void) { return limit_a; }
int other(void) { return limit_b + 1; }
