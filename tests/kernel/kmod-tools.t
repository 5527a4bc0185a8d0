#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
. "$(dirname "$0")/../lib/test-lib.sh"
test_title "ksplice-apply, ksplice-undo and ksplice-view drive updates in the guest; bad packages and an update already loaded are refused, and failures leave the kernel as it was"

require_kernel
. "$TOP/tests/kernel/ksplice-lib.sh"
B=$TOP/driver/build
for t in ksplice-apply ksplice-load ksplice-undo ksplice-view; do
	[ -x "$B/$t" ] || die "'$B/$t' not built; run 'make'"
done

step "build an update and a mismatching one, packaged as ksplice-create does"
build_core
build_target kst_target "$TOP/tests/kernel/kst_target.c"
build_target kst_target "$TOP/tests/kernel/kst_target.c" -DKST_VALUE_ADD=2 "$TEST_TMP/other"
mkdir -p "$TEST_TMP/upd" "$TEST_TMP/bad"
echo 'int kst_value(int x) { return 5; }' >"$TEST_TMP/upd/new.c"
cp "$TEST_TMP/upd/new.c" "$TEST_TMP/bad/"
build_update kst_upd "$TEST_TMP/upd" --id tools --target kst_target \
	--description "kst_value returns 5" \
	--pre "$TEST_TMP/kst_target/kst_target.o:kst_value" --patch kst_value
build_update kst_bad "$TEST_TMP/bad" --id bad --target kst_target \
	--pre "$TEST_TMP/other/kst_target.o:kst_value" --patch kst_value

# package ID MODULE [RELEASE]: a package directory in $TEST_TMP/pkg-ID, in
# the layout of docs/create.md (the patch and reports are placeholders).
package() {
	local d=$TEST_TMP/pkg-$1/ksplice-$1
	mkdir -p "$d/modules"
	cp "$TEST_TMP/core/ksplice.ko" "$PAYLOAD/$2.ko" "$d/modules/"
	echo "${3:-$KRELEASE}" >"$d/kernel-release"
	echo "update $1" >"$d/description"
	echo "placeholder" | tee "$d/patch" "$d/diffmeta.txt" >"$d/diffmeta.json"
	cat >"$d/contents" <<EOT
ksplice-update 1
id $1
kernel-release ${3:-$KRELEASE}
patch patch
description description
report diffmeta.txt
report-json diffmeta.json
core modules/ksplice.ko
module kst_target modules/$2.ko
EOT
}
tarball() {
	tar -C "$TEST_TMP/pkg-$1" -czf "$PAYLOAD/$2.tar.gz" "ksplice-$1"
}
package tools kst_upd && tarball tools good
package bad kst_bad && tarball bad nomatch
package old kst_upd 6.1.0-other && tarball old release
package extra kst_upd && echo x >"$TEST_TMP/pkg-extra/ksplice-extra/stowaway" && tarball extra extra
python3 - "$TEST_TMP/pkg-tools/ksplice-tools" "$PAYLOAD" <<'EOT'
import sys, tarfile, os
src, out = sys.argv[1:]
for name, evil in (("traversal", "ksplice-tools/../../evil"), ("symlink", None)):
    with tarfile.open(os.path.join(out, name + ".tar.gz"), "w:gz") as t:
        t.add(src, arcname="ksplice-tools")
        if evil:
            t.add(os.path.join(src, "patch"), arcname=evil)
        else:
            i = tarfile.TarInfo("ksplice-tools/link")
            i.type, i.linkname = tarfile.SYMTYPE, "/etc/passwd"
            t.addfile(i)
EOT
rm "$PAYLOAD"/kst_upd.ko "$PAYLOAD"/kst_bad.ko "$PAYLOAD"/ksplice.ko
cp "$B/ksplice-apply" "$B/ksplice-undo" "$B/ksplice-view" "$PAYLOAD/"
ln -s ksplice-apply "$PAYLOAD/ksplice-load"

