#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
. "$(dirname "$0")/../lib/test-lib.sh"
. "$TOP/tests/diffmeta/lib.sh"
test_title "no functional change: moved lines, renumbered symbols -> exit 3"
cd "$TEST_TMP"

step "identical sidecars: no functional change, exit 3"
{
	begin_sidecar
	fn f 1111
	begin_data
	data v
	end_sidecar
} >a.json
echo "result: no functional change" >expect
diffmeta_run 3 a.json a.json
test_cmp expect actual

step "lines shifted, GCC renumbered clones, static locals and unique ids: exit 3"
{
	begin_sidecar object=fs/proc/meminfo.o source=fs/proc/meminfo.c
	fn meminfo_proc_show 1111 line=40 static_locals='["calls.3"]'
	fn show_val.constprop.0 2222 line=20 clone_of=show_val clone_kind=constprop
	fn show_val.constprop.1 3333 line=20 clone_of=show_val clone_kind=constprop
	fn proc_meminfo_init 4444 line=170 section=.init.text init=true
	begin_data
	data calls.3 owner=meminfo_proc_show section=.bss
	data __UNIQUE_ID_ddebug12 init_hash=d1
	data __UNIQUE_ID_ddebug13 init_hash=d2
	data __initcall__kmod_meminfo__263_170_proc_meminfo_init5 section=.initcall5.init init_hash=ic
	end_sidecar
} >pre.json
{
	begin_sidecar object=fs/proc/meminfo.o source=fs/proc/meminfo.c
	fn meminfo_proc_show 1111 line=43 static_locals='["calls.7"]'
	fn show_val.constprop.3 3333 line=23 clone_of=show_val clone_kind=constprop
	fn show_val.constprop.4 2222 line=23 clone_of=show_val clone_kind=constprop
	fn proc_meminfo_init 4444 line=173 section=.init.text init=true
	begin_data
	data calls.7 owner=meminfo_proc_show section=.bss
	data __UNIQUE_ID_ddebug20 init_hash=d2
	data __UNIQUE_ID_ddebug21 init_hash=d1
	data __initcall__kmod_meminfo__265_173_proc_meminfo_init5 section=.initcall5.init init_hash=ic
	end_sidecar
} >post.json
diffmeta_run 3 pre.json post.json
test_cmp expect actual

step "--json says the same"
diffmeta_run 3 --json pre.json post.json
cat >expect <<'EOT'
{
	"version":	1,
	"pre":	"pre.json",
	"post":	"post.json",
	"result":	"unchanged",
	"exit_status":	3,
	"objects":	[],
	"changed_functions":	[],
	"new_functions":	[],
	"removed_functions":	[],
	"changed_data":	[],
	"new_data":	[],
	"removed_data":	[],
	"blockers":	[]
}
EOT
test_cmp expect actual
test_done
