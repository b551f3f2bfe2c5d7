#!/usr/bin/env bash
# Boot the emulated ARMv7 board: QEMU virt with a stock Debian kernel (6.1
# armmp-lpae unless --flavour says otherwise) and an initramfs holding
# armvirt.ko (scripts/mkinitramfs.sh).
#
#   board.sh --interactive                armvirt loaded, a Linux guest booted on
#                                         it (its shell), then the board's shell
#   board.sh --guest-cmd CMD              the same guest runs CMD, and all powers off
#   board.sh --suite NAME [--log FILE]    run the tests of NAME, power off
# Options: --no-virt (no HYP, no GIC virtualization), --cpu cortex-a15|cortex-a7,
#          --flavour KERNEL (the board's kernel: a key of scripts/setup.sh,
#          e.g. armmp-lpae (6.1's, the default), armmp, 5.10-armmp-lpae,
#          6.12-rt-armmp, 7.2-armmp, or debug, the kernel of
#          scripts/debug-kernel.sh; armvirt.ko must match: ARMVIRT_KO
#          names it, e.g. build/kmod-7.2-armmp/armvirt.ko from
#          `make module-flavour FLAVOUR=7.2-armmp`),
#          --guest KERNEL (the Linux guest's kernel, a key as above; default
#          armmp-lpae),
#          --smp N, --append "ARGS" (repeatable), --timeout SECONDS (whole run;
#          default 600), --link listen:PORT|connect:PORT (a virtio-net NIC
#          wired to another board's over a TCP socket on 127.0.0.1: the
#          board of tests/run.sh's xmigrate pair), --gicv-size BYTES (the
#          device tree gives the GIC's virtual CPU interface that size: a
#          firmware armvirt must refuse)
set -euo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
flavour=armmp-lpae virt=on cpu=cortex-a15 smp=2 mem=1024 suite= interactive=0 log= timeout=600 extra=
guest_cmd= guest=armmp-lpae link= gicv_size=
while [ $# -gt 0 ]; do
	case $1 in
	--interactive) interactive=1 ;;
	--guest-cmd) guest_cmd=$2; shift ;;
	--suite) suite=$2; shift ;;
	--log) log=$2; shift ;;
	--no-virt) virt=off ;;
	--cpu) cpu=$2; shift ;;
	--flavour) flavour=$2; shift ;;
	--guest) guest=$2; shift ;;
	--smp) smp=$2; shift ;;
	--mem) mem=$2; shift ;;
	--append) extra="$extra $2"; shift ;;
	--timeout) timeout=$2; shift ;;
	--link) link=$2; shift ;;
	--gicv-size) gicv_size=$2; shift ;;
	*) echo "board.sh: unknown option $1" >&2; exit 2 ;;
	esac
	shift
done

kroot=$(bash "$top/scripts/setup.sh" --print-kdir "$flavour")
initrd=$top/build/initramfs-${suite:-interactive}.cpio.gz
ARMVIRT_FLAVOUR=$flavour ARMVIRT_GUEST=$guest ARMVIRT_GUEST_CMD=$guest_cmd bash "$top/scripts/mkinitramfs.sh" "$initrd" ${suite:+"$suite"}

# The debug kernel: every KASAN report, not only the first
[ "$flavour" = debug ] && extra="kasan_multi_shot $extra"
append="console=ttyAMA0 rdinit=/init panic=-1 oops=panic${suite:+ armvirt.suite=$suite} $extra"
qemu=(qemu-system-arm -M "virt,highmem=off,virtualization=$virt" -cpu "$cpu"
      -smp "$smp" -m "$mem" -nic none -no-reboot
      -kernel "$kroot/vmlinuz" -initrd "$initrd" -append "$append")
# The link between two boards: the listening one is 52:54:00:ab:00:01
case $link in
"") ;;
listen:*|connect:*)
	mac=52:54:00:ab:00:02
	[ "${link%%:*}" = listen ] && mac=52:54:00:ab:00:01
	qemu+=(-netdev "socket,id=link,${link%%:*}=127.0.0.1:${link#*:}"
	       -device "virtio-net-device,netdev=link,mac=$mac") ;;
*) echo "board.sh: --link listen:PORT or connect:PORT, not $link" >&2; exit 2 ;;
esac
# QEMU's own device tree with the GIC's last region (GICV) resized
if [ -n "$gicv_size" ]; then
	dtb=$top/build/board-gicv-$gicv_size.dtb
	mkdir -p "$top/build"
	"${qemu[@]}" -machine dumpdtb="$dtb" -nographic </dev/null >/dev/null 2>&1
	gic=$(fdtget -l "$dtb" / | grep '^intc@' | head -n1)
	read -r -a reg <<<"$(fdtget -t x "$dtb" "/$gic" reg)"
	[ "${#reg[@]}" = 16 ] || { echo "board.sh: /$gic reg is not 4 regions of 2+2 cells" >&2; exit 1; }
	reg[15]=$(printf '%x' "$gicv_size")
	fdtput -t x "$dtb" "/$gic" reg "${reg[@]}"
	qemu+=(-dtb "$dtb")
fi
# Debugging: ARMVIRT_QEMU_EXTRA="-s" (gdbstub), "-monitor unix:/tmp/m.sock,server,nowait"...
# shellcheck disable=SC2206
[ -n "${ARMVIRT_QEMU_EXTRA:-}" ] && qemu+=(${ARMVIRT_QEMU_EXTRA})

if [ -n "$guest_cmd" ]; then
	exec timeout --foreground -k 5 "$timeout" "${qemu[@]}" -nographic </dev/null
fi
if [ "$interactive" = 1 ]; then
	echo "board: QEMU monitor on Ctrl-A C, quit with Ctrl-A X"
	exec "${qemu[@]}" -nographic
fi
# The watchdog: the whole run, however it hangs, ends after $timeout s.
if [ -n "$log" ]; then
	timeout --foreground -k 5 "$timeout" "${qemu[@]}" -nographic \
		</dev/null >"$log" 2>&1
else
	timeout --foreground -k 5 "$timeout" "${qemu[@]}" -nographic </dev/null
fi
