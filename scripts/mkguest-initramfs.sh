#!/usr/bin/env bash
# Build the guest's initramfs: a static busybox, vmm/guest/init as /init,
# and the virtio modules of the same stock Debian kernel the guest boots.
#   mkguest-initramfs.sh OUT.cpio.gz [FLAVOUR]
set -euo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
out=$1
flavour=${2:-armmp-lpae}
cache=${ARMVIRT_CACHE:-/var/cache/armvirt}
busybox=$cache/busybox/bin/busybox
[ -x "$busybox" ] || { echo "mkguest-initramfs: no $busybox; run scripts/setup.sh" >&2; exit 1; }
kroot=$(bash "$top/scripts/setup.sh" --print-kdir "$flavour")
mods=$(echo "$kroot"/lib/modules/*/kernel)

root=$(mktemp -d)
trap 'rm -rf "$root"' EXIT
mkdir -p "$root"/{bin,dev,proc,sys,tmp,etc,root,lib/modules}
cp "$busybox" "$root/bin/busybox"
ln -s busybox "$root/bin/sh"
install -m 0755 "$top/vmm/guest/init" "$root/init"
echo 'root:x:0:0:root:/root:/bin/sh' > "$root/etc/passwd"
echo 'root:x:0:' > "$root/etc/group"
for m in drivers/virtio/virtio_mmio drivers/block/virtio_blk net/core/failover \
	 drivers/net/net_failover drivers/net/virtio_net drivers/char/virtio_console \
	 drivers/char/hw_random/virtio-rng; do
	arm-linux-gnueabihf-strip --strip-debug -o "$root/lib/modules/${m##*/}.ko" "$mods/$m.ko"
done
mkdir -p "$(dirname "$out")"
(cd "$root" && find . | LC_ALL=C sort | cpio -o -H newc --quiet -R 0:0) | gzip -9 > "$out"
