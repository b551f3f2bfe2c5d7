#!/usr/bin/env bash
# Build the board's initramfs: a static busybox, tests/board/init as /init,
# armvirt.ko ($ARMVIRT_KO, default the one built in the top folder), and the
# test programs of the suites given.
#   mkinitramfs.sh OUT.cpio.gz [SUITE...]
set -euo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
out=$1
shift
cache=${ARMVIRT_CACHE:-$top/.cache}
busybox=$cache/busybox/bin/busybox
[ -x "$busybox" ] || { echo "mkinitramfs: no $busybox; run scripts/setup.sh" >&2; exit 1; }
ko=${ARMVIRT_KO:-$top/armvirt.ko}	# the module built for the board's kernel
[ -f "$ko" ] || { echo "mkinitramfs: $ko not built" >&2; exit 1; }

root=$(mktemp -d)
trap 'rm -rf "$root"' EXIT
mkdir -p "$root"/{bin,sbin,dev,proc,sys,tmp,etc,root,tests}
cp "$busybox" "$root/bin/busybox"
ln -s busybox "$root/bin/sh"
install -m 0755 "$top/tests/board/init" "$root/init"
# Debug info only slows every load down (the kernel hashes the whole file).
arm-linux-gnueabihf-strip --strip-debug -o "$root/armvirt.ko" "$ko"
echo 'root:x:0:0:root:/root:/bin/sh' > "$root/etc/passwd"
printf 'root:x:0:\nkvm:x:36:\n' > "$root/etc/group"
mkdir -p "$root/tests/data"
cp "$top/tests/build/data/"*.bin "$root/tests/data/"
for suite in "$@"; do
	mkdir -p "$root/tests/$suite"
	cp "$top/tests/build/$suite/"* "$root/tests/$suite/"
done
mkdir -p "$(dirname "$out")"
(cd "$root" && find . | LC_ALL=C sort | cpio -o -H newc --quiet -R 0:0) | gzip -1 > "$out"
