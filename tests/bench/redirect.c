// SPDX-License-Identifier: GPL-2.0-only
/*
 * redirect.c: what a patched call costs on this machine's own CPU, for
 * tests/bench/kmodsrc.bench. Under QEMU TCG the guest's figure measures
 * the emulator (a jump to another page costs a translated-block lookup);
 * this measures the same instruction sequences natively, in user space:
 *
 *   unpatched  loop: call f        f: nop5 (fentry); lea eax,[rdi+0]; ret
 *   patched    loop: call f        f: nop5; jmp g
 *                                  g: nop5; lea eax,[rdi+0]; ret
 *
 * f is the benchmark's kst_f0 as the kernel builds it (fentry nop, then
 * the body); g is its copy in the update module, 32 MiB away, as ksplice's
 * redirect leaves it: the old fentry site untouched, a 5-byte jmp right
 * after it. The loop and f share a page, as kst_bench and kst_f0 do.
 *
 * Prints "unpatched NS" and "patched NS" lines, nanoseconds per 10^6
 * calls, alternating, RUNS times (argv[1], default 9).
 */
#define _GNU_SOURCE
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>

#define CALLS	100000000u	/* per timed run; reported per 10^6 */
#define FAR	(32u << 20)	/* the new function's distance */

static const uint8_t nop5[] = { 0x0f, 0x1f, 0x44, 0x00, 0x00 };
static const uint8_t body[] = { 0x8d, 0x47, 0x00, 0xc3, 0xcc };	/* lea; ret; int3 */

static uint8_t *put(uint8_t *p, const void *b, size_t n)
{
	memcpy(p, b, n);
	return p + n;
}

static uint8_t *put_rel32(uint8_t *p, uint8_t op, const uint8_t *to)
{
	int32_t rel = (int32_t)(to - (p + 5));

	*p++ = op;
	memcpy(p, &rel, 4);
	return p + 4;
}

/* loop(): CALLS calls of f(i), returns the sum (so nothing is dead) */
static uint8_t *put_loop(uint8_t *p, const uint8_t *f)
{
	static const uint8_t head[] = { 0x53, 0x31, 0xd2, 0xbb };	/* push rbx; xor edx,edx; mov ebx, */
	static const uint8_t step[] = { 0x89, 0xdf };			/* mov edi, ebx */
	static const uint8_t tail[] = { 0x01, 0xc2, 0xff, 0xcb };	/* add edx,eax; dec ebx */
	static const uint8_t done[] = { 0x89, 0xd0, 0x5b, 0xc3 };	/* mov eax,edx; pop rbx; ret */
	uint32_t n = CALLS;
	uint8_t *top;

	p = put(p, head, sizeof(head));
	p = put(p, &n, 4);
	top = p;
	p = put(p, step, sizeof(step));
	p = put_rel32(p, 0xe8, f);	/* call f */
	p = put(p, tail, sizeof(tail));
	*p++ = 0x75;			/* jnz top */
	*p = (uint8_t)(top - (p + 1));
	p++;
	return put(p, done, sizeof(done));
}

static double run(uint32_t (*loop)(void))
{
	struct timespec a, b;
	volatile uint32_t sink;

	clock_gettime(CLOCK_MONOTONIC, &a);
	sink = loop();
	clock_gettime(CLOCK_MONOTONIC, &b);
	(void)sink;
	return ((b.tv_sec - a.tv_sec) * 1e9 + (b.tv_nsec - a.tv_nsec)) / (CALLS / 1000000u);
}

int main(int argc, char **argv)
{
	int runs = argc > 1 ? atoi(argv[1]) : 9;
	uint8_t *mem = mmap(NULL, 2 * FAR, PROT_READ | PROT_WRITE | PROT_EXEC,
			    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	uint8_t *loop_u, *loop_p, *f_u, *f_p, *g, *p;

	if (mem == MAP_FAILED) {
		perror("redirect: mmap");
		return 1;
	}
	/* page 0: the unpatched loop and f; page 1: the patched ones */
	loop_u = mem;
	f_u = mem + 64;
	loop_p = mem + 4096;
	f_p = mem + 4096 + 64;
	g = mem + FAR;
	put_loop(loop_u, f_u);
	put(put(f_u, nop5, 5), body, sizeof(body));
	put_loop(loop_p, f_p);
	p = put(f_p, nop5, 5);
	put_rel32(p, 0xe9, g);	/* the redirect: jmp g after the fentry site */
	put(put(g, nop5, 5), body, sizeof(body));
	if (mprotect(mem, 2 * FAR, PROT_READ | PROT_EXEC)) {
		perror("redirect: mprotect");
		return 1;
	}
	run((uint32_t (*)(void))loop_u);	/* warm up */
	run((uint32_t (*)(void))loop_p);
	for (int i = 0; i < runs; i++) {
		printf("unpatched %.0f\n", run((uint32_t (*)(void))loop_u));
		printf("patched %.0f\n", run((uint32_t (*)(void))loop_p));
	}
	return 0;
}
