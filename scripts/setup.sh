#!/usr/bin/env bash
# Set up everything armvirt needs on a Debian 12 x86-64 build machine, as root:
# the armhf cross toolchain, QEMU, kbuild, and, in the cache folder, the stock
# Debian armhf kernels (image, headers, kbuild) of every kernel armvirt is
# tested on, the compiler each was built with, and a static busybox.
#
# The kernels, by key <version>-<flavour>:
#
#   5.10-armmp 5.10-armmp-lpae 5.10-rt-armmp   Debian 11 (bullseye)
#   6.1-armmp  6.1-armmp-lpae  6.1-rt-armmp    Debian 12 (bookworm, this host)
#   6.12-armmp 6.12-armmp-lpae 6.12-rt-armmp   Debian 13 (trixie)
#   7.2-armmp  7.2-armmp-lpae                  Debian unstable (sid)
#
# The short names armmp-lpae, armmp and rt-armmp are the 6.1 ones; debug is
# the debug board's kernel (scripts/debug-kernel.sh). ARMVIRT_KERNELS limits
# what is fetched (a list of keys; default all).
#
# The host's suite comes from the host's own apt configuration. The other
# suites are read through a private apt state in $cache/apt-<suite>/, whose
# sources list is made at run time from the archive addresses the host's
# sources already name (no address is written anywhere in this tree), signed
# by the host's debian-archive-keyring; the host's apt sources and state
# stay as they are. Each kernel's ABI comes from its suite's index (the
# linux-image-<flavour> metapackage's dependency), so a new upload does not
# break anything; a download that fails refreshes that suite's index once.
#
# Kbuild runs host programs (fixdep, modpost, genksyms...) of the kernel's
# own version, and the module is compiled by the gcc the kernel was built
# with (its headers' .config says which). 6.1's are this host's packages;
# the others are Debian's amd64 packages of that suite (linux-kbuild-*,
# gcc-N-arm-linux-gnueabihf and its cpp and libgcc dev package), extracted
# into the cache. Programs that need a newer glibc than the host's are made
# to run with their own suite's C library and libraries, also extracted into
# the cache ($cache/runtime-<suite>/), by setting their ELF interpreter and
# library path (patchelf).
#
# Idempotent: when everything is present it reads the ABIs remembered from
# the indexes and exits in a second or two, without any download.
#
#   setup.sh                       install and fetch everything
#   setup.sh --print-kdir [KEY]    the cache folder of that kernel
#                                  (.../linux-<abi>-<flavour>, default
#                                  armmp-lpae), installing nothing
#   setup.sh --print-cc KEY        the compiler for that kernel
#   setup.sh --print-kernels       every key, one a line
#   setup.sh --print-mirror        the archive address the host's own suite
#                                  comes from (scripts/mkrootfs.sh's debootstrap)
set -euo pipefail
shopt -s inherit_errexit

top=$(cd "$(dirname "$0")/.." && pwd)
cache=${ARMVIRT_CACHE:-/var/cache/armvirt}

log() { echo "setup: $*" >&2; }

# The kernels of the table above: which suite each version comes from, and
# the flavours Debian builds there (sid has no rt-armmp).
versions=(5.10 6.1 6.12 7.2)
declare -A suite_of=([5.10]=bullseye [6.1]=bookworm [6.12]=trixie [7.2]=sid)
declare -A flavours_of=([5.10]="armmp armmp-lpae rt-armmp"
			[6.1]="armmp armmp-lpae rt-armmp"
			[6.12]="armmp armmp-lpae rt-armmp"
			[7.2]="armmp armmp-lpae")
all_keys() {
	local v f
	for v in "${versions[@]}"; do
		for f in ${flavours_of[$v]}; do echo "$v-$f"; done
	done
}

# Sets kver and kflav from a key (or a short 6.1 name).
split_key() {
	local key=$1
	case $key in armmp|armmp-lpae|rt-armmp) key=6.1-$key ;; esac
	kver=${key%%-*}
	kflav=${key#*-}
	if [ -z "${suite_of[$kver]:-}" ] || [[ " ${flavours_of[$kver]} " != *" $kflav "* ]]; then
		log "unknown kernel '$1'; known: debug $(all_keys | tr '\n' ' ')"
		exit 2
	fi
}

