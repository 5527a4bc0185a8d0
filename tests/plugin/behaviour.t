#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# How the plugin behaves as part of the compiler: which runs write a
# sidecar, options and their errors, write failures, atomic writes, and
# that it never changes the object code.
. "$(dirname "$0")/../lib/test-lib.sh"
. "$TOP/tests/plugin/lib.sh"
export LC_ALL=C
test_title "sidecars only for objects, options, errors, no effect on code"

cd "$TEST_TMP" || die "no scratch directory"
cat >t.c <<'EOT'
static int n;
int f(int x) { return x + n++; }
EOT

step "a -c run writes X.o.ksplice.json, default object name too"
plugin_cc t.c sub.o
[ -f sub.o.ksplice.json ] || die "no sidecar for sub.o"
gcc $PLUGIN_CFLAGS -fplugin="$PLUGIN" -c t.c || die "compile failed"
[ -f t.o.ksplice.json ] || die "no sidecar for default t.o"
validate sub.o.ksplice.json t.o.ksplice.json || die "invalid sidecar"
python3 -c 'import json,sys,ks_sidecar; d=ks_sidecar.load("t.o.ksplice.json"); sys.exit(d["object"] != "t.o" or d["source"] != "t.c")' ||
	die "wrong source or object in sidecar"

step "runs without an object write nothing"
mkdir none && cd none || die "mkdir"
cp ../t.c .
gcc -fplugin="$PLUGIN" -E t.c -o t.i || die "-E failed"
gcc -fplugin="$PLUGIN" -S t.c -o - >/dev/null || die "-S to stdout failed"
gcc -fplugin="$PLUGIN" -S t.c || die "-S failed"
gcc -fplugin="$PLUGIN" -c t.c -o /dev/null || die "-o /dev/null failed"
gcc -fplugin="$PLUGIN" -Werror -c -x c /dev/null -o probe.o || die "probe failed"
gcc -fplugin="$PLUGIN" -fsyntax-only t.c || die "-fsyntax-only failed"
echo 'int x = ;' >bad.c
expect_exit 1 gcc -fplugin="$PLUGIN" -c bad.c -o bad.o 2>/dev/null
# a warning that -Werror makes an error, as in the kernel's lib/test_fortify
printf '%s\n' 'extern void bad(void) __attribute__((warning("bad")));' \
	'void f(void) { bad(); }' >werror.c
expect_exit 1 gcc -fplugin="$PLUGIN" -O2 -Werror -c werror.c -o werror.o 2>/dev/null
ls -A | sort >../none.actual
printf '%s\n' bad.c probe.o t.c t.i t.s werror.c >../none.expect
test_cmp ../none.expect ../none.actual
cd .. || die "cd"

step "an unknown option is an error that names it"
expect_exit 1 gcc -fplugin="$PLUGIN" -fplugin-arg-ksplice-bogus -c t.c -o u.o 2>err
grep -q "unknown option '-fplugin-arg-ksplice-bogus'" err || { cat err; die "message does not name the option"; }
expect_exit 1 gcc -fplugin="$PLUGIN" -fplugin-arg-ksplice-sections=yes -c t.c -o u.o 2>err
grep -q "takes no value" err || { cat err; die "value accepted"; }

step "an unwritable sidecar path is an error that names it"
mkdir ro && chmod 555 ro
if touch ro/probe 2>/dev/null; then
	rm -f ro/probe
	echo "running with privileges that ignore permissions; using a missing directory's twin"
	# root can write anywhere: make the sidecar path a directory instead
	mkdir -p ro/x.o.ksplice.json/sub
	touch ro/x.o.ksplice.json/sub/f
fi
expect_exit 1 gcc -fplugin="$PLUGIN" -c t.c -o ro/x.o 2>err
grep -q "cannot write sidecar 'ro/x.o.ksplice.json'" err || { cat err; die "message does not name the path"; }
ls ro | grep 'tmp' >/dev/null && die "temporary file left behind"
chmod 755 ro

step "sidecars are renamed into place: no temporary files remain"
ls -A | grep '\.tmp\.' >/dev/null && die "temporary sidecar left behind"
true

step "-fplugin-arg-ksplice-sections forces function and data sections"
plugin_cc t.c sec.o -fplugin-arg-ksplice-sections
objdump -h sec.o | grep ' \.text\.f ' >/dev/null || die "no .text.f section"
objdump -h sec.o | grep ' \.bss\.n ' >/dev/null || die "no .bss.n section"
python3 -c 'import json,sys,ks_sidecar; d=ks_sidecar.load("sec.o.ksplice.json"); sys.exit(d["functions"][0]["section"] != ".text.f")' ||
	die "sidecar does not name .text.f"

step "flags_hash: same for -I/-D/-o/-W/plugin options, differs for -O and sections"
fh() { python3 -c 'import json,sys,ks_sidecar; print(ks_sidecar.load(sys.argv[1])["flags_hash"])' "$1"; }
plugin_cc t.c a.o
plugin_cc t.c b.o -I/tmp -DFOO=1 -Wall -fplugin-arg-ksplice-debug 2>/dev/null
plugin_cc t.c c.o -O1
plugin_cc t.c d.o -ffunction-sections -fdata-sections
[ "$(fh a.o.ksplice.json)" = "$(fh b.o.ksplice.json)" ] || die "-I/-D/-W changed flags_hash"
[ "$(fh a.o.ksplice.json)" != "$(fh c.o.ksplice.json)" ] || die "-O1 did not change flags_hash"
[ "$(fh a.o.ksplice.json)" != "$(fh sec.o.ksplice.json)" ] || die "sections did not change flags_hash"
[ "$(fh d.o.ksplice.json)" = "$(fh sec.o.ksplice.json)" ] || die "sections option and -ffunction-sections differ"

# With -g, DW_AT_producer records the command line, -fplugin= included;
# that is GCC recording its options, not the plugin changing code.
step "objects are byte-identical with and without the plugin"
for src in "$TOP"/tests/plugin/cases/*/*.c; do
	# shellcheck disable=SC2086
	gcc $PLUGIN_CFLAGS -I"$TOP/tests/plugin/cases" -c "$src" -o without.o || die "gcc failed on $src"
	plugin_cc "$src" with.o -I"$TOP/tests/plugin/cases"
	cmp without.o with.o || die "plugin changed the object code of '$src'"
	# shellcheck disable=SC2086
	gcc $PLUGIN_CFLAGS -g -gno-record-gcc-switches -I"$TOP/tests/plugin/cases" -c "$src" -o without.o || die "gcc -g failed on $src"
	plugin_cc "$src" with.o -g -gno-record-gcc-switches -I"$TOP/tests/plugin/cases"
	cmp without.o with.o || die "plugin changed the object code of '$src' with -g"
done
test_done
