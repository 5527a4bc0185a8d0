#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
. "$(dirname "$0")/../lib/test-lib.sh"
. "$TOP/tests/linker/lib.sh"
test_title "ksplice-link: a __jump_table key that is not exported becomes a livepatch relocation (--klp, --klp-finish)"

step "a function with a static branch on an unexported key, before and after"
cat >"$TEST_TMP/k.h" <<'EOT'
extern int printk(const char *fmt, ...);
extern struct { int enabled; } tp_key;
/* A jump label: a nop at 1:, the branch target 2:, and the key, as the
 * kernel's arch_static_branch() writes its __jump_table entry. */
#define STATIC_BRANCH(key) ({ int __r = 1; asm goto("1: .byte 0x0f,0x1f,0x44,0x00,0x00\n" \
	".pushsection __jump_table, \"aw\"\n .balign 8\n" \
	" .long 1b - ., %l[l_yes] - .\n .quad %c0 - .\n .popsection" \
	: : "i"(&(key)) : : l_yes); __r = 0; l_yes: __r; })
EOT
cat >"$TEST_TMP/pre.c" <<'EOT'
#include "k.h"
int traced(int x) { if (STATIC_BRANCH(tp_key)) printk("x %d\n", x); return x; }
EOT
sed 's/return x;/return x + 1;/' "$TEST_TMP/pre.c" >"$TEST_TMP/post.c"
user_cc "$TEST_TMP/pre.c" "$TEST_TMP/pre.o"
user_cc "$TEST_TMP/post.c" "$TEST_TMP/post.o"
printf '0x0\t%s\tvmlinux\tEXPORT_SYMBOL\t\n' __fentry__ printk >"$TEST_TMP/Module.symvers"
printf 'ffffffff81000000 T traced\nffffffff82000000 D tp_key\n' >"$TEST_TMP/System.map"

link() {
	"$LINK" -o "$TEST_TMP/out.o" --id klp --target vmlinux --kernel-release 6.1 \
		--symvers "$TEST_TMP/Module.symvers" "$@" --object kernel/t.o \
		--pre "$TEST_TMP/pre.o" --post "$TEST_TMP/post.o" --changed traced
}

step "without --klp the key is refused, naming the table and the symbol"
expect_exit 1 link 2>"$TEST_TMP/err"
grep -q "^ksplice-link: error: kernel/t.o: .*: __jump_table refers to 'tp_key', which is not exported; the module loader must resolve it there (a kernel with CONFIG_LIVEPATCH could" \
	"$TEST_TMP/err" || die "unexpected: $(cat "$TEST_TMP/err")"

step "a key that names several vmlinux symbols is refused"
printf 'ffffffff82000100 d tp_key\n' >>"$TEST_TMP/System.map"
expect_exit 1 link --klp "$TEST_TMP/System.map" 2>"$TEST_TMP/err"
grep -q "__jump_table refers to 'tp_key', which is not exported and names several symbols of vmlinux" \
	"$TEST_TMP/err" || die "unexpected: $(cat "$TEST_TMP/err")"
sed -i '$d' "$TEST_TMP/System.map"

step "with --klp: a relocation against .klp.sym.vmlinux.tp_key,0"
link --klp "$TEST_TMP/System.map" || die "ksplice-link failed"
readelf -rW "$TEST_TMP/out.o" | sed -n "/'.rela__jump_table'/,/^\$/p" | awk '$3 ~ /^R_/ { print $3, $5 }' \
	>"$TEST_TMP/actual"
printf '%s\n' "R_X86_64_PC32 traced" "R_X86_64_PC32 traced" "R_X86_64_PC64 .klp.sym.vmlinux.tp_key,0" \
	>"$TEST_TMP/expect"
test_cmp "$TEST_TMP/expect" "$TEST_TMP/actual"

step "--klp-finish on the linked module: the livepatch section, symbol and modinfo"
printf 'const char info[] __attribute__((section(".modinfo"))) = "license=GPL";\n' >"$TEST_TMP/mi.c"
gcc -c "$TEST_TMP/mi.c" -o "$TEST_TMP/mi.o" || die "cannot compile"
ld -r -o "$TEST_TMP/m.ko" "$TEST_TMP/out.o" "$TEST_TMP/mi.o" || die "cannot link"
"$LINK" --klp-finish "$TEST_TMP/m.ko" || die "--klp-finish failed"
readelf -SW "$TEST_TMP/m.ko" | grep '\.klp\.rela\.vmlinux\.__jump_table  *RELA .* AIo ' >/dev/null ||
	die "no .klp.rela.vmlinux.__jump_table with flags AIo: $(readelf -SW "$TEST_TMP/m.ko")"
readelf -sW "$TEST_TMP/m.ko" | grep ' OS \[0xff20\] \.klp\.sym\.vmlinux\.tp_key,0$' >/dev/null ||
	die "the symbol is not SHN_LIVEPATCH"
readelf -rW "$TEST_TMP/m.ko" | sed -n "/'.klp.rela.vmlinux.__jump_table'/,/^\$/p" |
	awk '$3 ~ /^R_/ { print $3, $5 }' >"$TEST_TMP/actual"
echo "R_X86_64_PC64 .klp.sym.vmlinux.tp_key,0" >"$TEST_TMP/expect"
test_cmp "$TEST_TMP/expect" "$TEST_TMP/actual"
readelf -rW "$TEST_TMP/m.ko" | sed -n "/'.rela__jump_table'/,/^\$/p" | grep klp >/dev/null &&
	die "the relocation is still in .rela__jump_table"
readelf -p .modinfo "$TEST_TMP/m.ko" | grep 'livepatch=Y' >/dev/null || die "no livepatch=Y in .modinfo"

step "a module without livepatch symbols is left as it is"
ld -r -o "$TEST_TMP/plain.ko" "$TEST_TMP/mi.o" && cp "$TEST_TMP/plain.ko" "$TEST_TMP/plain.orig"
"$LINK" --klp-finish "$TEST_TMP/plain.ko" || die "--klp-finish failed"
cmp "$TEST_TMP/plain.ko" "$TEST_TMP/plain.orig" || die "the module changed"

test_done
