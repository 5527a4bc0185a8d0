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
	# The command line is shell text (-DKBUILD_MODNAME='"proc"'): eval it.
	(cd "$KERNEL_TREE" &&
		eval "$cc -I./$(dirname "$obj") -ffunction-sections -fdata-sections \
			-c -o '$out' '$src'" &&
		{ [ -z "$tool" ] || eval "$tool '$out'"; }) ||
		die "cannot compile '$src' like '$obj'"
}

# write_sample DIR: a small "kernel object" before and after a patch, with
# the kernel's special sections imitated by inline asm (k.h), and a
# Module.symvers that exports __fentry__, printk and exported_counter.
#   changed()  changed: calls printk with a new string, gains a WARN_ON,
#              calls the new function added(); uses static locals
#   other()    unchanged, has a WARN_ON
#   reader()   unchanged, has an __ex_table entry
write_sample() {
	local d=$1
	mkdir -p "$d"
	cat >"$d/k.h" <<'EOT'
#define WARN_ON(c) ({ int __c = !!(c); if (__c) asm volatile("1: ud2\n" \
	".pushsection __bug_table,\"aw\"\n .long 1b - .\n .long 0\n .short 0, 0\n" \
	".popsection"); __c; })
#define EX_LOAD(v, p) asm volatile("1: movl (%1), %0\n2:\n" \
	".pushsection __ex_table,\"a\"\n .long 1b - ., 2b - ., 0\n .popsection" \
	: "=r"(v) : "r"(p))
extern int printk(const char *fmt, ...);
extern int exported_counter;
EOT
	cat >"$d/pre.c" <<'EOT'
#include "k.h"
static int calls;
int __attribute__((noinline)) other(int x) { WARN_ON(x > 100); return x + 1; }
static int __attribute__((noinline)) helper(int x) { return x * 3 + calls; }
int changed(int x)
{
	static int seen;
	seen++;
	calls++;
	printk("changed %d\n", x);
	return helper(x) + other(x) + seen;
}
int reader(int *p) { int v; EX_LOAD(v, p); return v; }
EOT
	cat >"$d/post.c" <<'EOT'
#include "k.h"
static int calls;
int __attribute__((noinline)) other(int x) { WARN_ON(x > 100); return x + 1; }
static int __attribute__((noinline)) helper(int x) { return x * 3 + calls; }
static int __attribute__((noinline)) added(int x) { return x ^ exported_counter; }
int changed(int x)
{
	static int seen;
	seen++;
	calls++;
	WARN_ON(x < 0);
	printk("changed now %d\n", x);
	return helper(x) + other(x) + seen + added(x);
}
int reader(int *p) { int v; EX_LOAD(v, p); return v; }
EOT
	printf '0x0\t%s\tvmlinux\tEXPORT_SYMBOL\t\n' __fentry__ printk exported_counter \
		>"$d/Module.symvers"
	user_cc "$d/pre.c" "$d/pre.o"
	user_cc "$d/post.c" "$d/post.o"
}

# link_sample DIR [ARGS...]: ksplice-link the sample into DIR/out.o.
link_sample() {
	local d=$1
	shift
	"$LINK" -o "$d/out.o" --id sample --target vmlinux --kernel-release 6.1-test \
		--symvers "$d/Module.symvers" --object lib/sample.o \
		--pre "$d/pre.o" --post "$d/post.o" "$@"
}

# Dump without code offsets, which depend on the compiler's choices.
dump_no_offsets() {
	"$LINK" --dump "$1" |
		sed -E -e '/^loader relocs:/,$s/\+0x[0-9a-f]+ /+N /' \
			-e '/^  (NEW|PRE) /s/\+0x[0-9a-f]+ /+N /'
}
