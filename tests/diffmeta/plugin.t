#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
. "$(dirname "$0")/../lib/test-lib.sh"
. "$TOP/tests/diffmeta/lib.sh"
test_title "every rule on sidecars the GCC plugin writes for small C fixtures"
[ -f "$PLUGIN" ] || die "plugin '$PLUGIN' not built; run 'make'"
cd "$TEST_TMP"

cat >base.c <<'EOF_C'
#define __init __attribute__((__section__(".init.text")))
#define __exit __attribute__((__section__(".exit.text")))
#define noinstr __attribute__((__section__(".noinstr.text"), __noinline__))
static int counter;
static int limits[4] = { 10, 20, 30, 40 };
static inline int helper(int x) { return x * 3; }
int foo(int a) { static int calls; calls++; counter += a; return helper(a) + calls; }
static int __attribute__((noinline)) bar(int a, int b) { return a + b * 2; }
int baz(int a) { return bar(a, 5) + limits[a & 3]; }
int __init setup(void) { counter = 1; return 0; }
void __exit teardown(void) { counter = 0; }
noinstr int entry_work(int a) { return a ^ 0x55; }
EOF_C

# build NAME [OBJECT]: compile NAME.c with the plugin into NAME/OBJECT.
build() {
	local obj=$1/${2:-x.o}
	mkdir -p "$(dirname "$obj")"
	gcc -O2 -c -fplugin="$PLUGIN" "$1.c" -o "$obj" || die "cannot compile '$1.c'"
	[ -f "$obj.ksplice.json" ] || die "no sidecar for '$obj'"
}

# variant NAME SED-SCRIPT: NAME.c is base.c edited by SED-SCRIPT, built.
variant() {
	sed "$2" base.c >"$1.c"
	build "$1"
}

# check NAME EXIT: diff pre against NAME, expect EXIT and the output in 'expect'
check() {
	diffmeta_run "$2" pre/x.o.ksplice.json "$1/x.o.ksplice.json"
	sed -i "s|^$1/x.o:|x.o:|" actual
	test_cmp expect actual
}

cp base.c pre.c
build pre

step "moved lines and changed comments: no functional change (exit 3)"
{ printf '/* a new\n   comment */\n\n'; sed 's|return a ^ 0x55;|/* why */ return a ^ 0x55;|' base.c; } >shift.c
build shift
echo "result: no functional change" >expect
check shift 3

step "a changed inline callee: the caller changed only because of it (exit 0)"
variant inl 's/return x \* 3;/return x * 5;/'
cat >expect <<'EOT'
x.o:
  changed function 'foo': only inlined callee 'helper' changed

result: patchable (functions: 1 changed, 0 new, 0 removed; data: 0 changed, 0 new, 0 removed)
EOT
check inl 0

step "a static local renumbered by GCC keeps its identity; the new one is new"
{ cat base.c; echo 'int late(int a) { static int calls; calls += a; return calls; }'; } >sl.c
build sl
grep -q '"calls.1"' sl/x.o.ksplice.json || die "GCC did not renumber 'calls' (fixture needs updating)"
cat >expect <<'EOT'
x.o:
  new function 'late'
  new data 'calls.0' (static local of 'late')

result: patchable (functions: 0 changed, 1 new, 0 removed; data: 0 changed, 1 new, 0 removed)
EOT
check sl 0

step "a clone that disappears: the caller is reported, no blocker"
variant clone 's/return bar(a, 5)/return bar(a, a)/'
cat >expect <<'EOT'
x.o:
  changed function 'baz': code changed
  new function 'bar'
  removed function 'bar.constprop.0': clone of 'bar' (constprop) no longer emitted; was called from 'baz'

result: patchable (functions: 1 changed, 1 new, 1 removed; data: 0 changed, 0 new, 0 removed)
EOT
check clone 0

step "a changed __init function and a changed __exit function (exit 2)"
variant init 's/counter = 1;/counter = 2;/; s/counter = 0;/counter = -1;/'
cat >expect <<'EOT'
x.o:
  changed function 'setup': code changed
  changed function 'teardown': code changed
  blocker: function 'setup': changed function in section '.init.text': __init code has run and its memory was freed after boot
  blocker: function 'teardown': changed function in section '.exit.text': __exit code is discarded from the kernel image or runs only at module unload, and is never redirected

result: cannot be applied live (2 blockers)
EOT
check init 2

