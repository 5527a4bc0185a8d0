#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
. "$(dirname "$0")/../lib/test-lib.sh"
test_title "ksplice.ko applies and reverses an update of a module function; the text is restored exactly; a second apply, a reverse of what is not applied and a part too many are refused and change nothing"

require_kernel
. "$TOP/tests/kernel/ksplice-lib.sh"

step "build the core, a target module and an update of kst_value"
build_core
build_target kst_target "$TOP/tests/kernel/kst_target.c"
mkdir -p "$TEST_TMP/upd1"
cat >"$TEST_TMP/upd1/new.c" <<'EOT'
// SPDX-License-Identifier: GPL-2.0-only
/* kst_helper is static in kst_target: the core fills in this pointer. */
int (*kst_helper_ptr)(int);

int kst_value(int x)
{
	return kst_helper_ptr(x) + 1000;
}
EOT
build_update kst_upd1 "$TEST_TMP/upd1" --id upd1 --target kst_target \
	--description "kst_value adds 1000" \
	--pre "$TEST_TMP/kst_target/kst_target.o:kst_value" --patch kst_value \
	--new-reloc kst_helper_ptr:kst_helper
# A module with upd1's id for another target: upd1 has its one part already.
mkdir -p "$TEST_TMP/dup"
echo 'int kst_value(int x) { return 7; }' >"$TEST_TMP/dup/new.c"
build_update kst_dup "$TEST_TMP/dup" --id upd1 --target kst_other \
	--pre "$TEST_TMP/kst_target/kst_target.o:kst_value" --patch kst_value

step "apply, check, reverse, check in the guest"
cat >"$PAYLOAD/guest.sh" <<'EOT'
. ./kst.sh
P=/sys/module/kst_target/parameters
U=/sys/kernel/ksplice/upd1
insmod ksplice.ko && insmod kst_target.ko || exit 1
echo "value $(cat $P/value)"
cat $P/dump >before
insmod kst_upd1.ko || exit 1
echo "stage $(stage upd1) abort_cause $(cat $U/abort_cause)"
cat $U/description $U/functions
stage upd1 reverse
# refused OP: write OP to upd1's stage; the errno, and why the log says
refused() {
	(echo $1 >$U/stage) 2>&1 | sed 's/.*write error: /errno: /'
	grep "^$1 refused" /sys/kernel/debug/ksplice/upd1 | tail -1
}
refused reverse
stage upd1 apply
cat $U/conflicts
echo "stage $(stage upd1) abort_cause $(cat $U/abort_cause)"
echo "value $(cat $P/value)"
cat $P/dump >applied
[ "$(cat before)" != "$(cat applied)" ] && echo "text changed"
rmmod kst_upd1 2>/dev/null || echo "update module pinned"
rmmod kst_target 2>/dev/null || echo "target module pinned"
refs() { echo "$(cat /sys/module/kst_upd1/refcnt) $(cat /sys/module/kst_target/refcnt)"; }
refs >refs-applied
stage upd1 apply
refused apply
insmod kst_dup.ko 2>/dev/null || echo "a part too many refused"
echo "stage $(stage upd1) value $(cat $P/value)"
cat $P/dump >again
[ "$(cat applied)" = "$(cat again)" ] && echo "text unchanged"
[ "$(refs)" = "$(cat refs-applied)" ] && echo "pins unchanged"
stage upd1 reverse
echo "stage $(stage upd1)"
echo "value $(cat $P/value)"
cat $P/dump >after
[ "$(cat before)" = "$(cat after)" ] && echo "text restored"
stage upd1 reverse
cat $P/dump >again
[ "$(cat before)" = "$(cat again)" ] && echo "text unchanged"
stage upd1 apply
echo "value $(cat $P/value)"
stage upd1 reverse
rmmod kst_upd1 && ls /sys/kernel/ksplice | wc -l
rmmod kst_target && rmmod ksplice && echo unloaded
EOT
run_guest "$PAYLOAD" >"$TEST_TMP/actual"

step "compare the transcript"
cat >"$TEST_TMP/expect" <<'EOT'
value 83
stage preparing abort_cause ok
kst_value adds 1000
kst_target kst_value
reverse upd1: failed, not_applied
errno: Operation already in progress
reverse refused: the update is not applied (stage preparing)
apply upd1: ok
stage applied abort_cause ok
value 1082
text changed
update module pinned
target module pinned
apply upd1: failed, already_applied
errno: Operation already in progress
apply refused: the update is already applied
a part too many refused
stage applied value 1082
text unchanged
pins unchanged
reverse upd1: ok
stage reversed
value 83
text restored
reverse upd1: failed, not_applied
text unchanged
apply upd1: ok
value 1082
reverse upd1: ok
0
unloaded
EOT
test_cmp "$TEST_TMP/expect" "$TEST_TMP/actual"

test_done
