# SPDX-License-Identifier: GPL-2.0-only
#
# tests/create/lib.sh: helpers for the ksplice-create tests.

CREATE=$TOP/driver/build/ksplice-create

# tree_state: a listing of every path in the tree with its size and
# modification time; equal listings before and after mean the tree was not
# touched. The cache's stamp file is left out: build-kernel.sh touches it
# whenever any run uses the tree.
tree_state() {
	(cd "$KERNEL_TREE" && find . ! -name .ksplice-test-kernel -printf '%P %s %T@\n' |
		LC_ALL=C sort)
}

# tree_unchanged: fail unless the tree is as tree_state recorded it in
# $TEST_TMP/before.
tree_unchanged() {
	tree_state >"$TEST_TMP/after"
	cmp -s "$TEST_TMP/before" "$TEST_TMP/after" ||
		die "the tree changed: $(diff "$TEST_TMP/before" "$TEST_TMP/after" | head)"
}

# make_patch FILE SED-SCRIPT: a -p1 patch that edits FILE of the tree.
make_patch() {
	local f=$1
	mkdir -p "$TEST_TMP/p/a/${f%/*}" "$TEST_TMP/p/b/${f%/*}"
	cp "$KERNEL_TREE/$f" "$TEST_TMP/p/a/$f"
	sed "$2" "$KERNEL_TREE/$f" >"$TEST_TMP/p/b/$f"
	cmp -s "$TEST_TMP/p/a/$f" "$TEST_TMP/p/b/$f" && die "sed '$2' changed nothing in '$f'"
	(cd "$TEST_TMP/p" && diff -u "a/$f" "b/$f"; true)
	rm -rf "$TEST_TMP/p"
}

# create PATCH [OPTIONS...]: run ksplice-create on the test tree from
# $TEST_TMP, stdout in $TEST_TMP/out, stderr in $TEST_TMP/err, exit status
# in $rc.
create() {
	local p=$1
	shift
	rc=0
	(cd "$TEST_TMP" && "$CREATE" --patch "$p" "$@" "$KERNEL_TREE") \
		>"$TEST_TMP/out" 2>"$TEST_TMP/err" || rc=$?
	cat "$TEST_TMP/err"
}

require_sidecars() {
	[ -f "$KERNEL_TREE/init/main.o.ksplice.json" ] ||
		die "test kernel '$KERNEL_TREE' has no sidecars"
}
