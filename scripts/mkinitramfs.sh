#!/usr/bin/env bash
# Build the board's initramfs: a static busybox, tests/board/init as /init,
# armvirt.ko ($ARMVIRT_KO, default the one built in the top folder),
# /bin/armvirt-check and /bin/armvirt-ctl (tools/), and the
# test programs of the suites given. Without a suite (the interactive board),
# or with the vmm, bench or dev suite, also what running a Linux guest needs: the VMM
# (/bin/armvirt-vmm), the guest's kernel and initramfs (/guest/: the kernel
# $ARMVIRT_GUEST, a key of scripts/setup.sh, default armmp-lpae, 6.1's), and
# the board kernel's tun and bridge modules ($ARMVIRT_FLAVOUR, default
# armmp-lpae; uncompressed; none for debug, whose kernel has tun built in); with
# $ARMVIRT_GUEST_CMD, the command the board's guest runs before all powers off;
# with $ARMVIRT_KVMTOOL (a static armhf kvmtool), /bin/lkvm.
#   mkinitramfs.sh OUT.cpio.gz [SUITE...]
set -euo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
out=$1
shift
cache=${ARMVIRT_CACHE:-/var/cache/armvirt}
busybox=$cache/busybox/bin/busybox
[ -x "$busybox" ] || { echo "mkinitramfs: no $busybox; run scripts/setup.sh" >&2; exit 1; }
ko=${ARMVIRT_KO:-$top/armvirt.ko}	# the module built for the board's kernel
[ -f "$ko" ] || { echo "mkinitramfs: $ko not built" >&2; exit 1; }

root=$(mktemp -d)
chmod 755 "$root"	# mktemp's 0700 would keep users other than root out of /
trap 'rm -rf "$root"' EXIT
mkdir -p "$root"/{bin,sbin,dev,proc,sys,tmp,etc,root,tests}
cp "$busybox" "$root/bin/busybox"
ln -s busybox "$root/bin/sh"
install -m 0755 "$top/tests/board/init" "$root/init"
# Debug info only slows every load down (the kernel hashes the whole file).
arm-linux-gnueabihf-strip --strip-debug -o "$root/armvirt.ko" "$ko"
# armvirt-check (tools/), which the hyp and nohyp suites run as a user would,
# armvirt-ctl, which the vmm suite drives the VMM's control socket with, and
# armvirt-stat (the exit counters, as kvm_stat)
for tool in armvirt-check armvirt-ctl armvirt-stat; do
	[ -x "$top/tools/build/$tool" ] ||
		{ echo "mkinitramfs: $top/tools/build/$tool not built (make tools)" >&2; exit 1; }
	arm-linux-gnueabihf-strip -o "$root/bin/$tool" "$top/tools/build/$tool"
done
echo 'root:x:0:0:root:/root:/bin/sh' > "$root/etc/passwd"
printf 'root:x:0:\nkvm:x:36:\n' > "$root/etc/group"
mkdir -p "$root/tests/data"
cp "$top/tests/build/data/"*.bin "$root/tests/data/"
for suite in "$@"; do
	mkdir -p "$root/tests/$suite"
	cp "$top/tests/build/$suite/"* "$root/tests/$suite/"
done
with_guest=0
[ $# = 0 ] && with_guest=1
for suite in "$@"; do
	case $suite in vmm|bench|dev|xmigrate) with_guest=1 ;; esac
