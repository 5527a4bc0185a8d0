// SPDX-License-Identifier: GPL-2.0-only
/*
 * kst_target.c - a module for ksplice's kernel tests to patch.
 *
 *   value     read: kst_value(41)
 *   busy_ret  read: kst_busy()
 *   hold      while non-zero, the kst_busy kthread sleeps inside kst_busy()
 *   dump      read: the first 32 bytes of kst_value and kst_busy, in hex
 */
#include <linux/delay.h>
#include <linux/kthread.h>
#include <linux/module.h>

#ifndef KST_VALUE_ADD
#define KST_VALUE_ADD 1
#endif

static int hold;
module_param(hold, int, 0644);

static noinline __attribute__((noipa)) int kst_helper(int x)
{
	return x * 2;
}

static noinline __attribute__((noipa)) int kst_value(int x)
{
	return kst_helper(x) + KST_VALUE_ADD;
}

static noinline __attribute__((noipa)) int kst_busy(void)
{
	while (READ_ONCE(hold))
		msleep(20);
	return 1;
}

static int get_value(char *buf, const struct kernel_param *kp)
{
	return sprintf(buf, "%d\n", kst_value(41));
}

static int get_busy_ret(char *buf, const struct kernel_param *kp)
{
	return sprintf(buf, "%d\n", kst_busy());
}

static int get_dump(char *buf, const struct kernel_param *kp)
{
	return sprintf(buf, "%32phN\n%32phN\n", (void *)kst_value, (void *)kst_busy);
}

static const struct kernel_param_ops value_ops = { .get = get_value };
static const struct kernel_param_ops busy_ret_ops = { .get = get_busy_ret };
static const struct kernel_param_ops dump_ops = { .get = get_dump };
module_param_cb(value, &value_ops, NULL, 0444);
module_param_cb(busy_ret, &busy_ret_ops, NULL, 0444);
module_param_cb(dump, &dump_ops, NULL, 0444);

static struct task_struct *thread;

static int busy_thread(void *unused)
{
	while (!kthread_should_stop()) {
		if (READ_ONCE(hold))
			kst_busy();
		msleep(20);
	}
	return 0;
}

static int __init kst_init(void)
{
	thread = kthread_run(busy_thread, NULL, "kst_busy");
	return PTR_ERR_OR_ZERO(thread);
}

static void __exit kst_exit(void)
{
	kthread_stop(thread);
}

module_init(kst_init);
module_exit(kst_exit);
MODULE_LICENSE("GPL");
