#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
. "$(dirname "$0")/../lib/test-lib.sh"
test_title "apply and reverse refuse with code_busy, after retries, while a task sleeps inside the old or the new function; succeed once it has left"

require_kernel
. "$TOP/tests/kernel/ksplice-lib.sh"

step "build the core, the target and an update of kst_busy"
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

step "apply while the kthread sleeps in kst_busy, then after it left"
cat >"$PAYLOAD/guest.sh" <<'EOT'
. ./kst.sh
P=/sys/module/kst_target/parameters
U=/sys/kernel/ksplice/busy
insmod ksplice.ko && insmod kst_target.ko && insmod kst_upd.ko || exit 1
echo 1 >$P/hold
sleep 1
stage busy apply
sed 's/ [0-9]* / PID /; s/+0x[0-9a-f]*/+OFF/' $U/conflicts
echo "attempts $(grep -c 'apply attempt' /sys/kernel/debug/ksplice/busy)"
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
rmmod kst_upd && rmmod kst_target && rmmod ksplice && echo unloaded
EOT
run_guest "$PAYLOAD" >"$TEST_TMP/actual"

step "compare the transcript"
cat >"$TEST_TMP/expect" <<'EOT'
apply busy: failed, code_busy
kst_busy PID kst_busy+OFF
attempts 5
apply busy: ok
conflicts 0 busy_ret 2
reverse busy: failed, code_busy
kst_busy PID kst_busy+OFF
reverse busy: ok
busy_ret 1
unloaded
EOT
test_cmp "$TEST_TMP/expect" "$TEST_TMP/actual"

test_done
