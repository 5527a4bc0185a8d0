// SPDX-License-Identifier: GPL-2.0-only
/*
 * runpre.c - run-pre matching.
 *
 * Each pre section is the old code of one function, compiled from the
 * source the update was made against. It is compared with the running
 * code at every candidate address of its symbol, one decoded instruction
 * at a time, both sides in step. A candidate matches when every
 * instruction agrees, up to what legitimately differs between the two
 * builds or was rewritten at run time:
 *
 * - relocation fields (PRE relocations): their running value gives the
 *   symbol's address, which must agree with every other use of it;
 * - the fentry site: a 5-byte nop or call on both sides (ftrace toggles it);
 * - return-thunk and retpoline sites (a PRE relocation against
 *   __x86_return_thunk or __x86_indirect_*): any running instructions that
 *   cover the same bytes, as apply_returns()/apply_retpolines() rewrite them;
 * - jump-label sites (listed in the owner's jump table): a nop or jmp of
 *   the same length on both sides;
 * - alternatives and static call sites (SITE entries from the linker):
 *   whatever the running bytes are, as long as both sides' instructions
 *   cover the site exactly (relocations inside it are not used);
 * - relative branches encoded with another displacement size: the same
 *   kind (and condition) on both sides, with targets that correspond
 *   (checked once the whole function has been walked).
 *
 * Everything else must be byte-identical. A kprobe anywhere in the running
 * code (an int3, or an optimized probe's jmp) is not tolerated: the
 * candidate fails with abort cause unexpected, naming the offset, as the
 * bytes under it cannot be proved. Bindings made while trying a
 * candidate are kept aside and only committed when exactly one candidate
 * matches, so a failed match changes nothing.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/jump_label.h>
#include <linux/slab.h>
#include <linux/sort.h>
#include <linux/string.h>
#include <linux/uaccess.h>
#include "arch.h"
#include "core.h"
#include "debug.h"
#include "runpre.h"
#include "symbols.h"

#define NO_OFFSET	U32_MAX

struct pending_branch {
	u32 pre_off, pre_target, run_target;
};

struct match {
	struct ksplice_part *p;
	const struct ksplice_pre_section *pre;
	const char *name;
	const u8 *code;
	u32 size;
	unsigned long run, run_size;
	struct module *owner;		/* of the running code, NULL = vmlinux */
	unsigned long *bind;		/* tentative symbol addresses */
	u32 *map;			/* pre offset -> running offset */
	struct pending_branch *branches;
	u32 nr_branches;
	const struct ksplice_reloc **relocs;
	u32 nr_relocs;
	const struct ksplice_reloc **sites;	/* SITE entries in this pre code */
	u32 nr_sites;
	bool occupied;			/* a kprobe sits in the running code */
	char why[192];
};

/* The address calls to @addr end up at: the newest applied replacement. */
unsigned long ksplice_newest_code(unsigned long addr)
{
	struct ksplice_func *f;

	while ((f = ksplice_find_applied(addr)))
		addr = f->new_addr;
	return addr;
}

static const char *sym_name(struct match *m, u32 idx)
{
	return m->p->hdr->symbols[idx].name;
}

static bool fail(struct match *m, u32 pre_off, const char *fmt, ...)
{
	va_list args;
	int n;

	n = scnprintf(m->why, sizeof(m->why), "%s+0x%x: ", m->name, pre_off);
	va_start(args, fmt);
	vscnprintf(m->why + n, sizeof(m->why) - n, fmt, args);
	va_end(args);
	return false;
}

static bool bind(struct match *m, u32 pre_off, u32 idx, unsigned long addr)
{
	if (!m->bind[idx]) {
		m->bind[idx] = addr;
		return true;
	}
	if (m->bind[idx] == addr)
		return true;
	return fail(m, pre_off, "'%s' is at 0x%lx here but 0x%lx elsewhere",
		    sym_name(m, idx), addr, m->bind[idx]);
}

static bool is_thunk(const char *name)
{
	return !strcmp(name, "__x86_return_thunk") ||
	       !strncmp(name, "__x86_indirect_", 15);
}

