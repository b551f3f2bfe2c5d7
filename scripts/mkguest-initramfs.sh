#!/usr/bin/env bash
# Build the guest's initramfs: a static busybox, vmm/guest/init as /init,
# memtester (with the C library it links),
# and the virtio modules (virtio-mmio for armvirt-vmm, virtio-pci for
# kvmtool's default transport) of the same stock Debian kernel the guest boots
# (a key of scripts/setup.sh: armmp-lpae, 5.10-armmp-lpae, 7.2-armmp...),
# with the modules they depend on, uncompressed (6.12 and later ship them
# xz-compressed), in load order in /lib/modules/order; a driver built into
# that kernel is left out.
#   mkguest-initramfs.sh OUT.cpio.gz [KERNEL]
set -euo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
out=$1
flavour=${2:-armmp-lpae}
cache=${ARMVIRT_CACHE:-/var/cache/armvirt}
busybox=$cache/busybox/bin/busybox
[ -x "$busybox" ] || { echo "mkguest-initramfs: no $busybox; run scripts/setup.sh" >&2; exit 1; }
kroot=$(bash "$top/scripts/setup.sh" --print-kdir "$flavour")
moddir=
for d in "$kroot"/lib/modules/* "$kroot"/usr/lib/modules/*; do
	[ -d "$d/kernel" ] && moddir=$d && break
done
[ -n "$moddir" ] || { echo "mkguest-initramfs: no modules in $kroot" >&2; exit 1; }

root=$(mktemp -d)
trap 'rm -rf "$root"' EXIT
mkdir -p "$root"/{bin,dev,proc,sys,tmp,etc,root,lib/modules}
cp "$busybox" "$root/bin/busybox"
ln -s busybox "$root/bin/sh"
install -m 0755 "$top/vmm/guest/init" "$root/init"
# the benchmark tools (tests/tools), built by make tests
for t in "$top"/tests/build/tools/*; do
	if [ -x "$t" ]; then arm-linux-gnueabihf-strip -o "$root/bin/${t##*/}" "$t"; fi
done
# memtester (scripts/setup.sh), dynamically linked: with its C library and loader
mt=$cache/memtester
[ -x "$mt/usr/sbin/memtester" ] || { echo "mkguest-initramfs: no $mt/usr/sbin/memtester; run scripts/setup.sh" >&2; exit 1; }
mkdir -p "$root/lib/arm-linux-gnueabihf"
cp "$mt/usr/sbin/memtester" "$root/bin/memtester"
cp "$mt"/lib/arm-linux-gnueabihf/{ld-linux-armhf.so.3,libc.so.6} "$root/lib/arm-linux-gnueabihf/"
ln -s arm-linux-gnueabihf/ld-linux-armhf.so.3 "$root/lib/ld-linux-armhf.so.3"
echo 'root:x:0:0:root:/root:/bin/sh' > "$root/etc/passwd"
echo 'root:x:0:' > "$root/etc/group"

. "$top/scripts/initramfs-modules.sh"
initramfs_modules "$moddir" "$root" virtio_mmio virtio_pci virtio_blk virtio_net virtio_console virtio-rng \
	|| exit 1
mkdir -p "$(dirname "$out")"
(cd "$root" && find . | LC_ALL=C sort | cpio -o -H newc --quiet -R 0:0) | gzip -9 > "$out"
