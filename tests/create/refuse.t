#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
. "$(dirname "$0")/../lib/test-lib.sh"
. "$TOP/tests/create/lib.sh"
test_title "ksplice-create refuses bad input with a clear error and leaves the tree untouched"

require_kernel
require_sidecars
tree_state >"$TEST_TMP/before"

step "no --patch"
expect_exit 1 "$CREATE" "$KERNEL_TREE" 2>"$TEST_TMP/err"
echo "error: --patch is required" >"$TEST_TMP/expect"
test_cmp "$TEST_TMP/expect" "$TEST_TMP/err"

step "a tree that was never built"
mkdir -p "$TEST_TMP/src"
make_patch fs/proc/loadavg.c 's/%u\/%d %d\\n/%u\/%d %d ksplice\\n/' >"$TEST_TMP/ok.patch"
expect_exit 1 "$CREATE" --patch "$TEST_TMP/ok.patch" "$TEST_TMP/src" 2>"$TEST_TMP/err"
grep -q "^error: '$TEST_TMP/src' is not a configured and built kernel tree" "$TEST_TMP/err" ||
	die "unexpected message: $(cat "$TEST_TMP/err")"

step "a patch that does not apply"
sed 's/get_avenrun(avnrun/get_avenrun(nothing_like_this/' "$TEST_TMP/ok.patch" >"$TEST_TMP/bad.patch"
create bad.patch
[ "$rc" = 1 ] || die "exit $rc, expected 1"
grep -q "^error: patch '$TEST_TMP/bad.patch' does not apply to '$KERNEL_TREE'; nothing was changed" \
	"$TEST_TMP/err" || die "no 'does not apply' error"
[ ! -s "$TEST_TMP/out" ] || die "stdout not empty"

step "a patch to the build system"
printf -- '--- a/fs/proc/Makefile\n+++ b/fs/proc/Makefile\n@@ -1 +1 @@\n-x\n+y\n' >"$TEST_TMP/mk.patch"
create mk.patch
[ "$rc" = 1 ] || die "exit $rc, expected 1"
echo "error: patch '$TEST_TMP/mk.patch' changes 'fs/proc/Makefile', a file of the build itself; a live update can only change code" >"$TEST_TMP/expect"
grep '^error:' "$TEST_TMP/err" >"$TEST_TMP/actual"
test_cmp "$TEST_TMP/expect" "$TEST_TMP/actual"

step "a patch to a file this configuration does not build: no functional change"
make_patch fs/proc/proc_net.c 's/static struct net \*get_proc_net(/static struct net *get_proc_net_x(/' >"$TEST_TMP/net.patch"
create net.patch
[ "$rc" = 3 ] || die "exit $rc, expected 3"
grep -q "^note: 'fs/proc/proc_net.c' is not compiled in this kernel's configuration" "$TEST_TMP/err" ||
	die "no note about the unbuilt file"

step "a patch that does not compile: the failing command, in its overlay, and the work directory"
make_patch fs/proc/loadavg.c 's/get_avenrun(avnrun, FIXED_1\/200, 0);/get_avenrun(avnrun, FIXED_1\/200, 0) this is not C;/' \
	>"$TEST_TMP/cc.patch"
create cc.patch
[ "$rc" = 1 ] || die "exit $rc, expected 1"
grep -q "^error: the incremental build failed (exit status 1)$" "$TEST_TMP/err" ||
	die "no error naming the build"
grep -q "^  mount -t overlay overlay -o lowerdir=$KERNEL_TREE,upperdir=.*/post/upper," "$TEST_TMP/err" ||
	die "the reproduce line does not show the overlay"
grep -q "^  cd $KERNEL_TREE && set -e; .* -c -o fs/proc/loadavg.o fs/proc/loadavg.c " "$TEST_TMP/err" ||
	die "the reproduce line does not show the compiler command"
kept=$(sed -n "s/^work directory kept: '\(.*\)'$/\1/p" "$TEST_TMP/err")
[ -d "$kept" ] && grep -q 'this is not C' "$kept/post/upper/fs/proc/loadavg.c" ||
	die "the work directory with the patched source was not kept"
rm -rf "$kept"

step "a bad update id"
create ok.patch --id 'no/slash'
[ "$rc" = 1 ] || die "exit $rc, expected 1"
grep -q "^error: invalid update id 'no/slash'" "$TEST_TMP/err" || die "no id error"

step "the tree is exactly as before"
tree_unchanged

test_done
