#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# The plugin on real kernel files compiled through Kbuild: every sidecar of
# the test-kernel build validates; a line shift at the top of large files
# changes no hash; one-line logic changes change exactly the expected
# functions; objects are byte-identical with and without the plugin.
# Sources are copied to $TEST_TMP and compiled with the objects' exact
# Kbuild command lines; the cached tree is never modified.
. "$(dirname "$0")/../lib/test-lib.sh"
. "$TOP/tests/plugin/lib.sh"
test_title "plugin on real kernel objects"
require_kernel
grep -q '^plugin=none' "$KERNEL_TREE/.ksplice-test-kernel" &&
	die "test kernel was built without the plugin"

step "every C object of the build has a sidecar, and all validate"
(cd "$KERNEL_TREE" && find . -name '*.o.cmd' -print0 | xargs -0 grep -l -- '-fplugin=.* -c -o [^ ]*\.o [^ ]*\.c' |
	sed 's|/\.\([^/]*\)\.cmd$|/\1|') | sort >objects
[ "$(wc -l <objects)" -gt 300 ] || die "only $(wc -l <objects) C objects found"
while read -r o; do
	[ -f "$KERNEL_TREE/$o.ksplice.json" ] || echo "$o"
done <objects >missing
test_cmp /dev/null missing
sed "s|^|$KERNEL_TREE/|; s|$|.ksplice.json|" objects >sidecars
validate --list sidecars || die "invalid sidecars"
echo "$(wc -l <sidecars) sidecars valid"
find "$KERNEL_TREE" -name '*.ksplice.json.tmp.*' >leftovers
test_cmp /dev/null leftovers

# pair OBJ NAME EDIT: compile OBJ's source unchanged and edited by the sed
# script EDIT, both as $TEST_TMP/NAME/<base>.c so __FILE__ is the same.
pair() {
	local obj=$1 name=$2 edit=$3 src=${1%.o}.c
	local dir=$TEST_TMP/$name base
	base=$(basename "$src")
	mkdir -p "$dir"
	cp "$KERNEL_TREE/$src" "$dir/$base"
	kbuild_compile "$obj" "$dir/$base" "$dir/pre.o"
	sed -e "$edit" "$KERNEL_TREE/$src" >"$dir/$base"
	cmp -s "$KERNEL_TREE/$src" "$dir/$base" && die "edit '$edit' changed nothing"
	kbuild_compile "$obj" "$dir/$base" "$dir/post.o"
}

# changed KEY NAME: the functions whose KEY differs in pair NAME
changed() {
	verdicts "$1" "$TEST_TMP/$2/pre.o.ksplice.json" "$TEST_TMP/$2/post.o.ksplice.json" |
		grep -v ': equal$'
}

data_changed() {
	python3 - "$TEST_TMP/$1/pre.o.ksplice.json" "$TEST_TMP/$1/post.o.ksplice.json" <<'EOT'
import json, sys, ks_sidecar
pre, post = ({d["name"]: d["init_hash"] for d in ks_sidecar.load(p)["data"]} for p in sys.argv[1:])
for n in sorted(set(pre) | set(post)):
    if pre.get(n) != post.get(n):
        print(n)
EOT
}

for obj in kernel/fork.o mm/page_alloc.o kernel/sched/core.o; do
	step "a line shift at the top of ${obj%.o}.c changes no hash"
	name=shift-$(basename "$obj" .o)
	pair "$obj" "$name" '1a\
/*\
 * Three lines that move everything below.\
 */'
	echo "$(python3 -c 'import sys,ks_sidecar; print(len(ks_sidecar.load(sys.argv[1])["functions"]))' \
		"$TEST_TMP/$name/pre.o.ksplice.json") functions"
	changed hash "$name" >actual
	changed body_hash "$name" >>actual
	data_changed "$name" >>actual
	test_cmp /dev/null actual
done

step "a one-line change in nr_processes() changes only nr_processes"
pair kernel/fork.o logic-fork '/^int nr_processes(void)/,/^}/s/int total = 0;/int total = 1;/'
changed hash logic-fork >actual
echo 'nr_processes: changed' >expect
test_cmp expect actual

step "a change in an inlined static helper changes its callers, not their bodies"
pair kernel/fork.o inline-fork '/^static inline bool clone3_stack_valid/,/^}/s/kargs->stack_size == 0/kargs->stack_size < 16/'
changed hash inline-fork >actual
cat actual
changed body_hash inline-fork >actual-body
echo '__do_sys_clone3: changed' >expect
test_cmp expect actual
test_cmp /dev/null actual-body
python3 - "$TEST_TMP/inline-fork/pre.o.ksplice.json" "$TEST_TMP/inline-fork/post.o.ksplice.json" >actual <<'EOT'
import json, sys, ks_sidecar
pre, post = ({f["name"]: {i["name"]: i["body_hash"] for i in f["inlined"]}
              for f in ks_sidecar.load(p)["functions"]} for p in sys.argv[1:])
f = "__do_sys_clone3"
print(" ".join(sorted(n for n in post[f] if pre[f].get(n) != post[f][n])))
EOT
echo clone3_stack_valid >expect
test_cmp expect actual

step "objects are byte-identical with and without the plugin"
for obj in kernel/fork.o mm/page_alloc.o kernel/sched/core.o lib/string.o \
	   fs/binfmt_misc.o kernel/printk/printk.o arch/x86/kernel/process.o; do
	src=${obj%.o}.c
	mkdir -p "$TEST_TMP/same"
	kbuild_compile "$obj" "$src" "$TEST_TMP/same/with.o"
	kbuild_compile "$obj" "$src" "$TEST_TMP/same/without.o" --no-plugin
	cmp "$TEST_TMP/same/with.o" "$TEST_TMP/same/without.o" ||
		die "the plugin changed '$obj'"
	[ -f "$TEST_TMP/same/without.o.ksplice.json" ] && die "sidecar without plugin"
	echo "$obj identical"
done
test_done
