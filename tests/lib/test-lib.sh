# SPDX-License-Identifier: GPL-2.0-only
#
# tests/lib/test-lib.sh: sourced by every test (tests/<family>/*.t).
#
# A test is a bash script that sources this file, says what it checks with
# test_title, runs steps, and ends with test_done. It passes by exiting 0,
# fails by exiting 1 (die, or a failed test_cmp), and is skipped with
# test_skip "why". tests/run.sh runs them; each can also be run by hand:
#
#   bash tests/kernel/harness.t          # output on the terminal
#   KSPLICE_TEST_KEEP=1 bash tests/...   # keep $TEST_TMP for inspection
#
# Environment provided to tests:
#   TOP         the checkout
#   TEST_TMP    a fresh scratch directory, removed when the test passes;
#               the test starts in it
#   TEST_NAME   family/name of the test
#   PLUGIN      path of the built GCC plugin (gcc-plugin/ksplice.so)
#   KERNEL_TREE the built test-kernel tree (after require_kernel)
set -uo pipefail

TOP=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
export TOP
TEST_NAME=$(basename "$(dirname "$0")")/$(basename "$0" .t)
TEST_TMP=$(mktemp -d "${TMPDIR:-/tmp}/ksplice-test.XXXXXX")
PLUGIN=$TOP/gcc-plugin/ksplice.so
export TEST_NAME TEST_TMP PLUGIN
test_step_no=0
# Every test runs in its scratch directory, so that a file it writes with
# a relative name can never land in the checkout.
cd "$TEST_TMP" || exit 1

test_cleanup() {
	local rc=$?
	if [ "$rc" = 0 ] && [ -z "${KSPLICE_TEST_KEEP:-}" ]; then
		rm -rf "$TEST_TMP"
	else
		echo "# scratch directory kept: $TEST_TMP"
	fi
}
trap test_cleanup EXIT

# test_title TEXT: what the test proves (first line of its log).
test_title() {
	echo "# $TEST_NAME: $*"
}

# step TEXT: announce a step; its output follows in the log.
step() {
	test_step_no=$((test_step_no + 1))
	echo "# step $test_step_no: $*"
}

die() {
	echo "FAIL: $*" >&2
	exit 1
}

test_skip() {
	echo "SKIP: $*"
	exit 77
}

test_done() {
	echo "# $TEST_NAME: all $test_step_no steps passed"
	exit 0
}

# test_cmp EXPECT ACTUAL: fail with a diff unless the files are equal.
test_cmp() {
	diff -u "$1" "$2" || die "'$2' differs from '$1'"
}

# expect_exit CODE CMD...: run CMD and fail unless it exits with CODE.
expect_exit() {
	local want=$1 rc=0
	shift
	"$@" || rc=$?
	[ "$rc" = "$want" ] || die "'$*' exited $rc, expected $want"
}

# require_kernel: build or reuse the cached test kernel; sets KERNEL_TREE.
# A KERNEL_TREE already in the environment (a tree built by
# build-kernel.sh) is used as it is.
require_kernel() {
	[ -z "${KSPLICE_KERNEL_BROKEN:-}" ] || die "$KSPLICE_KERNEL_BROKEN"
	if [ -z "${KERNEL_TREE:-}" ]; then
		KERNEL_TREE=$("$TOP/tests/kernel/build-kernel.sh") ||
			die "test kernel not available"
	fi
	[ -f "$KERNEL_TREE/.ksplice-test-kernel" ] ||
		die "'$KERNEL_TREE' is not a test-kernel tree from build-kernel.sh"
	export KERNEL_TREE
}

# build_module DIR: build the out-of-tree module sources in DIR (a Kbuild
# file plus .c files) against the test kernel, with the same compiler
# command the kernel was built with.
build_module() {
	local cc
	cc=$(sed -n 's/^cc=//p' "$KERNEL_TREE/.ksplice-test-kernel")
	make -s -C "$KERNEL_TREE" M="$1" CC="$cc" modules ||
		die "module build in '$1' failed"
}

# run_guest PAYLOAD [TIMEOUT [APPEND]]: boot the test kernel with
# PAYLOAD/guest.sh as the guest script, APPEND added to the kernel command
# line; the guest's transcript goes to stdout. Fails the test if the guest
# hangs, or its kernel log shows an oops, BUG, WARNING, panic or lockdep
# report. The console log is kept in $TEST_TMP/console.log.
run_guest() {
	"$TOP/driver/ksplice-guest-run" --kernel "$KERNEL_TREE/arch/x86/boot/bzImage" \
		--payload "$1" --timeout "${2:-120}" --append "${3:-}" \
		--console "$TEST_TMP/console.log" ||
		die "guest run failed (console log: $TEST_TMP/console.log)"
}
