#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
. "$(dirname "$0")/../lib/test-lib.sh"
test_title "run-pre matching tolerates an alternatives site rewritten at boot, and a function without fentry is patched at its entry (_copy_to_user)"

require_kernel
. "$TOP/tests/kernel/ksplice-lib.sh"

step "compile lib/usercopy.c as the kernel did, with function sections"
build_core
compile_kernel_object lib/usercopy.o "$TEST_TMP/pre"

step "build an update of _copy_to_user that counts its calls"
mkdir -p "$TEST_TMP/upd"
cat >"$TEST_TMP/upd/new.c" <<'EOT'
// SPDX-License-Identifier: GPL-2.0-only
/* lib/usercopy.c's _copy_to_user, counting its calls. */
#include <linux/fault-inject-usercopy.h>
#include <linux/instrumented.h>
#include <linux/module.h>
#include <linux/uaccess.h>

static atomic_t calls = ATOMIC_INIT(0);

static int get_calls(char *buf, const struct kernel_param *kp)
{
	return sprintf(buf, "%d\n", atomic_read(&calls));
}

static const struct kernel_param_ops calls_ops = { .get = get_calls };
module_param_cb(calls, &calls_ops, NULL, 0444);

unsigned long _copy_to_user(void __user *to, const void *from, unsigned long n)
{
	atomic_inc(&calls);
	might_fault();
	if (should_fail_usercopy())
		return n;
	if (likely(access_ok(to, n))) {
		instrument_copy_to_user(to, from, n);
		n = raw_copy_to_user(to, from, n);
	}
	return n;
}
EOT
build_update kst_alt "$TEST_TMP/upd" --id alt --target vmlinux \
	--pre "$TEST_TMP/pre/usercopy.o:_copy_to_user" --patch _copy_to_user

step "apply and reverse it in the guest"
cat >"$PAYLOAD/guest.sh" <<'EOT'
. ./kst.sh
C=/sys/module/kst_alt/parameters/calls
insmod ksplice.ko && insmod kst_alt.ko || exit 1
stage alt apply
grep -o "_copy_to_user+0x[0-9a-f]*: alternatives site of [0-9]* bytes" /sys/kernel/debug/ksplice/alt |
	sed 's/+0x[0-9a-f]*/+OFF/; s/of [0-9]* bytes/of N bytes/' | sort -u
grep -o "'_copy_to_user': jmp at 0x[0-9a-f]* (+0x0)" /sys/kernel/debug/ksplice/alt |
	sed 's/at 0x[0-9a-f]*/at ADDR/'
cat /proc/version >/dev/null
[ "$(cat $C)" -gt 0 ] && echo "the new _copy_to_user runs"
stage alt reverse
a=$(cat $C); cat /proc/version >/dev/null; b=$(cat $C)
[ "$a" = "$b" ] && echo "the old _copy_to_user runs again"
rmmod kst_alt && rmmod ksplice && echo unloaded
EOT
run_guest "$PAYLOAD" >"$TEST_TMP/actual"

step "compare the transcript"
cat >"$TEST_TMP/expect" <<'EOT'
apply alt: ok
_copy_to_user+OFF: alternatives site of N bytes
'_copy_to_user': jmp at ADDR (+0x0)
the new _copy_to_user runs
reverse alt: ok
the old _copy_to_user runs again
unloaded
EOT
test_cmp "$TEST_TMP/expect" "$TEST_TMP/actual"

test_done
