#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
. "$(dirname "$0")/../lib/test-lib.sh"
test_title "a module target must be loaded to apply (target_not_loaded) and stays loaded while patched; updates for another release are refused"

require_kernel
. "$TOP/tests/kernel/ksplice-lib.sh"

step "build the core, the target, an update, and the same update for another release"
build_core
build_target kst_target "$TOP/tests/kernel/kst_target.c"
mkdir -p "$TEST_TMP/upd" "$TEST_TMP/old"
cat >"$TEST_TMP/upd/new.c" <<'EOT'
// SPDX-License-Identifier: GPL-2.0-only
int kst_value(int x)
{
	return -x;
}
EOT
cp "$TEST_TMP/upd/new.c" "$TEST_TMP/old/"
build_update kst_upd "$TEST_TMP/upd" --id tgt --target kst_target \
	--pre "$TEST_TMP/kst_target/kst_target.o:kst_value" --patch kst_value
build_update kst_old "$TEST_TMP/old" --id old --target kst_target \
	--pre "$TEST_TMP/kst_target/kst_target.o:kst_value" --patch kst_value
# The same tables, claiming another release (the generator's last --release wins).
python3 "$TOP/tests/kernel/ksplice-gen.py" --out "$TEST_TMP/old" --id old \
	--target kst_target --pre "$TEST_TMP/kst_target/kst_target.o:kst_value" \
	--patch kst_value --release 6.1.0-not-this-one
build_module "$TEST_TMP/old"
payload_add "$TEST_TMP/old/kst_old.ko"

step "apply without and with the target loaded"
cat >"$PAYLOAD/guest.sh" <<'EOT'
. ./kst.sh
P=/sys/module/kst_target/parameters
insmod ksplice.ko || exit 1
insmod kst_old.ko 2>/dev/null || echo "other release refused"
dmesg | grep -o "module 'kst_old': built for 6.1.0-not-this-one, this kernel is" | sort -u
insmod kst_upd.ko || exit 1
stage tgt apply
grep -o "target module 'kst_target' is not loaded" /sys/kernel/debug/ksplice/tgt
insmod kst_target.ko || exit 1
stage tgt apply
echo "value $(cat $P/value)"
rmmod kst_target 2>/dev/null || echo "target pinned"
stage tgt reverse
echo "value $(cat $P/value)"
rmmod kst_target && echo "target unloaded"
stage tgt apply
rmmod kst_upd && rmmod ksplice && echo unloaded
EOT
run_guest "$PAYLOAD" >"$TEST_TMP/actual"

step "compare the transcript"
cat >"$TEST_TMP/expect" <<'EOT'
other release refused
module 'kst_old': built for 6.1.0-not-this-one, this kernel is
apply tgt: failed, target_not_loaded
target module 'kst_target' is not loaded
apply tgt: ok
value -41
target pinned
reverse tgt: ok
value 83
target unloaded
apply tgt: failed, target_not_loaded
unloaded
EOT
test_cmp "$TEST_TMP/expect" "$TEST_TMP/actual"

test_done
