#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
. "$(dirname "$0")/../lib/test-lib.sh"
. "$TOP/tests/diffmeta/lib.sh"
test_title "static locals match by (normalised name, owner) despite renumbering"
cd "$TEST_TMP"

{
	begin_sidecar
	fn f 1111 static_locals='["count.1"]'
	fn g 2222 static_locals='["count.2", "limit.3"]'
	begin_data
	data count.1 owner=f section=.bss
	data count.2 owner=g section=.bss
	data limit.3 owner=g init_hash=l1
	end_sidecar
} >pre.json

step "renumbered and reordered static locals keep their identity (exit 3)"
{
	begin_sidecar
	fn f 1111 static_locals='["count.7"]'
	fn g 2222 static_locals='["count.5", "limit.6"]'
	begin_data
	data count.5 owner=g section=.bss
	data count.7 owner=f section=.bss
	data limit.6 owner=g init_hash=l1
	end_sidecar
} >post.json
diffmeta_run 3 pre.json post.json

step "a static local that moves to another function is new and removed, not matched"
{
	begin_sidecar
	fn f 1112 static_locals='[]'
	fn g 2223 static_locals='["count.5", "count.8", "limit.6"]'
	begin_data
	data count.5 owner=g section=.bss
	data count.8 owner=g section=.bss
	data limit.6 owner=g init_hash=l1
	end_sidecar
} >moved.json
cat >expect <<'EOT'
x.o:
  changed function 'f': code changed
  changed function 'g': code changed
  new data 'count.8' (static local of 'g')
  removed data 'count.1' (static local of 'f')

result: patchable (functions: 2 changed, 0 new, 0 removed; data: 0 changed, 1 new, 1 removed)
EOT
diffmeta_run 0 pre.json moved.json
test_cmp expect actual

step "a changed initializer of an existing static local is a blocker (exit 2)"
{
	begin_sidecar
	fn f 1111 static_locals='["count.7"]'
	fn g 2224 static_locals='["count.5", "limit.6"]'
	begin_data
	data count.5 owner=g section=.bss
	data count.7 owner=f section=.bss
	data limit.6 owner=g init_hash=l2
	end_sidecar
} >init.json
cat >expect <<'EOT'
x.o:
  changed function 'g': code changed
  changed data 'limit.6' (static local of 'g'): initializer changed
  blocker: data 'limit.6' (static local of 'g'): initializer changed: the live object keeps the value it has

result: cannot be applied live (1 blocker)
EOT
diffmeta_run 2 pre.json init.json
test_cmp expect actual
test_done