host_codename=$(. /etc/os-release && echo "${VERSION_CODENAME:-}")
host_glibc=$(getconf GNU_LIBC_VERSION | awk '{ print $2 }')

# "URI SUITE" for each binary package source of the host's apt configuration
# (deb822 .sources files and one-line .list files).
host_sources() {
	local f
	for f in /etc/apt/sources.list.d/*.sources; do
		[ -e "$f" ] || continue
		awk 'function flush(  i, j) {
			if (deb && on) for (i in u) for (j in s) print u[i], s[j]
			deb = 0; on = 1; split("", u); split("", s)
		}
		BEGIN { on = 1 }
		/^#/ { next }
		/^[ \t]*$/ { flush(); next }
		tolower($1) == "types:" { for (i = 2; i <= NF; i++) if ($i == "deb") deb = 1 }
		tolower($1) == "enabled:" { on = tolower($2) != "no" }
		tolower($1) == "uris:" { for (i = 2; i <= NF; i++) u[i] = $i }
		tolower($1) == "suites:" { for (i = 2; i <= NF; i++) s[i] = $i }
		END { flush() }' "$f"
	done
	for f in /etc/apt/sources.list /etc/apt/sources.list.d/*.list; do
		[ -e "$f" ] || continue
		awk '$1 == "deb" {
			i = 2
			if ($2 ~ /^\[/) { while (i < NF && $i !~ /\]$/) i++; i++ }
			print $i, $(i + 1)
		}' "$f"
	done
}

# The private apt state of a suite other than the host's: sets aopt, the
# options that point apt at it (empty for the host's suite), and writes
# its sources list: the host's archive addresses, with the host's suite
# name replaced (<host>, <host>-updates, <host>-security; unstable has only
# the first), armhf and amd64, checked with the host's archive keyring.
aopt=()
apt_state() {
	local suite=$1 d src
	aopt=()
	[ "$suite" = "$host_codename" ] && return 0
	d=$cache/apt-$suite
	src=$(host_sources | while read -r uri s; do
		case $s in
		"$host_codename") echo "$uri $suite" ;;
		"$host_codename"-updates|"$host_codename"-security)
			[ "$suite" = sid ] || echo "$uri $suite-${s#*-}" ;;
		esac
	done | sort -u | while read -r uri s; do
		printf 'Types: deb\nURIs: %s\nSuites: %s\nComponents: main\n' "$uri" "$s"
		printf 'Architectures: armhf amd64\n'
		printf 'Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg\n\n'
	done)
	if [ -z "$src" ]; then
		log "no Debian archive in the host's apt sources to reach $suite through"
		exit 1
	fi
	if [ ! -d "$d/lists/partial" ] || [ "$(cat "$d/sources.list.d/armvirt.sources" 2>/dev/null)" != "$src" ]; then
		mkdir -p "$d/lists/partial" "$d/archives/partial" "$d/sources.list.d" "$d/preferences.d"
		: >"$d/status"
		printf '%s\n' "$src" >"$d/sources.list.d/armvirt.sources"
	fi
	aopt=(-o "Dir::State=$d" -o "Dir::State::Lists=$d/lists"
	      -o "Dir::State::status=$d/status" -o "Dir::Cache=$d"
	      -o "Dir::Cache::archives=$d/archives" -o "Dir::Etc::SourceList=/dev/null"
	      -o "Dir::Etc::SourceParts=$d/sources.list.d" -o "Dir::Etc::Preferences=/dev/null"
	      -o "Dir::Etc::PreferencesParts=$d/preferences.d"
	      -o "APT::Architecture=amd64" -o "APT::Architectures::=armhf"
	      -o "Acquire::Languages=none")
}
lists_of() {
	if [ "$1" = "$host_codename" ]; then echo /var/lib/apt/lists; else echo "$cache/apt-$1/lists"; fi
}

# apt-get update may fail for one index (a mirror sync in progress) while the
# others are fine: carry on, and let the download say what is really missing.
apt_update() {
	local suite=$1 out
	apt_state "$suite"
	log "apt-get update ($suite)"
	if ! out=$(apt-get "${aopt[@]}" update -q 2>&1); then
		log "apt-get update ($suite) reported errors; continuing with the indexes it got:"
		echo "$out" | grep -E '^(E|W):' | sed 's/^/setup:   /' >&2
	fi
	if echo "$out" | grep -qE 'NO_PUBKEY|not signed|EXPKEYSIG|is not signed'; then
		log "$suite: its Release file does not verify with the host's debian-archive-keyring"
	fi
}

# Each suite's kernels, from its index: flavour, ABI and kbuild package,
# remembered in $cache/apt-<suite>/kernels until the index changes (reading
# the index costs a second or more per suite). Fills abi[] and kbuild_pkg[]
# by key; returns 1 if the index lacks a flavour.
declare -A abi kbuild_pkg
load_suite() {
	local v=$1 suite=${suite_of[$1]} memo lists f a k out n=0
	memo=$cache/apt-$suite/kernels
	lists=$(lists_of "$suite")
	if [ ! -s "$memo" ] || [ -n "$(find "$lists" -maxdepth 1 -newer "$memo" -name '*Release' 2>/dev/null | head -n1)" ]; then
		apt_state "$suite"
		out=$(
			# shellcheck disable=SC2046 # one argument per flavour
			apt-cache "${aopt[@]}" depends $(for f in ${flavours_of[$v]}; do
				echo "linux-image-$f:armhf"; done) 2>/dev/null |
			awk '/^linux-image-/ { f = $1; sub(/^linux-image-/, "", f); sub(/:armhf$/, "", f); next }
			f != "" && $1 == "Depends:" && $2 ~ /^linux-image-/ {
				a = $2; sub(/^linux-image-/, "", a); sub(/:armhf$/, "", a)
				n = length(a) - length(f) - 1
				if (n > 0 && substr(a, n + 1) == "-" f) print f, substr(a, 1, n)
				f = ""
			}')
		[ "$(echo "$out" | grep -c .)" = "$(echo ${flavours_of[$v]} | wc -w)" ] || return 1
		out=$(echo "$out" | while read -r f a; do
			k=$(apt-cache "${aopt[@]}" depends "linux-headers-$a-$f:armhf" 2>/dev/null |
				sed -n 's/^ *Depends: \(linux-kbuild-[^:]*\).*/\1/p' | head -n1)
			[ -n "$k" ] && echo "$f $a $k"
		done)
		[ "$(echo "$out" | grep -c .)" = "$(echo ${flavours_of[$v]} | wc -w)" ] || return 1
		mkdir -p "$(dirname "$memo")"
		echo "$out" >"$memo.tmp" && mv "$memo.tmp" "$memo"
	fi
	while read -r f a k; do
		abi[$v-$f]=$a
		kbuild_pkg[$v-$f]=$k
		n=$((n + 1))
	done <"$memo"
	[ "$n" = "$(echo ${flavours_of[$v]} | wc -w)" ]
}

