#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# Each tests/plugin/cases/changes-*/ pair changes what some functions
# compile to (an instruction, a referenced symbol, a string, inline asm, an
# inlined callee, a struct layout); expect lists the verdict for every
# function, so functions that must not change are checked too.
. "$(dirname "$0")/../lib/test-lib.sh"
. "$TOP/tests/plugin/lib.sh"
test_title "hashes change exactly for the functions whose code changes"
run_cases hash "$TOP"/tests/plugin/cases/changes-*/
test_done
