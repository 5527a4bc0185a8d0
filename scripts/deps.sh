#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# scripts/deps.sh: the Debian 12 packages ksplice needs to build, run and
# test.
#
#   scripts/deps.sh install   apt-get update, then install every package
#                             (non-interactive, idempotent)
#   scripts/deps.sh ensure    install only if something is missing (used by
#                             make targets; quiet when all is present)
#   scripts/deps.sh list      print the package list
set -euo pipefail

packages=(
	# build: GCC plugin, libelf linker step, cJSON tools
	build-essential gcc-12-plugin-dev libelf-dev libcjson-dev pkg-config patch
	# kernel build
	linux-source-6.1 bc flex bison libssl-dev cpio kmod xz-utils
	# tests: QEMU guest with a busybox initramfs
	qemu-system-x86 busybox-static python3
	# fuzzing the sidecar reader (make fuzz), and byte-compare benchmarks
	clang libclang-rt-14-dev diffutils
)

missing() {
	local p
	for p in "${packages[@]}"; do
		dpkg-query -W -f='${Status}\n' "$p" 2>/dev/null |
			grep -q '^install ok installed$' || echo "$p"
	done
}

install() {
	local sudo=
	[ "$(id -u)" = 0 ] || sudo=sudo
	echo "deps: installing: $*" >&2
	$sudo apt-get update -q
	DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -q \
		--no-install-recommends "$@"
}

case "${1:-ensure}" in
install)
	install "${packages[@]}"
	;;
ensure)
	m=$(missing)
	[ -z "$m" ] || install $m
	;;
list)
	printf '%s\n' "${packages[@]}"
	;;
*)
	echo "usage: scripts/deps.sh [install|ensure|list]" >&2
	exit 1
	;;
esac
