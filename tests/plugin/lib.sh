# SPDX-License-Identifier: GPL-2.0-only
#
# tests/plugin/lib.sh: helpers for the plugin tests; source after
# tests/lib/test-lib.sh.
#
#   plugin_cc SRC OBJ [GCC OPTIONS...]  compile with the plugin (-c)
#   sidecar_get JSON FUNC KEY           one key of one function
#   verdicts KEY PRE.json POST.json     "name: equal|changed|only-pre|only-post"
#                                       for every function, by normalised name
#   run_cases KEY GLOB                  build each tests/plugin/cases/GLOB pair
#                                       and test_cmp its verdicts with expect
#   validate JSON...                    check sidecars against the schema

PLUGIN_CFLAGS=${PLUGIN_CFLAGS:--O2 -fno-pie -pg -mfentry}
PLUGIN_TOOLS=$TOP/tests/plugin
# Python in the tests reads sidecars with ks_sidecar.load() (every field
# spelled out, as in docs/sidecar-format.md), not json.load().
export PYTHONPATH=$PLUGIN_TOOLS${PYTHONPATH:+:$PYTHONPATH}

[ -f "$PLUGIN" ] || die "plugin '$PLUGIN' not built; run 'make'"

plugin_cc() {
	local src=$1 obj=$2
	shift 2
	# shellcheck disable=SC2086
	gcc $PLUGIN_CFLAGS -fplugin="$PLUGIN" "$@" -c "$src" -o "$obj" ||
		die "compiling '$src' with the plugin failed"
}

sidecar_get() {
	python3 - "$@" <<'EOT'
import json, sys, ks_sidecar
doc = ks_sidecar.load(sys.argv[1])
for f in doc["functions"]:
    if f["name"] == sys.argv[2]:
        print(json.dumps(f[sys.argv[3]]) if not isinstance(f[sys.argv[3]], str) else f[sys.argv[3]])
        sys.exit(0)
sys.exit("no function '%s' in '%s'" % (sys.argv[2], sys.argv[1]))
EOT
}

verdicts() {
	python3 "$PLUGIN_TOOLS/verdicts.py" "$@"
}

validate() {
	python3 "$PLUGIN_TOOLS/validate.py" "$@"
}

# build_pair DIR OUT [GCC OPTIONS...]: compile DIR/pre.c and DIR/post.c,
# each copied to OUT/src.c so that __FILE__ is the same, into OUT/pre.o and
# OUT/post.o (with sidecars).
build_pair() {
	local dir=$1 out=$2 v
	shift 2
	mkdir -p "$out"
	for v in pre post; do
		cp "$dir/$v.c" "$out/src.c"
		(cd "$out" && plugin_cc src.c "$v.o" -I"$TOP/tests/plugin/cases" "$@")
		mv "$out/src.c" "$out/$v.c"
	done
}

# run_cases KEY DIR...: each DIR holds pre.c, post.c, expect (verdicts of
# KEY, normally hash), optionally expect-body (verdicts of body_hash) and
# cflags (extra GCC options for both builds).
run_cases() {
	local key=$1 dir name flags
	shift
	for dir; do
		name=$(basename "$dir")
		step "$name: $(head -n1 "$dir/expect" | sed 's/^# //')"
		flags=
		[ -f "$dir/cflags" ] && flags=$(cat "$dir/cflags")
		# shellcheck disable=SC2086
		build_pair "$dir" "$TEST_TMP/$name" $flags
		if [ -f "$dir/expect-body" ]; then
			grep -v '^#' "$dir/expect-body" >"$TEST_TMP/$name/expect-body"
			verdicts body_hash "$TEST_TMP/$name/pre.o.ksplice.json" \
				"$TEST_TMP/$name/post.o.ksplice.json" >"$TEST_TMP/$name/actual-body"
			test_cmp "$TEST_TMP/$name/expect-body" "$TEST_TMP/$name/actual-body"
		fi
		validate "$TEST_TMP/$name/pre.o.ksplice.json" \
			"$TEST_TMP/$name/post.o.ksplice.json" || die "invalid sidecar"
		verdicts "$key" "$TEST_TMP/$name/pre.o.ksplice.json" \
			"$TEST_TMP/$name/post.o.ksplice.json" >"$TEST_TMP/$name/actual"
		grep -v '^#' "$dir/expect" >"$TEST_TMP/$name/expect"
		cat "$TEST_TMP/$name/actual"
		test_cmp "$TEST_TMP/$name/expect" "$TEST_TMP/$name/actual"
	done
}

# kbuild_compile OBJ SRC OUT [--no-plugin]: compile SRC into OUT with the
# exact command Kbuild used for OBJ in $KERNEL_TREE (from its .cmd file),
# run from the tree root; without Kbuild's dependency file and objtool, and
# with this checkout's plugin (or none). The tree is never written to.
kbuild_compile() {
	local obj=$1 src=$2 out=$3 plugin="-fplugin=$PLUGIN" cmd
	[ "${4:-}" = --no-plugin ] && plugin=
	cmd=$(sed -n '1s/^\(saved\)\{0,1\}cmd_[^ ]* := //p' \
		"$KERNEL_TREE/$(dirname "$obj")/.$(basename "$obj").cmd")
	[ -n "$cmd" ] || die "no Kbuild command for '$obj'"
	cmd=${cmd%%;*}
	cmd=$(printf '%s\n' "$cmd" | sed -e 's/ -fplugin=[^ ]*//g' \
		-e 's/ -Wp,-MMD,[^ ]*//' -e "s| -c -o $obj [^ ]*| -c -o $out $src|")
	cmd=${cmd/#gcc /gcc $plugin -I$(dirname "$obj") }
	(cd "$KERNEL_TREE" && eval "$cmd") || die "compiling '$src' as '$obj' failed"
}
