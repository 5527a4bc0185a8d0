#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
. "$(dirname "$0")/../lib/test-lib.sh"
. "$TOP/tests/diffmeta/lib.sh"
test_title "functions the apply engine cannot redirect, known from their section"
cd "$TEST_TMP"

pair() {	# pair SECTION [fn-args...]: a function that changed in SECTION
	local sec=$1
	shift
	{ begin_sidecar; fn f 1111 section="$sec" "$@"; begin_data; end_sidecar; } >pre.json
	{ begin_sidecar; fn f 2222 section="$sec" "$@"; begin_data; end_sidecar; } >post.json
}

blocked() {	# blocked SECTION WHY
	cat >expect <<EOT
x.o:
  changed function 'f': code changed
  blocker: function 'f': changed function in section '$1': $2

result: cannot be applied live (1 blocker)
EOT
	diffmeta_run 2 pre.json post.json
	test_cmp expect actual
}

step "noinstr code (.noinstr.text): exit 2"
pair .noinstr.text notrace=true fentry=false
blocked .noinstr.text "noinstr code runs where instrumentation and text patching are forbidden (RCU not watching, entry state not established)"

step "entry code (.entry.text): exit 2"
pair .entry.text fentry=false
blocked .entry.text "entry code runs on entry stacks and, with page-table isolation, only the entry section is mapped while it runs"

step "cpuidle code (.cpuidle.text) and early boot code (.head.text): exit 2"
pair .cpuidle.text
blocked .cpuidle.text "cpuidle code runs with RCU not watching, under noinstr rules"
pair .head.text
blocked .head.text "early boot code has run once and is never called again"

step "a section the engine does not know is refused: exit 2"
pair .altinstr_replacement
blocked .altinstr_replacement "the section is not one the apply engine knows how to redirect"

step "a function moved out of .noinstr.text is still blocked"
{ begin_sidecar; fn f 1111 section=.noinstr.text; begin_data; end_sidecar; } >pre.json
{ begin_sidecar; fn f 2222 section=.text; begin_data; end_sidecar; } >post.json
blocked .noinstr.text "noinstr code runs where instrumentation and text patching are forbidden (RCU not watching, entry state not established)"

step "ordinary text sections, and notrace functions, can be redirected: exit 0"
for sec in .text .text.unlikely .text.hot .text.f .ref.text .sched.text .spinlock.text .kprobes.text .irqentry.text .softirqentry.text; do
	pair $sec
	diffmeta_run 0 pre.json post.json
done
pair .text notrace=true fentry=false
diffmeta_run 0 pre.json post.json
test_done
