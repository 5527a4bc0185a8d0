#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
. "$(dirname "$0")/../lib/test-lib.sh"
. "$TOP/tests/diffmeta/lib.sh"
test_title "--json: one document with every array, entries with object, name, reason"
cd "$TEST_TMP"

{
	begin_sidecar object=lib/x.o
	fn caller 1111 body_hash=b inlined='[{"name": "inl", "body_hash": "i1"}]'
	fn setup 2222 section=.init.text init=true
	fn gone 3333
	begin_data
	data count.1 owner=caller section=.bss
	data table size=8 init_hash=t1
	end_sidecar
} >pre.json
{
	begin_sidecar object=lib/x.o
	fn caller 1112 body_hash=b inlined='[{"name": "inl", "body_hash": "i2"}]'
	fn setup 2223 section=.init.text init=true
	fn added 4444
	begin_data
	data count.4 owner=caller section=.bss
	data fresh.2 owner=added
	data table size=8 init_hash=t2
	end_sidecar
} >post.json

step "the document for a blocked update; exit 2"
diffmeta_run 2 --json pre.json post.json
cat >expect <<'EOT'
{
	"version":	1,
	"pre":	"pre.json",
	"post":	"post.json",
	"result":	"blocked",
	"exit_status":	2,
	"objects":	[{
			"object":	"lib/x.o",
			"status":	"changed"
		}],
	"changed_functions":	[{
			"object":	"lib/x.o",
			"name":	"caller",
			"reason":	"only inlined callee 'inl' changed",
			"inlined_callees":	["inl"]
		}, {
			"object":	"lib/x.o",
			"name":	"setup",
			"reason":	"code changed"
		}],
	"new_functions":	[{
			"object":	"lib/x.o",
			"name":	"added"
		}],
	"removed_functions":	[{
			"object":	"lib/x.o",
			"name":	"gone"
		}],
	"changed_data":	[{
			"object":	"lib/x.o",
			"name":	"table",
			"reason":	"initializer changed"
		}],
	"new_data":	[{
			"object":	"lib/x.o",
			"name":	"fresh.2",
			"owner":	"added"
		}],
	"removed_data":	[],
	"blockers":	[{
			"object":	"lib/x.o",
			"kind":	"function",
			"name":	"setup",
			"reason":	"changed function in section '.init.text': __init code has run and its memory was freed after boot"
		}, {
			"object":	"lib/x.o",
			"kind":	"data",
			"name":	"table",
			"reason":	"initializer changed: the live object keeps the value it has"
		}]
}
EOT
test_cmp expect actual

step "the human-readable form of the same diff"
diffmeta_run 2 pre.json post.json
cat >expect <<'EOT'
lib/x.o:
  changed function 'caller': only inlined callee 'inl' changed
  changed function 'setup': code changed
  new function 'added'
  removed function 'gone'
  changed data 'table': initializer changed
  new data 'fresh.2' (static local of 'added')
  blocker: function 'setup': changed function in section '.init.text': __init code has run and its memory was freed after boot
  blocker: data 'table': initializer changed: the live object keeps the value it has

result: cannot be applied live (2 blockers)
EOT
test_cmp expect actual
test_done
