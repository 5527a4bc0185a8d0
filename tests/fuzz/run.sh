#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# tests/fuzz/run.sh [SECONDS]: build and run every fuzz target
# (tests/fuzz/*.fuzz, each a bash script taking the time budget in seconds)
# for SECONDS each (default 180). Fails if any target finds a crash.
set -uo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
secs=${1:-${FUZZ_SECONDS:-180}}
rc=0
for f in "$top"/tests/fuzz/*.fuzz; do
	[ -f "$f" ] || continue
	echo "## fuzz: $(basename "$f" .fuzz) for ${secs}s" >&2
	bash "$f" "$secs" || rc=1
done
exit $rc
