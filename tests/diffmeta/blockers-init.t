#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
. "$(dirname "$0")/../lib/test-lib.sh"
. "$TOP/tests/diffmeta/lib.sh"
test_title "changed __init/__exit functions and init data block a live update"
cd "$TEST_TMP"

sc() {	# sc FILE fn-args... -- data-args...
	local f=$1 a=() b=() in_data=false
	shift
	for x; do
		if [ "$x" = -- ]; then in_data=true
		elif $in_data; then b+=("$x")
		else a+=("$x")
		fi
	done
	{
		begin_sidecar
		[ ${#a[@]} = 0 ] || fn "${a[@]}"
		begin_data
		[ ${#b[@]} = 0 ] || data "${b[@]}"
		end_sidecar
	} >"$f"
}

step "changed __init function: exit 2"
sc pre.json setup 1111 section=.init.text init=true
sc post.json setup 2222 section=.init.text init=true
cat >expect <<'EOT'
x.o:
  changed function 'setup': code changed
  blocker: function 'setup': changed function in section '.init.text': __init code has run and its memory was freed after boot

result: cannot be applied live (1 blocker)
EOT
diffmeta_run 2 pre.json post.json
test_cmp expect actual

step "changed __exit function: exit 2"
sc pre.json teardown 1111 section=.exit.text exit=true
sc post.json teardown 2222 section=.exit.text exit=true
cat >expect <<'EOT'
x.o:
  changed function 'teardown': code changed
  blocker: function 'teardown': changed function in section '.exit.text': __exit code is discarded from the kernel image or runs only at module unload, and is never redirected

result: cannot be applied live (1 blocker)
EOT
diffmeta_run 2 pre.json post.json
test_cmp expect actual

step "changed init data (.init.data, .init.rodata): exit 2"
for sec in .init.data .init.rodata; do
	sc pre.json f 1 -- boot_opts section=$sec init_hash=o1
	sc post.json f 1 -- boot_opts section=$sec init_hash=o2
	cat >expect <<EOT
x.o:
  changed data 'boot_opts': initializer changed
  blocker: data 'boot_opts': changed init data in section '$sec': it was used at boot and freed

result: cannot be applied live (1 blocker)
EOT
	diffmeta_run 2 pre.json post.json
	test_cmp expect actual
done

step "a new initcall would never run: exit 2"
sc pre.json f 1
{
	begin_sidecar
	fn f 1
	fn newinit 2 section=.init.text init=true
	begin_data
	data __initcall__kmod_x__12_40_newinit6 section=.initcall6.init size=4 readonly=true init_hash=ic
	end_sidecar
} >post.json
cat >expect <<'EOT'
x.o:
  new function 'newinit'
  new data '__initcall__kmod_x__12_40_newinit6'
  blocker: data '__initcall__kmod_x__12_40_newinit6': new entry in boot-time table '.initcall6.init': it is read only at boot and would never take effect

result: cannot be applied live (1 blocker)
EOT
diffmeta_run 2 pre.json post.json
test_cmp expect actual

step "a new __init function alone is carried, not a blocker: exit 0"
{ begin_sidecar; fn f 1; fn helper 2 section=.init.text init=true; begin_data; end_sidecar; } >post.json
diffmeta_run 0 pre.json post.json
test_done
