#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
. "$(dirname "$0")/../lib/test-lib.sh"
test_title "an update with a vmlinux part and a module part applies only when both are loaded, and all or nothing"

require_kernel
. "$TOP/tests/kernel/ksplice-lib.sh"

step "build the core, the target, and the two parts of one update"
build_core
build_target kst_target "$TOP/tests/kernel/kst_target.c"
compile_kernel_object fs/proc/version.o "$TEST_TMP/pre"
mkdir -p "$TEST_TMP/part1" "$TEST_TMP/part2"
cat >"$TEST_TMP/part1/new.c" <<'EOT'
// SPDX-License-Identifier: GPL-2.0-only
#include <linux/seq_file.h>

int version_proc_show(struct seq_file *m, void *v)
{
	seq_puts(m, "patched by ksplice\n");
	return 0;
}
EOT
echo 'int kst_value(int x) { return 9; }' >"$TEST_TMP/part2/new.c"
build_update kst_multi_vmlinux "$TEST_TMP/part1" --id multi --target vmlinux --nr-targets 2 \
	--pre "$TEST_TMP/pre/version.o:version_proc_show" --patch version_proc_show
build_update kst_multi_target "$TEST_TMP/part2" --id multi --target kst_target --nr-targets 2 \
	--pre "$TEST_TMP/kst_target/kst_target.o:kst_value" --patch kst_value

step "apply with one part, with the target missing, then with everything"
cat >"$PAYLOAD/guest.sh" <<'EOT'
. ./kst.sh
P=/sys/module/kst_target/parameters
U=/sys/kernel/ksplice/multi
state() { echo "version $(cut -c1-7 /proc/version), value $(cat $P/value 2>/dev/null)"; }
insmod ksplice.ko && insmod kst_multi_vmlinux.ko || exit 1
stage multi apply
insmod kst_multi_target.ko 2>/dev/null && echo "second part loaded"
cat $U/modules
stage multi apply
state
insmod kst_target.ko || exit 1
stage multi apply
state
cat $U/functions
stage multi reverse
state
rmmod kst_multi_target && echo "stage $(stage multi)"
rmmod kst_multi_vmlinux && ls /sys/kernel/ksplice | wc -l
EOT
run_guest "$PAYLOAD" >"$TEST_TMP/actual"

step "compare the transcript"
cat >"$TEST_TMP/expect" <<'EOT'
apply multi: failed, missing_parts
second part loaded
kst_multi_vmlinux vmlinux
kst_multi_target kst_target
apply multi: failed, target_not_loaded
version Linux v, value 
apply multi: ok
version patched, value 9
vmlinux version_proc_show
kst_target kst_value
reverse multi: ok
version Linux v, value 83
stage reversed
0
EOT
test_cmp "$TEST_TMP/expect" "$TEST_TMP/actual"

test_done
