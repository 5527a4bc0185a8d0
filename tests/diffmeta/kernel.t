#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
. "$(dirname "$0")/../lib/test-lib.sh"
. "$TOP/tests/diffmeta/lib.sh"
test_title "real kernel sidecars: recompiled, moved, changed fs/proc/meminfo.c"
require_kernel
file=fs/proc/meminfo.c
obj=${file%.c}.o
[ -f "$KERNEL_TREE/$obj.ksplice.json" ] ||
	die "test kernel '$KERNEL_TREE' has no sidecars (built without the plugin)"
cd "$TEST_TMP"

# kcompile NAME: compile NAME.c as $file with its exact Kbuild command, in
# a scratch mirror of the tree, so that relative paths, __FILE__ and the
# sidecar's source and object names are those of the tree. The mirror is
# made of links to the tree's entries, except along the object's directory
# path, which is real; in the object's own directory only headers are
# linked, so no output can be written through a link into the cached tree.
kcompile() {
	local w=$TEST_TMP/$1 dir=${file%/*} p= part e n cmd
	for part in ${dir//\// } ""; do
		mkdir -p "$w/$p"
		for e in "$KERNEL_TREE/$p"*; do
			n=${e##*/}
			if [ -z "$part" ]; then		# the object's own directory
				case "$n" in *.h) ln -s "$e" "$w/$p$n" ;; esac
			elif [ "$n" != "$part" ]; then
				ln -s "$e" "$w/$p$n"
			fi
		done
		p=$p$part/
	done
	cp "$1.c" "$w/$file"
	cmd=$(sed -n "s|^cmd_$obj := ||p" "$KERNEL_TREE/${obj%/*}/.${obj##*/}.cmd")
	cmd=${cmd%%;*}		# the compiler only: objtool edits the object
	[ -n "$cmd" ] || die "no Kbuild command for '$obj'"
	(cd "$w" && eval "$cmd") || die "cannot compile '$1.c' as '$file'"
	[ -f "$w/$obj.ksplice.json" ] || die "no sidecar for '$w/$obj'"
}

# kdiff NAME EXIT: diff the tree's sidecar with NAME's; output in 'actual'
kdiff() {
	diffmeta_run "$2" "$KERNEL_TREE/$obj.ksplice.json" "$TEST_TMP/$1/$obj.ksplice.json"
}

cp "$KERNEL_TREE/$file" orig.c

step "the whole tree against itself: no functional change, fast path"
echo "result: no functional change" >expect
diffmeta_run 3 "$KERNEL_TREE" "$KERNEL_TREE"
test_cmp expect actual

step "recompiling the unchanged file: no functional change (exit 3)"
kcompile orig
kdiff orig 3
test_cmp expect actual

step "comments and blank lines that move every line: no functional change"
awk 'NR == 20 { print "/*\n * A comment that moves\n * every line below it.\n */\n" } { print }' orig.c >moved.c
kcompile moved
kdiff moved 3
test_cmp expect actual

step "a one-line change in meminfo_proc_show: that function changed (exit 0)"
sed 's/"MemTotal:       "/"MemTotal :      "/' orig.c >edit.c
cmp -s orig.c edit.c && die "the edit did not apply"
kcompile edit
cat >expect <<EOT
$obj:
  changed function 'meminfo_proc_show': code changed

result: patchable (functions: 1 changed, 0 new, 0 removed; data: 0 changed, 0 new, 0 removed)
EOT
kdiff edit 0
test_cmp expect actual

step "a change in show_val_kb, inlined into its caller: the caller changed because of it"
sed 's/seq_write(m, " kB\\n", 4);/seq_write(m, " KB\\n", 4);/' orig.c >inl.c
cmp -s orig.c inl.c && die "the edit did not apply"
kcompile inl
cat >expect <<EOT
$obj:
  changed function 'meminfo_proc_show': only inlined callee 'show_val_kb' changed

result: patchable (functions: 1 changed, 0 new, 0 removed; data: 0 changed, 0 new, 0 removed)
EOT
kdiff inl 0
test_cmp expect actual

step "a change in the __init function: blocker (exit 2)"
sed 's/proc_create_single("meminfo", 0,/proc_create_single("meminfo", 0400,/' orig.c >init.c
cmp -s orig.c init.c && die "the edit did not apply"
kcompile init
cat >expect <<EOT
$obj:
  changed function 'proc_meminfo_init': code changed
  blocker: function 'proc_meminfo_init': changed function in section '.init.text': __init code has run and its memory was freed after boot

result: cannot be applied live (1 blocker)
EOT
kdiff init 2
test_cmp expect actual

step "moved lines in kernel/fork.c and mm/page_alloc.c (WARN_ON, BUG_ON, might_sleep)"
for file in kernel/fork.c mm/page_alloc.c; do
	obj=${file%.c}.o
	base=$(basename "$file" .c)
	awk 'NR == 30 { print "/*\n * moved\n */\n" } { print }' "$KERNEL_TREE/$file" >"$base.c"
	kcompile "$base"
	echo "result: no functional change" >expect
	kdiff "$base" 3
	test_cmp expect actual
done
file=fs/proc/meminfo.c
obj=${file%.c}.o

step "tree mode over copies of the tree's fs/proc sidecars and the edited one"
mkdir -p pre/fs/proc post/fs/proc
# Objects too, with their times: a sidecar without its object is stale.
cp -p "$KERNEL_TREE"/fs/proc/*.o "$KERNEL_TREE"/fs/proc/*.ksplice.json pre/fs/proc/
cp -p "$KERNEL_TREE"/fs/proc/*.o "$KERNEL_TREE"/fs/proc/*.ksplice.json post/fs/proc/
cp -p edit/$obj.ksplice.json edit/$obj post/fs/proc/
cat >expect <<EOT
$obj:
  changed function 'meminfo_proc_show': code changed

result: patchable (functions: 1 changed, 0 new, 0 removed; data: 0 changed, 0 new, 0 removed)
EOT
diffmeta_run 0 pre post
test_cmp expect actual
test_done
