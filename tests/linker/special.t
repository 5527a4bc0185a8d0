#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
. "$(dirname "$0")/../lib/test-lib.sh"
. "$TOP/tests/linker/lib.sh"
test_title "ksplice-link keeps the special-section entries of extracted code and drops the others"

# The targets of a section's entries, as "section+offset" per entry.
entry_targets() {
	readelf -rW "$1" | sed -n "/'.rela$2'/,/^\$/p" | awk 'NR > 2 && NF { print $5 }' |
		sed 's/^\.text\.//'
}

step "compile the sample"
write_sample "$TEST_TMP"

step "changed() has a WARN_ON, other() has one too: only changed()'s __bug_table entry is kept"
link_sample "$TEST_TMP" --changed changed || die "ksplice-link failed"
entry_targets "$TEST_TMP/out.o" __bug_table >"$TEST_TMP/actual"
echo changed >"$TEST_TMP/expect"
test_cmp "$TEST_TMP/expect" "$TEST_TMP/actual"
entry_targets "$TEST_TMP/post.o" __bug_table | sort >"$TEST_TMP/actual"
printf '%s\n' changed other >"$TEST_TMP/expect"
test_cmp "$TEST_TMP/expect" "$TEST_TMP/actual"

step "reader() is not extracted: its __ex_table entry is dropped"
readelf -SW "$TEST_TMP/out.o" | grep -c __ex_table >"$TEST_TMP/actual"
echo 0 >"$TEST_TMP/expect"
test_cmp "$TEST_TMP/expect" "$TEST_TMP/actual"

step "extract reader() and other(): their entries come along, both fields pointing at the copy"
link_sample "$TEST_TMP" --changed changed,reader,other || die "ksplice-link failed"
entry_targets "$TEST_TMP/out.o" __ex_table >"$TEST_TMP/actual"
printf '%s\n' reader reader >"$TEST_TMP/expect"
test_cmp "$TEST_TMP/expect" "$TEST_TMP/actual"
entry_targets "$TEST_TMP/out.o" __bug_table | sort >"$TEST_TMP/actual"
printf '%s\n' changed other >"$TEST_TMP/expect"
test_cmp "$TEST_TMP/expect" "$TEST_TMP/actual"
dump_no_offsets "$TEST_TMP/out.o" | sed -n '/^sections:/,/^loader/p' >"$TEST_TMP/actual"
cat >"$TEST_TMP/expect" <<'EOT'
sections:
  .text.changed
  .text.reader
  .text.other
  .rodata.changed.str1.1
  __mcount_loc: 3 entries
  __bug_table: 2 entries
  __ex_table: 1 entries
loader relocs:
EOT
test_cmp "$TEST_TMP/expect" "$TEST_TMP/actual"

step "parallel tables (.orc_unwind_ip with .orc_unwind) and pieces (.altinstructions with .altinstr_replacement)"
cat >"$TEST_TMP/alt.c" <<'EOT'
int printk(const char *fmt, ...);
#define ALT(orig, repl) asm volatile("1: " orig "\n2:\n" \
	".pushsection .altinstr_replacement,\"ax\"\n3: " repl "\n4:\n.popsection\n" \
	".pushsection .altinstructions,\"a\"\n .long 1b - ., 3b - .\n .short 0\n" \
	" .byte 2b - 1b, 4b - 3b\n.popsection")
#define ORC() asm volatile("1:\n .pushsection .orc_unwind_ip,\"a\"\n .long 1b - .\n" \
	".popsection\n.pushsection .orc_unwind,\"a\"\n .short 1, 2, 3\n .popsection")
void f(void) { ORC(); ALT("call printk", "nop; nop; nop; nop; nop"); }
void g(void) { ORC(); ALT("nop; nop; nop; nop; nop", "call printk"); }
EOT
user_cc "$TEST_TMP/alt.c" "$TEST_TMP/alt.o"
"$LINK" -o "$TEST_TMP/alt-out.o" --id a --target vmlinux --kernel-release 6.1 \
	--symvers "$TEST_TMP/Module.symvers" --object lib/alt.o \
	--pre "$TEST_TMP/alt.o" --post "$TEST_TMP/alt.o" --changed g || die "ksplice-link failed"
dump_no_offsets "$TEST_TMP/alt-out.o" | sed -n '/^sections:/,$p' >"$TEST_TMP/actual"
cat >"$TEST_TMP/expect" <<'EOT'
sections:
  .text.g
  __mcount_loc: 1 entries
  .orc_unwind_ip: 1 entries
  .orc_unwind
  .altinstructions: 1 entries
  .altinstr_replacement
loader relocs:
  g+N __fentry__-4
  .altinstr_replacement+N printk-4
EOT
test_cmp "$TEST_TMP/expect" "$TEST_TMP/actual"
readelf -SW "$TEST_TMP/alt-out.o" |
	sed -nE 's/.*\] (\.altinstr_replacement|\.orc_unwind) +PROGBITS +[0-9a-f]+ [0-9a-f]+ ([0-9a-f]+) .*/\1 \2/p' |
	sort >"$TEST_TMP/actual"
printf '%s\n' ".altinstr_replacement 000005" ".orc_unwind 000006" >"$TEST_TMP/expect"
test_cmp "$TEST_TMP/expect" "$TEST_TMP/actual"

step "an unknown section that refers to extracted code is refused, naming it"
cat >"$TEST_TMP/unknown.c" <<'EOT'
void f(void) { }
void g(void) { }
static void (*const table[])(void) __attribute__((used, section(".my_table"))) = { g };
EOT
user_cc "$TEST_TMP/unknown.c" "$TEST_TMP/unknown.o"
unknown_link() {
	"$LINK" -o "$TEST_TMP/unknown-out.o" --id u --target vmlinux --kernel-release 6.1 \
		--object lib/unknown.o --pre "$TEST_TMP/unknown.o" \
		--post "$TEST_TMP/unknown.o" --changed "$1"
}
expect_exit 1 unknown_link g 2>"$TEST_TMP/actual"
cat >"$TEST_TMP/expect" <<'EOT'
ksplice-link: error: lib/unknown.o: unknown section '.my_table' refers to extracted function g (from table+0x0); ksplice-link does not know how to carry it
EOT
test_cmp "$TEST_TMP/expect" "$TEST_TMP/actual"

step "the same section is no obstacle when it refers only to code that stays"
unknown_link f || die "ksplice-link refused a section that does not refer to f"

test_done