/* Is a kprobe registered on any byte of [addr, addr + len)? */
static bool probed(unsigned long addr, u32 len)
{
	bool found = false;
	u32 i;

	if (!ksplice_kernel.get_kprobe)
		return false;
	preempt_disable();
	for (i = 0; i < len && !found; i++)
		found = ksplice_kernel.get_kprobe((void *)(addr + i)) != NULL;
	preempt_enable();
	return found;
}

static bool is_jump_label_site(struct match *m, unsigned long addr)
{
	struct jump_entry *e, *start, *stop;

	if (m->owner) {
		start = m->owner->jump_entries;
		stop = start + m->owner->num_jump_entries;
	} else {
		start = ksplice_kernel.jump_start;
		stop = ksplice_kernel.jump_stop;
	}
	if (!start)
		return false;
	for (e = start; e < stop; e++)
		if (jump_entry_code(e) == addr)
			return true;
	return false;
}

/* The length of the SITE (alternatives, paravirt or static call) starting at @off, 0 if none. */
static u32 site_len(struct match *m, u32 off)
{
	u32 i;

	for (i = 0; i < m->nr_sites; i++)
		if ((const u8 *)m->sites[i]->where - m->code == off)
			return m->sites[i]->addend;
	return 0;
}

static const char *site_kind(struct match *m, u32 off)
{
	u32 i;

	for (i = 0; i < m->nr_sites; i++)
		if ((const u8 *)m->sites[i]->where - m->code == off)
			return m->sites[i]->type == KSPLICE_R_SITE_CALL ? "static call" :
			       m->sites[i]->type == KSPLICE_R_SITE_PV ? "paravirt" :
			       "alternatives";
	return "?";
}

/* The PRE relocations inside [off, off + len) of the pre code. */
static void relocs_in(struct match *m, u32 off, u32 len, u32 *first, u32 *last)
{
	u32 i;

	*first = *last = 0;
	for (i = 0; i < m->nr_relocs; i++) {
		u32 at = (const u8 *)m->relocs[i]->where - m->code;

		if (at < off)
			continue;
		if (at >= off + len)
			break;
		if (*last == 0)
			*first = i;
		*last = i + 1;
	}
}

/* Learn or check the symbol behind a relocation field of the running code. */
static bool match_reloc(struct match *m, u32 pre_off, const struct ksplice_reloc *r,
			unsigned long field)
{
	unsigned long s;

	switch (r->type) {
	case KSPLICE_R_PC32:
		s = field + *(s32 *)field - r->addend;
		break;
	case KSPLICE_R_ABS64:
		s = *(u64 *)field - r->addend;
		break;
	case KSPLICE_R_ABS32:
		s = (unsigned long)*(u32 *)field - r->addend;
		break;
	case KSPLICE_R_ABS32S:
		s = (unsigned long)(long)*(s32 *)field - r->addend;
		break;
	default:
		return fail(m, pre_off, "relocation type %u unknown", r->type);
	}
	return bind(m, pre_off, r->symbol, s);
}

static u32 reloc_size(const struct ksplice_reloc *r)
{
	return r->type == KSPLICE_R_ABS64 ? 8 : 4;
}

/* Cover @len bytes of code with whole instructions; @avail bytes are readable. */
static bool covers(unsigned long code, u32 len, u32 avail)
{
	struct insn ri;
	u32 done = 0;

	while (done < len) {
		if (!ksplice_decode(&ri, (void *)(code + done), avail - done))
			return false;
		done += ri.length;
	}
	return done == len;
}

static bool match_branch(struct match *m, u32 pre_off, u32 run_off,
			 struct insn *pi, struct insn *ri, u32 first, u32 last)
{
	unsigned long run_target = m->run + run_off + ri->length +
				   ksplice_branch_disp(ri);
	const struct ksplice_reloc *r;
	u32 fo;

