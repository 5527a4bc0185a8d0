#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
. "$(dirname "$0")/../lib/test-lib.sh"
. "$TOP/tests/diffmeta/lib.sh"
test_title "changed, new and removed functions and data, each with its reason"
cd "$TEST_TMP"

{
	begin_sidecar
	fn caller aaaa body_hash=b0 refs='["helper"]' inlined='[{"name": "inl", "body_hash": "i1"}]'
	fn edited bbbb
	fn same cccc
	fn gone dddd
	fn retarget eeee refs='["old_target"]'
	begin_data
	data table init_hash=t1 readonly=true section=.rodata
	data dropped
	end_sidecar
} >pre.json
{
	begin_sidecar
	fn caller aaa2 body_hash=b0 refs='["helper"]' inlined='[{"name": "inl", "body_hash": "i2"}]'
	fn edited bbb2
	fn same cccc line=40
	fn added ffff
	fn retarget eeee refs='["new_target"]'
	begin_data
	data table init_hash=t1 readonly=true section=.rodata
	data fresh
	end_sidecar
} >post.json

step "human-readable output names every change and its reason; exit 0"
cat >expect <<'EOT'
x.o:
  changed function 'caller': only inlined callee 'inl' changed
  changed function 'edited': code changed
  changed function 'retarget': now references 'new_target'; no longer references 'old_target'
  new function 'added'
  removed function 'gone'
  new data 'fresh'
  removed data 'dropped'

result: patchable (functions: 3 changed, 1 new, 1 removed; data: 0 changed, 1 new, 1 removed)
EOT
diffmeta_run 0 pre.json post.json
test_cmp expect actual

step "an inlined callee that is newly inlined, or no longer, is named too"
{
	begin_sidecar
	fn f 1111 body_hash=b inlined='[{"name": "a", "body_hash": "x"}, {"name": "b", "body_hash": "y"}]'
	begin_data
	end_sidecar
} >pre2.json
{
	begin_sidecar
	fn f 2222 body_hash=b inlined='[{"name": "b", "body_hash": "y"}, {"name": "c", "body_hash": "z"}]'
	begin_data
	end_sidecar
} >post2.json
cat >expect <<'EOT'
x.o:
  changed function 'f': only inlined callees 'c', 'a' changed

result: patchable (functions: 1 changed, 0 new, 0 removed; data: 0 changed, 0 new, 0 removed)
EOT
diffmeta_run 0 pre2.json post2.json
test_cmp expect actual

step "same own body and callees but different code: code generation changed"
{ begin_sidecar; fn f 1111 body_hash=b; begin_data; end_sidecar; } >pre3.json
{ begin_sidecar; fn f 2222 body_hash=b; begin_data; end_sidecar; } >post3.json
cat >expect <<'EOT'
x.o:
  changed function 'f': code generation changed (own body and inlined callees unchanged)

result: patchable (functions: 1 changed, 0 new, 0 removed; data: 0 changed, 0 new, 0 removed)
EOT
diffmeta_run 0 pre3.json post3.json
test_cmp expect actual

step "a changed, non-blocking data attribute is reported as changed data"
{ begin_sidecar; fn f 1; begin_data; data v section=.data linkage=local; end_sidecar; } >pre4.json
{ begin_sidecar; fn f 1; begin_data; data v section=.data..read_mostly linkage=global; end_sidecar; } >post4.json
cat >expect <<'EOT'
x.o:
  changed data 'v': moved from section '.data' to '.data..read_mostly'; linkage changed from 'local' to 'global'

result: patchable (functions: 0 changed, 0 new, 0 removed; data: 1 changed, 0 new, 0 removed)
EOT
diffmeta_run 0 pre4.json post4.json
test_cmp expect actual
test_done
