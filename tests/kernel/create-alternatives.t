#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
. "$(dirname "$0")/../lib/test-lib.sh"
. "$TOP/tests/create/lib.sh"
test_title "a function with a boot-patched alternative (meminfo_proc_show's static_cpu_has) matches and applies live"

require_kernel
require_sidecars

step "ksplice-create: the update carries the alternatives site of the old code"
make_patch fs/proc/meminfo.c 's/^\(\t*\)show_val_kb(m, "MemTotal:       ", i.totalram);/&\n\1seq_puts(m, "Ksplice:        1\\n");/' \
	>"$TEST_TMP/meminfo.patch"
create meminfo.patch --id alt >/dev/null
[ "$rc" = 0 ] || die "ksplice-create exited $rc"
tar -xzf "$TEST_TMP/ksplice-alt.tar.gz" -C "$TEST_TMP"
"$TOP/linker/ksplice-link" --dump "$TEST_TMP/ksplice-alt/modules/ksplice_alt_vmlinux.ko" |
	grep -c '^  SITE pre:meminfo_proc_show+0x[0-9a-f]* alternative [0-9]* bytes$' >"$TEST_TMP/sites" ||
	die "no alternatives SITE entry for meminfo_proc_show"

step "apply and reverse in the guest"
mkdir -p "$TEST_TMP/payload"
cp "$TEST_TMP"/ksplice-alt/modules/*.ko "$TEST_TMP/payload/"
cat >"$TEST_TMP/payload/guest.sh" <<'EOT'
U=/sys/kernel/ksplice/alt
live() { grep -c '^Ksplice: ' /proc/meminfo; }
insmod ksplice.ko && insmod ksplice_alt_vmlinux.ko || exit 1
echo "before: $(live)"
echo apply >$U/stage || echo "apply failed: $(cat $U/abort_cause)"
echo "applied: $(cat $U/stage) $(live)"
echo reverse >$U/stage || echo "reverse failed: $(cat $U/abort_cause)"
echo "reversed: $(cat $U/stage) $(live)"
EOT
run_guest "$TEST_TMP/payload" >"$TEST_TMP/actual"
cat >"$TEST_TMP/expect" <<'EOT'
before: 0
applied: applied 1
reversed: reversed 0
EOT
test_cmp "$TEST_TMP/expect" "$TEST_TMP/actual"

test_done
