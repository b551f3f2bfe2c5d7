#!/usr/bin/env bash
# The rootfs board: a real Debian 12 armhf system (scripts/mkrootfs.sh,
# cached) booted on the emulated board from a virtio disk, with systemd,
# udev and Debian's own initramfs, the kernel in HYP mode. A second disk,
# labelled armvirt-test, brings make deb's two packages, a guest, and
# tests/rootfs/run, which the system runs at boot: it installs the packages
# with apt (DKMS builds the module on the board), boots a guest as a user of
# group kvm, reboots, checks that the module came back, and powers off.
# The root disk is a copy-on-write overlay: the cached image stays clean.
#   rootfs-board.sh [--log FILE] [--timeout SECONDS] (whole run; default 3600)
set -euo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
log='' timeout=3600
while [ $# -gt 0 ]; do
	case $1 in
	--log) log=$2; shift ;;
	--timeout) timeout=$2; shift ;;
	*) echo "rootfs-board.sh: unknown option $1" >&2; exit 2 ;;
	esac
	shift
done

rootfs=$(bash "$top/scripts/mkrootfs.sh")
[ -e "$rootfs/.complete" ] ||
	{ echo "rootfs-board.sh: mkrootfs.sh printed '$rootfs', not a finished root filesystem's folder" >&2; exit 1; }
work=$(mktemp -d /var/tmp/armvirt-rootfs-board.XXXXXX)
trap 'rm -rf "$work"' EXIT
qemu-img create -q -f qcow2 -b "$rootfs/rootfs.img" -F raw "$work/root.qcow2"

disk=$work/test
mkdir -p "$disk/guest"
bash "$top/scripts/mkdeb.sh" "$disk" >/dev/null
install -m 0755 "$top/tests/rootfs/run" "$disk/run"
cp "$(bash "$top/scripts/setup.sh" --print-kdir armmp-lpae)/vmlinuz" "$disk/guest/zImage"
bash "$top/scripts/mkguest-initramfs.sh" "$disk/guest/initramfs.cpio.gz" armmp-lpae
mkfs.ext4 -q -L armvirt-test -d "$disk" "$work/test.img" 256M

# No -no-reboot: the test reboots the board once; its poweroff ends QEMU.
qemu=(qemu-system-arm -M virt,highmem=off,virtualization=on -cpu cortex-a15 -smp 2 -m 1024
      -nic none -nographic
      -drive "if=none,id=root,format=qcow2,file=$work/root.qcow2" -device virtio-blk-device,drive=root
      -drive "if=none,id=test,format=raw,file=$work/test.img,readonly=on"
      -device virtio-blk-device,drive=test
      -kernel "$rootfs/vmlinuz" -initrd "$rootfs/initrd.img"
      -append "root=LABEL=armvirt-root rw console=ttyAMA0 panic=-1 loglevel=4 systemd.show_status=0 armvirt.board_test")
if [ -n "$log" ]; then
	timeout --foreground -k 5 "$timeout" "${qemu[@]}" </dev/null >"$log" 2>&1
else
	timeout --foreground -k 5 "$timeout" "${qemu[@]}" </dev/null
fi
