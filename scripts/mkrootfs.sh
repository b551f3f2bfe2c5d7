#!/usr/bin/env bash
# The Debian root filesystem of the rootfs board (scripts/rootfs-board.sh):
# Debian 12 armhf as debootstrap makes it (minbase with systemd, udev, dkms
# and the compiler), with the stock 6.1 armmp-lpae kernel and its headers
# installed, as a user's board would have it. Cached, as it does not change
# with the code: $cache/rootfs-<kernel release>/ holds rootfs.img (raw ext4,
# 4 GiB sparse), and that kernel's vmlinuz and initrd.img (Debian's own,
# read out of the image) for QEMU to boot.
#
# debootstrap's first stage runs here, from the archive the host's own apt
# sources name (setup.sh --print-mirror); the kernel's packages come through
# the host's apt (its security suite, usually). The second stage must run
# on ARM: the board itself runs it, booted from the image with a small
# busybox initramfs (init=/armvirt-stage2), and powers off.
#
# The root filesystem carries one addition of ours, armvirt-board-test.service:
# at boot with armvirt.board_test on the kernel's command line, it runs the
# script `run` of the disk labelled armvirt-test as root, its output on the
# console. Nothing of armvirt is installed.
#   mkrootfs.sh          build it unless cached; prints the folder
set -euo pipefail

# The folder is all that goes to stdout, which callers capture: everything
# else the build runs writes to stderr (mkfs.ext4 -q still prints "Creating
# regular file" on stdout, which once became the folder's name).
exec 3>&1 1>&2

