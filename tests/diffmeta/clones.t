#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
. "$(dirname "$0")/../lib/test-lib.sh"
. "$TOP/tests/diffmeta/lib.sh"
test_title "clones that appear or disappear are not blockers; the caller is reported"
cd "$TEST_TMP"

# Before: bar calls an .isra clone of foo. After: foo changed, GCC made a
# .constprop clone instead, and bar (same own body) now calls that.
{
	begin_sidecar
	fn bar 1111 body_hash=bb refs='["foo.isra"]'
	fn foo 2222
	fn foo.isra.0 3333 clone_of=foo clone_kind=isra body_hash=null
	begin_data
	end_sidecar
} >pre.json
{
	begin_sidecar
	fn bar 1112 body_hash=bb refs='["foo.constprop"]'
	fn foo 2223
	fn foo.constprop.0 4444 clone_of=foo clone_kind=constprop body_hash=null
	begin_data
	end_sidecar
} >post.json

step "new clone and vanished clone are listed with their callers; exit 0"
cat >expect <<'EOT'
x.o:
  changed function 'bar': now references 'foo.constprop'; no longer references 'foo.isra'
  changed function 'foo': code changed
  new function 'foo.constprop.0': new clone of 'foo' (constprop), called from 'bar'
  removed function 'foo.isra.0': clone of 'foo' (isra) no longer emitted; was called from 'bar'

result: patchable (functions: 2 changed, 1 new, 1 removed; data: 0 changed, 0 new, 0 removed)
EOT
diffmeta_run 0 pre.json post.json
test_cmp expect actual

step "a renumbered clone with the same code is no change (exit 3)"
{ begin_sidecar; fn bar 1 refs='["foo.isra"]'; fn foo.isra.0 3 clone_of=foo clone_kind=isra; begin_data; end_sidecar; } >a.json
{ begin_sidecar; fn bar 1 refs='["foo.isra"]'; fn foo.isra.5 3 clone_of=foo clone_kind=isra; begin_data; end_sidecar; } >b.json
diffmeta_run 3 a.json b.json

step "two clones sharing a normalised name pair up by content, not by number"
{
	begin_sidecar
	fn f.constprop.0 aaaa clone_of=f clone_kind=constprop
	fn f.constprop.1 bbbb clone_of=f clone_kind=constprop
	begin_data
	end_sidecar
} >c.json
{
	begin_sidecar
	fn f.constprop.0 bbbb clone_of=f clone_kind=constprop
	fn f.constprop.1 cccc clone_of=f clone_kind=constprop
	begin_data
	end_sidecar
} >d.json
cat >expect <<'EOT'
x.o:
  changed function 'f.constprop.1': code changed

result: patchable (functions: 1 changed, 0 new, 0 removed; data: 0 changed, 0 new, 0 removed)
EOT
diffmeta_run 0 c.json d.json
test_cmp expect actual

step "a function with the same code calling a new clone is still changed"
{ begin_sidecar; fn bar 1111 refs='["foo"]'; fn foo 2; begin_data; end_sidecar; } >e.json
{ begin_sidecar; fn bar 1111 refs='["foo.part"]'; fn foo 2; fn foo.part.0 3 clone_of=foo clone_kind=part; begin_data; end_sidecar; } >f.json
cat >expect <<'EOT'
x.o:
  changed function 'bar': now references 'foo.part'; no longer references 'foo'
  new function 'foo.part.0': new clone of 'foo' (part), called from 'bar'

result: patchable (functions: 1 changed, 1 new, 0 removed; data: 0 changed, 0 new, 0 removed)
EOT
diffmeta_run 0 e.json f.json
test_cmp expect actual

step "a .cold part is explained by its parent's body and inlined callees"
{
	begin_sidecar
	fn foo 1111 body_hash=b inlined='[{"name": "inl", "body_hash": "i1"}]'
	fn foo.cold 2222 section=.text.unlikely clone_of=foo clone_kind=cold body_hash=null
	begin_data
	end_sidecar
} >g.json
{
	begin_sidecar
	fn foo 1112 body_hash=b inlined='[{"name": "inl", "body_hash": "i2"}]'
	fn foo.cold 2223 section=.text.unlikely clone_of=foo clone_kind=cold body_hash=null
	begin_data
	end_sidecar
} >h.json
cat >expect <<'EOT'
x.o:
  changed function 'foo': only inlined callee 'inl' changed
  changed function 'foo.cold': cold part of 'foo': only inlined callee 'inl' changed

result: patchable (functions: 2 changed, 0 new, 0 removed; data: 0 changed, 0 new, 0 removed)
EOT
diffmeta_run 0 g.json h.json
test_cmp expect actual
test_done