step "apply, view, undo, and refusals in the guest"
cat >"$PAYLOAD/guest.sh" <<'EOT'
P=/sys/module/kst_target/parameters
t() { "$@" >out 2>err; echo "$* -> $?"; sed 's/^/  /' out err; }
mods() { echo "modules: $(cut -d' ' -f1 /proc/modules | sort | tr '\n' ' ')"; }
insmod kst_target.ko || exit 1
t ./ksplice-view
for bad in traversal symlink extra release; do
	t ./ksplice-apply $bad.tar.gz
done
mods
t ./ksplice-apply nomatch.tar.gz
mods
t ./ksplice-load good.tar.gz
echo "value $(cat $P/value)"
mkdir unpacked && tar -xzf good.tar.gz -C unpacked || exit 1
for pkg in good.tar.gz unpacked/ksplice-tools; do
	t ./ksplice-apply $pkg
done
echo "value $(cat $P/value) stage $(cat /sys/kernel/ksplice/tools/stage) abort_cause $(cat /sys/kernel/ksplice/tools/abort_cause)"
mods
t ./ksplice-view
t ./ksplice-view --json tools
t ./ksplice-undo tools
echo "value $(cat $P/value)"
mods
insmod unpacked/ksplice-tools/modules/kst_upd.ko || exit 1
t ./ksplice-apply unpacked/ksplice-tools
echo "value $(cat $P/value) stage $(cat /sys/kernel/ksplice/tools/stage)"
t ./ksplice-undo tools
t ./ksplice-undo tools
t ./ksplice-view
ls /tmp
EOT
run_guest "$PAYLOAD" >"$TEST_TMP/actual"

step "compare the transcript"
cat >"$TEST_TMP/expect" <<EOT
./ksplice-view -> 0
  no updates loaded
./ksplice-apply traversal.tar.gz -> 1
  error: 'traversal.tar.gz': an entry leaves the package directory (tar: removing leading 'ksplice-tools/../../' from member names)
./ksplice-apply symlink.tar.gz -> 1
  error: 'symlink.tar.gz': entry 'ksplice-tools/link' is not a file or a directory
./ksplice-apply extra.tar.gz -> 1
  error: 'stowaway' is in the package but not in its contents
./ksplice-apply release.tar.gz -> 1
  error: update 'old' is for kernel '6.1.0-other', this kernel is '$KRELEASE'
modules: kst_target 
./ksplice-apply nomatch.tar.gz -> 2
  error: update 'bad' not applied: no_match
  the running code is not what the update was built against;
  build it from the source of the running kernel
modules: kst_target 
./ksplice-load good.tar.gz -> 0
  update tools applied: kst_value returns 5
value 5
./ksplice-apply good.tar.gz -> 1
  error: update 'tools' is already applied; ksplice-undo tools first
./ksplice-apply unpacked/ksplice-tools -> 1
  error: update 'tools' is already applied; ksplice-undo tools first
value 5 stage applied abort_cause ok
modules: ksplice kst_target kst_upd 
./ksplice-view -> 0
  tools applied: kst_value returns 5
    kst_target kst_value
./ksplice-view --json tools -> 0
  {"updates": [{"id": "tools", "stage": "applied", "description": "kst_value returns 5", "abort_cause": "ok", "functions": [{"target": "kst_target", "name": "kst_value"}]}]}
./ksplice-undo tools -> 0
  update tools reversed
value 83
modules: ksplice kst_target 
./ksplice-apply unpacked/ksplice-tools -> 1
  error: update 'tools' is already loaded, not applied (stage preparing);
  ksplice-undo tools unloads it
value 83 stage preparing
./ksplice-undo tools -> 0
  update tools unloaded (it was not applied)
./ksplice-undo tools -> 1
  error: no update 'tools' is loaded
./ksplice-view -> 0
  no updates loaded
EOT
test_cmp "$TEST_TMP/expect" "$TEST_TMP/actual"

test_done
