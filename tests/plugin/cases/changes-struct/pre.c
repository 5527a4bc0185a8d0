struct conn {
	int id;
	int state;
	long bytes;
};

int conn_id(const struct conn *c) { return c->id; }
long conn_bytes(const struct conn *c) { return c->bytes; }
int conn_state(const struct conn *c) { return c->state; }
