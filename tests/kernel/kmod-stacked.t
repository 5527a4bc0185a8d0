#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
. "$(dirname "$0")/../lib/test-lib.sh"
test_title "a second update of a patched function binds to the newest code; updates reverse only in reverse order"

require_kernel
. "$TOP/tests/kernel/ksplice-lib.sh"

step "build the core, the target, an update and an update of that update"
build_core
build_target kst_target "$TOP/tests/kernel/kst_target.c"
mkdir -p "$TEST_TMP/upd1" "$TEST_TMP/upd2"
cat >"$TEST_TMP/upd1/new.c" <<'EOT'
// SPDX-License-Identifier: GPL-2.0-only
int (*kst_helper_ptr)(int);

int kst_value(int x)
{
	return kst_helper_ptr(x) + 1000;
}
EOT
build_update kst_upd1 "$TEST_TMP/upd1" --id one --target kst_target \
	--pre "$TEST_TMP/kst_target/kst_target.o:kst_value" --patch kst_value \
	--new-reloc kst_helper_ptr:kst_helper
# The second update was made against the source with the first one in it:
# its old code is the first update's new code.
cat >"$TEST_TMP/upd2/new.c" <<'EOT'
// SPDX-License-Identifier: GPL-2.0-only
int (*kst_helper_ptr2)(int);

int kst_value(int x)
{
	return kst_helper_ptr2(x) + 2000;
}
EOT
build_update kst_upd2 "$TEST_TMP/upd2" --id two --target kst_target \
	--pre "$TEST_TMP/upd1/new.o:kst_value" --patch kst_value \
	--new-reloc kst_helper_ptr2:kst_helper

step "apply and reverse them in the guest, in and out of order"
cat >"$PAYLOAD/guest.sh" <<'EOT'
. ./kst.sh
P=/sys/module/kst_target/parameters
insmod ksplice.ko && insmod kst_target.ko || exit 1
insmod kst_upd1.ko && insmod kst_upd2.ko || exit 1
cat $P/dump >before
stage two apply
stage one apply
echo "value $(cat $P/value)"
stage two apply
echo "value $(cat $P/value)"
grep -o "'kst_value' matches at 0x[0-9a-f]* (the newest replacement)" \
	/sys/kernel/debug/ksplice/two | sed 's/0x[0-9a-f]*/ADDR/'
rmmod kst_upd1 2>/dev/null || echo "first update pinned"
stage one reverse
grep -o "update two was applied after this one: reverse it first" /sys/kernel/debug/ksplice/one
echo "value $(cat $P/value)"
stage two reverse
echo "value $(cat $P/value)"
stage one reverse
echo "value $(cat $P/value)"
cat $P/dump >after
[ "$(cat before)" = "$(cat after)" ] && echo "text restored"
rmmod kst_upd2 && rmmod kst_upd1 && rmmod kst_target && rmmod ksplice && echo unloaded
EOT
run_guest "$PAYLOAD" >"$TEST_TMP/actual"

step "compare the transcript"
cat >"$TEST_TMP/expect" <<'EOT'
apply two: failed, no_match
apply one: ok
value 1082
apply two: ok
value 2082
'kst_value' matches at ADDR (the newest replacement)
first update pinned
reverse one: failed, out_of_order
update two was applied after this one: reverse it first
value 2082
reverse two: ok
value 1082
reverse one: ok
value 83
text restored
unloaded
EOT
test_cmp "$TEST_TMP/expect" "$TEST_TMP/actual"

test_done
