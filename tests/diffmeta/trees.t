#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
. "$(dirname "$0")/../lib/test-lib.sh"
. "$TOP/tests/diffmeta/lib.sh"
test_title "build trees: objects matched by path, one-sided objects, fast path"
cd "$TEST_TMP"

obj() {	# obj TREE/PATH.o HASH: a sidecar with one function 'f_<base>'
	local base
	base=$(basename "$1" .o)
	mkdir -p "$(dirname "$1")"
	{ begin_sidecar object="${1#*/}"; fn "f_$base" "$2"; begin_data; end_sidecar; } >"$1.ksplice.json"
	touch "$1"	# the object, written after its sidecar
}

for t in pre post; do
	obj $t/kernel/fork.o 1111
	obj $t/mm/slab.o 2222
	obj $t/fs/proc/meminfo.o 3333
	touch $t/README
done
obj pre/drivers/old.o 4444
obj post/drivers/new/new.o 5555
obj post/mm/slab.o 2223

step "changed, new and removed objects, sorted by path; exit 0"
cat >expect <<'EOT'
drivers/new/new.o: (new object)
  new function 'f_new'

drivers/old.o: (removed object)
  removed function 'f_old'

mm/slab.o:
  changed function 'f_slab': code changed

result: patchable (functions: 1 changed, 1 new, 1 removed; data: 0 changed, 0 new, 0 removed)
EOT
diffmeta_run 0 pre post
test_cmp expect actual

step "--json lists the objects with their status"
diffmeta_run 0 --json pre post
sed -n '/"objects"/,/^	"changed_functions"/p' actual >objects
cat >expect <<'EOT'
	"objects":	[{
			"object":	"drivers/new/new.o",
			"status":	"new"
		}, {
			"object":	"drivers/old.o",
			"status":	"removed"
		}, {
			"object":	"mm/slab.o",
			"status":	"changed"
		}],
	"changed_functions":	[{
EOT
test_cmp expect objects

step "byte-identical pairs are not parsed: identical broken sidecars pass (exit 3)"
mkdir -p a/x b/x
echo '{ not json' >a/x/broken.o.ksplice.json
cp a/x/broken.o.ksplice.json b/x/
echo "result: no functional change" >expect
diffmeta_run 3 a b
test_cmp expect actual

step "symbolic links are not followed, dot directories are skipped"
ln -s ../../pre post/kernel/loop
mkdir -p post/.git && obj post/.git/hidden.o 9999
rm -r post/drivers/new post/mm/slab.o.ksplice.json
obj post/mm/slab.o 2222
ln -s ../pre/drivers/old.o.ksplice.json post/drivers/old.o.ksplice.json
cat >expect <<'EOT'
drivers/old.o: (removed object)
  removed function 'f_old'

result: patchable (functions: 0 changed, 0 new, 1 removed; data: 0 changed, 0 new, 0 removed)
EOT
diffmeta_run 0 pre post
test_cmp expect actual

step "a stale sidecar (object missing or older) counts as absent, with a warning"
mkdir -p spre/k spost/k
obj spre/k/a.o 1111
obj spost/k/a.o 2222
obj spre/k/b.o 3333
cp spre/k/b.o.ksplice.json spost/k/
touch -d '2000-01-01' spost/k/a.o
sed -i 's/"f_b"/"f_b2"/' spost/k/b.o.ksplice.json
rm spost/k/b.o
cat >expect <<'EOT'
k/a.o: (removed object)
  removed function 'f_a'

k/b.o: (removed object)
  removed function 'f_b'

result: patchable (functions: 0 changed, 0 new, 2 removed; data: 0 changed, 0 new, 0 removed)
EOT
"$DIFFMETA" spre spost >actual 2>stderr; rc=$?
[ "$rc" = 0 ] || die "exit $rc, expected 0"
test_cmp expect actual
cat >expect <<'EOT'
warning: ignoring stale sidecar 'spost/k/a.o.ksplice.json': its object 'spost/k/a.o' is missing or older
warning: ignoring stale sidecar 'spost/k/b.o.ksplice.json': its object 'spost/k/b.o' is missing or older
EOT
test_cmp expect stderr

step "objects under vdso, boot, realmode and purgatory cannot be patched: exit 2"
for d in arch/x86/entry/vdso arch/x86/boot/compressed arch/x86/realmode/rm arch/x86/purgatory; do
	obj vpre/$d/a.o 1111
	obj vpost/$d/a.o 2222
done
obj vpre/arch/x86/kernel/a.o 1111
obj vpost/arch/x86/kernel/a.o 2222
cat >expect <<'EOT'
arch/x86/boot/compressed/a.o:
  changed function 'f_a': code changed
  blocker: object 'arch/x86/boot/compressed/a.o': boot code runs before the kernel starts and is not part of the running kernel

arch/x86/entry/vdso/a.o:
  changed function 'f_a': code changed
  blocker: object 'arch/x86/entry/vdso/a.o': vDSO code runs in user space, from a copy mapped into every process

arch/x86/kernel/a.o:
  changed function 'f_a': code changed

arch/x86/purgatory/a.o:
  changed function 'f_a': code changed
  blocker: object 'arch/x86/purgatory/a.o': kexec purgatory is a separate image, loaded only for kexec

arch/x86/realmode/rm/a.o:
  changed function 'f_a': code changed
  blocker: object 'arch/x86/realmode/rm/a.o': real-mode code is copied to low memory at boot and runs from that copy

result: cannot be applied live (4 blockers)
EOT
diffmeta_run 2 vpre vpost
test_cmp expect actual

step "a single sidecar pair is named by its recorded object path"
diffmeta_run 2 vpre/arch/x86/entry/vdso/a.o.ksplice.json vpost/arch/x86/entry/vdso/a.o.ksplice.json
grep -qx "  blocker: object 'arch/x86/entry/vdso/a.o': vDSO code runs in user space, from a copy mapped into every process" actual ||
	die "no vDSO blocker in: $(cat actual)"
test_done