	if (first == last) {	/* a branch inside the function */
		struct pending_branch *b = &m->branches[m->nr_branches++];

		b->pre_off = pre_off;
		b->pre_target = pre_off + pi->length + ksplice_branch_disp(pi);
		b->run_target = run_target - m->run;
		return true;
	}
	r = m->relocs[first];
	fo = (const u8 *)r->where - (m->code + pre_off);
	if (last - first != 1 || r->type != KSPLICE_R_PC32 ||
	    fo + 4 != pi->length)
		return fail(m, pre_off, "unexpected relocation in a branch");
	/* T = S + A + (len - fo) for a PC32 field ending the instruction */
	return bind(m, pre_off, r->symbol, run_target - r->addend - 4);
}

static bool match_insn(struct match *m, u32 *pre_off, u32 *run_off)
{
	const u8 *pcode = m->code + *pre_off;
	unsigned long raddr = m->run + *run_off;
	u32 first, last, i, fentry_off, alt_len;
	struct insn pi, ri;
	enum ksplice_branch pk, rk;
	u8 pc = 0, rc = 0;

	if (*run_off >= m->run_size)
		return fail(m, *pre_off, "past the end of the running function");
	if (!ksplice_decode(&pi, pcode, m->size - *pre_off))
		return fail(m, *pre_off, "cannot decode the pre code");
	if (!ksplice_decode(&ri, (void *)raddr, m->run_size - *run_off + MAX_INSN_SIZE))
		return fail(m, *pre_off, "cannot decode running code at +0x%x", *run_off);
	m->map[*pre_off] = *run_off;
	relocs_in(m, *pre_off, pi.length, &first, &last);

	fentry_off = ksplice_fentry_site((unsigned long)m->code) - (unsigned long)m->code;
	if (*pre_off == fentry_off && pi.length == 5 &&
	    (ksplice_insn_is_nop(&pi) || pcode[0] == 0xe8)) {
		if (ri.length != 5 || !(ksplice_insn_is_nop(&ri) || ri.opcode.bytes[0] == 0xe8))
			return fail(m, *pre_off, "no fentry site in the running code");
		goto next;
	}
	/* Anywhere but the fentry site (where kprobes go through ftrace and
	 * leave the bytes to it), a kprobe hides the original bytes. */
	if (probed(raddr, ri.length)) {
		m->occupied = true;
		return fail(m, *pre_off, "a kprobe at +0x%x: remove it and retry", *run_off);
	}
	alt_len = site_len(m, *pre_off);
	if (alt_len) {
		/* apply_alternatives() may have put a replacement there */
		if (alt_len > m->size - *pre_off ||
		    !covers((unsigned long)pcode, alt_len, m->size - *pre_off) ||
		    !covers(raddr, alt_len, alt_len + MAX_INSN_SIZE))
			return fail(m, *pre_off, "%s site does not line up",
				    site_kind(m, *pre_off));
		ksplice_log(m->p->update, "%s+0x%x: %s site of %u bytes, running %*ph",
			    m->name, *pre_off, site_kind(m, *pre_off), alt_len, alt_len,
			    (u8 *)raddr);
		*pre_off += alt_len;
		*run_off += alt_len;
		return true;
	}
	if (last > first && is_thunk(sym_name(m, m->relocs[first]->symbol))) {
		if (!covers(raddr, pi.length, pi.length + MAX_INSN_SIZE))
			return fail(m, *pre_off, "thunk site does not line up");
		*pre_off += pi.length;
		*run_off += pi.length;
		return true;
	}
	if (is_jump_label_site(m, raddr)) {
		pk = ksplice_branch_kind(&pi, &pc);
		rk = ksplice_branch_kind(&ri, &rc);
		if (pi.length == ri.length &&
		    (ksplice_insn_is_nop(&pi) || pk == KSPLICE_BR_JMP) &&
		    (ksplice_insn_is_nop(&ri) || rk == KSPLICE_BR_JMP))
			goto next;
		return fail(m, *pre_off, "jump-label site differs");
	}
	pk = ksplice_branch_kind(&pi, &pc);
	rk = ksplice_branch_kind(&ri, &rc);
	if (pk != KSPLICE_BR_NONE && pk == rk && pc == rc) {
		if (!match_branch(m, *pre_off, *run_off, &pi, &ri, first, last))
			return false;
		goto next;
	}
	if (pi.length != ri.length || memcmp(pcode, (void *)raddr, pi.length)) {
		/* Equal but for relocation fields? */
		u32 pos = 0;

		if (pi.length != ri.length)
			goto differ;
		for (i = first; i < last; i++) {
			u32 at = (const u8 *)m->relocs[i]->where - pcode;

			if (memcmp(pcode + pos, (u8 *)raddr + pos, at - pos))
				goto differ;
			pos = at + reloc_size(m->relocs[i]);
		}
		if (pos > pi.length || memcmp(pcode + pos, (u8 *)raddr + pos, pi.length - pos))
			goto differ;
	}
	for (i = first; i < last; i++) {
		u32 at = (const u8 *)m->relocs[i]->where - pcode;

		if (!match_reloc(m, *pre_off, m->relocs[i], raddr + at))
			return false;
	}
next:
	*pre_off += pi.length;
	*run_off += ri.length;
	return true;
differ:
	return fail(m, *pre_off, "pre %*ph, running %*ph (at +0x%x)",
		    pi.length, pcode, ri.length, (u8 *)raddr, *run_off);
}

