#!/usr/bin/env bash
# make check's host check of the packages (scripts/mkdeb.sh): lintian finds
# nothing; armvirt-dkms holds the sources, dkms.conf, the udev rule and the
# modules-load.d entry, armvirt-vmm four ARM executables and their manual
# pages; and DKMS itself, given the package's source tree (in a private
# tree, as `dkms add` and `dkms build` do on a board, cross-compiled here),
# builds an armvirt.ko for the stock 6.1 armmp-lpae kernel. Installing the
# packages on a Debian root filesystem is left to a board (not yet).
set -euo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
fail() { echo "deb: $*" >&2; exit 1; }

bash "$top/scripts/mkdeb.sh" "$out/deb" >/dev/null
dkms_deb=$(echo "$out"/deb/armvirt-dkms_*_all.deb)
vmm_deb=$(echo "$out"/deb/armvirt-vmm_*_armhf.deb)
[ -f "$dkms_deb" ] && [ -f "$vmm_deb" ] || fail "mkdeb.sh did not build both packages"

lint=$(lintian --allow-root "$dkms_deb" "$vmm_deb" 2>&1) || true
[ -z "$lint" ] || fail "lintian: $lint"

dpkg-deb -x "$dkms_deb" "$out/root"
version=$(dpkg-deb -f "$dkms_deb" Version)
src=$out/root/usr/src/armvirt-$version
for f in dkms.conf Kbuild highvisor/main.c lowvisor/switch.S uapi/armvirt_kvm.h; do
	[ -f "$src/$f" ] || fail "armvirt-dkms lacks usr/src/armvirt-$version/$f"
done
grep -qx 'KERNEL=="armvirt", GROUP="kvm", MODE="0660"' "$out/root/lib/udev/rules.d/65-armvirt.rules" ||
	fail "armvirt-dkms: no udev rule giving /dev/armvirt to kvm"
grep -qx armvirt "$out/root/usr/lib/modules-load.d/armvirt.conf" || fail "armvirt-dkms: no modules-load.d entry"
dpkg-deb -x "$vmm_deb" "$out/vmm"
for bin in armvirt-vmm armvirt-check armvirt-ctl armvirt-stat; do
	file "$out/vmm/usr/bin/$bin" | grep -q 'ELF 32-bit LSB executable, ARM' ||
		fail "armvirt-vmm: usr/bin/$bin is not an ARM executable"
	[ -f "$out/vmm/usr/share/man/man1/$bin.1.gz" ] || fail "armvirt-vmm: no manual page for $bin"
done

# DKMS, as on a board: add, then build against that kernel's headers
kdir=$(bash "$top/scripts/setup.sh" --print-kdir armmp-lpae)/build
kver=$(basename "$(readlink "$kdir")")
kver=${kver#linux-headers-}
mkdir -p "$out/dkms"
export ARCH=arm CROSS_COMPILE=arm-linux-gnueabihf-
tree=(--sourcetree "$out/root/usr/src" --dkmstree "$out/dkms")
dkms add -m armvirt -v "$version" "${tree[@]}" >"$out/dkms.log" 2>&1 &&
	dkms build -m armvirt -v "$version" "${tree[@]}" -k "$kver" --kernelsourcedir "$kdir" \
		-a armv7l >>"$out/dkms.log" 2>&1 || { cat "$out/dkms.log"; fail "dkms build failed"; }
ko=$(find "$out/dkms" -path "*/$kver/armv7l/module/armvirt.ko*" | head -n1)
[ -n "$ko" ] || { cat "$out/dkms.log"; fail "dkms built no armvirt.ko for $kver"; }
vermagic=$(modinfo -F vermagic "$ko")
[[ $vermagic == "$kver "* ]] || fail "dkms's armvirt.ko is for \"$vermagic\", not $kver"
echo "deb: $(basename "$dkms_deb") and $(basename "$vmm_deb") lintian-clean; dkms built armvirt.ko for $kver"