# Download packages of a suite and unpack them into a folder.
fetch_extract() {
	local suite=$1 dest=$2 tmp d
	shift 2
	apt_state "$suite"
	tmp=$(mktemp -d)
	# apt downloads as the _apt user where that user exists
	chown _apt "$tmp" 2>/dev/null || true
	if ! (cd "$tmp" && apt-get "${aopt[@]}" download -q "$@" >&2); then
		rm -rf "$tmp"
		return 1
	fi
	mkdir -p "$dest"
	for d in "$tmp"/*.deb; do
		dpkg-deb -x "$d" "$dest" || { rm -rf "$tmp"; return 1; }
	done
	rm -rf "$tmp"
}

# The newest glibc symbol version an ELF file needs (empty if none).
glibc_needed() {
	objdump -T "$1" 2>/dev/null | grep -o 'GLIBC_[0-9.]*' | sed 's/GLIBC_//' | sort -uV | tail -n1
}

# A suite's own amd64 C library and the libraries its programs need
# (the lib* dependencies of the packages given), in $cache/runtime-<suite>.
ensure_runtime() {
	local suite=$1
	local rt=$cache/runtime-$suite p
	shift
	apt_state "$suite"
	for p in libc6 $(apt-cache "${aopt[@]}" depends "$@" 2>/dev/null |
		sed -n 's/^ *Depends: \(\(lib\|zlib\)[^: ]*\).*/\1/p' | grep -v -- '-cross$' | sort -u); do
		[ -e "$rt/.pkg-$p" ] && continue
		log "$suite: extracting $p:amd64 into $rt"
		fetch_extract "$suite" "$rt" "$p:amd64"
		touch "$rt/.pkg-$p"
	done
}

