// SPDX-License-Identifier: GPL-2.0-only
/*
 * syscall-loop.c: for tests/bench/kmodsrc.bench, in the guest: the time of
 * 3 x 10^5 getppid() system calls, as nanoseconds per 10^6 calls. Built
 * static, since the guest has only busybox.
 */
#include <stdio.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#define CALLS 300000

int main(void)
{
	struct timespec a, b;
	long sum = 0;

	clock_gettime(CLOCK_MONOTONIC, &a);
	for (int i = 0; i < CALLS; i++)
		sum += syscall(SYS_getppid);
	clock_gettime(CLOCK_MONOTONIC, &b);
	if (sum <= 0)
		return 1;
	printf("%.0f\n", ((b.tv_sec - a.tv_sec) * 1e9 + (b.tv_nsec - a.tv_nsec)) * (1000000.0 / CALLS));
	return 0;
}
