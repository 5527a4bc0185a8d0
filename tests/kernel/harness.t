#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
. "$(dirname "$0")/../lib/test-lib.sh"
test_title "an out-of-tree module loads and unloads in the guest, and its messages come back"

require_kernel

step "build a module against the test kernel"
mkdir -p "$TEST_TMP/mod"
cat >"$TEST_TMP/mod/hello.c" <<'EOT'
// SPDX-License-Identifier: GPL-2.0-only
#include <linux/module.h>
#include <linux/init.h>

static int token = 1;
module_param(token, int, 0444);

static int __init hello_init(void)
{
	pr_info("ksplice-harness: hello token=%d\n", token);
	return 0;
}

static void __exit hello_exit(void)
{
	pr_info("ksplice-harness: goodbye token=%d\n", token);
}

module_init(hello_init);
module_exit(hello_exit);
MODULE_LICENSE("GPL");
EOT
echo 'obj-m := hello.o' >"$TEST_TMP/mod/Kbuild"
build_module "$TEST_TMP/mod"

step "load and unload it in the guest"
mkdir -p "$TEST_TMP/payload"
cp "$TEST_TMP/mod/hello.ko" "$TEST_TMP/payload/"
cat >"$TEST_TMP/payload/guest.sh" <<'EOT'
insmod hello.ko token=42 || exit 1
grep -o '^hello ' /proc/modules
cat /sys/module/hello/parameters/token
rmmod hello || exit 1
grep -c '^hello ' /proc/modules
dmesg | grep -o 'ksplice-harness: .*'
echo "release $(uname -r)"
echo "cpus online $(cat /sys/devices/system/cpu/online)"
EOT
run_guest "$TEST_TMP/payload" >"$TEST_TMP/actual"

step "compare the transcript"
cat >"$TEST_TMP/expect" <<EOT
hello 
42
0
ksplice-harness: hello token=42
ksplice-harness: goodbye token=42
release $(make -s -C "$KERNEL_TREE" kernelrelease)
cpus online 0-1
EOT
test_cmp "$TEST_TMP/expect" "$TEST_TMP/actual"

test_done
