#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
. "$(dirname "$0")/../lib/test-lib.sh"
. "$TOP/tests/linker/lib.sh"
test_title "ksplice-link converts references: copies, NEW and PRE ksplice relocations, loader relocations"

step "compile and link the sample"
write_sample "$TEST_TMP"
link_sample "$TEST_TMP" --changed changed --new added || die "ksplice-link failed"
dump_no_offsets "$TEST_TMP/out.o" >"$TEST_TMP/dump"

step "running-kernel symbols: static locals and statics with their object, globals without"
sed -n '/^symbols:/,/^relocs:/p' "$TEST_TMP/dump" >"$TEST_TMP/actual"
cat >"$TEST_TMP/expect" <<'EOT'
symbols:
  0 exported_counter data
  1 seen.0 data local object=lib/sample.o
  2 calls data local object=lib/sample.o
  3 printk func
  4 helper func local object=lib/sample.o
  5 other func object=lib/sample.o
  6 changed func object=lib/sample.o
  7 __fentry__ func
  8 .rodata.changed.str1.1+0x0 data local object=lib/sample.o
relocs:
EOT
test_cmp "$TEST_TMP/expect" "$TEST_TMP/actual"

step "new code: NEW relocations to the running kernel (the static local 'seen' included), none to __fentry__"
grep '^  NEW ' "$TEST_TMP/dump" >"$TEST_TMP/actual"
cat >"$TEST_TMP/expect" <<'EOT'
  NEW added+N PC32 exported_counter-4
  NEW changed+N PC32 seen.0-5
  NEW changed+N PC32 calls-5
  NEW changed+N PC32 printk-4
  NEW changed+N PC32 helper-4
  NEW changed+N PC32 other-4
  NEW changed+N PC32 seen.0-4
EOT
test_cmp "$TEST_TMP/expect" "$TEST_TMP/actual"

step "old code: every field is a PRE relocation; string pieces get their own symbol"
grep '^  PRE ' "$TEST_TMP/dump" >"$TEST_TMP/actual"
cat >"$TEST_TMP/expect" <<'EOT'
  PRE pre:changed+N PC32 __fentry__-4
  PRE pre:changed+N ABS32S .rodata.changed.str1.1+0x0+0
  PRE pre:changed+N PC32 seen.0-5
  PRE pre:changed+N PC32 calls-5
  PRE pre:changed+N PC32 printk-4
  PRE pre:changed+N PC32 helper-4
  PRE pre:changed+N PC32 other-4
  PRE pre:changed+N PC32 seen.0-4
EOT
test_cmp "$TEST_TMP/expect" "$TEST_TMP/actual"

step "the fentry call sites (__mcount_loc) stay with the module loader"
sed -n '/^loader relocs:/,$p' "$TEST_TMP/dump" >"$TEST_TMP/actual"
cat >"$TEST_TMP/expect" <<'EOT'
loader relocs:
  changed+N __fentry__-4
  added+N __fentry__-4
EOT
test_cmp "$TEST_TMP/expect" "$TEST_TMP/actual"

step "internal references: the call to added() and the string are ELF relocations to the copies"
readelf -rW "$TEST_TMP/out.o" | sed -n '/.rela.text.changed/,/^$/p' |
	awk 'NR > 2 && NF { print $3, $5 }' | sort -u >"$TEST_TMP/actual"
cat >"$TEST_TMP/expect" <<'EOT'
R_X86_64_32S .rodata.changed.str1.1
R_X86_64_PC32 added
R_X86_64_PLT32 __fentry__
EOT
test_cmp "$TEST_TMP/expect" "$TEST_TMP/actual"

step "running-kernel references leave no ELF relocation behind in changed()"
readelf -rW "$TEST_TMP/out.o" | sed -n '/.rela.text.changed/,/^$/p' |
	awk 'NR > 2 && NF' | wc -l >"$TEST_TMP/actual"
