#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
. "$(dirname "$0")/../lib/test-lib.sh"
. "$TOP/tests/create/lib.sh"
test_title "a source patch becomes an update with ksplice-create, and applies and reverses live in the guest"

require_kernel
require_sidecars
tree_state >"$TEST_TMP/before"

step "ksplice-create builds the update from a one-line patch to /proc/loadavg"
make_patch fs/proc/loadavg.c 's/%u\/%d %d\\n/%u\/%d %d ksplice\\n/' >"$TEST_TMP/loadavg.patch"
create loadavg.patch --id e2e --description "mark /proc/loadavg"
[ "$rc" = 0 ] || die "ksplice-create exited $rc"
[ -f "$TEST_TMP/ksplice-e2e.tar.gz" ] || die "no tarball"

step "the tarball holds exactly what its contents file lists"
tar -tzf "$TEST_TMP/ksplice-e2e.tar.gz" | LC_ALL=C sort >"$TEST_TMP/actual"
cat >"$TEST_TMP/expect" <<EOT
ksplice-e2e/
ksplice-e2e/contents
ksplice-e2e/description
ksplice-e2e/diffmeta.json
ksplice-e2e/diffmeta.txt
ksplice-e2e/kernel-release
ksplice-e2e/modules/
ksplice-e2e/modules/ksplice.ko
ksplice-e2e/modules/ksplice_e2e_vmlinux.ko
ksplice-e2e/patch
EOT
test_cmp "$TEST_TMP/expect" "$TEST_TMP/actual"
tar -xzf "$TEST_TMP/ksplice-e2e.tar.gz" -C "$TEST_TMP"
release=$(make -s -C "$KERNEL_TREE" kernelrelease)
cat >"$TEST_TMP/expect" <<EOT
ksplice-update 1
id e2e
kernel-release $release
patch patch
description description
report diffmeta.txt
report-json diffmeta.json
core modules/ksplice.ko
module vmlinux modules/ksplice_e2e_vmlinux.ko
EOT
test_cmp "$TEST_TMP/expect" "$TEST_TMP/ksplice-e2e/contents"
grep -q "changed function 'loadavg_proc_show': code changed" "$TEST_TMP/ksplice-e2e/diffmeta.txt" ||
	die "the report does not name loadavg_proc_show"

step "the tree is exactly as before"
tree_unchanged

step "apply and reverse in the guest"
mkdir -p "$TEST_TMP/payload"
cp "$TEST_TMP"/ksplice-e2e/modules/*.ko "$TEST_TMP/payload/"
cat >"$TEST_TMP/payload/guest.sh" <<'EOT'
U=/sys/kernel/ksplice/e2e
marked() { grep -c ' ksplice$' /proc/loadavg; }
insmod ksplice.ko || exit 1
insmod ksplice_e2e_vmlinux.ko || exit 1
echo "loaded: stage $(cat $U/stage), marked $(marked)"
echo apply >$U/stage || { echo "apply failed: $(cat $U/abort_cause)"; exit 1; }
echo "applied: stage $(cat $U/stage), marked $(marked)"
echo reverse >$U/stage || { echo "reverse failed: $(cat $U/abort_cause)"; exit 1; }
echo "reversed: stage $(cat $U/stage), marked $(marked)"
rmmod ksplice_e2e_vmlinux && rmmod ksplice && echo unloaded
EOT
run_guest "$TEST_TMP/payload" >"$TEST_TMP/actual"
cat >"$TEST_TMP/expect" <<'EOT'
loaded: stage preparing, marked 0
applied: stage applied, marked 1
reversed: stage reversed, marked 0
unloaded
EOT
test_cmp "$TEST_TMP/expect" "$TEST_TMP/actual"

test_done
