# SPDX-License-Identifier: GPL-2.0-only
#
# tests/linker/lib.sh: helpers for the linker tests, sourced after
# tests/lib/test-lib.sh.

LINK=$TOP/linker/ksplice-link
[ -x "$LINK" ] || die "'$LINK' not built; run 'make'"

# Kernel-like flags for objects compiled outside a kernel tree: what the
# update build adds (function and data sections), what the kernel uses
# (no unwind tables, kernel code model, fentry with recorded sites).
USER_CFLAGS="-O2 -ffunction-sections -fdata-sections -fno-asynchronous-unwind-tables
	-mcmodel=kernel -fno-PIE -mno-red-zone -pg -mfentry -mrecord-mcount
	-fno-inline-small-functions -fno-ipa-icf"

# user_cc SRC OUT: compile a test source with USER_CFLAGS.
user_cc() {
	gcc $USER_CFLAGS -c "$1" -o "$2" || die "cannot compile '$1'"
}

# kernel_cc OBJ SRC OUT: compile SRC as the test kernel compiles OBJ
# (fs/proc/meminfo.o), with function and data sections, then run objtool
# as Kbuild does. The tree is only read.
kernel_cc() {
	local obj=$1 src=$2 out=$3 cmdfile cmd cc tool
	cmdfile=$KERNEL_TREE/$(dirname "$obj")/.$(basename "$obj").cmd
	cmd=$(sed -n "s|^\(saved\)\?cmd_$obj := ||p" "$cmdfile")
	[ -n "$cmd" ] || die "no command line for '$obj' in '$cmdfile'"
	cc=${cmd%%;*}
	cc=$(echo "$cc" | sed -e 's/-Wp,-MMD,[^ ]*//' -e "s| -c -o $obj [^ ]* *\$||")
	tool=
	case "$cmd" in *';'*objtool*) tool=${cmd#*;}; tool=${tool% $obj} ;; esac
	(cd "$KERNEL_TREE" &&
		$cc -I"./$(dirname "$obj")" -ffunction-sections -fdata-sections \
			-c -o "$out" "$src" &&
		{ [ -z "$tool" ] || $tool "$out"; }) ||
		die "cannot compile '$src' like '$obj'"
}