done
if [ "$with_guest" = 1 ]; then
	vmm=$top/vmm/build/armvirt-vmm
	[ -x "$vmm" ] || { echo "mkinitramfs: $vmm not built" >&2; exit 1; }
	mkdir -p "$root/guest" "$root/lib/modules"
	arm-linux-gnueabihf-strip -o "$root/bin/armvirt-vmm" "$vmm"
	# the benchmark tools (tests/tools), on the board as in the guest
	for t in "$top"/tests/build/tools/*; do
		if [ -x "$t" ]; then arm-linux-gnueabihf-strip -o "$root/bin/${t##*/}" "$t"; fi
	done
	# kvmtool, for make bench KVMTOOL=PATH (a static armhf lkvm the user
	# built; tests/bench/50-study measures its guest too when present)
	if [ -n "${ARMVIRT_KVMTOOL:-}" ]; then
		arm-linux-gnueabihf-strip -o "$root/bin/lkvm" "$ARMVIRT_KVMTOOL" ||
			{ echo "mkinitramfs: $ARMVIRT_KVMTOOL: not an armhf program" >&2; exit 1; }
	fi
	guest=${ARMVIRT_GUEST:-armmp-lpae}
	guest_kroot=$(bash "$top/scripts/setup.sh" --print-kdir "$guest")
	cp "$guest_kroot/vmlinuz" "$root/guest/zImage"
	bash "$top/scripts/mkguest-initramfs.sh" "$root/guest/initramfs.cpio.gz" "$guest"
	# The board kernel's modules a guest's network needs, uncompressed in
	# /lib/modules/: tun (required; built into the debug kernel), the
	# bridge with its dependencies, loaded in this order (for --net
	# bridge=; a kernel without them skips what needs a bridge), and
	# vhost-net with its own (tests/lib/board.c loads them; without them
	# the VMM serves its NICs itself).
	if [ "${ARMVIRT_FLAVOUR:-armmp-lpae}" != debug ]; then
		board_kroot=$(bash "$top/scripts/setup.sh" --print-kdir "${ARMVIRT_FLAVOUR:-armmp-lpae}")
		for mod in drivers/net/tun net/llc/llc net/802/stp net/bridge/bridge drivers/net/tap \
			   drivers/vhost/vhost_iotlb drivers/vhost/vhost drivers/vhost/vhost_net; do
			file=$(find "$board_kroot"/lib/modules "$board_kroot"/usr/lib/modules \
				-path "*/kernel/$mod.ko*" 2>/dev/null | head -n1 || true)
			if [ -z "$file" ]; then
				[ "$mod" != drivers/net/tun ] && continue
				echo "mkinitramfs: no tun module in $board_kroot" >&2
				exit 1
			fi
			case $file in
			*.xz) xz -dc "$file" ;;		# 6.12 and later
			*.zst) zstd -qdc "$file" ;;
			*) cat "$file" ;;
			esac >"$root/lib/modules/${mod##*/}.ko"
		done
	fi
	# The xmigrate pair's link (scripts/board.sh --link): the board kernel's
	# virtio-mmio and virtio-net modules, in load order in /lib/modules/link/
	if [[ " $* " == *" xmigrate "* ]]; then
		board_kroot=$(bash "$top/scripts/setup.sh" --print-kdir "${ARMVIRT_FLAVOUR:-armmp-lpae}")
		mkdir -p "$root/lib/modules/link"
		for mod in drivers/virtio/virtio_mmio net/core/failover drivers/net/net_failover \
			   drivers/net/virtio_net; do
			file=$(find "$board_kroot"/lib/modules "$board_kroot"/usr/lib/modules \
				-path "*/kernel/$mod.ko*" 2>/dev/null | head -n1 || true)
			[ -n "$file" ] || continue	# built in
			case $file in
			*.xz) xz -dc "$file" ;;
			*.zst) zstd -qdc "$file" ;;
			*) cat "$file" ;;
			esac >"$root/lib/modules/link/${mod##*/}.ko"
			echo "${mod##*/}" >>"$root/lib/modules/link/order"
		done
	fi
	# make run CMD=...: the command the guest runs (tests/board/init)
	[ -n "${ARMVIRT_GUEST_CMD:-}" ] && printf '%s' "$ARMVIRT_GUEST_CMD" > "$root/guest/cmd"
fi
mkdir -p "$(dirname "$out")"
(cd "$root" && find . | LC_ALL=C sort | cpio -o -H newc --quiet -R 0:0) | gzip -1 > "$out"
