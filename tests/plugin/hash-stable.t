#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# Each tests/plugin/cases/stable-*/ pair differs only in ways that must not
# change any function's hash (line shifts, __LINE__ values, comments,
# renumbered suffixes, .LC numbering, definition order); expect lists the
# verdict for every function.
. "$(dirname "$0")/../lib/test-lib.sh"
. "$TOP/tests/plugin/lib.sh"
test_title "hashes ignore line shifts, comments, renumbering and order"
run_cases hash "$TOP"/tests/plugin/cases/stable-*/
test_done
