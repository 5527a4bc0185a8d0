#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
. "$(dirname "$0")/../lib/test-lib.sh"
test_title "apply and reverse refuse with code_busy, after retries, while a task sleeps, or runs on the other CPU, inside the old or the new function; succeed once it has left"

require_kernel
. "$TOP/tests/kernel/ksplice-lib.sh"

step "build the core, the target, an update of kst_busy and one of kst_spin"
build_core
build_target kst_target "$TOP/tests/kernel/kst_target.c"
mkdir -p "$TEST_TMP/upd"
cat >"$TEST_TMP/upd/new.c" <<'EOT'
// SPDX-License-Identifier: GPL-2.0-only
#include <linux/delay.h>

/* kst_target's static 'hold': the core fills in this pointer. */
int *kst_hold_ptr;

int kst_busy(void)
{
	while (READ_ONCE(*kst_hold_ptr))
		msleep(20);
	return 2;
}
EOT
build_update kst_upd "$TEST_TMP/upd" --id busy --target kst_target \
	--pre "$TEST_TMP/kst_target/kst_target.o:kst_busy" --patch kst_busy \
	--new-reloc kst_hold_ptr:hold:data
mkdir -p "$TEST_TMP/spin"
cat >"$TEST_TMP/spin/new.c" <<'EOT'
// SPDX-License-Identifier: GPL-2.0-only
#include <linux/compiler.h>
#include <asm/processor.h>

/* kst_target's static 'spin' and kst_spin_tick(), filled in by the core. */
int *kst_spin_ptr;
void (*kst_spin_tick_ptr)(void);

int kst_spin(void)
{
	while (READ_ONCE(*kst_spin_ptr)) {
		cpu_relax();
		kst_spin_tick_ptr();
	}
	return 2;
}
EOT
build_update kst_spin_upd "$TEST_TMP/spin" --id spin --target kst_target \
	--pre "$TEST_TMP/kst_target/kst_target.o:kst_spin" --patch kst_spin \
	--new-reloc kst_spin_ptr:spin:data --new-reloc kst_spin_tick_ptr:kst_spin_tick

step "apply while a kthread sleeps in kst_busy, then after it left; the same with a kthread running in kst_spin on CPU 1"
cat >"$PAYLOAD/guest.sh" <<'EOT'
. ./kst.sh
P=/sys/module/kst_target/parameters
U=/sys/kernel/ksplice/busy
insmod ksplice.ko && insmod kst_target.ko && insmod kst_upd.ko &&
	insmod kst_spin_upd.ko || exit 1
echo 1 >$P/hold
sleep 1
stage busy apply
sed 's/ [0-9]* / PID /; s/+0x[0-9a-f]*/+OFF/' $U/conflicts
echo "attempts $(grep -c 'apply attempt' /sys/kernel/debug/ksplice/busy)"
# the pre-scan finds the sleeping kthread inside (it wakes every 20 ms), and
# such an attempt is busy without stopping the machine
grep -q '^apply attempt [0-9]*: busy at the pre-scan, machine not stopped' \
	/sys/kernel/debug/ksplice/busy && echo "busy at the pre-scan"
echo 0 >$P/hold
sleep 1
stage busy apply
echo "conflicts $(wc -c <$U/conflicts) busy_ret $(cat $P/busy_ret)"
echo 1 >$P/hold
sleep 1
stage busy reverse
sed 's/ [0-9]* / PID /; s/+0x[0-9a-f]*/+OFF/' $U/conflicts
echo 0 >$P/hold
sleep 1
stage busy reverse
echo "busy_ret $(cat $P/busy_ret)"

# A task running, not sleeping: kst_spin loops on CPU 1 while the shell
# applies. Each apply attempt's stopper thread takes CPU 1 from it at its
# cond_resched(), with kst_spin's frame live on its stack.
S=/sys/kernel/ksplice/spin
echo "cpus online $(cat /sys/devices/system/cpu/online)"
# spinning NAME OP: run OP on update NAME while kst_spin loops in kst_spin();
# show that it kept looping, on CPU 1, runnable (R), and what blocked OP.
spinning() {
	echo 1 >$P/spin
	sleep 1
	before=$(cat $P/spins)
	stage $1 $2
	after=$(cat $P/spins)
	pid=$(cut -d' ' -f2 /sys/kernel/ksplice/$1/conflicts)
	[ -n "$pid" ] && echo "state $(cut -d' ' -f3 /proc/$pid/stat) cpu $(cat $P/spin_cpu)"
	[ "$after" -gt "$before" ] && echo "looped during the $2"
	sed 's/ [0-9]* / PID /; s/+0x[0-9a-f]*/+OFF/' /sys/kernel/ksplice/$1/conflicts
	echo "attempts $(grep -c "$2 attempt" /sys/kernel/debug/ksplice/$1)"
	echo 0 >$P/spin
	sleep 1
}
spinning spin apply
stage spin apply
echo "conflicts $(wc -c <$S/conflicts) spin_ret $(cat $P/spin_ret)"
spinning spin reverse
stage spin reverse
echo "spin_ret $(cat $P/spin_ret)"
rmmod kst_spin_upd && rmmod kst_upd && rmmod kst_target && rmmod ksplice && echo unloaded
EOT
run_guest "$PAYLOAD" >"$TEST_TMP/actual"

step "compare the transcript"
cat >"$TEST_TMP/expect" <<'EOT'
apply busy: failed, code_busy
kst_busy PID kst_busy+OFF
attempts 5
busy at the pre-scan
apply busy: ok
conflicts 0 busy_ret 2
reverse busy: failed, code_busy
kst_busy PID kst_busy+OFF
reverse busy: ok
busy_ret 1
cpus online 0-1
apply spin: failed, code_busy
state R cpu 1
looped during the apply
kst_spin PID kst_spin+OFF
attempts 5
apply spin: ok
conflicts 0 spin_ret 2
reverse spin: failed, code_busy
state R cpu 1
looped during the reverse
kst_spin PID kst_spin+OFF
attempts 5
reverse spin: ok
spin_ret 1
unloaded
EOT
test_cmp "$TEST_TMP/expect" "$TEST_TMP/actual"

test_done
