#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
. "$(dirname "$0")/../lib/test-lib.sh"
test_title "ftrace and an entry kprobe keep working on a patched function; a kprobe on the bytes to patch is refused with unexpected"

require_kernel
. "$TOP/tests/kernel/ksplice-lib.sh"

step "build the core, the target and an update of kst_value"
build_core
build_target kst_target "$TOP/tests/kernel/kst_target.c"
mkdir -p "$TEST_TMP/upd"
cat >"$TEST_TMP/upd/new.c" <<'EOT'
// SPDX-License-Identifier: GPL-2.0-only
int kst_value(int x)
{
	return 2 * x + 1000;
}
EOT
build_update kst_upd "$TEST_TMP/upd" --id tr --target kst_target \
	--pre "$TEST_TMP/kst_target/kst_target.o:kst_value" --patch kst_value

step "trace kst_value while applying and reversing; probe the patch site"
cat >"$PAYLOAD/guest.sh" <<'EOT'
. ./kst.sh
P=/sys/module/kst_target/parameters
T=/sys/kernel/tracing
insmod ksplice.ko && insmod kst_target.ko && insmod kst_upd.ko || exit 1
# hits: call kst_value once, count what the function tracer saw
hits() {
	echo >$T/trace
	v=$(cat $P/value)
	echo "value $v hits $(grep -c ' kst_value <-' $T/trace)"
}
echo 'p:kst_site kst_target:kst_value+5' >$T/kprobe_events
echo 1 >$T/events/kprobes/kst_site/enable
stage tr apply
grep -o "a kprobe at +0x[0-9a-f]*: remove it and retry" /sys/kernel/debug/ksplice/tr | sort -u
echo 0 >$T/events/kprobes/kst_site/enable
echo >$T/kprobe_events
echo 'p:kst_entry kst_target:kst_value' >$T/kprobe_events
echo 1 >$T/events/kprobes/kst_entry/enable
stage tr apply
echo >$T/trace
echo "value $(cat $P/value) probe hits $(grep -c 'kst_entry:' $T/trace)"
stage tr reverse
echo 0 >$T/events/kprobes/kst_entry/enable
echo >$T/kprobe_events
echo 'kst_value:mod:kst_target' >$T/set_ftrace_filter
echo function >$T/current_tracer
hits
stage tr apply
hits
stage tr reverse
hits
stage tr apply
echo nop >$T/current_tracer
echo "value $(cat $P/value)"
echo function >$T/current_tracer
hits
echo nop >$T/current_tracer
stage tr reverse
rmmod kst_upd && rmmod kst_target && rmmod ksplice && echo unloaded
EOT
run_guest "$PAYLOAD" >"$TEST_TMP/actual"

step "compare the transcript"
cat >"$TEST_TMP/expect" <<'EOT'
apply tr: failed, unexpected
a kprobe at +0x5: remove it and retry
apply tr: ok
value 1082 probe hits 1
reverse tr: ok
value 83 hits 1
apply tr: ok
value 1082 hits 1
reverse tr: ok
value 83 hits 1
apply tr: ok
value 1082
value 1082 hits 1
reverse tr: ok
unloaded
EOT
test_cmp "$TEST_TMP/expect" "$TEST_TMP/actual"

test_done