static bool match_at(struct match *m)
{
	u32 pre_off = 0, run_off = 0, i;

	m->nr_branches = 0;
	memset(m->map, 0xff, (m->size + 1) * sizeof(*m->map));
	preempt_disable();
	m->owner = ksplice_kernel.module_address(m->run);
	preempt_enable();
	while (pre_off < m->size)
		if (!match_insn(m, &pre_off, &run_off))
			return false;
	if (pre_off != m->size)
		return fail(m, pre_off, "last instruction runs past the pre code");
	m->map[m->size] = run_off;
	for (i = 0; i < m->nr_branches; i++) {
		struct pending_branch *b = &m->branches[i];

		if (b->pre_target > m->size || m->map[b->pre_target] != b->run_target)
			return fail(m, b->pre_off, "branch targets do not correspond");
	}
	return true;
}

static int cmp_reloc(const void *a, const void *b)
{
	const struct ksplice_reloc *x = *(const struct ksplice_reloc **)a;
	const struct ksplice_reloc *y = *(const struct ksplice_reloc **)b;

	return x->where < y->where ? -1 : x->where > y->where;
}

static int setup(struct match *m)
{
	const struct ksplice_header *h = m->p->hdr;
	u32 i;

	m->map = kvmalloc_array(m->size + 1, sizeof(*m->map), GFP_KERNEL);
	m->branches = kvmalloc_array(m->size, sizeof(*m->branches), GFP_KERNEL);
	m->relocs = kvmalloc_array(h->nr_relocs + 1, sizeof(*m->relocs), GFP_KERNEL);
	m->sites = kvmalloc_array(h->nr_relocs + 1, sizeof(*m->sites), GFP_KERNEL);
	m->bind = kcalloc(h->nr_symbols, sizeof(*m->bind), GFP_KERNEL);
	if (!m->map || !m->branches || !m->relocs || !m->sites || !m->bind)
		return -ENOMEM;
	m->nr_relocs = m->nr_sites = 0;
	for (i = 0; i < h->nr_relocs; i++) {
		const struct ksplice_reloc *r = &h->relocs[i];

		if ((const u8 *)r->where < m->code || (const u8 *)r->where >= m->code + m->size)
			continue;
		if (r->flags == KSPLICE_RELOC_PRE)
			m->relocs[m->nr_relocs++] = r;
		else if (r->flags == KSPLICE_RELOC_SITE)
			m->sites[m->nr_sites++] = r;
	}
	sort(m->relocs, m->nr_relocs, sizeof(*m->relocs), cmp_reloc, NULL);
	return 0;
}

static void teardown(struct match *m)
{
	kvfree(m->map);
	kvfree(m->branches);
	kvfree(m->relocs);
	kvfree(m->sites);
	kfree(m->bind);
}

