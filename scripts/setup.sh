#!/usr/bin/env bash
# Set up everything armvirt needs on a Debian 12 x86-64 build machine, as root:
# the armhf cross toolchain, QEMU, kbuild, and, in the cache folder, the stock
# Debian armmp-lpae kernel image with its matching headers and a static busybox.
#
# Idempotent: when everything is present it only asks the local apt cache which
# kernel ABI is current and exits in about a second, without any download.
#
# Kernels: the armmp-lpae flavour (the board's main kernel) and armmp
# (non-LPAE, for portability tests); ARMVIRT_FLAVOURS overrides the list.
#
# `setup.sh --print-kdir [FLAVOUR]` prints the cache folder of that kernel
# (.../linux-<abi>-<flavour>, default armmp-lpae) without installing anything.
# FLAVOUR debug is the debug board's kernel, built from linux-source-6.1 by
# scripts/debug-kernel.sh (`make debug-kernel`, part of `make check`).
set -euo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
cache=${ARMVIRT_CACHE:-/var/cache/armvirt}
flavours=${ARMVIRT_FLAVOURS:-armmp-lpae armmp}

# Host packages: name:arch as dpkg-query names them.
host_pkgs=(gcc-arm-linux-gnueabihf libc6-dev-armhf-cross qemu-system-arm
	   linux-kbuild-6.1 libfdt-dev:armhf cpio device-tree-compiler sparse
	   xz-utils bc make gcc perl git linux-source-6.1 clang libclang-rt-14-dev flex bison)

log() { echo "setup: $*" >&2; }

missing_pkgs() {
	local p
	for p in "${host_pkgs[@]}"; do
		dpkg-query -W -f='${Status}\n' "$p" 2>/dev/null |
			grep -q '^install ok installed$' || echo "$p"
	done
}

# apt-get update may fail for one index (a mirror sync in progress) while the
# others are fine: carry on, and let the install or download say what is
# really missing.
apt_update() {
	log "apt-get update"
	apt-get update -q >&2 || log "apt-get update reported errors; continuing with the indexes it got"
}

ensure_armhf() {
	if ! dpkg --print-foreign-architectures | grep -qx armhf; then
		log "adding the armhf architecture"
		dpkg --add-architecture armhf
		need_update=1
	fi
}

# The ABI of the current kernel of each flavour, from the local apt indexes:
# the image metapackage depends on linux-image-<abi>-<flavour>. One apt-cache
# call for all flavours (each call costs a second or more).
declare -A abis
load_abis() {
	local f line
	abis=()
	while read -r line; do
		for f in $flavours armmp-lpae; do
			[[ $line =~ Depends:\ linux-image-(.*)-$f:armhf$ ]] &&
				abis[$f]=${BASH_REMATCH[1]}
		done
	done < <(apt-cache depends $(for f in $flavours armmp-lpae; do
		echo "linux-image-$f:armhf"; done | sort -u) 2>/dev/null)
	return 0
}
current_abi() {
	echo "${abis[$1]:-}"
}

# Download one package and unpack it into a folder.
fetch_extract() {
	local pkg=$1 dest=$2 tmp
	tmp=$(mktemp -d)
	# apt downloads as the _apt user where that user exists
	chown _apt "$tmp" 2>/dev/null || true
	(cd "$tmp" && apt-get download -q "$pkg" >&2)
	mkdir -p "$dest"
	dpkg-deb -x "$tmp"/*.deb "$dest"
	rm -rf "$tmp"
}

# Image and headers of one flavour, extracted and made usable for kbuild.
fetch_kernel() {
	local flavour=$1 abi kroot hdr
	abi=$(current_abi "$flavour")
	[ -n "$abi" ] || { log "no linux-image-$flavour:armhf in the apt indexes"; exit 1; }
	kroot=$cache/linux-$abi-$flavour
	[ -e "$kroot/.complete" ] && return
	log "fetching the Debian $abi-$flavour kernel and headers"
	rm -rf "$kroot"
	fetch_extract "linux-image-$abi-$flavour:armhf" "$kroot"
	fetch_extract "linux-headers-$abi-$flavour:armhf" "$kroot"
	fetch_extract "linux-headers-$abi-common" "$kroot"
	hdr=$kroot/usr/src/linux-headers-$abi-$flavour
	# The flavour's Makefile includes the common tree by an absolute path.
	sed -i "s|/usr/src/linux-headers-$abi-common|$kroot/usr/src/linux-headers-$abi-common|" \
		"$hdr/Makefile"
	# Its scripts/ and tools/ link to ../../lib/linux-kbuild-6.1: the host's.
	mkdir -p "$kroot/usr/lib"
	ln -sfn /usr/lib/linux-kbuild-6.1 "$kroot/usr/lib/linux-kbuild-6.1"
	ln -sfn "usr/src/linux-headers-$abi-$flavour" "$kroot/build"
	ln -sfn "$(ls "$kroot"/boot/vmlinuz-*)" "$kroot/vmlinuz"
	touch "$kroot/.complete"
}

if [ "${1:-}" = --print-kdir ]; then
	flavour=${2:-armmp-lpae}
	[ "$flavour" = debug ] && exec bash "$top/scripts/debug-kernel.sh" --print-dir
	flavours=$flavour
	load_abis
	abi=$(current_abi "$flavour")
	[ -n "$abi" ] || exit 1
	echo "$cache/linux-$abi-$flavour"
	exit 0
fi

[ "$(id -u)" = 0 ] || { log "run as root (it installs packages)"; exit 1; }
need_update=0
ensure_armhf
missing=$(missing_pkgs)
[ -n "$missing" ] && need_update=1
load_abis
for f in $flavours; do
	[ -z "$(current_abi "$f")" ] && need_update=1
done
if [ "$need_update" = 1 ]; then
	apt_update
	load_abis
fi
missing=$(missing_pkgs)
if [ -n "$missing" ]; then
	log "installing:" $missing
	DEBIAN_FRONTEND=noninteractive apt-get install -y -q \
		--no-install-recommends $missing >&2
fi

for f in $flavours; do
	fetch_kernel "$f"
done

bb=$cache/busybox
if [ ! -x "$bb/bin/busybox" ]; then
	log "fetching busybox-static:armhf"
	rm -rf "$bb"
	fetch_extract "busybox-static:armhf" "$bb"
fi
