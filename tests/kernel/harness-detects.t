#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
. "$(dirname "$0")/../lib/test-lib.sh"
test_title "the guest runner (driver/ksplice-guest-run) fails a guest that warns, oopses, panics, hangs or fails"

require_kernel

step "build a module that misbehaves on request"
mkdir -p "$TEST_TMP/mod"
cat >"$TEST_TMP/mod/bad.c" <<'EOT'
// SPDX-License-Identifier: GPL-2.0-only
#include <linux/module.h>
#include <linux/kernel.h>

static char *what = "nothing";
module_param(what, charp, 0444);

static int __init bad_init(void)
{
	if (!strcmp(what, "warn"))
		WARN_ON(1);
	else if (!strcmp(what, "oops"))
		*(volatile int *)0x10 = 1;
	else if (!strcmp(what, "panic"))
		panic("ksplice-harness: requested panic");
	return 0;
}

static void __exit bad_exit(void)
{
}

module_init(bad_init);
module_exit(bad_exit);
MODULE_LICENSE("GPL");
EOT
echo 'obj-m := bad.o' >"$TEST_TMP/mod/Kbuild"
build_module "$TEST_TMP/mod"

# guest CASE SCRIPT: run SCRIPT in a guest, with a short timeout; record the
# runner's exit status and its error message.
guest() {
	local p=$TEST_TMP/$1 rc=0
	mkdir -p "$p"
	cp "$TEST_TMP/mod/bad.ko" "$p/"
	echo "$2" >"$p/guest.sh"
	"$TOP/driver/ksplice-guest-run" --kernel "$KERNEL_TREE/arch/x86/boot/bzImage" \
		--payload "$p" --timeout 30 --console "$p/console.log" \
		>"$p/out" 2>"$p/err" || rc=$?
	echo "$1 rc=$rc $(grep '^error:' "$p/err")"
}

step "each misbehaviour gets its own verdict"
{
	guest clean 'insmod bad.ko && echo fine'
	guest warn 'insmod bad.ko what=warn; echo survived'
	guest oops 'insmod bad.ko what=oops; echo survived'
	guest panic 'insmod bad.ko what=panic; echo survived'
	guest hang 'sleep 600'
	guest fail 'echo about to fail; exit 7'
} >"$TEST_TMP/actual"
cat >"$TEST_TMP/expect" <<EOT
clean rc=0 
warn rc=3 error: guest kernel log shows a problem (console log: $TEST_TMP/warn/console.log)
oops rc=3 error: guest kernel log shows a problem (console log: $TEST_TMP/oops/console.log)
panic rc=3 error: guest kernel log shows a problem (console log: $TEST_TMP/panic/console.log)
hang rc=2 error: guest hung: not finished within 30s
fail rc=1 error: guest script exited 7
EOT
test_cmp "$TEST_TMP/expect" "$TEST_TMP/actual"

step "the transcript of a failed script still comes back"
echo "about to fail" >"$TEST_TMP/expect"
test_cmp "$TEST_TMP/expect" "$TEST_TMP/fail/out"

step "the offending kernel lines are shown"
grep -q 'WARNING: CPU' "$TEST_TMP/warn/err" || die "warn: no WARNING line shown"
grep -q 'BUG: kernel NULL pointer dereference' "$TEST_TMP/oops/err" ||
	die "oops: no BUG line shown"
grep -q 'Kernel panic - not syncing: ksplice-harness: requested panic' "$TEST_TMP/panic/err" ||
	die "panic: no panic line shown"

test_done