top=$(cd "$(dirname "$0")/.." && pwd)
cache=${ARMVIRT_CACHE:-/var/cache/armvirt}
suite=$(. /etc/os-release && echo "$VERSION_CODENAME")
[ "$suite" = bookworm ] || { echo "mkrootfs: the 6.1 board's root filesystem is bookworm's; the host is $suite" >&2; exit 1; }
kroot=$(bash "$top/scripts/setup.sh" --print-kdir armmp-lpae)
release=${kroot##*/linux-}		# 6.1.0-57-armmp-lpae
abi=${release%-armmp-lpae}
out=$cache/rootfs-$release
log() { echo "mkrootfs: $*" >&2; }

if [ -e "$out/.complete" ]; then
	echo "$out" >&3
	exit 0
fi
[ "$(id -u)" = 0 ] || { log "run as root (debootstrap)"; exit 1; }
command -v debootstrap >/dev/null || { log "no debootstrap; run scripts/setup.sh"; exit 1; }
mirror=$(bash "$top/scripts/setup.sh" --print-mirror)

work=$(mktemp -d /var/tmp/armvirt-rootfs.XXXXXX)	# some 900 MB: not a tmpfs
trap 'rm -rf "$work"' EXIT
root=$work/root
img=$out/rootfs.img
t0=$(date +%s)
stage2_done() { grep -qs '^armvirt-stage2: done' "$out/stage2.log"; }

# The two stages, unless a run that failed after them left their image.
build_image() {
	rm -rf "$out"
	mkdir -p "$out"

	# Everything DKMS needs to build a module, systemd and udev to boot, adduser
	# for the kvm group; the kernel itself comes below.
	pkgs=systemd-sysv,udev,kmod,dkms,adduser,passwd,login,procps,e2fsprogs,linux-base
	pkgs=$pkgs,initramfs-tools,linux-compiler-gcc-12-arm,make,libelf1,libssl3,patch
	log "debootstrap (first stage) of $suite armhf"
	debootstrap --arch=armhf --foreign --variant=minbase --include="$pkgs" \
		"$suite" "$root" "$mirror" >"$work/debootstrap.log" 2>&1 ||
		{ tail -n 20 "$work/debootstrap.log" >&2; log "debootstrap failed"; exit 1; }
	# In a container, debootstrap makes /proc a link to the host's: the board
	# needs the mount point.
	if [ -L "$root/proc" ]; then rm "$root/proc" && mkdir -m 0555 "$root/proc"; fi

	# The kernel's packages, at the version the board boots (setup.sh's)
	version=$(apt-cache show "linux-image-$release:armhf" | sed -n 's/^Version: //p' | head -n1)
	[ -n "$version" ] || { log "the host's apt knows no linux-image-$release:armhf"; exit 1; }
	mkdir -p "$root/var/cache/armvirt-kernel"
	(cd "$root/var/cache/armvirt-kernel" && apt-get download -q -o APT::Sandbox::User=root \
		"linux-image-$release:armhf=$version" "linux-headers-$release:armhf=$version" \
		"linux-headers-$abi-common=$version" "linux-kbuild-6.1:armhf=$version" >&2)

	# The second stage, run by the board as PID 1: debootstrap's, the kernel,
	# a few settings, then power off. Its last line says whether it worked.
	cat >"$root/armvirt-stage2" <<'EOF'
#!/bin/sh
export PATH=/usr/sbin:/usr/bin:/sbin:/bin
stage2() {
	mount -t proc proc /proc && mount -t sysfs sysfs /sys || return 1
	/debootstrap/debootstrap --second-stage || return 1
	# debootstrap unmounts them; the kernel's postinst (dkms) needs them
	mountpoint -q /proc || mount -t proc proc /proc || return 1
	mountpoint -q /sys || mount -t sysfs sysfs /sys || return 1
	[ -e /dev/fd ] || ln -s /proc/self/fd /dev/fd
	dpkg -i /var/cache/armvirt-kernel/*.deb || return 1
	rm -rf /var/cache/armvirt-kernel /var/cache/apt/archives/*.deb
	echo armvirt-board >/etc/hostname
	echo '/dev/vda / ext4 errors=remount-ro 0 1' >/etc/fstab
	passwd -d root
}
if stage2; then echo "armvirt-stage2: done"; else echo "armvirt-stage2: failed"; fi
sync
mount -o remount,ro / 2>/dev/null
echo o >/proc/sysrq-trigger
sleep 60
EOF
	chmod 0755 "$root/armvirt-stage2"

	# The initramfs of the second stage's boot: busybox, the modules that
	# reach an ext4 virtio disk, in dependency order.
	. "$top/scripts/initramfs-modules.sh"
	moddir=$(find "$kroot/lib/modules" -mindepth 1 -maxdepth 1 -type d | head -n1)
	ird=$work/initramfs
	mkdir -p "$ird"/{bin,dev,proc,sys,newroot,lib/modules}
	cp "$cache/busybox/bin/busybox" "$ird/bin/busybox"
	ln -s busybox "$ird/bin/sh"
	initramfs_modules "$moddir" "$ird" virtio_mmio virtio_blk crc32c_generic ext4 || exit 1
	cat >"$ird/init" <<'EOF'
#!/bin/sh
/bin/busybox --install -s /bin
mount -t proc proc /proc
mount -t devtmpfs dev /dev
for m in $(cat /lib/modules/order); do insmod "/lib/modules/$m.ko"; done
i=0
while [ ! -b /dev/vda ] && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
mount -t ext4 /dev/vda /newroot || { echo "armvirt-stage2: failed (no root disk)"; poweroff -f; }
mount --move /dev /newroot/dev
umount /proc
exec switch_root /newroot /armvirt-stage2
EOF
	chmod 0755 "$ird/init"
	(cd "$ird" && find . | LC_ALL=C sort | cpio -o -H newc --quiet -R 0:0) | gzip -1 >"$work/initramfs.gz"

	log "the image ($(du -sh "$root" | cut -f1) so far)"
	mkfs.ext4 -q -L armvirt-root -d "$root" "$img" 4G

	log "second stage on the board (some 20 minutes)"
	timeout --foreground -k 5 3600 qemu-system-arm -M virt,highmem=off -cpu cortex-a15 -smp 2 -m 1024 \
		-nic none -no-reboot -nographic \
		-drive "if=none,id=root,format=raw,file=$img" -device virtio-blk-device,drive=root \
		-kernel "$kroot/vmlinuz" -initrd "$work/initramfs.gz" \
		-append "console=ttyAMA0 panic=-1 loglevel=4" </dev/null >"$out/stage2.log" 2>&1 || true
}
stage2_done || build_image
if ! stage2_done; then
	tail -n 30 "$out/stage2.log" >&2
	log "the second stage failed (its console: $out/stage2.log)"
	exit 1
fi

# The board's last writes may wait in the journal (its power-off does not
# unmount /): replay it. e2fsck's status 1 is "errors corrected".
e2fsck -fy "$img" >"$work/e2fsck.log" 2>&1 || [ $? = 1 ] ||
	{ cat "$work/e2fsck.log" >&2; log "e2fsck cannot repair the image"; exit 1; }

# Our one addition, the board test's unit, enabled; written into the image
# here because the second stage's debootstrap would not keep it.
cat >"$work/armvirt-board-test.service" <<'EOF'
# armvirt's rootfs board (scripts/rootfs-board.sh): with armvirt.board_test
# on the kernel's command line, runs the script `run` of the disk labelled
# armvirt-test, as root, on the console; nothing otherwise.
[Unit]
Description=armvirt board test (the script of the disk labelled armvirt-test)
ConditionKernelCommandLine=armvirt.board_test
After=systemd-modules-load.service systemd-udev-trigger.service local-fs.target
Before=getty.target serial-getty@ttyAMA0.service

[Service]
Type=oneshot
ExecStart=/bin/sh -c 'udevadm settle; mkdir -p /mnt/armvirt-test && mount -o ro LABEL=armvirt-test /mnt/armvirt-test && exec /mnt/armvirt-test/run'
StandardOutput=tty
StandardError=tty
TTYPath=/dev/console
TimeoutStartSec=infinity

[Install]
WantedBy=multi-user.target
EOF
debugfs -w -f - "$img" >"$work/debugfs.log" 2>&1 <<EOF
write $work/armvirt-board-test.service /etc/systemd/system/armvirt-board-test.service
symlink /etc/systemd/system/multi-user.target.wants/armvirt-board-test.service /etc/systemd/system/armvirt-board-test.service
EOF
{ debugfs -R "cat /etc/systemd/system/armvirt-board-test.service" "$img" 2>/dev/null |
	grep -q armvirt.board_test &&
	debugfs -R "stat /etc/systemd/system/multi-user.target.wants/armvirt-board-test.service" "$img" 2>/dev/null |
	grep -q 'Type: symlink'; } || { cat "$work/debugfs.log" >&2; log "could not add the board test's unit"; exit 1; }

# Debian's kernel and initramfs, for QEMU's -kernel and -initrd
debugfs -R "dump -p /boot/vmlinuz-$release $out/vmlinuz" "$img" >/dev/null 2>&1
debugfs -R "dump -p /boot/initrd.img-$release $out/initrd.img" "$img" >/dev/null 2>&1
[ -s "$out/vmlinuz" ] && [ -s "$out/initrd.img" ] ||
	{ log "no /boot/vmlinuz-$release or initrd.img-$release in the image"; exit 1; }
e2fsck -fn "$img" >/dev/null 2>&1 || { log "the image's file system is not clean"; exit 1; }
touch "$out/.complete"
log "ready in $(( $(date +%s) - t0 )) s: $out"
echo "$out" >&3
