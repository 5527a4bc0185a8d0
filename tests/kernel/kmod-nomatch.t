#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
. "$(dirname "$0")/../lib/test-lib.sh"
test_title "an update built from other source is refused with no_match, and the kernel text is untouched"

require_kernel
. "$TOP/tests/kernel/ksplice-lib.sh"

step "build the target, and an update whose old code comes from a different source"
build_core
build_target kst_target "$TOP/tests/kernel/kst_target.c"
build_target kst_target "$TOP/tests/kernel/kst_target.c" -DKST_VALUE_ADD=2 "$TEST_TMP/other"
mkdir -p "$TEST_TMP/upd"
cat >"$TEST_TMP/upd/new.c" <<'EOT'
// SPDX-License-Identifier: GPL-2.0-only
int kst_value(int x)
{
	return 7;
}
EOT
build_update kst_upd "$TEST_TMP/upd" --id wrong --target kst_target \
	--pre "$TEST_TMP/other/kst_target.o:kst_value" --patch kst_value

step "apply in the guest"
cat >"$PAYLOAD/guest.sh" <<'EOT'
. ./kst.sh
P=/sys/module/kst_target/parameters
insmod ksplice.ko && insmod kst_target.ko && insmod kst_upd.ko || exit 1
cat $P/dump >before
stage wrong apply
echo "stage $(stage wrong) value $(cat $P/value)"
cat $P/dump >after
[ "$(cat before)" = "$(cat after)" ] && echo "text identical"
L=/sys/kernel/debug/ksplice/wrong
grep -o "no match at 0x[0-9a-f]*: kst_value+0x[0-9a-f]*: pre" $L |
	sed 's/0x[0-9a-f]*/ADDR/; s/+0x[0-9a-f]*/+OFF/'
grep -o "'kst_value': the running code is not what the update was built against" $L
rmmod kst_upd && rmmod kst_target && rmmod ksplice && echo unloaded
EOT
run_guest "$PAYLOAD" >"$TEST_TMP/actual"

step "compare the transcript"
cat >"$TEST_TMP/expect" <<'EOT'
apply wrong: failed, no_match
stage preparing value 83
text identical
no match at ADDR: kst_value+OFF: pre
'kst_value': the running code is not what the update was built against
unloaded
EOT
test_cmp "$TEST_TMP/expect" "$TEST_TMP/actual"

test_done
