#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# Schema version 2 (what the plugin writes) against version 1 (what the
# hand-written fixtures of the other diffmeta tests are): the reader gives
# the same answer for the same unit in either version, and refuses broken
# version-2 tables and rows with a message that says where.
. "$(dirname "$0")/../lib/test-lib.sh"
. "$TOP/tests/diffmeta/lib.sh"
test_title "sidecar schema version 2: same verdicts as version 1, clear errors"
[ -f "$PLUGIN" ] || die "plugin '$PLUGIN' not built; run 'make'"
export PYTHONPATH=$TOP/tests/plugin${PYTHONPATH:+:$PYTHONPATH}
cd "$TEST_TMP"

# v1 IN OUT: the version-1 form of the version-2 sidecar IN
v1() {
	python3 - "$1" "$2" <<'EOT' || die "cannot convert '$1'"
import json, sys, ks_sidecar
doc = ks_sidecar.load(sys.argv[1])
doc["version"] = 1
json.dump(doc, open(sys.argv[2], "w"), indent=1)
EOT
}

step "the plugin's fixture pairs: diffmeta says the same on v2, v1 and mixed"
n=0
for dir in "$TOP"/tests/plugin/cases/*/; do
	name=$(basename "$dir")
	mkdir -p "$name"
	for v in pre post; do
		cp "$dir/$v.c" "$name/src.c"
		(cd "$name" && gcc -O2 -fno-pie -pg -mfentry -fplugin="$PLUGIN" \
			-I"$TOP/tests/plugin/cases" -c src.c -o "$v.o") ||
			die "cannot compile '$dir$v.c'"
		grep -q '"version":2,' "$name/$v.o.ksplice.json" || die "not a version-2 sidecar"
		v1 "$name/$v.o.ksplice.json" "$name/$v.v1.json"
	done
	for mode in "" --json; do
		rc=0
		# shellcheck disable=SC2086
		"$DIFFMETA" $mode "$name/pre.o.ksplice.json" "$name/post.o.ksplice.json" >v2-v2 2>&1 || rc=$?
		[ "$rc" = 0 ] || [ "$rc" = 3 ] || { cat v2-v2; die "$name: diffmeta exited $rc"; }
		for pair in "pre.v1.json post.v1.json" "pre.v1.json post.o.ksplice.json" \
			    "pre.o.ksplice.json post.v1.json"; do
			set -- $pair
			# shellcheck disable=SC2086
			"$DIFFMETA" $mode "$name/$1" "$name/$2" 2>&1 |
				sed "s|$name/$1|$name/pre.o.ksplice.json|g; s|$name/$2|$name/post.o.ksplice.json|g" >other || true
			test_cmp v2-v2 other
		done
	done
	n=$((n + 1))
done
echo "$n pairs agree"
[ "$n" -ge 10 ] || die "only $n fixture pairs"

step "a static local renumbered by GCC keeps its identity (owner by index)"
cp "$TOP/tests/plugin/cases/meta.c" .
gcc -O2 -fno-pie -pg -mfentry -fplugin="$PLUGIN" -I"$TOP/tests/plugin/cases" -c meta.c -o meta.o
sed 's/"calls\.1",2,"\.bss",4,"\([^"]*\)",[^]]*]/"calls.7",2,".bss",4,"\1",5]/' meta.o.ksplice.json >renum.json
cmp -s meta.o.ksplice.json renum.json && die "edit changed nothing"
echo "result: no functional change" >expect
diffmeta_run 3 meta.o.ksplice.json renum.json
test_cmp expect actual

# A small version-2 sidecar to break.
cat >good.json <<'EOT'
{"schema":"ksplice-sidecar","version":2,"compiler":"12.2.0","source":"x.c","object":"x.o","flags_hash":"AAAAAAAAAAA",
"strings":[".text","f","x.c"],
"inlined":[
["g","BBBBBBBBBBB"]],
"function_columns":["name","flags","section","file","line","hash","body_hash","refs","inlined","clone_of","clone_kind"],
"functions":[
[1,18,0,2,3,"CCCCCCCCCCC","DDDDDDDDDDD",["ext"],[0]],
["h",16,0,2,9,"EEEEEEEEEEE",null,[1]]],
"data_columns":["name","flags","section","size","init_hash","owner"],
"data":[
["v.1",2,".bss",4,"FFFFFFFFFFF",1]]}
EOT
step "a good version-2 sidecar against itself: no functional change"
echo "result: no functional change" >expect
diffmeta_run 3 good.json good.json
test_cmp expect actual

step "broken tables, columns and rows are refused with their place"
# bad NAME SED-SCRIPT MESSAGE
bad() {
	sed "$2" good.json >"$1.json"
	cmp -s good.json "$1.json" && die "$1: edit changed nothing"
	echo "error: sidecar '$1.json': $3" >expect
	diffmeta_fails good.json "$1.json"
}
bad nostrings '2d' "missing key 'strings'"
bad strnum '2s/"f"/7/' "'strings[1]' is not a string"
bad idx '7s/^\[1,/[3,/' "'functions[0].name' is not an index into 'strings'"
bad neg '7s/^\[1,/[-1,/' "'functions[0].name' is not an index into 'strings'"
bad frac '7s/^\[1,/[1.5,/' "'functions[0].name' is not an index into 'strings'"
bad nullname '7s/^\[1,/[null,/' "'functions[0].name' is not a string or an index into 'strings'"
bad short '8s/.*/["h",16,0,2,9]],/' "missing key 'functions[1].hash'"
bad link '7s/^\[1,18,/[1,19,/' "'functions[0].flags' has an unknown linkage (3)"
bad bigflags '7s/^\[1,18,/[1,256,/' "'functions[0].flags' is out of range"
bad dflags '11s/2,"\.bss"/8,".bss"/' "'data[0].flags' is out of range"
bad inlidx '7s/\[0\]\]/[1]]/' "'functions[0].inlined' has an entry that is not an index into the top-level 'inlined'"
bad inlpair '4s/.*/["g"]],/' "'inlined[0]' is not a [name, body_hash] pair"
bad inlhash '4s/"BBBBBBBBBBB"/7/' "'inlined[0].body_hash' is not a string or null"
bad refs '7s/\["ext"\]/["ext",true]/' "'functions[0].refs' has an entry that is not a string or an index into 'strings'"
bad nocol '5s/"hash",//' "'function_columns' lacks column 'hash'"
bad twice '9s/"size",/"size","size",/' "'data_columns' names column 'size' twice"
bad row '7s/.*/{"name": "f"},/' "'functions[0]' is not an array"
bad owner '11s/,1\]\]}/,""]]}/' "'data[0].owner' is empty"

step "unknown columns are ignored"
sed -e '5s/"clone_kind"/"clone_kind","future"/' -e '8s/\[1\]\]\],/[1],[],null,null,42]],/' good.json >future.json
echo "result: no functional change" >expect
diffmeta_run 3 good.json future.json
test_cmp expect actual

test_done
