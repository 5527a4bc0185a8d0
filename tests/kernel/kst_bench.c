// SPDX-License-Identifier: GPL-2.0-only
/*
 * kst_bench.c - a target for the kmodsrc benchmark (tests/bench/kmodsrc.bench).
 *
 *   calls  read: cycles taken by 1,000,000 calls of kst_f0
 *   empty  read: cycles of 15 empty stop_machine() runs, one per line
 *   empty1 read: cycles of one empty stop_machine(), the first after the
 *          read started, as an apply's is
 *
 * kst_f0 ... kst_f19 are the functions the benchmark's updates replace.
 */
#include <linux/module.h>
#include <linux/stop_machine.h>
#include <linux/timex.h>

#define F(i) static noinline __attribute__((noipa)) int kst_f##i(int x) { return x + i; }
F(0) F(1) F(2) F(3) F(4) F(5) F(6) F(7) F(8) F(9)
F(10) F(11) F(12) F(13) F(14) F(15) F(16) F(17) F(18) F(19)

static int (*const funcs[])(int) __used = {
	kst_f0, kst_f1, kst_f2, kst_f3, kst_f4, kst_f5, kst_f6, kst_f7, kst_f8, kst_f9,
	kst_f10, kst_f11, kst_f12, kst_f13, kst_f14, kst_f15, kst_f16, kst_f17,
	kst_f18, kst_f19,
};

#define NR_CALLS	1000000

static int get_calls(char *buf, const struct kernel_param *kp)
{
	cycles_t t0 = get_cycles();
	int i, sum = 0;

	for (i = 0; i < NR_CALLS; i++)
		sum += kst_f0(i);
	t0 = get_cycles() - t0;
	return sprintf(buf, "%llu %d\n", (u64)t0, sum & 1);
}

static int nothing(void *unused)
{
	return 0;
}

static int get_empty(char *buf, const struct kernel_param *kp)
{
	int i, n = 0;

	for (i = 0; i < 15; i++) {
		cycles_t t0 = get_cycles();

		stop_machine(nothing, NULL, cpu_online_mask);
		t0 = get_cycles() - t0;
		n += sprintf(buf + n, "%llu\n", (u64)t0);
	}
	return n;
}

static int get_empty1(char *buf, const struct kernel_param *kp)
{
	cycles_t t0 = get_cycles();

	stop_machine(nothing, NULL, cpu_online_mask);
	return sprintf(buf, "%llu\n", (u64)(get_cycles() - t0));
}

static const struct kernel_param_ops calls_ops = { .get = get_calls };
static const struct kernel_param_ops empty_ops = { .get = get_empty };
static const struct kernel_param_ops empty1_ops = { .get = get_empty1 };
module_param_cb(calls, &calls_ops, NULL, 0444);
module_param_cb(empty, &empty_ops, NULL, 0444);
module_param_cb(empty1, &empty1_ops, NULL, 0444);
MODULE_LICENSE("GPL");
