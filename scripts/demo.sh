#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# scripts/demo.sh (make demo): a live update of the test kernel, from a
# source patch, under QEMU. Builds (or reuses) the test kernel with the
# ksplice plugin, creates an update from tests/patches/proc-string.patch,
# boots the kernel, shows /proc/loadavg, applies the update live, shows it
# again, undoes the update and shows it restored. Each step says how long
# it took.
set -uo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
patch=$top/tests/patches/proc-string.patch
work=$(mktemp -d "${TMPDIR:-/tmp}/ksplice-demo.XXXXXX")
trap 'rm -rf "$work"' EXIT

die() { echo "make demo: error: $*" >&2; exit 1; }
t0=$(date +%s.%N)
since() { printf '%.1fs' "$(echo "$(date +%s.%N) - $1" | bc)"; }

echo "ksplice demo: a live update of a running Linux 6.1 kernel, from a source patch"
echo

t=$(date +%s.%N)
echo "[1/4] the test kernel: Debian's linux-source-6.1, built with the ksplice GCC plugin"
tree=$("$top/tests/kernel/build-kernel.sh") || die "the test kernel did not build"
echo "      $tree ($(since "$t"))"
echo

t=$(date +%s.%N)
echo "[2/4] ksplice-create --patch tests/patches/proc-string.patch"
sed 's/^/      | /' "$patch"
(cd "$work" && "$top/driver/build/ksplice-create" --patch "$patch" --id demo \
	--description "say (ksplice) in /proc/loadavg" "$tree") 2>&1 | sed 's/^/      /'
[ "${PIPESTATUS[0]}" = 0 ] || die "ksplice-create failed"
tar -xzf "$work/ksplice-demo.tar.gz" -C "$work" || die "cannot unpack the update"
sed -n "s/^ *changed function/      changed function/p" "$work/ksplice-demo/diffmeta.txt"
echo "      update written: ksplice-demo.tar.gz ($(since "$t"))"
echo

t=$(date +%s.%N)
echo "[3/4] boot the kernel under QEMU, apply the update live, undo it"
mkdir -p "$work/payload"
cp "$work"/ksplice-demo/modules/*.ko "$work/payload/"
cat >"$work/payload/guest.sh" <<'EOT'
U=/sys/kernel/ksplice/demo
ms() { awk '{ printf "%d", $1 * 1000 }' /proc/uptime; }
show() { echo "      \$ cat /proc/loadavg"; echo "      $(cat /proc/loadavg)"; }
echo "    guest: running $(uname -r)"
show
insmod ksplice.ko && insmod ksplice_demo_vmlinux.ko || exit 1
t=$(ms); echo apply >$U/stage || { echo "apply failed: $(cat $U/abort_cause)"; exit 1; }
echo "    guest: update applied live in $(( $(ms) - t )) ms (stage: $(cat $U/stage))"
show
t=$(ms); echo reverse >$U/stage || { echo "undo failed: $(cat $U/abort_cause)"; exit 1; }
echo "    guest: update undone in $(( $(ms) - t )) ms (stage: $(cat $U/stage))"
show
rmmod ksplice_demo_vmlinux ksplice
EOT
"$top/tests/lib/qemu-run.sh" --kernel "$tree/arch/x86/boot/bzImage" \
	--payload "$work/payload" --console "$work/console.log" ||
	die "the guest run failed (see above)"
echo "      ($(since "$t"), of which the kernel's boot under software emulation is most)"
echo
echo "[4/4] done in $(since "$t0"): the running kernel was changed and restored without a reboot"
