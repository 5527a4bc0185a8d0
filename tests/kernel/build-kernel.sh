#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# tests/kernel/build-kernel.sh: build (or reuse) the test kernel.
#
# The kernel is Debian's linux-source-6.1, configured as allnoconfig plus
# tests/kernel/config.fragment, and built in-tree with the ksplice GCC plugin
# when the project has one, so the tree holds the sidecars that update builds
# start from.
#
# Builds are cached in $KSPLICE_CACHE (default
# ${XDG_CACHE_HOME:-$HOME/.cache}/ksplice) under kernel/<key>, where the key
# hashes everything the build depends on: the source package version, the
# config fragment, this script, the compiler and the plugin binary. A changed
# key rebuilds; an unchanged one reuses the tree. A tree counts only once its
# stamp file (.ksplice-test-kernel) is written, last, under a lock, so an
# interrupted or concurrent build never passes for a whole one. The tree is
# built where it stays: objtool's build records absolute paths, and a tree
# renamed after its build would rebuild objtool on every later make.
#
# usage: build-kernel.sh [--no-plugin] [--print-key]
# Prints the tree's path on stdout; build output goes to
# <cache>/kernel/<key>.log.
set -euo pipefail

top=$(cd "$(dirname "$0")/../.." && pwd)
cache=${KSPLICE_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/ksplice}
fragment=$top/tests/kernel/config.fragment
tarball=/usr/src/linux-source-6.1.tar.xz
plugin=$top/gcc-plugin/ksplice.so
use_plugin=auto
print_key=false
keep=3		# cached trees kept, most recently used first

die() { echo "build-kernel: error: $*" >&2; exit 1; }

for arg; do
	case "$arg" in
	--no-plugin) use_plugin=no ;;
	--print-key) print_key=true ;;
	*) die "unknown option '$arg'" ;;
	esac
done

# The plugin is part of the test kernel as soon as the project has one.
if [ "$use_plugin" = auto ]; then
	if [ -f "$top/gcc-plugin/Makefile" ]; then use_plugin=yes; else use_plugin=no; fi
fi
if [ "$use_plugin" = yes ]; then
	[ -f "$plugin" ] || die "plugin '$plugin' not built; run 'make' first"
	plugin_sum=$(sha256sum <"$plugin" | cut -d' ' -f1)
	# Kbuild records CC in every .cmd file. Build with a content-addressed
	# copy of the plugin so that the command lines do not depend on where
	# the checkout lives, and a later incremental build from another clone
	# (ksplice-create) does not see a changed command and rebuild all. The
	# copy keeps the name ksplice.so: GCC names a plugin after its file, and
	# -fplugin-arg-ksplice-* options need that name.
	stable=$cache/plugins/$plugin_sum/ksplice.so
	if [ ! -f "$stable" ]; then
		mkdir -p "${stable%/*}"
		cp "$plugin" "$stable.tmp.$$" && mv "$stable.tmp.$$" "$stable"
	fi
	cc="gcc -fplugin=$stable"
else
	cc=gcc
	plugin_sum=none
fi

[ -f "$tarball" ] || die "'$tarball' missing; run 'make deps'"
srcver=$(dpkg-query -W -f='${Version}' linux-source-6.1) ||
	die "package linux-source-6.1 not installed; run 'make deps'"

# The recipe. The cache key hashes it as bash prints it (declare -f, which
# drops comments), so editing anything else in this script keeps the cache.
build() {
	set -e
	tar xf "$tarball" --strip-components=1 -C "$tree"
	cd "$tree"
	make -s allnoconfig
	scripts/kconfig/merge_config.sh -m .config "$fragment"
	make -s olddefconfig
	# merge_config only warns when Kconfig drops a setting; a dropped
	# setting would silently test something other than what we claim.
	grep '^CONFIG_' "$fragment" | while read -r line; do
		grep -qx "$line" .config ||
			{ echo "config fragment line '$line' did not survive olddefconfig"; exit 1; }
	done
	make -j"$(nproc)" CC="$cc" bzImage modules
}

key=$( {
	echo "source linux-source-6.1 $srcver"
	echo "plugin $plugin_sum"
	gcc --version | head -n1
	sha256sum <"$fragment"
	declare -f build
} | sha256sum | cut -c1-16)
if $print_key; then echo "$key"; exit 0; fi

tree=$cache/kernel/$key
# A finished tree needs no lock: its stamp is written last, atomically, so
# a lookup never waits behind another key's build.
if [ -f "$tree/.ksplice-test-kernel" ]; then
	touch "$tree/.ksplice-test-kernel"	# most recently used
	echo "$tree"
	exit 0
fi
mkdir -p "$cache/kernel"
exec 9>"$cache/kernel/.lock"
flock 9

if [ -f "$tree/.ksplice-test-kernel" ]; then	# built while we waited
	touch "$tree/.ksplice-test-kernel"	# most recently used
	echo "$tree"
	exit 0
fi

log=$cache/kernel/$key.log
rm -rf "$tree"
mkdir -p "$tree"
echo "build-kernel: building test kernel $key (log: $log)" >&2
start=$(date +%s)
# The build runs as a background job in a process group of its own (set -m)
# so that an interrupt is handled at once (bash defers traps while a
# foreground command runs): stop the whole group and leave nothing
# half-built behind.
set -m
build >"$log" 2>&1 &
pid=$!
set +m
trap 'kill -TERM -- -$pid 2>/dev/null || true; wait; rm -rf "$tree"; exit 130' INT TERM
wait $pid || {
	tail -n 30 "$log" >&2
	die "test kernel build failed; full log in '$log'"
}
cat >"$tree/.ksplice-test-kernel.tmp" <<EOT
key=$key
source=linux-source-6.1 $srcver
plugin=$plugin_sum
cc=$cc
EOT
mv "$tree/.ksplice-test-kernel.tmp" "$tree/.ksplice-test-kernel"
trap - INT TERM
echo "build-kernel: built in $(( $(date +%s) - start ))s" >&2

# Prune old trees, keeping the most recently used ones.
ls -1dt "$cache"/kernel/*/ 2>/dev/null | tail -n +$((keep + 1)) |
	while read -r old; do rm -rf "$old" "${old%/}.log"; done
echo "$tree"
