#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# tests/lib/qemu-run.sh: boot a kernel under QEMU (TCG, 2 vCPUs) with a
# busybox initramfs, run PAYLOAD/guest.sh in it, and print the guest
# script's transcript on stdout.
#
# usage: qemu-run.sh --kernel BZIMAGE --payload DIR [--timeout SECS]
#                    [--console FILE] [--append ARGS]
#
# The payload directory is copied to /payload in the guest, which runs
# "sh guest.sh" there as root, with proc, sysfs, devtmpfs, debugfs, tracefs
# and a tmpfs /tmp mounted.
#
# Channels: the kernel console is ttyS0 (written to --console). The guest
# script's stdout and stderr go to a second UART, ttyS1, that nothing else
# writes to, framed by "@@ksplice-guest NONCE begin" and
# "@@ksplice-guest NONCE end rc=N" with a random per-run nonce. Kernel
# messages therefore never mix with results, and a transcript without its
# end line means the guest did not finish.
#
# Exit status: 0 the guest script exited 0 and the kernel log is clean;
# 1 the guest script exited non-zero; 2 the guest hung or died (timeout,
# panic, no end line); 3 the kernel log shows an oops, BUG, WARNING, panic,
# lockup or lockdep report (the offending lines go to stderr); 4 usage or
# setup error.
set -uo pipefail

kernel= payload= timeout=120 console= append=
while [ $# -gt 0 ]; do
	case "$1" in
	--kernel) kernel=$2; shift 2 ;;
	--payload) payload=$2; shift 2 ;;
	--timeout) timeout=$2; shift 2 ;;
	--console) console=$2; shift 2 ;;
	--append) append=$2; shift 2 ;;
	*) echo "qemu-run: error: unknown option '$1'" >&2; exit 4 ;;
	esac
done
err() { echo "qemu-run: error: $1" >&2; exit "${2:-4}"; }
[ -f "$kernel" ] || err "kernel image '$kernel' not found"
[ -f "$payload/guest.sh" ] || err "payload '$payload' has no guest.sh"
busybox=/bin/busybox	# from busybox-static: the guest has no libc
[ -x "$busybox" ] || err "'$busybox' not found; run 'make deps'"

work=$(mktemp -d "${TMPDIR:-/tmp}/ksplice-qemu.XXXXXX")
trap 'rm -rf "$work"' EXIT
[ -n "$console" ] || console=$work/console.log
results=$work/results.log
nonce=$(od -An -N8 -tx1 /dev/urandom | tr -d ' \n')

# The initramfs: busybox, /init, the payload.
root=$work/root
mkdir -p "$root"/{bin,sbin,etc,proc,sys,dev,tmp,payload,usr/bin,usr/sbin}
cp "$busybox" "$root/bin/busybox"
ln -s busybox "$root/bin/sh"
cp -a "$payload"/. "$root/payload/"
echo "$nonce" >"$root/etc/ksplice-nonce"
cat >"$root/init" <<'EOT'
#!/bin/sh
/bin/busybox --install -s /bin
export PATH=/bin:/sbin:/usr/bin:/usr/sbin HOME=/tmp
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev
mount -t debugfs debugfs /sys/kernel/debug
mount -t tracefs tracefs /sys/kernel/tracing 2>/dev/null
mount -t tmpfs tmpfs /tmp
stty -F /dev/ttyS1 raw -echo
nonce=$(cat /etc/ksplice-nonce)
exec 3>/dev/ttyS1
echo "@@ksplice-guest $nonce begin" >&3
cd /payload && sh ./guest.sh >&3 2>&1 </dev/null
echo "@@ksplice-guest $nonce end rc=$?" >&3
# Closing the UART waits until its transmit buffer has drained. The test
# kernel has no ACPI power-off; a reboot ends QEMU (-no-reboot).
exec 3>&-
reboot -f
EOT
chmod +x "$root/init"
(cd "$root" && find . | cpio -o -H newc -R 0:0 --quiet) | gzip -1 >"$work/initrd.gz" ||
	err "cannot build the initramfs"

rc=0
timeout -k 5 "$timeout" qemu-system-x86_64 -machine pc -accel tcg -cpu max \
	-smp 2 -m 512M -display none -monitor none -no-reboot \
	-kernel "$kernel" -initrd "$work/initrd.gz" \
	-append "console=ttyS0 panic=-1 loglevel=7 $append" \
	-serial "file:$console" -serial "file:$results" \
	</dev/null >"$work/qemu.out" 2>&1 || rc=$?

# Transcript: the lines between the begin and end markers.
tr -d '\r' <"$results" | awk -v n="$nonce" '
	$0 == "@@ksplice-guest " n " begin" { on = 1; next }
	index($0, "@@ksplice-guest " n " end rc=") == 1 { on = 0; next }
	on' 
end=$(tr -d '\r' <"$results" | sed -n "s/^@@ksplice-guest $nonce end rc=\([0-9]*\)\$/\1/p")

bad='Oops|BUG:|WARNING:|Kernel panic|general protection fault|kernel BUG|'
bad+='possible recursive locking|possible circular locking|inconsistent lock state|'
bad+='INFO: task .* blocked|rcu_sched self-detected|rcu: INFO|soft lockup|hard LOCKUP|'
bad+='UBSAN:|KASAN:|lockdep|Call Trace:|double fault|unable to handle'
if [ "$rc" = 124 ] || [ "$rc" = 137 ]; then
	tail -n 20 "$console" >&2
	err "guest hung: not finished within ${timeout}s" 2
fi
if grep -aEq "$bad" "$console"; then
	grep -aE -A3 "$bad" "$console" | head -n 40 >&2
	err "guest kernel log shows a problem (console log: $console)" 3
fi
if [ -z "$end" ]; then
	tail -n 20 "$console" >&2
	cat "$work/qemu.out" >&2
	err "guest died before its script finished (qemu exit $rc)" 2
fi
[ "$end" = 0 ] || err "guest script exited $end" 1
exit 0
