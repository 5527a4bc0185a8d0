#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# tests/bench/run.sh [BENCH...]: run the benchmarks (default: every
# tests/bench/*.bench). Each benchmark is a bash script that measures its
# cases side by side in one run and prints a Markdown section with medians
# and ratios, ready to paste into docs/benchmarks.md. Output is also saved
# to tests/out/bench/<name>.md.
set -uo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
mkdir -p "$top/tests/out/bench"
[ $# -gt 0 ] || set -- "$top"/tests/bench/*.bench
rc=0
for b; do
	[ -f "$b" ] || continue
	name=$(basename "$b" .bench)
	echo "## bench: $name" >&2
	bash "$b" | tee "$top/tests/out/bench/$name.md" || rc=1
done
exit $rc