# Make the amd64 programs in a folder, extracted from a suite's packages,
# run on this host: those that need a newer glibc than the host's get the
# suite's own dynamic loader and libraries.
make_runnable() {
	local suite=$1 dir=$2
	local rt=$cache/runtime-$suite ld f need
	shift 2
	local patch=()
	while IFS= read -r -d '' f; do
		file -b "$f" | grep -q '^ELF 64-bit.*x86-64' || continue
		need=$(glibc_needed "$f")
		[ -n "$need" ] && [ "$(printf '%s\n%s\n' "$need" "$host_glibc" | sort -V | tail -n1)" != "$host_glibc" ] &&
			patch+=("$f")
	done < <(find "$dir" -type f \( -perm -u+x -o -name '*.so*' \) -print0)
	[ ${#patch[@]} -gt 0 ] || return 0
	ensure_runtime "$suite" "$@"
	ld=$(find "$rt" -name 'ld-linux-x86-64.so.2' -type f | head -n1)
	[ -n "$ld" ] || { log "$suite: no dynamic loader in $rt"; exit 1; }
	log "$suite: ${#patch[@]} programs of $(basename "$dir") need glibc > $host_glibc: running them with $suite's"
	for f in "${patch[@]}"; do
		if readelf -l "$f" 2>/dev/null | grep -q 'Requesting program interpreter'; then
			patchelf --set-interpreter "$ld" "$f"
		fi
		patchelf --force-rpath --set-rpath "$rt/usr/lib/x86_64-linux-gnu:$rt/lib/x86_64-linux-gnu" "$f"
	done
}

# The kbuild programs of a kernel: the host's own package for the host's
# suite, else the suite's amd64 package in $cache/<package>/.
kbuild_dir() {
	local suite=$1 pkg=$2 d
	if [ "$suite" = "$host_codename" ]; then
		echo "/usr/lib/$pkg"
		return
	fi
	d=$cache/$pkg
	if [ ! -e "$d/.complete" ]; then
		log "$suite: fetching $pkg:amd64 (kbuild programs)"
		rm -rf "$d"
		fetch_extract "$suite" "$d" "$pkg:amd64"
		make_runnable "$suite" "$d/usr/lib/$pkg" "$pkg:amd64"
		{ "$d/usr/lib/$pkg/scripts/basic/fixdep" 2>&1 || true; } | grep -qi usage ||
			{ log "$pkg: fixdep does not run here"; exit 1; }
		touch "$d/.complete"
	fi
	echo "$d/usr/lib/$pkg"
}

# The gcc major version a kernel was built with, from its headers' .config.
kernel_gcc() {
	local cfg
	cfg=$(echo "$1"/usr/src/linux-headers-*-"$2"/.config)
	sed -n 's/^CONFIG_GCC_VERSION=\([0-9]*\)/\1/p' "$cfg" | awk '{ print int($1 / 10000) }'
}
# The cross compiler of that major version: the host's, or the suite's,
# extracted into $cache/gcc-<N>-<suite>/. With --no-fetch, only its path.
cross_gcc() {
	local suite=$1 n=$2 fetch=${3:-} d
	if command -v "arm-linux-gnueabihf-gcc-$n" >/dev/null; then
		command -v "arm-linux-gnueabihf-gcc-$n"
		return
	fi
	d=$cache/gcc-$n-$suite
	if [ ! -e "$d/.complete" ] && [ "$fetch" != --no-fetch ]; then
		log "$suite: fetching gcc-$n-arm-linux-gnueabihf (the compiler of its kernels)"
		rm -rf "$d"
		fetch_extract "$suite" "$d" "gcc-$n-arm-linux-gnueabihf:amd64" \
			"cpp-$n-arm-linux-gnueabihf:amd64" "libgcc-$n-dev-armhf-cross"
		make_runnable "$suite" "$d" "gcc-$n-arm-linux-gnueabihf:amd64" \
			"cpp-$n-arm-linux-gnueabihf:amd64"
		# gcc finds as and ld in its tool folder, relative to itself: the
		# host's armhf binutils
		mkdir -p "$d/usr/arm-linux-gnueabihf"
		ln -sfn /usr/arm-linux-gnueabihf/bin "$d/usr/arm-linux-gnueabihf/bin"
		echo 'int x;' | "$d/usr/bin/arm-linux-gnueabihf-gcc-$n" -x c -c -o /dev/null - ||
			{ log "gcc-$n from $suite does not run here"; exit 1; }
		touch "$d/.complete"
	fi
	[ -e "$d/.complete" ] || return 1
	echo "$d/usr/bin/arm-linux-gnueabihf-gcc-$n"
}

# Image, headers and kbuild of one kernel, extracted and made usable for
# kbuild. Sets download_failed=1 if a download failed.
download_failed=0
fetch_kernel() {
	local key=$1 suite a flavour kroot hdr kb kbname parts common
	split_key "$key"
	suite=${suite_of[$kver]} flavour=$kflav key=$kver-$kflav
	a=${abi[$key]}
	kroot=$cache/linux-$a-$flavour
	if [ ! -e "$kroot/.complete" ]; then
		log "fetching the Debian $a-$flavour kernel and headers ($suite)"
		rm -rf "$kroot"
		# the common headers: -common, or -common-rt for rt-armmp
		apt_state "$suite"
		common=$(apt-cache "${aopt[@]}" depends "linux-headers-$a-$flavour:armhf" 2>/dev/null |
			sed -n "s/^ *Depends: <\?\(linux-headers-$a-common[a-z-]*\).*/\1/p" | head -n1)
		common=${common:-linux-headers-$a-common}
		fetch_extract "$suite" "$kroot" "linux-image-$a-$flavour:armhf" \
			"linux-headers-$a-$flavour:armhf" "$common" ||
			{ download_failed=1; return 0; }
		# 7.x split the image package: the kernel (linux-binary-*), its
		# modules (linux-modules-*) and the rest (linux-base-*) are its
		# dependencies
		parts=$(apt-cache "${aopt[@]}" depends "linux-image-$a-$flavour:armhf" 2>/dev/null |
			sed -n "s/^ *Depends: \(linux-[a-z]*-$a-$flavour\):armhf$/\1:armhf/p")
		if [ -n "$parts" ]; then
			fetch_extract "$suite" "$kroot" $parts || { download_failed=1; return 0; }
		fi
		hdr=$kroot/usr/src/linux-headers-$a-$flavour
		# The flavour's Makefile names the common tree (and from 7.x its
		# own) by absolute paths.
		sed -i "s|/usr/src/linux-headers-$a-|$kroot/usr/src/linux-headers-$a-|g" "$hdr/Makefile"
		# Its scripts/ and tools/ link to ../../lib/linux-kbuild-<version>
		kbname=$(readlink "$hdr/scripts" | sed -n 's|^\.\./\.\./lib/\([^/]*\)/scripts$|\1|p')
		[ -n "$kbname" ] || { log "$hdr/scripts: not a link to a linux-kbuild folder"; exit 1; }
		kb=$(kbuild_dir "$suite" "${kbuild_pkg[$key]}")
		mkdir -p "$kroot/usr/lib"
		ln -sfn "$kb" "$kroot/usr/lib/$kbname"
		ln -sfn "usr/src/linux-headers-$a-$flavour" "$kroot/build"
		ln -sfn "$(cd "$kroot" && ls boot/vmlinuz-* usr/lib/modules/*/vmlinuz 2>/dev/null | head -n1)" "$kroot/vmlinuz"
		touch "$kroot/.complete"
	fi
	cross_gcc "$suite" "$(kernel_gcc "$kroot" "$flavour")" >/dev/null
}

case ${1:-} in
--print-kdir)
	key=${2:-armmp-lpae}
	[ "$key" = debug ] && exec bash "$top/scripts/debug-kernel.sh" --print-dir
	split_key "$key"
	load_suite "$kver" || exit 1
	echo "$cache/linux-${abi[$kver-$kflav]}-$kflav"
	exit 0 ;;
--print-cc)
	key=${2:-armmp-lpae}
	if [ "$key" = debug ]; then command -v arm-linux-gnueabihf-gcc-12; exit 0; fi
	split_key "$key"
	load_suite "$kver" || exit 1
	kroot=$cache/linux-${abi[$kver-$kflav]}-$kflav
	[ -e "$kroot/.complete" ] || exit 1
	cross_gcc "${suite_of[$kver]}" "$(kernel_gcc "$kroot" "$kflav")" --no-fetch
	exit ;;
