#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
. "$(dirname "$0")/../lib/test-lib.sh"
. "$TOP/tests/linker/lib.sh"
test_title "an update module linked from ksplice-link output loads, applies and reverses in the guest"

require_kernel

step "compile fs/proc/loadavg.c, pre and post, like Kbuild does"
cp "$KERNEL_TREE/fs/proc/loadavg.c" "$TEST_TMP/pre.c"
sed '/^static int loadavg_proc_show/,/^}/s/^\(\t*\)return 0;/\1pr_debug("ksplice loadavg %d\\n", nr_threads);\n\1seq_puts(m, "ksplice\\n");\n&/' \
	"$TEST_TMP/pre.c" >"$TEST_TMP/post.c"
! cmp -s "$TEST_TMP/pre.c" "$TEST_TMP/post.c" || die "the patch did not apply"
kernel_cc fs/proc/loadavg.o "$TEST_TMP/pre.c" "$TEST_TMP/pre.o"
kernel_cc fs/proc/loadavg.o "$TEST_TMP/post.c" "$TEST_TMP/post.o"

step "extract loadavg_proc_show"
"$LINK" -o "$TEST_TMP/out.o" --id linkload --target vmlinux \
	--kernel-release "$(make -s -C "$KERNEL_TREE" kernelrelease)" \
	--description "ksplice-link load test" --symvers "$KERNEL_TREE/Module.symvers" \
	--object fs/proc/loadavg.o --pre "$TEST_TMP/pre.o" --post "$TEST_TMP/post.o" \
	--changed loadavg_proc_show || die "ksplice-link failed"
"$LINK" --dump "$TEST_TMP/out.o" >"$TEST_TMP/dump" || die "dump failed"
sed -n -e '/^patches:/,/^sections:/p' -e '/__dyndbg\|__jump_table/p' "$TEST_TMP/dump" \
	>"$TEST_TMP/actual"
cat >"$TEST_TMP/expect" <<EOT
patches:
  loadavg_proc_show -> loadavg_proc_show+0x0 fentry
sections:
  __dyndbg: 1 entries
  __jump_table: 1 entries
EOT
test_cmp "$TEST_TMP/expect" "$TEST_TMP/actual"

step "build the core and the update module with Kbuild and linker/ksplice.lds"
mkdir -p "$TEST_TMP/core" "$TEST_TMP/upd"
cp "$TOP"/kmodsrc/*.[ch] "$TOP/kmodsrc/Kbuild" "$TEST_TMP/core/"
rm -f "$TEST_TMP/core/update.c"
build_module "$TEST_TMP/core"
cp "$TOP/kmodsrc/update.c" "$TEST_TMP/upd/"
cp "$TEST_TMP/out.o" "$TEST_TMP/upd/ksplice-out.o_shipped"
cat >"$TEST_TMP/upd/Kbuild" <<EOT
obj-m := ksplice_linkload.o
ksplice_linkload-y := update.o ksplice-out.o
ldflags-y += -T $TOP/linker/ksplice.lds
ccflags-y += -I$TOP/kmodsrc
EOT
cc=$(sed -n 's/^cc=//p' "$KERNEL_TREE/.ksplice-test-kernel")
make -s -C "$KERNEL_TREE" M="$TEST_TMP/upd" CC="$cc" \
	KBUILD_EXTRA_SYMBOLS="$TEST_TMP/core/Module.symvers" modules ||
	die "update module build failed"
readelf -SW "$TEST_TMP/upd/ksplice_linkload.ko" | grep ' \.ksplice\.pre_code .* A  ' >/dev/null ||
	die ".ksplice.pre_code is not a read-only, non-executable section"

step "load the core and the update in the guest; apply, check /proc/loadavg, reverse"
mkdir -p "$TEST_TMP/payload"
cp "$TEST_TMP/core/ksplice.ko" "$TEST_TMP/upd/ksplice_linkload.ko" "$TEST_TMP/payload/"
cat >"$TEST_TMP/payload/guest.sh" <<'EOT'
U=/sys/kernel/ksplice/linkload
insmod ksplice.ko || exit 1
insmod ksplice_linkload.ko || exit 1
grep -o '^ksplice_linkload ' /proc/modules
# The pr_debug() of the new code is registered, under the update module.
grep -o '\[ksplice_linkload\]loadavg_proc_show =_ "ksplice loadavg' \
	/sys/kernel/debug/dynamic_debug/control
grep -c ksplice /proc/loadavg
echo apply >$U/stage
echo "stage $(cat $U/stage) abort_cause $(cat $U/abort_cause)"
wc -l </proc/loadavg
tail -n 1 /proc/loadavg
echo reverse >$U/stage
echo "stage $(cat $U/stage)"
grep -c ksplice /proc/loadavg
rmmod ksplice_linkload || exit 1
grep -c '^ksplice_linkload ' /proc/modules
echo done
EOT
run_guest "$TEST_TMP/payload" >"$TEST_TMP/actual"
cat >"$TEST_TMP/expect" <<'EOT'
ksplice_linkload 
[ksplice_linkload]loadavg_proc_show =_ "ksplice loadavg
0
stage applied abort_cause ok
2
ksplice
stage reversed
0
0
done
EOT
test_cmp "$TEST_TMP/expect" "$TEST_TMP/actual"

test_done