/* Match one pre section; on success commit its bindings to the part. */
static int match_pre(struct ksplice_part *p, const struct ksplice_pre_section *pre)
{
	struct ksplice_update *u = p->update;
	const struct ksplice_header *h = p->hdr;
	unsigned long cand[KSPLICE_MAX_CANDIDATES], *won = NULL;
	struct match m = {
		.p = p, .pre = pre, .code = pre->code, .size = pre->size,
		.name = h->symbols[pre->symbol].name,
	};
	unsigned long orig = 0;
	int nr, i, matches = 0, ret;
	bool occupied = false;

	ret = setup(&m);
	if (ret)
		goto out;
	won = kcalloc(h->nr_symbols, sizeof(*won), GFP_KERNEL);
	if (!won) {
		ret = -ENOMEM;
		goto out;
	}
	if (p->sym_addr[pre->symbol]) {
		cand[0] = p->sym_addr[pre->symbol];
		nr = 1;
	} else {
		nr = ksplice_candidates(p->target, m.name, cand, ARRAY_SIZE(cand));
	}
	if (nr > (int)ARRAY_SIZE(cand)) {
		ksplice_log(u, "'%s': %d candidates, too many", m.name, nr);
		u->abort = KSPLICE_ABORT_FAILED_TO_FIND;
		ret = -ENOENT;
		goto out;
	}
	if (nr == 0) {
		ksplice_log(u, "'%s' not found in %s", m.name, h->target);
		u->abort = KSPLICE_ABORT_FAILED_TO_FIND;
		ret = -ENOENT;
		goto out;
	}
	for (i = 0; i < nr; i++) {
		memcpy(m.bind, p->sym_addr, h->nr_symbols * sizeof(*m.bind));
		m.run = ksplice_newest_code(cand[i]);
		m.run_size = ksplice_symbol_size(m.run);
		if (!m.run_size)
			m.run_size = m.size + MAX_INSN_SIZE;
		m.occupied = false;
		if (!match_at(&m)) {
			ksplice_log(u, "no match at 0x%lx: %s", m.run, m.why);
			occupied |= m.occupied;
			continue;
		}
		ksplice_log(u, "'%s' matches at 0x%lx%s", m.name, m.run,
			    m.run != cand[i] ? " (the newest replacement)" : "");
		matches++;
		orig = cand[i];
		memcpy(won, m.bind, h->nr_symbols * sizeof(*won));
	}
	if (!matches && occupied) {
		ksplice_log(u, "'%s': a kprobe occupies the running code", m.name);
		u->abort = KSPLICE_ABORT_UNEXPECTED;
		ret = -EBUSY;
		goto out;
	}
	if (matches != 1) {
		ksplice_log(u, "'%s': %s", m.name, matches ? "matches more than once" :
			    "the running code is not what the update was built against");
		u->abort = matches ? KSPLICE_ABORT_FAILED_TO_FIND : KSPLICE_ABORT_NO_MATCH;
		ret = matches ? -ENOENT : -ENOEXEC;
		goto out;
	}
	memcpy(p->sym_addr, won, h->nr_symbols * sizeof(*won));
	p->sym_addr[pre->symbol] = orig;
	ret = 0;
out:
	if (ret == -ENOMEM)
		u->abort = KSPLICE_ABORT_OUT_OF_MEMORY;
	kfree(won);
	teardown(&m);
	return ret;
}

/**
 * ksplice_match_part - run-pre match every pre section of a part
 *
 * On success every symbol a pre section pins down is in p->sym_addr. On
 * failure u->abort says why, the debug log says where, and p->sym_addr may
 * hold bindings from the sections that did match (the caller clears it).
 */
int ksplice_match_part(struct ksplice_part *p)
{
	u32 i;
	int ret;

	for (i = 0; i < p->hdr->nr_pre; i++) {
		ret = match_pre(p, &p->hdr->pre[i]);
		if (ret)
			return ret;
	}
	return 0;
}