step "a changed initializer and a changed size of existing data (exit 2)"
variant data 's/{ 10, 20, 30, 40 }/{ 10, 20, 30, 41 }/'
cat >expect <<'EOT'
x.o:
  changed data 'limits': initializer changed
  blocker: data 'limits': initializer changed: the live object keeps the value it has

result: cannot be applied live (1 blocker)
EOT
check data 2
variant size 's/limits\[4\] = { 10, 20, 30, 40 }/limits[8] = { 10, 20, 30, 40 }/'
cat >expect <<'EOT'
x.o:
  changed data 'limits': size changed from 16 to 32 bytes; initializer changed
  blocker: data 'limits': size changed from 16 to 32 bytes: the live object cannot be resized

result: cannot be applied live (1 blocker)
EOT
check size 2

step "a changed noinstr function cannot be redirected (exit 2)"
variant noinstr 's/0x55/0x56/'
cat >expect <<'EOT'
x.o:
  changed function 'entry_work': code changed
  blocker: function 'entry_work': changed function in section '.noinstr.text': noinstr code runs where instrumentation and text patching are forbidden (RCU not watching, entry state not established)

result: cannot be applied live (1 blocker)
EOT
check noinstr 2

step "new functions and data are carried as fresh copies (exit 0)"
{ cat base.c; echo 'int extra_table[3] = { 7, 8, 9 };'; echo 'int extra(int a) { return extra_table[a % 3]; }'; } >new.c
build new
cat >expect <<'EOT'
x.o:
  new function 'extra'
  new data 'extra_table'

result: patchable (functions: 0 changed, 1 new, 0 removed; data: 0 changed, 1 new, 0 removed)
EOT
check new 0

step "the same change in a vDSO object cannot be applied live (exit 2)"
mkdir -p vpre vpost
cp base.c vpre.c
cp inl.c vpost.c
build vpre arch/x86/entry/vdso/x.o
build vpost arch/x86/entry/vdso/x.o
cat >expect <<'EOT'
arch/x86/entry/vdso/x.o:
  changed function 'foo': only inlined callee 'helper' changed
  blocker: object 'arch/x86/entry/vdso/x.o': vDSO code runs in user space, from a copy mapped into every process

result: cannot be applied live (1 blocker)
EOT
diffmeta_run 2 vpre vpost
test_cmp expect actual

step "a caller moved from one IPA-CP clone to another, same code either way, is changed"
# The plugin's stable-constprop fixture: with -fipa-cp-clone GCC makes
# scale.constprop.0 and .1 (k=5, k=3). After the patch both callers pass 5:
# one clone is left, and user_a's code (call scale.constprop.N; add 1) is
# the same, but it must move.
mkdir -p cpre cpost
cp "$TOP/tests/plugin/cases/stable-constprop/pre.c" cpre/s.c
sed 's/scale(x, 3)/scale(x, 5)/' cpre/s.c >cpost/s.c
for d in cpre cpost; do
	(cd $d && gcc -O2 -fipa-cp-clone --param ipa-cp-eval-threshold=1 -c \
		-fplugin="$PLUGIN" s.c -o s.o) || die "cannot compile '$d/s.c'"
done
[ "$(nm cpre/s.o | grep -c ' scale\.constprop\.')" = 2 ] || die "GCC made no two clones"
cat >expect <<'EOT'
s.o:
  changed function 'user_a': code changed: it calls one of several clones named 'scale.constprop', the same code whichever it calls
  removed function 'scale.constprop.1': clone of 'scale' (constprop) no longer emitted; was called from 'user_a', 'user_b'

result: patchable (functions: 1 changed, 0 new, 1 removed; data: 0 changed, 0 new, 0 removed)
EOT
diffmeta_run 0 cpre/s.o.ksplice.json cpost/s.o.ksplice.json
test_cmp expect actual

step "sidecars built with different code-generation flags are refused"
mkdir -p os
gcc -Os -c -fplugin="$PLUGIN" base.c -o os/x.o || die "cannot compile"
flags_hash() { grep -o '"flags_hash": *"[^"]*"' "$1" | sed 's/.*: *"\(.*\)"/\1/'; }
pre_hash=$(flags_hash pre/x.o.ksplice.json)
os_hash=$(flags_hash os/x.o.ksplice.json)
[ -n "$pre_hash" ] && [ -n "$os_hash" ] || die "no flags_hash in the sidecars"
echo "error: sidecars 'pre/x.o.ksplice.json' and 'os/x.o.ksplice.json' were made with different code-generation flags (flags_hash '$pre_hash' and '$os_hash')" >expect
diffmeta_fails pre/x.o.ksplice.json os/x.o.ksplice.json
test_done
