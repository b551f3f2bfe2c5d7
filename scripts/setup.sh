#!/usr/bin/env bash
# Set up everything armvirt needs on a Debian 12 x86-64 build machine, as root:
# the armhf cross toolchain, QEMU, kbuild, and, in the cache folder, the stock
# Debian armmp-lpae kernel image with its matching headers and a static busybox.
#
# Idempotent: when everything is present it only asks the local apt cache which
# kernel ABI is current and exits in about a second, without any download.
#
# Prints, as its last line, the cache folder of the kernel it set up
# (.../linux-<abi>) so that callers can use it; `setup.sh --print-kdir` prints
# only that, without installing anything.
set -euo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
cache=${ARMVIRT_CACHE:-$top/.cache}
flavour=${ARMVIRT_FLAVOUR:-armmp-lpae}

# Host packages: name:arch as dpkg-query names them.
host_pkgs=(gcc-arm-linux-gnueabihf libc6-dev-armhf-cross qemu-system-arm
	   linux-kbuild-6.1 libfdt-dev:armhf cpio device-tree-compiler sparse
	   xz-utils bc make gcc linux-source-6.1)

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

# The ABI of the current kernel for our flavour, from the local apt indexes:
# the image metapackage depends on linux-image-<abi>-<flavour>.
current_abi() {
	apt-cache depends "linux-image-$flavour:armhf" 2>/dev/null |
		sed -n "s/.*Depends: linux-image-\(.*\)-$flavour:armhf$/\1/p" | head -n1
}

# Download one package and unpack it into a folder.
fetch_extract() {
	local pkg=$1 dest=$2 tmp
	tmp=$(mktemp -d); chmod 755 "$tmp"
	(cd "$tmp" && apt-get download -q "$pkg" >&2)
	mkdir -p "$dest"
	dpkg-deb -x "$tmp"/*.deb "$dest"
	rm -rf "$tmp"
}

print_kdir_only=0
[ "${1:-}" = --print-kdir ] && print_kdir_only=1

if [ "$print_kdir_only" = 0 ]; then
	[ "$(id -u)" = 0 ] || { log "run as root (it installs packages)"; exit 1; }
	need_update=0
	ensure_armhf
	missing=$(missing_pkgs)
	[ -n "$missing" ] && need_update=1
	[ -z "$(current_abi)" ] && need_update=1
	[ "$need_update" = 1 ] && apt_update
	missing=$(missing_pkgs)
	if [ -n "$missing" ]; then
		log "installing:" $missing
		DEBIAN_FRONTEND=noninteractive apt-get install -y -q \
			--no-install-recommends $missing >&2
	fi
fi

abi=$(current_abi)
[ -n "$abi" ] || { log "no linux-image-$flavour:armhf in the apt indexes"; exit 1; }
kroot=$cache/linux-$abi-$flavour
if [ "$print_kdir_only" = 1 ]; then
	echo "$kroot"
	exit 0
fi

if [ ! -e "$kroot/.complete" ]; then
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
fi

bb=$cache/busybox
if [ ! -x "$bb/bin/busybox" ]; then
	log "fetching busybox-static:armhf"
	rm -rf "$bb"
	fetch_extract "busybox-static:armhf" "$bb"
fi

echo "$kroot"
