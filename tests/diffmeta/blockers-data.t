#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
. "$(dirname "$0")/../lib/test-lib.sh"
. "$TOP/tests/diffmeta/lib.sh"
test_title "data-layout changes of existing data block; new data does not"
cd "$TEST_TMP"

sc() {	# sc FILE data-args...
	local f=$1
	shift
	{ begin_sidecar; fn f 1; begin_data; data "$@"; end_sidecar; } >"$f"
}

step "changed size: exit 2"
sc pre.json stats size=16 init_hash=z16
sc post.json stats size=24 init_hash=z24
cat >expect <<'EOT'
x.o:
  changed data 'stats': size changed from 16 to 24 bytes; initializer changed
  blocker: data 'stats': size changed from 16 to 24 bytes: the live object cannot be resized

result: cannot be applied live (1 blocker)
EOT
diffmeta_run 2 pre.json post.json
test_cmp expect actual

step "changed initializer of writable and of read-only data: exit 2"
for ro in false true; do
	sc pre.json limits readonly=$ro init_hash=l1
	sc post.json limits readonly=$ro init_hash=l2
	cat >expect <<'EOT'
x.o:
  changed data 'limits': initializer changed
  blocker: data 'limits': initializer changed: the live object keeps the value it has

result: cannot be applied live (1 blocker)
EOT
	diffmeta_run 2 pre.json post.json
	test_cmp expect actual
done

step "moving data into the per-CPU area: exit 2"
sc pre.json counter section=.data
sc post.json counter section=.data..percpu
cat >expect <<'EOT'
x.o:
  changed data 'counter': moved from section '.data' to '.data..percpu'
  blocker: data 'counter': moved from section '.data' to '.data..percpu': per-CPU and ordinary data are laid out differently

result: cannot be applied live (1 blocker)
EOT
diffmeta_run 2 pre.json post.json
test_cmp expect actual

step "entries of code-metadata sections and read-only static locals of changed functions are carried"
{
	begin_sidecar
	fn f 1111 static_locals='["_entry.3", "__UNIQUE_ID_ddebug7.1"]'
	begin_data
	data _entry.3 owner=f section=.rodata readonly=true init_hash=e1
	data __UNIQUE_ID_ddebug7.1 owner=f section=__dyndbg init_hash=d1
	data __UNIQUE_ID___addressable_f12 section=.discard.addressable init_hash=a1
	end_sidecar
} >pre.json
{
	begin_sidecar
	fn f 1112 static_locals='["_entry.5", "__UNIQUE_ID_ddebug9.2"]'
	begin_data
	data _entry.5 owner=f section=.rodata readonly=true init_hash=e2
	data __UNIQUE_ID_ddebug9.2 owner=f section=__dyndbg init_hash=d2
	data __UNIQUE_ID___addressable_f14 section=.discard.addressable init_hash=a2
	end_sidecar
} >post.json
cat >expect <<'EOT'
x.o:
  changed function 'f': code changed
  changed data '__UNIQUE_ID___addressable_f14': initializer changed (entry of section '.discard.addressable': carried with the code that uses it)
  changed data '__UNIQUE_ID_ddebug9.2' (static local of 'f'): initializer changed (entry of section '__dyndbg': carried with the code that uses it)
  changed data '_entry.5' (static local of 'f'): initializer changed (read-only static local of changed 'f': carried with it)

result: patchable (functions: 1 changed, 0 new, 0 removed; data: 3 changed, 0 new, 0 removed)
EOT
diffmeta_run 0 pre.json post.json
test_cmp expect actual

step "a read-only static local whose function did not change is live data: exit 2"
sed 's/"hash": "1112"/"hash": "1111"/' post.json >same-owner.json
cat >expect <<'EOT'
x.o:
  changed data '__UNIQUE_ID___addressable_f14': initializer changed (entry of section '.discard.addressable': carried with the code that uses it)
  changed data '__UNIQUE_ID_ddebug9.2' (static local of 'f'): initializer changed (entry of section '__dyndbg': carried with the code that uses it)
  changed data '_entry.5' (static local of 'f'): initializer changed
  blocker: data '_entry.5' (static local of 'f'): initializer changed: the live object keeps the value it has

result: cannot be applied live (1 blocker)
EOT
diffmeta_run 2 pre.json same-owner.json
test_cmp expect actual

step "new data is carried as a fresh copy: exit 0"
sc pre.json counter
{ begin_sidecar; fn f 1; begin_data; data counter; data extra size=64 section=.bss; end_sidecar; } >post.json
cat >expect <<'EOT'
x.o:
  new data 'extra'

result: patchable (functions: 0 changed, 0 new, 0 removed; data: 0 changed, 1 new, 0 removed)
EOT
diffmeta_run 0 pre.json post.json
test_cmp expect actual
test_done
