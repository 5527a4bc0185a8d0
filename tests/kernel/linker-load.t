#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
. "$(dirname "$0")/../lib/test-lib.sh"
. "$TOP/tests/linker/lib.sh"
test_title "an update module linked from ksplice-link output loads in the guest"

require_kernel

step "compile fs/proc/meminfo.c, pre and post, like Kbuild does"
cp "$KERNEL_TREE/fs/proc/meminfo.c" "$TEST_TMP/pre.c"
sed 's/^\(\t*\)show_val_kb(m, "MemTotal:       ", i.totalram);/&\n\1seq_puts(m, "Ksplice:        1\\n");\n\1pr_debug("ksplice meminfo %lu\\n", i.totalram);/' \
	"$TEST_TMP/pre.c" >"$TEST_TMP/post.c"
! cmp -s "$TEST_TMP/pre.c" "$TEST_TMP/post.c" || die "the patch did not apply"
kernel_cc fs/proc/meminfo.o "$TEST_TMP/pre.c" "$TEST_TMP/pre.o"
kernel_cc fs/proc/meminfo.o "$TEST_TMP/post.c" "$TEST_TMP/post.o"

step "extract meminfo_proc_show"
"$LINK" -o "$TEST_TMP/out.o" --id linkload --target vmlinux \
	--kernel-release "$(make -s -C "$KERNEL_TREE" kernelrelease)" \
	--description "ksplice-link load test" --symvers "$KERNEL_TREE/Module.symvers" \
	--object fs/proc/meminfo.o --pre "$TEST_TMP/pre.o" --post "$TEST_TMP/post.o" \
	--changed meminfo_proc_show || die "ksplice-link failed"
"$LINK" --dump "$TEST_TMP/out.o" >"$TEST_TMP/dump" || die "dump failed"
sed -n -e '/^patches:/,/^sections:/p' -e '/__dyndbg\|__jump_table/p' "$TEST_TMP/dump" \
	>"$TEST_TMP/actual"
cat >"$TEST_TMP/expect" <<EOT
patches:
  meminfo_proc_show -> meminfo_proc_show+0x0 fentry
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
readelf -SW "$TEST_TMP/upd/ksplice_linkload.ko" | grep -q ' \.ksplice\.pre_code .* A  ' ||
	die ".ksplice.pre_code is not a read-only, non-executable section"

step "load the core, then the update, in the guest"
mkdir -p "$TEST_TMP/payload"
cp "$TEST_TMP/core/ksplice.ko" "$TEST_TMP/upd/ksplice_linkload.ko" "$TEST_TMP/payload/"
cat >"$TEST_TMP/payload/guest.sh" <<'EOT'
insmod ksplice.ko || exit 1
insmod ksplice_linkload.ko || exit 1
grep -o '^ksplice_linkload ' /proc/modules
# The pr_debug() of the new code is registered, under the update module.
grep -o '\[ksplice_linkload\]meminfo_proc_show =_ "ksplice meminfo' \
	/sys/kernel/debug/dynamic_debug/control
rmmod ksplice_linkload || exit 1
grep -c '^ksplice_linkload ' /proc/modules
echo done
EOT
run_guest "$TEST_TMP/payload" >"$TEST_TMP/actual"
cat >"$TEST_TMP/expect" <<'EOT'
ksplice_linkload 
[ksplice_linkload]meminfo_proc_show =_ "ksplice meminfo
0
done
EOT
test_cmp "$TEST_TMP/expect" "$TEST_TMP/actual"

test_done
