#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
. "$(dirname "$0")/../lib/test-lib.sh"
. "$TOP/tests/create/lib.sh"
test_title "the patch corpus (tests/patches): every update is created as expected, and the live ones go live and back in one boot"

# Each case is tests/patches/NAME.patch, whose header says what must happen
# ("# expect: live|no-change|refused|busy", and for a case that cannot pass
# yet "# pending: ..." with the exact way it fails today), and, for live and
# busy cases, NAME.live, a guest script that exits 0 when the fix is live
# and 1 when it is not. tests/patches/README.md describes the format.
require_kernel
require_sidecars
P=$TOP/tests/patches
PAYLOAD=$TEST_TMP/payload

# The corpus, in the order of the transcripts. A case that is added to or
# removed from tests/patches must be added or removed here too.
cases="proc-string new-function new-data static-local header-inline module
bug-table exception-table copy-from-user lock-prefix jump-label tracepoint
alternatives paravirt two-objects lines-only init-function data-initializer busy"

header() { sed -n "s/^# $2: //p" "$P/$1.patch" | head -n 1; }

step "the corpus is exactly the listed cases, each with its expectation"
(cd "$P" && ls *.patch | sed 's/\.patch$//' | LC_ALL=C sort) >"$TEST_TMP/actual"
echo $cases | tr ' ' '\n' | LC_ALL=C sort >"$TEST_TMP/expect"
test_cmp "$TEST_TMP/expect" "$TEST_TMP/actual"
[ "$(echo $cases | wc -w)" -ge 15 ] || die "fewer than 15 cases"
for c in $cases; do
	case "$(header $c expect)" in
	live|busy) [ -f "$P/$c.live" ] || die "'$c' has no liveness script '$c.live'" ;;
	no-change) ;;
	refused) [ -n "$(header $c blocker)" ] || die "'$c.patch' has no '# blocker:' line" ;;
	*) die "'$c.patch' has no valid '# expect:' line" ;;
	esac
done

# What each case must do, from its header: the expected transcripts.
# - create: "NAME: update" (exit 0), "NAME: no-change" (exit 3), "NAME:
#   refused: BLOCKER" (exit 2, BLOCKER the header's "# blocker:" line, the
#   first blocker ksplice-create must report), or, for "# pending: create
#   exit N: LINE", "NAME: exit N: LINE" (LINE written to stderr).
# - guest: for a live case, not live before, applied, live, reversed, not
#   live; for a busy case, or "# pending: apply ABORT_CAUSE", the apply
#   fails with that cause and the case stays not live.
: >"$TEST_TMP/expect.create"
: >"$TEST_TMP/expect.guest"
for c in $cases; do
	expect=$(header $c expect) pending=$(header $c pending)
	[ -z "$pending" ] || echo "# $c is pending: $pending"
	case "$pending" in
	"create exit "*)
		echo "$c: ${pending#create }" >>"$TEST_TMP/expect.create"
		continue ;;
	"apply "*|"") ;;
	*) die "'$c.patch': unknown '# pending: $pending'" ;;
	esac
	case $expect in
	live|busy) echo "$c: update" ;;
	refused) echo "$c: refused: $(header $c blocker)" ;;
	*) echo "$c: $expect" ;;
	esac >>"$TEST_TMP/expect.create"
	case $expect in
	live|busy)
		cause=${pending#apply }
		[ "$expect" = busy ] && cause=code_busy
		echo "$c: before: not live"
		if [ -n "$cause" ]; then
			echo "$c: apply: failed, $cause"
			echo "$c: after: not live"
		else
			echo "$c: apply: ok"
			echo "$c: applied: live"
			echo "$c: reverse: ok"
			echo "$c: reversed: not live"
		fi ;;
	esac >>"$TEST_TMP/expect.guest"
done
echo "all updates unloaded" >>"$TEST_TMP/expect.guest"

step "ksplice-create on every case, and the tree stays as it was"
tree_state >"$TEST_TMP/tree.before"
mkdir -p "$PAYLOAD/upd" "$PAYLOAD/live" "$PAYLOAD/modules"
: >"$TEST_TMP/actual"
: >"$PAYLOAD/cases"
for c in $cases; do
	id=${c//-/_}
	start=$(date +%s)
	create "$P/$c.patch" --id "$id" --description "corpus: $c" >/dev/null
	echo "# $c: ksplice-create exit $rc in $(($(date +%s) - start))s" >&2
	pending=$(header $c pending)
	case "$rc:$pending" in
	0:*)	echo "$c: update" ;;
	3:)	echo "$c: no-change" ;;
	2:)	echo "$c: refused: $(sed -n 's/^ *blocker: //p' "$TEST_TMP/out" "$TEST_TMP/err" | head -n 1)" ;;
	*:"create exit $rc: "*)
		line=${pending#create exit $rc: }
		if grep -qFx -- "$line" "$TEST_TMP/err"; then
			echo "$c: exit $rc: $line"
		else
			echo "$c: exit $rc, but not with the pending error line"
			sed 's/^/    /' "$TEST_TMP/err"
		fi ;;
	*)	echo "$c: exit $rc"
		sed 's/^/    /' "$TEST_TMP/err" ;;
	esac >>"$TEST_TMP/actual"
	[ "$rc" = 0 ] || continue
	tar -xzf "$TEST_TMP/ksplice-$id.tar.gz" -C "$TEST_TMP" || die "cannot unpack '$c'"
	mkdir -p "$PAYLOAD/upd/$id"
	cp "$TEST_TMP/ksplice-$id/modules/ksplice.ko" "$PAYLOAD/"
	while read -r key target file; do
		[ "$key" = module ] || continue
		cp "$TEST_TMP/ksplice-$id/$file" "$PAYLOAD/upd/$id/"
		# A module target is loaded by the liveness script from modules/.
		[ "$target" = vmlinux ] || [ -f "$PAYLOAD/modules/$target.ko" ] ||
			cp "$(find "$KERNEL_TREE" -name "$target.ko" | head -n 1)" "$PAYLOAD/modules/" ||
			die "no '$target.ko' in the tree"
	done <"$TEST_TMP/ksplice-$id/contents"
	cp "$P/$c.live" "$PAYLOAD/live/"
	echo "$c $id" >>"$PAYLOAD/cases"
