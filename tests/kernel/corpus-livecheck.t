#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
. "$(dirname "$0")/../lib/test-lib.sh"
test_title "ksplice-livecheck: TAP and JUnit for a live patch, a no-change patch, a refused patch, several patches in one boot, and a test that is live too early"

require_kernel
LIVECHECK=$TOP/driver/build/ksplice-livecheck
P=$TOP/tests/patches

# livecheck NAME ARGS...: run it from $TEST_TMP; TAP in NAME.tap, exit in
# $rc. A work directory it kept (after a failure) is removed.
livecheck() {
	local name=$1 kept
	shift
	rc=0
	(cd "$TEST_TMP" && "$LIVECHECK" --tree "$KERNEL_TREE" "$@") \
		>"$TEST_TMP/$name.tap" 2>"$TEST_TMP/$name.err" || rc=$?
	kept=$(sed -n "s/^work directory kept: '\([^']*\)'.*/\1/p" "$TEST_TMP/$name.err")
	[ -z "$kept" ] || rm -rf "$kept"
}

step "a live patch: every step behaves, exit 0, JUnit without failures"
livecheck live --patch "$P/proc-string.patch" --test "$P/proc-string.live" \
	--junit "$TEST_TMP/live.xml"
[ "$rc" = 0 ] || die "exit $rc: $(cat "$TEST_TMP/live.err")"
cat >"$TEST_TMP/expect" <<'EOT'
TAP version 13
1..7
ok 1 - ksplice-create built an update
ok 2 - the test fails before the update
ok 3 - the update applies
ok 4 - the test passes with the update
ok 5 - the update reverses
ok 6 - the test fails again after the reverse
ok 7 - the kernel log stayed clean
EOT
test_cmp "$TEST_TMP/expect" "$TEST_TMP/live.tap"
grep -q '<testsuite name="ksplice-livecheck" tests="7" failures="0">' "$TEST_TMP/live.xml" ||
	die "bad JUnit: $(cat "$TEST_TMP/live.xml")"
[ "$(grep -c '<testcase ' "$TEST_TMP/live.xml")" = 7 ] || die "JUnit does not have 7 test cases"

step "--expect=no-change and --expect=refused"
livecheck nochange --patch "$P/lines-only.patch" --expect=no-change
[ "$rc" = 0 ] || die "no-change: exit $rc"
livecheck refused --patch "$P/init-function.patch" --expect=refused
[ "$rc" = 0 ] || die "refused: exit $rc"
livecheck wrong --patch "$P/init-function.patch" --expect=no-change
[ "$rc" = 1 ] || die "a refused patch passed --expect=no-change (exit $rc)"
cat "$TEST_TMP/nochange.tap" "$TEST_TMP/refused.tap" "$TEST_TMP/wrong.tap" >"$TEST_TMP/actual"
cat >"$TEST_TMP/expect" <<'EOT'
TAP version 13
1..1
ok 1 - ksplice-create found no functional change
TAP version 13
1..1
ok 1 - ksplice-create refused the patch (a blocker)
TAP version 13
1..1
not ok 1 - ksplice-create found no functional change
  ---
  message: 'ksplice-create exited 2'
  ...
EOT
test_cmp "$TEST_TMP/expect" "$TEST_TMP/actual"

step "several patches in one boot, each with its header and NAME.live"
livecheck multi "$P/new-function.patch" "$P/lines-only.patch" "$P/busy.patch"
[ "$rc" = 0 ] || die "exit $rc: $(cat "$TEST_TMP/multi.err")"
cat >"$TEST_TMP/expect" <<'EOT'
TAP version 13
1..12
ok 1 - new-function: ksplice-create built an update
ok 2 - lines-only: ksplice-create found no functional change
ok 3 - busy: ksplice-create built an update
ok 4 - new-function: the test fails before the update
ok 5 - new-function: the update applies
ok 6 - new-function: the test passes with the update
ok 7 - new-function: the update reverses
ok 8 - new-function: the test fails again after the reverse
ok 9 - busy: the test fails before the update
ok 10 - busy: the apply aborts with code_busy
ok 11 - busy: the test still fails
ok 12 - the kernel log stayed clean
EOT
test_cmp "$TEST_TMP/expect" "$TEST_TMP/multi.tap"

step "a test that passes before the update: step 2 fails, exit 1, JUnit names it"
echo 'exit 0' >"$TEST_TMP/always.live"
livecheck early --patch "$P/proc-string.patch" --test "$TEST_TMP/always.live" \
	--junit "$TEST_TMP/early.xml"
[ "$rc" = 1 ] || die "exit $rc"
cat >"$TEST_TMP/expect" <<'EOT'
TAP version 13
1..7
ok 1 - ksplice-create built an update
not ok 2 - the test fails before the update
  ---
  message: 'the test passed'
  ...
ok 3 - the update applies
ok 4 - the test passes with the update
ok 5 - the update reverses
not ok 6 - the test fails again after the reverse
  ---
  message: 'the test passed'
  ...
ok 7 - the kernel log stayed clean
EOT
test_cmp "$TEST_TMP/expect" "$TEST_TMP/early.tap"
grep -q 'tests="7" failures="2"' "$TEST_TMP/early.xml" || die "bad JUnit: $(cat "$TEST_TMP/early.xml")"
grep -q "work directory kept: " "$TEST_TMP/early.err" || die "the work directory was not kept"

test_done
