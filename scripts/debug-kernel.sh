#!/usr/bin/env bash
# Build the debug board's kernel: Debian's linux-source-6.1 (the stock
# board's own source) with KASAN, lockdep, kmemleak and the other checkers of
# scripts/debug-kernel.config, applied on top of allnoconfig. Built once per
# source version and fragment, into the machine-wide cache:
#
#   $ARMVIRT_CACHE/debug-kernel-<source version>-<hash>/
#       zImage      the kernel the debug board boots (vmlinuz: a link to it)
#       build/      the configured and built tree: KDIR for armvirt.ko
#       .complete   written last
#
# Idempotent: with .complete present it exits at once. Builds take a lock,
# so that two clones sharing the cache do not build the same tree at once.
#
#   debug-kernel.sh               build if needed; print nothing when cached
#   debug-kernel.sh --print-dir   print the cache folder, build nothing
set -euo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
cache=${ARMVIRT_CACHE:-/var/cache/armvirt}
fragment=$top/scripts/debug-kernel.config
tarball=/usr/src/linux-source-6.1.tar.xz
# Bump when the way the tree is made changes (not only the fragment).
recipe=1

log() { echo "debug-kernel: $*" >&2; }

version=$(dpkg-query -W -f='${Version}' linux-source-6.1 2>/dev/null || true)
[ -n "$version" ] || { log "linux-source-6.1 is not installed; run scripts/setup.sh"; exit 1; }
hash=$( { echo "recipe $recipe"; cat "$fragment"; } | sha256sum | cut -c1-10)
dir=$cache/debug-kernel-$version-$hash

if [ "${1:-}" = --print-dir ]; then
	echo "$dir"
	exit 0
fi
[ -e "$dir/.complete" ] && exit 0

mkdir -p "$cache"
exec 9>"$cache/.debug-kernel.lock"
flock 9
[ -e "$dir/.complete" ] && exit 0	# another clone built it meanwhile

start=$(date +%s)
log "building the debug kernel in $dir (about 15 minutes on 2 cores)"
rm -rf "$dir"
mkdir -p "$dir/build"
tar -xJf "$tarball" -C "$dir/build" --strip-components=1
cd "$dir/build"

# MMU_NOTIFIER is a hidden symbol in 6.1, selected only by large drivers
# (DRM, Xen, KVM on other architectures): give it a prompt, so that the
# fragment can set it.
sed -i '/^config MMU_NOTIFIER$/{n;s/^\tbool$/\tbool "MMU notifiers"/}' mm/Kconfig
grep -A1 '^config MMU_NOTIFIER$' mm/Kconfig | grep -q 'bool "' ||
	{ log "cannot give MMU_NOTIFIER a prompt in mm/Kconfig"; exit 1; }

kmake() {
	nice -n 5 make ARCH=arm CROSS_COMPILE=arm-linux-gnueabihf- "$@"
}
KCONFIG_ALLCONFIG=$fragment kmake -s allnoconfig
kmake -s olddefconfig
# Every line of the fragment must have survived (a dependency not met
# silently drops an option).
bad=0
while read -r line; do
	case $line in
	CONFIG_*=*)
		grep -qxF "$line" .config || { log "not in .config: $line"; bad=1; } ;;
	"# CONFIG_"*" is not set")
		sym=${line#\# }; sym=${sym%% *}
		grep -q "^$sym=" .config && { log "set in .config: $sym"; bad=1; } ;;
	esac
done <"$fragment"
[ "$bad" = 0 ] || exit 1

if ! kmake -j"$(nproc)" all >"$dir/build.log" 2>&1; then
	tail -n 40 "$dir/build.log" >&2
	log "the build failed; its log: $dir/build.log"
	exit 1
fi
cp arch/arm/boot/zImage "$dir/zImage"
ln -sfn zImage "$dir/vmlinuz"	# the name scripts/board.sh boots
touch "$dir/.complete"
secs=$(( $(date +%s) - start ))
log "built in $((secs / 60)) min $((secs % 60)) s: $dir"