done
test_cmp "$TEST_TMP/expect.create" "$TEST_TMP/actual"
tree_state >"$TEST_TMP/tree.after"
cmp -s "$TEST_TMP/tree.before" "$TEST_TMP/tree.after" ||
	die "the tree changed: $(diff "$TEST_TMP/tree.before" "$TEST_TMP/tree.after" | head)"

step "one boot: per update, not live, apply, live, reverse, not live"
cat >"$PAYLOAD/guest.sh" <<'EOT'
live() {
	sh "live/$1.live" >/dev/null 2>&1
	case $? in
	0) echo "live" ;;
	1) echo "not live" ;;
	*) echo "liveness script error $?" ;;
	esac
}
stage() {
	if echo "$2" >"/sys/kernel/ksplice/$1/stage" 2>/dev/null; then
		echo ok
	else
		echo "failed, $(cat "/sys/kernel/ksplice/$1/abort_cause")"
	fi
}
insmod ksplice.ko || exit 1
while read -r c id; do
	echo "$c: before: $(live "$c")"
	for m in upd/"$id"/*.ko; do
		insmod "$m" || { echo "$c: cannot load '$m'"; continue 2; }
	done
	r=$(stage "$id" apply)
	echo "$c: apply: $r"
	if [ "$r" = ok ]; then
		echo "$c: applied: $(live "$c")"
		echo "$c: reverse: $(stage "$id" reverse)"
		echo "$c: reversed: $(live "$c")"
	else
		echo "$c: after: $(live "$c")"
	fi
	for m in upd/"$id"/*.ko; do
		m=${m##*/}
		rmmod "${m%.ko}" || echo "$c: cannot unload '$m'"
	done
done <cases
rmmod ksplice && [ -z "$(ls /sys/kernel/ksplice 2>/dev/null)" ] && echo "all updates unloaded"
EOT
run_guest "$PAYLOAD" 900 >"$TEST_TMP/actual"
test_cmp "$TEST_TMP/expect.guest" "$TEST_TMP/actual"

test_done
