#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
. "$(dirname "$0")/../lib/test-lib.sh"
. "$TOP/tests/create/lib.sh"
test_title "ksplice-create's module kit: built once per tree, reused, and its modules are Kbuild's"

require_kernel
require_sidecars
tree_state >"$TEST_TMP/before"
export KSPLICE_CACHE=$TEST_TMP/cache
P=$TOP/tests/patches/module.patch

# unpack NAME: the tarball of the last run into $TEST_TMP/NAME.
unpack() {
	mkdir "$TEST_TMP/$1" && tar -C "$TEST_TMP/$1" -xzf "$TEST_TMP/ksplice-kit.tar.gz" &&
		rm "$TEST_TMP/ksplice-kit.tar.gz" || die "cannot unpack the update"
}

step "the first update of a tree builds the kit with Kbuild, into the cache"
create "$P" --id kit -v
[ "$rc" = 0 ] || die "exit $rc"
grep -q '^+   make .* M=.*/kit/[0-9a-f]*\.tmp\.[^ ]* .*modules\( KBUILD_MODPOST_WARN=1\)\?$' "$TEST_TMP/err" ||
	die "no Kbuild build of the kit"
kits=$(ls -d "$KSPLICE_CACHE"/kit/*/)
[ "$(echo "$kits" | wc -l)" = 1 ] || die "not one kit: $kits"
for f in ksplice.ko kit_update.o kit.mod.c mod.o.cmd o.cmd ko.cmd; do
	[ -s "$kits/$f" ] || die "the kit has no '$f'"
done
unpack first

step "the next update reuses it: no make, and the same modules"
create "$P" --id kit -v
[ "$rc" = 0 ] || die "exit $rc"
! grep -q '^+   make ' "$TEST_TMP/err" || die "make ran again: $(grep '^+   make ' "$TEST_TMP/err")"
unpack second
cmp "$TEST_TMP/first/ksplice-kit/modules/ksplice.ko" "$TEST_TMP/second/ksplice-kit/modules/ksplice.ko" ||
	die "a different core"

step "the same update built by Kbuild (KSPLICE_KBUILD_MODULES) has the same modules"
KSPLICE_KBUILD_MODULES=1 create "$P" --id kit -v
[ "$rc" = 0 ] || die "exit $rc"
grep -q '^+   make .* modules\( KBUILD_MODPOST_WARN=1\)\?$' "$TEST_TMP/err" || die "no Kbuild module build"
unpack kbuild
# What the module loader reads: sections (name, type, size), .modinfo, and
# the symbols. The build directories differ, and with them the names of the
# source files (STT_FILE) and the paths in strings (__FILE__).
describe() {
	readelf -SW "$1" | sed -n 's/^ *\[ *[0-9]*\] //p' |
		awk '{ print $1, $2, ($1 ~ /^\.(rodata\.str|strtab)/ ? "-" : $5) }'
	readelf -p .modinfo "$1" | sed -n 's/^ *\[ *[0-9a-f]*\] *//p'
	readelf -sW "$1" | awk '$4 != "FILE" && $1 ~ /:$/ { print $2, $3, $4, $5, $7, $8 }' | LC_ALL=C sort
}
for m in ksplice.ko ksplice_kit_binfmt_misc.ko; do
	describe "$TEST_TMP/second/ksplice-kit/modules/$m" >"$TEST_TMP/kit.desc"
	describe "$TEST_TMP/kbuild/ksplice-kit/modules/$m" >"$TEST_TMP/kbuild.desc"
	grep -q '^name=ksplice_kit_binfmt_misc$\|^name=ksplice$' "$TEST_TMP/kit.desc" ||
		die "'$m' has no module name in .modinfo"
	test_cmp "$TEST_TMP/kbuild.desc" "$TEST_TMP/kit.desc"
done

step "a changed core source makes a new kit"
cp -r "$TOP/kmodsrc" "$TOP/linker" "$TEST_TMP/" 2>/dev/null || die "cannot copy"
echo "/* changed */" >>"$TEST_TMP/kmodsrc/core.h"
mkdir -p "$TEST_TMP/top" && mv "$TEST_TMP/kmodsrc" "$TEST_TMP/linker" "$TEST_TMP/top/"
KSPLICE_TOP=$TEST_TMP/top create "$P" --id kit2
[ "$rc" = 0 ] || die "exit $rc"
[ "$(ls -d "$KSPLICE_CACHE"/kit/*/ | wc -l)" = 2 ] || die "no second kit"
! ls -d "$KSPLICE_CACHE"/kit/*.tmp.* 2>/dev/null || die "a temporary kit directory was left"

step "the tree is exactly as before"
tree_unchanged

test_done
