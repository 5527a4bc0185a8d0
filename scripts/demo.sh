#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# scripts/demo.sh (make demo): a live update of the test kernel, from a
# source patch, under QEMU. Builds (or reuses) the test kernel with the
# ksplice plugin, creates an update from tests/patches/proc-string.patch,
# boots the kernel, shows /proc/loadavg, applies the update live with
# ksplice-apply, shows it again (and ksplice-view), undoes it with
# ksplice-undo and shows it restored. Each step says how long
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
grep -v '^#' "$patch" | sed 's/^/      | /'	# the corpus header is not the patch
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
cp "$work/ksplice-demo.tar.gz" "$top"/driver/build/ksplice-{apply,view,undo} "$work/payload/"
cat >"$work/payload/guest.sh" <<'EOT'
ms() { awk '{ printf "%d", $1 * 1000 }' /proc/uptime; }
say() { echo "      \$ $*"; out=$("$@" 2>&1); rc=$?; echo "$out" | sed 's/^/      /'; return $rc; }
echo "    guest: running $(uname -r) on $(grep -c ^processor /proc/cpuinfo) CPUs"
say cat /proc/loadavg
t=$(ms); say ./ksplice-apply ksplice-demo.tar.gz || exit 1
echo "    guest: loaded and applied live in $(( $(ms) - t )) ms"
say cat /proc/loadavg
say ./ksplice-view
t=$(ms); say ./ksplice-undo demo || exit 1
echo "    guest: undone in $(( $(ms) - t )) ms"
say cat /proc/loadavg
EOT
"$top/driver/ksplice-guest-run" --kernel "$tree/arch/x86/boot/bzImage" \
	--payload "$work/payload" --console "$work/console.log" ||
	die "the guest run failed (see above)"
echo "      ($(since "$t"), of which the kernel's boot under software emulation is most)"
echo
echo "[4/4] done in $(since "$t0"): the running kernel was changed and restored without a reboot"
