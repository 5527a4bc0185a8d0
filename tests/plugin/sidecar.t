#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# What a sidecar says about one fixture (tests/plugin/cases/meta.c): clones
# and .cold parts linked to their origin, refs, inlined callees with their
# body_hash, static locals and owners, fentry/init/exit/notrace, data
# sections, sizes and read-only flags. Hashes are left out; the other
# plugin tests check them.
. "$(dirname "$0")/../lib/test-lib.sh"
. "$TOP/tests/plugin/lib.sh"
test_title "sidecar metadata of functions and data"
cd "$TEST_TMP" || die "no scratch directory"

step "compile the fixture and validate its sidecar"
cp "$TOP/tests/plugin/cases/meta.c" .
plugin_cc meta.c meta.o -I"$TOP/tests/plugin/cases"
validate meta.o.ksplice.json || die "invalid sidecar"

step "functions"
python3 - meta.o.ksplice.json >actual <<'EOT'
import json, sys, ks_sidecar
doc = ks_sidecar.load(sys.argv[1])
bodies = {f["name"]: f["body_hash"] for f in doc["functions"]}
for f in doc["functions"]:
    flags = [k for k in ("fentry", "init", "exit", "notrace") if f[k]]
    inl = ["%s%s" % (i["name"], "=body" if i["body_hash"] and i["body_hash"] != bodies.get(i["name"], "?") else "")
           for i in f["inlined"]]
    print("%s %s %s clone_of=%s kind=%s body=%s refs=%s inlined=%s statics=%s %s" % (
        f["name"], f["linkage"], f["section"], f["clone_of"], f["clone_kind"],
        "yes" if f["body_hash"] else "no", ",".join(f["refs"]), ",".join(inl),
        ",".join(f["static_locals"]), ",".join(flags)))
EOT
cat >expect <<'EOT'
pick.isra.0 local .text clone_of=pick kind=isra body=yes refs= inlined= statics= fentry
quiet global .text clone_of=None kind=None body=yes refs= inlined= statics= notrace
setup local .init.text clone_of=None kind=None body=yes refs=_printk inlined= statics= fentry,init
teardown local .exit.text clone_of=None kind=None body=yes refs=_printk inlined= statics= fentry,exit
use global .text clone_of=None kind=None body=yes refs=calls,counter inlined=clamp=body statics=calls.1 fentry
user global .text clone_of=None kind=None body=yes refs=pick.isra inlined= statics= fentry
work global .text clone_of=None kind=None body=yes refs= inlined= statics= fentry
work.cold local .text.unlikely clone_of=work kind=cold body=no refs=_printk,report inlined= statics= 
EOT
test_cmp expect actual

step "data"
python3 - meta.o.ksplice.json >actual <<'EOT'
import json, sys, ks_sidecar
for d in ks_sidecar.load(sys.argv[1])["data"]:
    print("%s %s %s size=%d %s owner=%s" % (d["name"], d["linkage"], d["section"],
          d["size"], "ro" if d["readonly"] else "rw", d["owner"]))
EOT
cat >expect <<'EOT'
calls.1 local .bss size=4 rw owner=use
counter global .data size=4 rw owner=None
hooks global .data size=16 rw owner=None
limits global .rodata size=12 ro owner=None
unhooks global .data size=8 rw owner=None
EOT
test_cmp expect actual

step "a changed initializer changes init_hash, a moved definition does not"
ih() { python3 -c 'import json,sys,ks_sidecar; print([d["init_hash"] for d in ks_sidecar.load(sys.argv[1])["data"] if d["name"] == sys.argv[2]][0])' "$@"; }
sed 's/{ 10, 20, 30 }/{ 10, 21, 30 }/' meta.c >m2.c
plugin_cc m2.c m2.o -I"$TOP/tests/plugin/cases"
[ "$(ih meta.o.ksplice.json limits)" != "$(ih m2.o.ksplice.json limits)" ] || die "limits init_hash unchanged"
[ "$(ih meta.o.ksplice.json counter)" = "$(ih m2.o.ksplice.json counter)" ] || die "counter init_hash changed"
{ echo; echo; cat meta.c; } >m3.c
plugin_cc m3.c m3.o -I"$TOP/tests/plugin/cases"
for d in counter limits hooks unhooks calls.1; do
	[ "$(ih meta.o.ksplice.json $d)" = "$(ih m3.o.ksplice.json $d)" ] || die "$d init_hash changed by a line shift"
done
test_done
