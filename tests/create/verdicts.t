#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
. "$(dirname "$0")/../lib/test-lib.sh"
. "$TOP/tests/create/lib.sh"
test_title "ksplice-create stops early with no functional change or with blockers, tree untouched"

require_kernel
require_sidecars
tree_state >"$TEST_TMP/before"

step "a comment that shifts every line: no functional change (exit 3)"
make_patch fs/proc/loadavg.c '1a /* a comment\n * that moves every line below it */' >"$TEST_TMP/shift.patch"
create shift.patch
[ "$rc" = 3 ] || die "exit $rc, expected 3"
tail -n 1 "$TEST_TMP/out" >"$TEST_TMP/actual"
echo "no functional change" >"$TEST_TMP/expect"
test_cmp "$TEST_TMP/expect" "$TEST_TMP/actual"

step "a changed __init function: refused (exit 2) with the blocker"
make_patch fs/proc/loadavg.c 's/proc_create_single("loadavg", 0, NULL, loadavg_proc_show);/proc_create_single("loadavg", 0444, NULL, loadavg_proc_show);/' >"$TEST_TMP/init.patch"
create init.patch
[ "$rc" = 2 ] || die "exit $rc, expected 2"
grep -q "proc_loadavg_init" "$TEST_TMP/err" || die "the blocker does not name proc_loadavg_init"
grep -q "^error: the patch cannot be applied live" "$TEST_TMP/err" || die "no refusal message"

step "the tree is exactly as before"
tree_unchanged

test_done
