#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
. "$(dirname "$0")/../lib/test-lib.sh"
. "$TOP/tests/create/lib.sh"
test_title "an update made by ksplice-create is applied, shown and undone by the tools in the guest"

require_kernel
require_sidecars
B=$TOP/driver/build
for t in ksplice-create ksplice-apply ksplice-undo ksplice-view; do
	[ -x "$B/$t" ] || die "'$B/$t' not built; run 'make'"
done

step "ksplice-create builds an update of /proc/loadavg"
make_patch fs/proc/loadavg.c 's/%u\/%d %d\\n/%u\/%d %d ksplice\\n/' >"$TEST_TMP/loadavg.patch"
create loadavg.patch --id loadavg --description "mark /proc/loadavg" >/dev/null
[ "$rc" = 0 ] || die "ksplice-create exited $rc"

step "apply, view, undo in the guest"
mkdir -p "$TEST_TMP/payload"
cp "$TEST_TMP/ksplice-loadavg.tar.gz" "$B/ksplice-apply" "$B/ksplice-undo" \
	"$B/ksplice-view" "$TEST_TMP/payload/"
cat >"$TEST_TMP/payload/guest.sh" <<'EOT'
t() { "$@" >out 2>err; echo "$* -> $?"; sed 's/^/  /' out err; }
marked() { echo "marked $(grep -c ' ksplice$' /proc/loadavg)"; }
marked
t ./ksplice-apply ksplice-loadavg.tar.gz
marked
t ./ksplice-view --json
t ./ksplice-undo loadavg
marked
echo "modules: $(cut -d' ' -f1 /proc/modules | tr '\n' ' ')"
EOT
run_guest "$TEST_TMP/payload" >"$TEST_TMP/actual"

step "compare the transcript"
cat >"$TEST_TMP/expect" <<'EOT'
marked 0
./ksplice-apply ksplice-loadavg.tar.gz -> 0
  update loadavg applied: mark /proc/loadavg
marked 1
./ksplice-view --json -> 0
  {"updates": [{"id": "loadavg", "stage": "applied", "description": "mark /proc/loadavg", "abort_cause": "ok", "functions": [{"target": "vmlinux", "name": "loadavg_proc_show"}]}]}
./ksplice-undo loadavg -> 0
  update loadavg reversed
marked 0
modules: ksplice 
EOT
test_cmp "$TEST_TMP/expect" "$TEST_TMP/actual"

test_done
