#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# tests/run.sh [TEST...]: run tests (default: all of tests/*/*.t, the
# kernel family last), one line each, then "N passed, N failed, N skipped".
# Logs go to tests/out/<family>/<name>.log. Exits 1 if any test failed.
set -uo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
out=$top/tests/out
pass=0 fail=0 skip=0

if [ $# = 0 ]; then
	set -- $(ls "$top"/tests/*/*.t 2>/dev/null | grep -v '/tests/kernel/') \
		$(ls "$top"/tests/kernel/*.t 2>/dev/null)
fi

# All kernel tests of one run use the same test kernel: resolve it once, so
# that a plugin rebuilt halfway through cannot switch trees under the run.
case " $* " in
*/tests/kernel/*|*" tests/kernel/"*)
	if [ -z "${KERNEL_TREE:-}" ]; then
		echo "test kernel: $("$top/tests/kernel/build-kernel.sh" --print-key) (building it if not cached)"
		if KERNEL_TREE=$("$top/tests/kernel/build-kernel.sh"); then
			export KERNEL_TREE
		else
			export KSPLICE_KERNEL_BROKEN="the test kernel failed to build (see above)"
		fi
	fi
	;;
esac

for t; do
	name=$(basename "$(dirname "$t")")/$(basename "$t" .t)
	log=$out/$name.log
	mkdir -p "$(dirname "$log")"
	start=$(date +%s.%N)
	bash "$t" >"$log" 2>&1 </dev/null
	rc=$?
	secs=$(printf '%.1f' "$(echo "$(date +%s.%N) - $start" | bc)")
	case $rc in
	0)	pass=$((pass + 1)); printf 'ok    %-40s %6ss\n' "$name" "$secs" ;;
	77)	skip=$((skip + 1))
		printf 'skip  %-40s %s\n' "$name" "$(grep -m1 '^SKIP: ' "$log" | cut -c7-)" ;;
	*)	fail=$((fail + 1)); printf 'FAIL  %-40s %6ss (log: %s)\n' "$name" "$secs" "${log#$top/}"
		tail -n 15 "$log" | sed 's/^/      | /' ;;
	esac
done

summary="$pass passed, $fail failed"
[ "$skip" = 0 ] || summary="$summary, $skip skipped"
echo "$summary"
[ "$fail" = 0 ]
