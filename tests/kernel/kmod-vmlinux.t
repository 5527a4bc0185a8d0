#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
. "$(dirname "$0")/../lib/test-lib.sh"
test_title "an update of a vmlinux function (the /proc/version handler) applies and reverses"

require_kernel
. "$TOP/tests/kernel/ksplice-lib.sh"

step "compile fs/proc/version.c as the kernel did, with function sections, outside the tree"
build_core
mkdir -p "$TEST_TMP/upd"
compile_kernel_object fs/proc/version.o "$TEST_TMP/pre"

step "build an update of version_proc_show"
cat >"$TEST_TMP/upd/new.c" <<'EOT'
// SPDX-License-Identifier: GPL-2.0-only
#include <linux/seq_file.h>

int version_proc_show(struct seq_file *m, void *v)
{
	seq_puts(m, "patched by ksplice\n");
	return 0;
}
EOT
build_update kst_ver "$TEST_TMP/upd" --id ver --target vmlinux \
	--pre "$TEST_TMP/pre/version.o:version_proc_show" --patch version_proc_show

step "apply and reverse it in the guest"
cat >"$PAYLOAD/guest.sh" <<'EOT'
. ./kst.sh
insmod ksplice.ko && insmod kst_ver.ko || exit 1
cat /proc/version >before
stage ver apply
cat /proc/version
stage ver reverse
cat /proc/version >after
[ "$(cat before)" = "$(cat after)" ] && grep -q "^Linux version" after && echo "version restored"
rmmod kst_ver && rmmod ksplice && echo unloaded
EOT
run_guest "$PAYLOAD" >"$TEST_TMP/actual"

step "compare the transcript"
cat >"$TEST_TMP/expect" <<'EOT'
apply ver: ok
patched by ksplice
reverse ver: ok
version restored
unloaded
EOT
test_cmp "$TEST_TMP/expect" "$TEST_TMP/actual"

test_done