--print-kernels)
	all_keys
	exit 0 ;;
--print-mirror)
	host_sources | awk -v s="$host_codename" '$2 == s { print $1; found = 1; exit }
		END { exit !found }' ||
		{ log "no archive in the host's apt sources serves $host_codename"; exit 1; }
	exit 0 ;;
"") ;;
*) log "unknown option $1"; exit 2 ;;
esac

[ "$(id -u)" = 0 ] || { log "run as root (it installs packages)"; exit 1; }

# Host packages: name:arch as dpkg-query names them.
host_pkgs=(gcc-arm-linux-gnueabihf libc6-dev-armhf-cross qemu-system-arm
	   linux-kbuild-6.1 libfdt-dev:armhf cpio device-tree-compiler sparse
	   xz-utils bc make gcc perl git linux-source-6.1 clang libclang-rt-14-dev flex bison
	   patchelf file binutils dkms lintian debootstrap qemu-utils)

missing_pkgs() {
	local p
	for p in "${host_pkgs[@]}"; do
		dpkg-query -W -f='${Status}\n' "$p" 2>/dev/null |
			grep -q '^install ok installed$' || echo "$p"
	done
}

need_update=0
if ! dpkg --print-foreign-architectures | grep -qx armhf; then
	log "adding the armhf architecture"
	dpkg --add-architecture armhf
	need_update=1
