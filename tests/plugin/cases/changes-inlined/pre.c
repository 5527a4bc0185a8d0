struct req { int len; int flags; };

static inline int req_ok(const struct req *r)
{
	return r->len > 0 && r->len < 4096;
}

int submit(struct req *r)
{
	if (!req_ok(r))
		return -22;
	r->flags |= 1;
	return 0;
}

int count(struct req *r, int n)
{
	int c = 0;

	for (int i = 0; i < n; i++)
		c += r[i].flags;
	return c;
}
