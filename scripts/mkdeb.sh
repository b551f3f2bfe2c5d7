#!/usr/bin/env bash
# make deb: the Debian packages, in build/deb/ (or OUTDIR):
#   armvirt-dkms_VERSION_all.deb   the module's source with packaging/dkms.conf.in,
#                                  the udev rule (/dev/armvirt root:kvm 0660) and a
#                                  modules-load.d entry; DKMS builds it on install
#   armvirt-vmm_VERSION_armhf.deb  armvirt-vmm, armvirt-check, armvirt-ctl,
#                                  armvirt-stat (static armhf binaries)
# VERSION: packaging/VERSION, and ~gitDATE.HASH when built from a git checkout.
#   mkdeb.sh [OUTDIR]     (the binaries must be built: make vmm tools)
set -euo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
out=${1:-$top/build/deb}
pkg=$top/packaging
maintainer=${ARMVIRT_MAINTAINER:-armvirt developers <armvirt@example.org>}
version=$(cat "$pkg/VERSION")
if git -C "$top" rev-parse --git-dir >/dev/null 2>&1; then
	version="$version~git$(git -C "$top" log -1 --date=format:%Y%m%d --format=%cd.%h)"
fi
date_r=$(git -C "$top" log -1 --format=%cD 2>/dev/null || date -R)

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p "$out"

# @VERSION@, @MAINTAINER@ and @SIZE@ (KiB under the package root) in a template.
fill() {
	local root=${3:-}
	local size=0
	[ -n "$root" ] && size=$(du -sk --exclude=DEBIAN "$root" | cut -f1)
	sed -e "s|@VERSION@|$version|g" -e "s|@MAINTAINER@|$maintainer|g" \
	    -e "s|@SIZE@|$size|g" "$1" >"$2"
}

# copyright and a changelog in /usr/share/doc/PACKAGE, as Debian policy asks
# (changelog.gz: a native package, its version without a Debian revision).
add_docs() {
	local root=$1 name=$2 doc=$1/usr/share/doc/$2
	install -d "$doc"
	install -m 0644 "$pkg/copyright" "$doc/copyright"
	printf '%s (%s) unstable; urgency=medium\n\n  * Built from the armvirt sources%s.\n\n -- %s  %s\n' \
		"$name" "$version" "$(git -C "$top" log -1 --format=' at commit %h' 2>/dev/null || true)" \
		"$maintainer" "$date_r" | gzip -9n >"$doc/changelog.gz"
	chmod 0644 "$doc/changelog.gz"
}

build() {
	local root=$1 name=$2 arch=$3
	fill "$pkg/$name.control" "$root/DEBIAN/control" "$root"
	find "$root" -type d -exec chmod 0755 {} +
	dpkg-deb --root-owner-group -Zxz --build "$root" "$out/${name}_${version}_$arch.deb" >/dev/null
	echo "$out/${name}_${version}_$arch.deb"
}

# armvirt-dkms
root=$work/dkms
src=$root/usr/src/armvirt-$version
install -d "$src" "$root/DEBIAN" "$root/lib/udev/rules.d" "$root/usr/lib/modules-load.d"
(cd "$top" && cp --parents Kbuild $(find highvisor lowvisor mmu uapi vgic timer -name '*.[chS]') "$src/")
find "$src" -type f -exec chmod 0644 {} +
fill "$pkg/dkms.conf.in" "$src/dkms.conf"
install -m 0644 "$top/scripts/65-armvirt.rules" "$root/lib/udev/rules.d/65-armvirt.rules"
install -m 0644 "$pkg/modules-load.conf" "$root/usr/lib/modules-load.d/armvirt.conf"
for script in postinst prerm; do
	fill "$pkg/armvirt-dkms.$script" "$root/DEBIAN/$script"
	chmod 0755 "$root/DEBIAN/$script"
done
add_docs "$root" armvirt-dkms
build "$root" armvirt-dkms all

# armvirt-vmm
root=$work/vmm
install -d "$root/DEBIAN" "$root/usr/bin"
for bin in "$top/vmm/build/armvirt-vmm" "$top"/tools/build/armvirt-{check,ctl,stat}; do
	[ -x "$bin" ] || { echo "mkdeb: $bin not built (make vmm tools)" >&2; exit 1; }
	arm-linux-gnueabihf-strip -o "$root/usr/bin/${bin##*/}" "$bin"
	chmod 0755 "$root/usr/bin/${bin##*/}"
done
install -d "$root/usr/share/man/man1" "$root/usr/share/lintian/overrides"
for page in "$pkg"/man/*.1; do
	gzip -9n <"$page" >"$root/usr/share/man/man1/${page##*/}.gz"
	chmod 0644 "$root/usr/share/man/man1/${page##*/}.gz"
done
# static on purpose: they run in any root filesystem, a guest's initramfs too
for bin in "$root"/usr/bin/*; do
	echo "armvirt-vmm: statically-linked-binary [usr/bin/${bin##*/}]"
done >"$root/usr/share/lintian/overrides/armvirt-vmm"
chmod 0644 "$root/usr/share/lintian/overrides/armvirt-vmm"
add_docs "$root" armvirt-vmm
build "$root" armvirt-vmm armhf