fi
[ -n "$(missing_pkgs)" ] && need_update=1
load_suite 6.1 || need_update=1
if [ "$need_update" = 1 ]; then
	apt_update "$host_codename"
	load_suite 6.1 || true
fi
missing=$(missing_pkgs)
if [ -n "$missing" ]; then
	log "installing:" $missing
	DEBIAN_FRONTEND=noninteractive apt-get install -y -q \
		--no-install-recommends $missing >&2
fi

kernels=${ARMVIRT_KERNELS:-$(all_keys)}
for v in "${versions[@]}"; do
	want=0
	for key in $kernels; do
		split_key "$key"
		[ "$kver" = "$v" ] && want=1
	done
	[ "$want" = 1 ] || continue
	if ! load_suite "$v"; then
		apt_update "${suite_of[$v]}"
		load_suite "$v" || { log "${suite_of[$v]}: the index has no linux-image-{${flavours_of[$v]// /,}}:armhf"; exit 1; }
	fi
	for key in $kernels; do
		split_key "$key"
		[ "$kver" = "$v" ] || continue
		download_failed=0
		t0=$(date +%s)
		fetch_kernel "$key"
		if [ "$download_failed" = 1 ]; then
			# an upload since the index was read: read the new one, once
			apt_update "${suite_of[$v]}"
			load_suite "$v" || exit 1
			fetch_kernel "$key"
			[ "$download_failed" = 0 ] || { log "cannot fetch the $key kernel"; exit 1; }
		fi
		t1=$(date +%s)
		if [ $((t1 - t0)) -gt 1 ]; then log "$key: ready in $((t1 - t0)) s"; fi
	done
done

bb=$cache/busybox
if [ ! -x "$bb/bin/busybox" ]; then
	log "fetching busybox-static:armhf"
	rm -rf "$bb"
	fetch_extract "$host_codename" "$bb" "busybox-static:armhf"
fi

# memtester (the reference study's migration workload) and the C library it
# links, for the guest's initramfs (scripts/mkguest-initramfs.sh)
mt=$cache/memtester
if [ ! -x "$mt/usr/sbin/memtester" ]; then
	log "fetching memtester:armhf and libc6:armhf"
	rm -rf "$mt"
	fetch_extract "$host_codename" "$mt" "memtester:armhf" "libc6:armhf"
fi