echo 3 >"$TEST_TMP/expect"	# __fentry__, the string, added()
test_cmp "$TEST_TMP/expect" "$TEST_TMP/actual"

step "a loader site (return thunk) that jumps to an unexported function is refused"
cat >"$TEST_TMP/site.c" <<'EOT'
static int __attribute__((noinline, used)) hidden(int x) { return x - 1; }
int printk(const char *fmt, ...);
void caller(void)
{
	asm volatile("1: jmp hidden\n"
		     ".pushsection .return_sites,\"a\"\n .long 1b - .\n .popsection");
}
void exported_caller(void)
{
	asm volatile("1: jmp printk\n"
		     ".pushsection .return_sites,\"a\"\n .long 1b - .\n .popsection");
}
EOT
user_cc "$TEST_TMP/site.c" "$TEST_TMP/site.o"
site_link() {
	"$LINK" -o "$TEST_TMP/site-out.o" --id s --target vmlinux --kernel-release 6.1 \
		--symvers "$TEST_TMP/Module.symvers" --object lib/site.o \
		--pre "$TEST_TMP/site.o" --post "$TEST_TMP/site.o" "$@"
}
expect_exit 1 site_link --changed caller 2>"$TEST_TMP/actual"
sed -i -E 's/\+0x[0-9a-f]+:/+N:/' "$TEST_TMP/actual"
cat >"$TEST_TMP/expect" <<'EOT'
ksplice-link: error: lib/site.o: caller+N: .return_sites refers to 'hidden', which is not exported; the module loader must resolve it there (a kernel with CONFIG_LIVEPATCH could, through a livepatch relocation)
EOT
test_cmp "$TEST_TMP/expect" "$TEST_TMP/actual"

step "an exported one stays a loader relocation, and the site entry is kept"
site_link --changed exported_caller || die "ksplice-link failed"
dump_no_offsets "$TEST_TMP/site-out.o" | sed -n '/^sections:/,$p' >"$TEST_TMP/actual"
cat >"$TEST_TMP/expect" <<'EOT'
sections:
  .text.exported_caller
  __mcount_loc: 1 entries
  .return_sites: 1 entries
loader relocs:
  exported_caller+N __fentry__-4
  exported_caller+N printk-4
EOT
test_cmp "$TEST_TMP/expect" "$TEST_TMP/actual"

step "static call sites: an unexported key goes by its exported trampoline; without one, the site is left out"
cat >"$TEST_TMP/sc.c" <<'EOT'
#define SC_CALL(name) asm volatile("1: call __SCT__" name "\n" \
	".pushsection .static_call_sites,\"a\"\n .long 1b - ., __SCK__" name " - .\n .popsection")
void exported_tramp(void) { SC_CALL("foo"); }
void hidden_tramp(void) { SC_CALL("bar"); }
EOT
user_cc "$TEST_TMP/sc.c" "$TEST_TMP/sc.o"
printf '0x0\t%s\tvmlinux\tEXPORT_SYMBOL\t\n' __fentry__ __SCT__foo >"$TEST_TMP/sc.symvers"
"$LINK" -o "$TEST_TMP/sc-out.o" --id s --target vmlinux --kernel-release 6.1 \
	--symvers "$TEST_TMP/sc.symvers" --object lib/sc.o --pre "$TEST_TMP/sc.o" \
	--post "$TEST_TMP/sc.o" --changed exported_tramp,hidden_tramp || die "ksplice-link failed"
dump_no_offsets "$TEST_TMP/sc-out.o" | grep -E '^  NEW|static_call|^  [^ ]+\+N __SCT__' >"$TEST_TMP/actual"
cat >"$TEST_TMP/expect" <<'EOT'
  NEW hidden_tramp+N PC32 __SCT__bar-4
  .static_call_sites: 1 entries
  exported_tramp+N __SCT__foo-4
  .static_call_sites+N __SCT__foo+0
EOT
test_cmp "$TEST_TMP/expect" "$TEST_TMP/actual"

test_done
