# shellcheck shell=bash
# Sourced by mkguest-initramfs.sh and mkrootfs.sh: put kernel modules into an
# initramfs tree, each after those it depends on (its .modinfo depends=),
# uncompressed (6.12 and later ship them xz-compressed) and without debug
# information, as ROOT/lib/modules/NAME.ko, their load order in
# ROOT/lib/modules/order. A driver built into the kernel (modules.builtin)
# is left out; a name that is neither is an error. "-" and "_" in a
# module's name are the same, as for modprobe.
#   initramfs_modules MODDIR ROOT MODULE...

# One module, its dependencies first. MODDIR, ROOT and the set of modules
# already added come from initramfs_modules (bash's dynamic scope).
initramfs_module() {
	local m=$1 f dep pat tmp
	pat=${m//[-_]/[-_]}
	[ -n "${im_added[$pat]:-}" ] && return 0
	im_added[$pat]=1
	f=$(find "$im_moddir/kernel" -name "$pat.ko" -o -name "$pat.ko.xz" -o -name "$pat.ko.zst" | head -n1)
	if [ -z "$f" ]; then
		grep -q "/$pat\.ko\$" "$im_moddir/modules.builtin" && return 0
		echo "initramfs-modules: $m is neither a module nor built into ${im_moddir%/lib/modules/*}" >&2
		return 1
	fi
	tmp=$im_root/lib/modules/$m.ko.tmp
	case $f in
	*.xz) xz -dc "$f" ;;
	*.zst) zstd -qdc "$f" ;;
	*) cat "$f" ;;
	esac >"$tmp"
	for dep in $(strings "$tmp" | sed -n 's/^depends=//p' | tr ',' ' '); do
		initramfs_module "$dep" || return 1
	done
	arm-linux-gnueabihf-strip --strip-debug -o "$im_root/lib/modules/$m.ko" "$tmp"
	rm "$tmp"
	echo "$m" >>"$im_root/lib/modules/order"
}

initramfs_modules() {
	local im_moddir=$1 im_root=$2 m
	local -A im_added=()
	shift 2
	mkdir -p "$im_root/lib/modules"
	: >"$im_root/lib/modules/order"
	for m in "$@"; do
		initramfs_module "$m" || return 1
	done
}
