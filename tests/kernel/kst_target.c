// SPDX-License-Identifier: GPL-2.0-only
/*
 * kst_target.c - a module for ksplice's kernel tests to patch.
 *
 *   value     read: kst_value(41)
 *   busy_ret  read: kst_busy()
 *   hold      while non-zero, the kst_busy kthread sleeps inside kst_busy()
 *   dump      read: the first 32 bytes of kst_value and kst_busy, in hex
 *   spin      while non-zero, the kst_spin kthread runs inside kst_spin(),
 *             busy-looping; it is bound to CPU 1 when that CPU is online
 *   spins     read: how many times kst_spin() has looped
 *   spin_cpu  read: the CPU kst_spin() last looped on (-1: never)
 *   spin_ret  read: kst_spin() (only while spin is 0, or the reader spins)
 *
 * The spinning loop yields with cond_resched() on each turn, from
 * kst_spin_tick(): on a kernel without preemption (none or voluntary, the
 * test kernel's default), a loop with no preemption point would keep
 * stop_machine's stopper thread off its CPU for as long as it spins, and
 * the apply could never run. cond_resched() is where the stopper takes
 * over, so the kthread is caught with kst_spin's frame live on its stack.
 * The call sits in a helper because cond_resched() is a static call in
 * this kernel, whose site the module loader rewrites, and the tests'
 * stand-in for the linker (ksplice-gen.py) has no SITE entries for it.
 */
#include <linux/delay.h>
#include <linux/kthread.h>
#include <linux/module.h>
#include <linux/wait.h>

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

static int spin;
static unsigned long spins;
static int spin_cpu = -1;
module_param(spins, ulong, 0444);
module_param(spin_cpu, int, 0444);
static DECLARE_WAIT_QUEUE_HEAD(spin_wait);

/* Not patched: one turn of kst_spin()'s loop, and its preemption point. */
static noinline __attribute__((noipa)) void kst_spin_tick(void)
{
	WRITE_ONCE(spin_cpu, raw_smp_processor_id());
	WRITE_ONCE(spins, spins + 1);
	cond_resched();
}

static noinline __attribute__((noipa)) int kst_spin(void)
{
	while (READ_ONCE(spin)) {
		cpu_relax();
		kst_spin_tick();
	}
	return 1;
}

static int set_spin(const char *val, const struct kernel_param *kp)
{
	int ret = param_set_int(val, kp);

	if (!ret)
		wake_up(&spin_wait);
	return ret;
}

static const struct kernel_param_ops spin_ops = { .set = set_spin, .get = param_get_int };
module_param_cb(spin, &spin_ops, &spin, 0644);

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

static int get_spin_ret(char *buf, const struct kernel_param *kp)
{
	return sprintf(buf, "%d\n", kst_spin());
}

static const struct kernel_param_ops value_ops = { .get = get_value };
static const struct kernel_param_ops busy_ret_ops = { .get = get_busy_ret };
static const struct kernel_param_ops dump_ops = { .get = get_dump };
static const struct kernel_param_ops spin_ret_ops = { .get = get_spin_ret };
module_param_cb(value, &value_ops, NULL, 0444);
module_param_cb(busy_ret, &busy_ret_ops, NULL, 0444);
module_param_cb(dump, &dump_ops, NULL, 0444);
module_param_cb(spin_ret, &spin_ret_ops, NULL, 0444);

static struct task_struct *thread, *spin_task;

static int busy_thread(void *unused)
{
	while (!kthread_should_stop()) {
		if (READ_ONCE(hold))
			kst_busy();
		msleep(20);
	}
	return 0;
}

static int spin_thread(void *unused)
{
	while (!kthread_should_stop()) {
		wait_event_interruptible(spin_wait,
					 READ_ONCE(spin) || kthread_should_stop());
		if (READ_ONCE(spin))
			kst_spin();
	}
	return 0;
}

static int __init kst_init(void)
{
	thread = kthread_run(busy_thread, NULL, "kst_busy");
	if (IS_ERR(thread))
		return PTR_ERR(thread);
	spin_task = kthread_create(spin_thread, NULL, "kst_spin");
	if (IS_ERR(spin_task)) {
		kthread_stop(thread);
		return PTR_ERR(spin_task);
	}
	if (cpu_online(1))	/* beside whatever runs on CPU 0 */
		kthread_bind(spin_task, 1);
	wake_up_process(spin_task);
	return 0;
}

static void __exit kst_exit(void)
{
	WRITE_ONCE(spin, 0);
	kthread_stop(spin_task);
	kthread_stop(thread);
}

module_init(kst_init);
module_exit(kst_exit);
MODULE_LICENSE("GPL");
