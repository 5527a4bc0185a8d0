#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
. "$(dirname "$0")/../lib/test-lib.sh"
. "$TOP/tests/linker/lib.sh"
test_title "ksplice-link extracts the changed and new functions, and nothing else"

step "compile the sample, pre and post"
write_sample "$TEST_TMP"

step "link: changed() changed, added() new"
link_sample "$TEST_TMP" --changed changed --new added || die "ksplice-link failed"
dump_no_offsets "$TEST_TMP/out.o" >"$TEST_TMP/dump"

step "the new code is changed() and added(); the string it prints comes along"
sed -n '/^sections:/,/^loader/p' "$TEST_TMP/dump" >"$TEST_TMP/actual"
cat >"$TEST_TMP/expect" <<'EOT'
sections:
  .text.changed
  .text.added
  .rodata.changed.str1.1
  __mcount_loc: 2 entries
  __bug_table: 1 entries
loader relocs:
EOT
test_cmp "$TEST_TMP/expect" "$TEST_TMP/actual"
readelf -sW "$TEST_TMP/out.o" | awk '$4 == "FUNC" { print $8 }' | sort >"$TEST_TMP/actual"
printf '%s\n' added changed >"$TEST_TMP/expect"
test_cmp "$TEST_TMP/expect" "$TEST_TMP/actual"

step "the old code of changed() is a pre section, and changed() is patched"
sed -n '/^pre:/,/^sections:/p' "$TEST_TMP/dump" >"$TEST_TMP/actual"
cat >"$TEST_TMP/expect" <<'EOT'
pre:
  changed text
patches:
  changed -> changed+0x0 fentry
sections:
EOT
test_cmp "$TEST_TMP/expect" "$TEST_TMP/actual"

step "the header"
head -n 2 "$TEST_TMP/dump" >"$TEST_TMP/actual"
cat >"$TEST_TMP/expect" <<'EOT'
update sample target vmlinux release 6.1-test targets 1
description: 
EOT
test_cmp "$TEST_TMP/expect" "$TEST_TMP/actual"

step "a function that is not there is an error naming it"
expect_exit 1 link_sample "$TEST_TMP" --changed nosuch 2>"$TEST_TMP/err"
echo "ksplice-link: error: lib/sample.o: function 'nosuch' not found in '$TEST_TMP/post.o'" \
	>"$TEST_TMP/expect"
test_cmp "$TEST_TMP/expect" "$TEST_TMP/err"
[ ! -e "$TEST_TMP/out.o" ] || die "a failed link left its output behind"

step "two objects in one update: each one's symbols carry its object"
"$LINK" -o "$TEST_TMP/two.o" --id two --target vmlinux --kernel-release 6.1 \
	--symvers "$TEST_TMP/Module.symvers" \
	--object lib/a.o --pre "$TEST_TMP/pre.o" --post "$TEST_TMP/post.o" --changed changed \
	--object lib/b.o --pre "$TEST_TMP/pre.o" --post "$TEST_TMP/post.o" --changed changed ||
	die "ksplice-link failed"
"$LINK" --dump "$TEST_TMP/two.o" | sed -n '/^patches:/,/^sections:/p;/ changed func /p' >"$TEST_TMP/actual"
cat >"$TEST_TMP/expect" <<'EOT'
  6 changed func object=lib/a.o
  14 changed func object=lib/b.o
patches:
  changed -> changed+0x0 fentry
  changed -> changed+0x0 fentry
sections:
EOT
test_cmp "$TEST_TMP/expect" "$TEST_TMP/actual"

step "two objects, one using a new function and new data of the other: the references stay in the update"
cat >"$TEST_TMP/a-pre.c" <<'EOT'
extern int printk(const char *fmt, ...);
int show(int x) { printk("show %d\n", x); return x; }
EOT
cat >"$TEST_TMP/a-post.c" <<'EOT'
extern int printk(const char *fmt, ...);
extern const char *tag(void);
extern int tag_count;
int show(int x) { tag_count++; printk("show %d %s\n", x, tag()); return x; }
EOT
cat >"$TEST_TMP/b-post.c" <<'EOT'
int tag_count;
const char *tag(void) { return "two"; }
int unrelated(void) { return 1; }
EOT
for f in a-pre a-post b-post; do user_cc "$TEST_TMP/$f.c" "$TEST_TMP/$f.o"; done
"$LINK" -o "$TEST_TMP/cross.o" --id cross --target vmlinux --kernel-release 6.1 \
	--symvers "$TEST_TMP/Module.symvers" \
	--object fs/a.o --pre "$TEST_TMP/a-pre.o" --post "$TEST_TMP/a-post.o" --changed show \
	--object fs/b.o --post "$TEST_TMP/b-post.o" --new tag --new-data tag_count ||
	die "ksplice-link failed"
"$LINK" --dump "$TEST_TMP/cross.o" >"$TEST_TMP/dump"
! grep -E '(tag|tag_count|unrelated) ' "$TEST_TMP/dump" | grep -v '^  \.' ||
	die "a new symbol of fs/b.o is left to the running kernel: $(cat "$TEST_TMP/dump")"
readelf -rW "$TEST_TMP/cross.o" | sed -n "/'.rela.text.show'/,/^\$/p" |
	awk '$3 ~ /R_X86_64_P/ { print $3, $5 }' >"$TEST_TMP/actual"
cat >"$TEST_TMP/expect" <<'EOT'
R_X86_64_PLT32 __fentry__
R_X86_64_PC32 tag_count
R_X86_64_PLT32 tag
EOT
test_cmp "$TEST_TMP/expect" "$TEST_TMP/actual"
readelf -sW "$TEST_TMP/cross.o" | awk '($4 == "FUNC" || $4 == "OBJECT") && $8 !~ /^ksplice_/ { print $4, $7 != "UND", $8 }' |
	sort >"$TEST_TMP/actual"
printf '%s\n' "FUNC 1 show" "FUNC 1 tag" "OBJECT 1 tag_count" >"$TEST_TMP/expect"
test_cmp "$TEST_TMP/expect" "$TEST_TMP/actual"

test_done
