#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
. "$(dirname "$0")/../lib/test-lib.sh"
. "$TOP/tests/diffmeta/lib.sh"
test_title "command line: generated usage, unknown options, exclusive options"
cd "$TEST_TMP"

step "--help prints the usage generated from the option table, exit 0"
cat >expect <<'EOT'
usage: ksplice-diffmeta [<options>] PRE POST

Compare two sidecars, or two build trees of sidecars, and say what
changed at the function level and whether it can be applied live.
Exit status: 0 patchable, 1 error, 2 cannot be applied live,
3 no functional change.

    -j, --json               print one JSON document (docs/diffmeta.md)
    -q, --quiet              print nothing; report through the exit status
    -h, --help               show this help
EOT
diffmeta_run 0 --help
test_cmp expect actual

step "an unknown option is an error naming it, with the usage on stderr"
diffmeta_run 1 --frobnicate a b
[ ! -s actual ] || die "stdout not empty"
head -n1 stderr >first
echo "error: unknown option '--frobnicate'" >expect
test_cmp expect first
grep -q '^usage: ksplice-diffmeta' stderr || die "no usage on stderr"

step "too few arguments"
diffmeta_run 1 only-one
head -n1 stderr >first
echo "error: too few arguments" >expect
test_cmp expect first

step "--json and --quiet together are refused after parsing"
{ begin_sidecar; fn foo 1; begin_data; end_sidecar; } >a.json
echo "error: options '--json' and '--quiet' cannot be used together" >expect
diffmeta_fails --json -q a.json a.json

step "--quiet prints nothing and reports through the exit status"
{ begin_sidecar; fn foo 2; begin_data; end_sidecar; } >b.json
diffmeta_run 0 --quiet a.json b.json
[ ! -s actual ] || die "--quiet printed something"
diffmeta_run 3 -q a.json a.json

step "arguments after -- are not options"
diffmeta_run 3 -- a.json a.json
test_done
