#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
. "$(dirname "$0")/../lib/test-lib.sh"
. "$TOP/tests/diffmeta/lib.sh"
test_title "bad input: a clear error naming the file, exit 1, nothing on stdout"
cd "$TEST_TMP"

{ begin_sidecar; fn f 1; begin_data; data v; end_sidecar; } >good.json

step "malformed JSON: file, line and column"
sed '3s/"linkage": "local",/"linkage" "local",/' good.json >bad.json
echo "error: sidecar 'bad.json': malformed JSON at line 3, column 27" >expect
diffmeta_fails good.json bad.json
head -c 100 good.json >cut.json
echo "error: sidecar 'cut.json': malformed JSON at line 1, column 100" >expect
diffmeta_fails cut.json good.json

step "data after the document, an empty file, a top level that is no object"
{ cat good.json; echo '{}'; } >trailing.json
echo "error: sidecar 'trailing.json': malformed JSON at line 8, column 1: data after the document" >expect
diffmeta_fails good.json trailing.json
: >empty.json
echo "error: sidecar 'empty.json': empty file" >expect
diffmeta_fails good.json empty.json
echo '[]' >array.json
echo "error: sidecar 'array.json': top level is not a JSON object" >expect
diffmeta_fails good.json array.json

step "wrong schema, wrong version"
sed 's/"ksplice-sidecar"/"other-sidecar"/' good.json >schema.json
echo "error: sidecar 'schema.json': schema is 'other-sidecar', expected 'ksplice-sidecar'" >expect
diffmeta_fails good.json schema.json
sed 's/"version": 1,/"version": 3,/' good.json >v3.json
echo "error: sidecar 'v3.json': unsupported version 3 (this reader knows versions 1 and 2)" >expect
diffmeta_fails v3.json good.json
sed 's/"version": 1,/"version": "1",/' good.json >vstr.json
echo "error: sidecar 'vstr.json': 'version' is not a number" >expect
diffmeta_fails good.json vstr.json

step "a missing key, a key of the wrong type"
sed 's/"hash": "1", //' good.json >nohash.json
echo "error: sidecar 'nohash.json': missing key 'functions[0].hash'" >expect
diffmeta_fails good.json nohash.json
sed 's/"size": 4,/"size": "4",/' good.json >size.json
echo "error: sidecar 'size.json': 'data[0].size' is not a number" >expect
diffmeta_fails good.json size.json
sed 's/"size": 4,/"size": -4,/' good.json >neg.json
echo "error: sidecar 'neg.json': 'data[0].size' is not a non-negative integer" >expect
diffmeta_fails good.json neg.json
sed 's/"inlined": \[\]/"inlined": [{"name": "g", "body_hash": 7}]/' good.json >inl.json
echo "error: sidecar 'inl.json': 'functions[0].inlined[0].body_hash' is not a string or null" >expect
diffmeta_fails good.json inl.json
sed '2s/.*/"functions": {"f": 1},/; 3,4d' good.json >fobj.json
echo "error: sidecar 'fobj.json': 'functions' is not an array" >expect
diffmeta_fails good.json fobj.json
sed 's/"init": false/"init": 0/' good.json >ibool.json
echo "error: sidecar 'ibool.json': 'functions[0].init' is not a boolean" >expect
diffmeta_fails good.json ibool.json

step "a missing file, an unreadable one"
echo "error: cannot open sidecar 'nope.json': No such file or directory" >expect
diffmeta_fails good.json nope.json
mkdir dir.json
echo "error: cannot read sidecar 'dir.json': Is a directory" >expect
diffmeta_fails good.json dir.json
cp good.json locked.json
chmod 000 locked.json
echo "error: cannot open sidecar 'locked.json': Permission denied" >expect
if [ "$(id -u)" != 0 ]; then
	diffmeta_fails good.json locked.json
elif command -v setpriv >/dev/null && setpriv --reuid=65534 --regid=65534 --clear-groups test -x "$DIFFMETA"; then
	chmod 755 "$TEST_TMP"
	rc=0
	setpriv --reuid=65534 --regid=65534 --clear-groups \
		"$DIFFMETA" good.json locked.json >actual 2>stderr || rc=$?
	[ "$rc" = 1 ] || die "unreadable sidecar: exit $rc, expected 1"
	[ ! -s actual ] || die "unreadable sidecar: output on stdout"
	test_cmp expect stderr
else
	echo "# running as root without setpriv: permission case not checked"
fi

step "sidecars from different compilers or code-generation flags"
{ begin_sidecar compiler=13.1.0; fn f 1; begin_data; end_sidecar; } >gcc13.json
echo "error: sidecars 'good.json' and 'gcc13.json' were made by different compilers ('12.2.0' and '13.1.0')" >expect
diffmeta_fails good.json gcc13.json
{ begin_sidecar flags_hash=fedcba9876543210; fn f 1; begin_data; end_sidecar; } >flags.json
echo "error: sidecars 'good.json' and 'flags.json' were made with different code-generation flags (flags_hash '0123456789abcdef' and 'fedcba9876543210')" >expect
diffmeta_fails good.json flags.json
diffmeta_fails --json good.json flags.json

step "in a tree, the error names the sidecar's path and nothing is printed"
mkdir -p pre/mm post/mm pre/kernel post/kernel
cp good.json pre/kernel/a.o.ksplice.json
{ begin_sidecar; fn f 2; begin_data; end_sidecar; } >post/kernel/a.o.ksplice.json
cp good.json pre/mm/b.o.ksplice.json
cp bad.json post/mm/b.o.ksplice.json
touch pre/kernel/a.o post/kernel/a.o pre/mm/b.o post/mm/b.o	# not stale
echo "error: sidecar 'post/mm/b.o.ksplice.json': malformed JSON at line 3, column 27" >expect
diffmeta_fails pre post
diffmeta_fails --json pre post
cp gcc13.json post/mm/b.o.ksplice.json
touch post/mm/b.o
echo "error: sidecars 'pre/mm/b.o.ksplice.json' and 'post/mm/b.o.ksplice.json' were made by different compilers ('12.2.0' and '13.1.0')" >expect
diffmeta_fails pre post
echo "error: cannot open sidecar 'nodir': No such file or directory" >expect
diffmeta_fails nodir post
echo "error: cannot read sidecar 'post': Is a directory" >expect
diffmeta_fails good.json post
test_done
