# SPDX-License-Identifier: GPL-2.0-only
#
# tests/diffmeta/lib.sh: sourced by the diffmeta tests after test-lib.sh.
# Writes schema-1 sidecars from short descriptions, with every key present
# (the reader takes versions 1 and 2 alike; schema-v2.t checks that the
# plugin's version-2 sidecars give the same results as their version-1 form):
#
#	{
#		begin_sidecar object=x.o
#		fn foo 1111 refs='["bar"]'
#		fn bar 2222 section=.init.text init=true
#		begin_data
#		data counter.1 owner=foo
#		end_sidecar
#	} >pre.json
#
# fn NAME HASH [KEY=VALUE...] and data NAME [KEY=VALUE...] start from
# defaults (below) and override keys. A VALUE that is JSON (true, false,
# null, a number, [..], {..}, "..") is used as is, anything else is quoted.
# A function's body_hash defaults to its hash.
DIFFMETA=$TOP/driver/build/ksplice-diffmeta
[ -x "$DIFFMETA" ] || die "'$DIFFMETA' not built; run 'make'"

_json_value() {
	case "$1" in
	true|false|null|\[*|\{*|\"*|-[0-9]*|[0-9]*) printf '%s' "$1" ;;
	*) printf '"%s"' "$1" ;;
	esac
}

# _object KEY=VALUE...: a JSON object; later keys replace earlier ones.
_object() {
	local -A val=()
	local -a order=()
	local kv k sep=
	for kv; do
		k=${kv%%=*}
		[ -n "${val[$k]+set}" ] || order+=("$k")
		val[$k]=${kv#*=}
	done
	printf '{'
	for k in "${order[@]}"; do
		printf '%s"%s": %s' "$sep" "$k" "$(_json_value "${val[$k]}")"
		sep=', '
	done
	printf '}'
}

_sep() {
	if [ "$_first" = 1 ]; then printf '\n  '; else printf ',\n  '; fi
	_first=0
}

begin_sidecar() {
	local -A h=([compiler]=12.2.0 [object]=x.o [source]=x.c
		    [flags_hash]=0123456789abcdef)
	local kv
	for kv; do h[${kv%%=*}]=${kv#*=}; done
	printf '{"schema": "ksplice-sidecar", "version": 1, "compiler": "%s", "source": "%s", "object": "%s", "flags_hash": "%s",\n"functions": [' \
		"${h[compiler]}" "${h[source]}" "${h[object]}" "${h[flags_hash]}"
	_first=1
}

fn() {
	local name=$1 hash=$2
	shift 2
	_sep
	_object name="\"$name\"" linkage=local visibility=default section=.text \
		file=x.c line=1 hash="\"$hash\"" body_hash="\"$hash\"" clone_of=null \
		clone_kind=null refs='[]' inlined='[]' static_locals='[]' \
		fentry=true init=false exit=false notrace=false "$@"
}

begin_data() {
	printf '\n],\n"data": ['
	_first=1
}

data() {
	local name=$1
	shift
	_sep
	_object name="\"$name\"" linkage=local section=.data size=4 readonly=false \
		owner=null init_hash=\"i0\" "$@"
}

end_sidecar() {
	printf '\n]}\n'
}

# diffmeta_ok EXIT ARGS...: run ksplice-diffmeta, keep stdout in 'actual'
# and stderr in 'stderr', and fail unless it exits with EXIT and, when it
# succeeds, prints nothing on stderr.
diffmeta_run() {
	local want=$1 rc=0
	shift
	"$DIFFMETA" "$@" >actual 2>stderr || rc=$?
	cat stderr >&2
	[ "$rc" = "$want" ] || die "'ksplice-diffmeta $*' exited $rc, expected $want"
	[ "$rc" = 1 ] || [ ! -s stderr ] || die "unexpected messages on stderr"
}

# diffmeta_fails ARGS...: expect exit 1, nothing on stdout, and the error
# message in 'expect' on stderr.
diffmeta_fails() {
	diffmeta_run 1 "$@"
	[ ! -s actual ] || die "error run printed on stdout: $(cat actual)"
	test_cmp expect stderr
}
