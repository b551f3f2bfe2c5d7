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

# One module and, first, those it depends on (its .modinfo depends=).
declare -A added
add_module() {
	local m=$1 f dep pat
	pat=${m//[-_]/[-_]}
	[ -n "${added[$pat]:-}" ] && return
	added[$pat]=1
	f=$(find "$moddir/kernel" -name "$pat.ko" -o -name "$pat.ko.xz" -o -name "$pat.ko.zst" | head -n1)
	if [ -z "$f" ]; then
		grep -q "/$pat\.ko\$" "$moddir/modules.builtin" && return
		echo "mkguest-initramfs: $m is neither a module nor built into $kroot" >&2
		exit 1
	fi
	case $f in
	*.xz) xz -dc "$f" ;;
	*.zst) zstd -qdc "$f" ;;
	*) cat "$f" ;;
	esac >"$root/lib/modules/$m.ko.tmp"
	for dep in $(strings "$root/lib/modules/$m.ko.tmp" | sed -n 's/^depends=//p' | tr ',' ' '); do
		add_module "$dep"
	done
	arm-linux-gnueabihf-strip --strip-debug -o "$root/lib/modules/$m.ko" "$root/lib/modules/$m.ko.tmp"
	rm "$root/lib/modules/$m.ko.tmp"
	echo "$m" >>"$root/lib/modules/order"
}
: >"$root/lib/modules/order"
for m in virtio_mmio virtio_pci virtio_blk virtio_net virtio_console virtio-rng; do
	add_module "$m"
done
mkdir -p "$(dirname "$out")"
(cd "$root" && find . | LC_ALL=C sort | cpio -o -H newc --quiet -R 0:0) | gzip -9 > "$out"
