#!/usr/bin/env bash
# Run the test suites on the emulated boards and summarise.
#
# Each board boots with a watchdog on the whole QEMU run, runs every program
# of its suite (TAP 13 on the console), and powers off. Prints one line per
# failing check, the tail of the console of a board that failed, and last
# "N passed, N failed, N skipped"; exits non-zero on any failure.
#
# Before that last line, the matrix: for each kernel (version and flavour)
# and suite, each board's result and time.
#
#   tests/run.sh [BOARD...]     default: every board of make check below
#   tests/run.sh --all [BOARD...]  also every suite on every kernel and
#                               flavour of scripts/setup.sh (make check-all)
set -uo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
logdir=$top/build/test-logs
mkdir -p "$logdir"

# The fuzz boards: FUZZ_SECONDS of fuzzing (make check's debug board 120,
# make fuzz's stock-kernel board 180 unless given), FUZZ_SEED to replay
# a run, FUZZ_ITER=N with FUZZ_TRACE=1 to replay one iteration of it with
# every operation printed, FUZZ_AVOID=known to steer away from the bugs
# already known, FUZZ_TRAP=0 for no trap injection, FUZZ_HOST=0 for no CPU
# hotplug or CPU PM events (tests/fuzz/10-fuzz.c); the program reads them
# from the kernel command line.
fuzz_seconds=${FUZZ_SECONDS:-120}
fuzz_opts="--append armvirt.fuzz_seconds=$fuzz_seconds"
for v in SEED AVOID ITER TRACE TRAP HOST; do
	val=$(printenv "FUZZ_$v" || true)
	[ -n "$val" ] && fuzz_opts="$fuzz_opts --append armvirt.fuzz_${v,,}=$val"
done

# make bench's migration boards: how many migrations back and forth.
xmigrate_count=${XMIGRATE_COUNT:-100}

# Boards that run only when named (make fuzz, make bench), not in a whole run.
on_demand=" a15-fuzz bench-xmigrate-idle bench-xmigrate-memtester "
# Boards that make check leaves to make check-all (tests/run.sh --all), for
# time: what they cover, make check covers on other kernels (the Cortex-A7
# and the non-LPAE kernels on 5.10 and 7.2, the vmm suite on the non-LPAE
# 7.2 kernel); and the rootfs board, whose install path make check's deb
# check covers on the host (lintian, contents, DKMS's build).
check_all_only=" a7-hyp a15-nolpae-hyp a7-nolpae-vmm a15-rootfs "
# What make check trims from a board, for time (make check-all and a board
# named on the command line run it whole). 50-reload: 20 load/unload cycles
# instead of 100 except on the stock 6.1 board (the debug board's kmemleak
# finds a leak in one); 12-console, 30-migrate, 31-migrate-disk, 40-control
# and 50-net: not on the boards mixing kernel versions (a15-vmm runs them;
# they test the VMM, and a guest of another version has nothing of its own
# in the migration stream); 12-console, 31-migrate-disk and 50-net: not on
# the debug board (the VMM's consoles, disk stream and network; what the
# module does for them, the dirty log, ioeventfds and irqfds, 30-migrate
# and 10-linux-guest run there). Derived from the
# board's suite, kernel flavour and options: the hyp boards not on the
# stock kernel, the vmm boards with a --guest, the debug vmm board.
check_trims() {
	local suite=$1 flavour=$2 opts=$3
	if [ "$suite" = hyp ] && [ "$flavour" != armmp-lpae ]; then
		echo "--append armvirt.reload_cycles=20"
	elif [ "$suite" = vmm ] && [[ $opts == *--guest* ]]; then
		echo "--append armvirt.skip=12-console,30-migrate,31-migrate-disk,40-control,50-net"
	elif [ "$suite" = vmm ] && [ "$flavour" = debug ]; then
		echo "--append armvirt.skip=12-console,31-migrate-disk,50-net"
	fi
}

# name | suite | watchdog (s) | kernel flavour | board.sh options | a line the
# console must show (an extra check). Flavour debug: the kernel of
# scripts/debug-kernel.sh (KASAN, lockdep, kmemleak...), whose console is
# also searched for the checkers' reports (debug_reports below).
boards=(
	"a15-hyp|hyp|600|armmp-lpae|--cpu cortex-a15|"
	"a7-hyp|hyp|600|armmp-lpae|--cpu cortex-a7|"
	"a15-nolpae-hyp|hyp|600|armmp|--cpu cortex-a15|"
	"a15-nohyp|nohyp|120|armmp-lpae|--cpu cortex-a15 --no-virt|"
	# HYP mode, but a device tree whose GICV is 4 KiB: refused the same way
	"a15-bad-gicv|nohyp|120|armmp-lpae|--cpu cortex-a15 --gicv-size 4096 --append armvirt.bad_gicv=1|"
	"a15-kexec|kexec|120|armmp-lpae|--cpu cortex-a15|"
	"a15-kdump|kdump|120|armmp-lpae|--cpu cortex-a15 --append crashkernel=32M|"
	"a15-vmm|vmm|1200|armmp-lpae|--cpu cortex-a15|"
	"a7-nolpae-vmm|vmm|1200|armmp|--cpu cortex-a7|"
	# Two boards (run_pair below): a guest migrated from one to the other.
	"a15-xmigrate|xmigrate|900|armmp-lpae|--cpu cortex-a15 --smp 1|"
	# make bench's: XMIGRATE_COUNT migrations (100), uncapped, idle or under memtester
	"bench-xmigrate-idle|xmigrate|$((xmigrate_count * 60 + 600))|armmp-lpae|--cpu cortex-a15 --smp 1 --append armvirt.xmigrate_count=$xmigrate_count --append armvirt.xmigrate_cap=0 --append armvirt.xmigrate_idle=1|"
	"bench-xmigrate-memtester|xmigrate|$((xmigrate_count * 60 + 600))|armmp-lpae|--cpu cortex-a15 --smp 1 --append armvirt.xmigrate_count=$xmigrate_count --append armvirt.xmigrate_cap=0|"
	"a15-hyp-panic|hyppanic|120|armmp-lpae|--cpu cortex-a15 --append crashkernel=32M|armvirt: unexpected undefined instruction in HYP at"
	"a15-fuzz|fuzz|$((fuzz_seconds + 300))|armmp-lpae|--cpu cortex-a15 $fuzz_opts|"
	# The other kernels (scripts/setup.sh): the hyp suite on the LPAE kernel
	# of each version, on the non-LPAE kernel of the oldest and the newest,
	# and on an rt kernel; the vmm suite with a guest of another version.
	"a15-5.10-hyp|hyp|600|5.10-armmp-lpae|--cpu cortex-a15|"
	"a7-5.10-nolpae-hyp|hyp|600|5.10-armmp|--cpu cortex-a7|"
	"a15-6.12-hyp|hyp|600|6.12-armmp-lpae|--cpu cortex-a15|"
	"a15-6.12-rt-hyp|hyp|900|6.12-rt-armmp|--cpu cortex-a15|"
	"a15-7.2-hyp|hyp|600|7.2-armmp-lpae|--cpu cortex-a15|"
	"a7-7.2-nolpae-hyp|hyp|600|7.2-armmp|--cpu cortex-a7|"
	"a15-5.10-vmm-guest-7.2|vmm|1200|5.10-armmp-lpae|--cpu cortex-a15 --guest 7.2-armmp-lpae|"
	"a7-7.2-nolpae-vmm-guest-5.10|vmm|1200|7.2-armmp|--cpu cortex-a7 --guest 5.10-armmp-lpae|"
	# Last: on a fresh machine, the debug kernel builds meanwhile.
	"a15-debug-hyp|hyp|1500|debug|--cpu cortex-a15|"
	"a15-debug-vmm|vmm|1800|debug|--cpu cortex-a15|"
	"a15-debug-fuzz|fuzz|$((fuzz_seconds + 900))|debug|--cpu cortex-a15 $fuzz_opts|"
	# A Debian 12 system on a virtio disk (scripts/rootfs-board.sh): make
	# deb's packages installed with apt, DKMS, udev, a kvm user, a reboot.
	"a15-rootfs|rootfs|3600|armmp-lpae|--cpu cortex-a15|"
)
# A kernel key as scripts/setup.sh's full one: armmp-lpae is 6.1-armmp-lpae,
# debug the 6.1 debug kernel.
full_key() {
	case $1 in
	armmp|armmp-lpae|rt-armmp|debug) echo "6.1-$1" ;;
	*) echo "$1" ;;
	esac
}

# make check-all: every suite on every kernel and flavour that no board
# above already runs it on.
all=0
if [ "${1:-}" = --all ]; then
	all=1
	shift
fi
if [ "$all" = 1 ]; then
	for k in $(bash "$top/scripts/setup.sh" --print-kernels); do
		for suite in hyp nohyp kexec kdump hyppanic vmm; do
			covered=0
			for entry in "${boards[@]}"; do
				IFS='|' read -r _ s _ f _ _ <<<"$entry"
				[ "$s" = "$suite" ] && [ "$(full_key "$f")" = "$k" ] && covered=1
			done
			[ "$covered" = 1 ] && continue
			case $suite in
			hyp) boards+=("all-$k-hyp|hyp|900|$k|--cpu cortex-a15|") ;;
			nohyp) boards+=("all-$k-nohyp|nohyp|300|$k|--cpu cortex-a15 --no-virt|") ;;
			kexec) boards+=("all-$k-kexec|kexec|300|$k|--cpu cortex-a15|") ;;
			kdump) boards+=("all-$k-kdump|kdump|300|$k|--cpu cortex-a15 --append crashkernel=32M|") ;;
			hyppanic) boards+=("all-$k-hyp-panic|hyppanic|300|$k|--cpu cortex-a15 --append crashkernel=32M|armvirt: unexpected undefined instruction in HYP at") ;;
			vmm) boards+=("all-$k-vmm|vmm|1500|$k|--cpu cortex-a15 --guest $k|") ;;
			esac
		done
	done
fi

# Kernels that cannot kexec at all, with or without armvirt: their kexec,
# kdump and hyp-panic boards (check-all only) report one skip with the
# reason instead of booting. Measured on 2026-12-05 by the same kexec
# without the module: Debian's 6.12 LPAE kernel jumps to the identity
# mapping of cpu_v7_reset (0x40400044) and takes a level-2 translation
# fault there, from soft_restart(). Its non-LPAE kernel and the LPAE
# kernels of 5.10, 6.1 and 7.2, with the same layout there, kexec.
declare -A kexec_broken=(
	[6.12-armmp-lpae]="Debian's 6.12 armmp-lpae kernel cannot kexec even without armvirt (soft_restart faults at the identity mapping of cpu_v7_reset)"
)

# What the debug kernel's checkers print (KASAN, UBSAN, lockdep, the atomic
# sleep and list checks, debugobjects, kmemleak's report that /init prints
# after the suite), and any oops, BUG or WARN. On the debug boards the
# console shows warnings too (loglevel=5), so each of these reaches the log.
debug_patterns=(
	"BUG: KASAN" "UBSAN:" "WARNING: possible circular locking"
	"possible recursive locking" "inconsistent lock state"
	"BUG: sleeping function called from invalid context" "DEBUG_LOCKS_WARN_ON"
	"ODEBUG:" "list_add corruption" "list_del corruption"
	"suspicious RCU usage" "BUG: scheduling while atomic" "unreferenced object"
	"Oops" "BUG:" "WARNING:" "Internal error" "Unable to handle" "Unbalanced"
)
# One report is the 6.1 kernel's own and is set aside, by its exact header
# and its call trace: collapse_huge_page() (khugepaged, MADV_COLLAPSE) maps
# the PTE page with pte_offset_map() (kmap_atomic with CONFIG_HIGHPTE, so
# preemption is off) before mmu_notifier_invalidate_range_end(), whose
# might_sleep() fires whenever the mm has a notifier, before any notifier
# runs. armvirt's end callback only takes a spinlock. Newer kernels map the
# PTE page after the end (the 6.5 page-table rework); 78-huge-pages hits it
# on purpose. The debug kernel inlines collapse_huge_page() into
# hpage_collapse_scan_pmd(), the frame that calls __might_resched().
known_kernel_header="BUG: sleeping function called from invalid context at include/linux/mmu_notifier.h:482"
known_kernel_frame="__might_resched from (hpage_collapse_scan_pmd|collapse_huge_page)\\+"

# Copies console log @1 to @2 without the known kernel reports; prints how many.
strip_known_reports() {
	awk -v header="$known_kernel_header" -v frame="$known_kernel_frame" '
	function flush() { for (i = 1; i <= n; i++) print buf[i]; n = 0; open = 0 }
	open && (index($0, "BUG:") || index($0, "WARNING:") || index($0, "=== armvirt-test")) { flush() }
	index($0, header) { flush(); open = 1; buf[++n] = $0; next }
	open {
		buf[++n] = $0
		if ($0 ~ frame) { known++; n = 0; open = 0 }
		else if (n > 60) flush()
		next
	}
	{ print }
	END { flush(); print known + 0 > "/dev/stderr" }' "$1" 2>"$2.known" >"$2"
	cat "$2.known"
	rm -f "$2.known"
}

# Prints one failure line per kind of report found in a console log.
debug_reports() {
	local board=$1 log=$2 pat n known
	local rest=$logdir/$board.unknown-reports.log

	known=$(strip_known_reports "$log" "$rest")
	[ "$known" -gt 0 ] && echo "$board: set aside the 6.1 kernel's own khugepaged report $known times (README, fuzz suite)" >&2
	for pat in "${debug_patterns[@]}"; do
		n=$(grep -cF -- "$pat" "$rest" 2>/dev/null)
		[ "${n:-0}" -gt 0 ] && echo "$board: the kernel reported \"$pat\" ($n times); first: $(grep -m1 -F -- "$pat" "$rest" | tr -d '\r')"
	done
	rm -f "$rest"
	return 0
}

# Parse one console log: prints "P F S" on the first line, failures after.
parse_log() {
	awk -v board="$1" '
	function close_test() {
		if (test == "") return
		if (plan > seen) {
			failed += plan - seen
			print board "/" test ": " plan - seen " planned checks did not run"
		}
		if (rc != 0 && !test_failed && plan <= seen) {
			failed++
			print board "/" test ": exited with status " rc
		}
		test = ""
	}
	/^=== armvirt-test / { close_test(); test = $3; plan = 0; seen = 0; rc = -1; test_failed = 0; next }
	/^=== armvirt-test-end / { sub(/.*rc=/, ""); rc = $1 + 0; close_test(); next }
	/^=== armvirt-suite-done/ { done = 1; next }
	test == "" { next }
	/^1\.\.[0-9]+/ { plan = substr($1, 4) + 0; next }
	/^ok [0-9]+/ {
		seen++
		if ($0 ~ /# SKIP/) skipped++; else passed++
		next
	}
	/^not ok [0-9]+/ {
		seen++; failed++; test_failed = 1
		print board "/" test ": " $0
		next
	}
	/^# / { diag[test] = diag[test] "\n    " $0 }
	END {
		if (test != "") { rc = -1; close_test() }
		if (!done) { failed++; print board ": the board did not finish its suite (hang, panic or watchdog)" }
		printf "%d %d %d\n", passed, failed, skipped > "/dev/stderr"
	}' "$2"
}

total_p=0 total_f=0 total_s=0
rm -f "$logdir/summary.failures"
selected=("$@")

# Whether this run boots board @1.
board_selected() {
	if [ ${#selected[@]} -gt 0 ]; then
		[[ " ${selected[*]} " == *" $1 "* ]]
		return
	fi
	[[ $on_demand != *" $1 "* ]] || return 1
	[ "$all" = 1 ] || [[ $check_all_only != *" $1 "* ]]
}

# The debug kernel (scripts/debug-kernel.sh, about 15 minutes on 2 cores the
# first time on a machine): built in the background at the lowest priority
# while the host checks and the other boards run, since they leave part of
# the two cores idle; the debug boards, last, wait for it.
debug_build_pid=
debug_build_log=$logdir/debug-kernel.log
for entry in "${boards[@]}"; do
	IFS='|' read -r name _ _ flavour _ _ <<<"$entry"
	if [ "$flavour" = debug ] && board_selected "$name"; then
		nice -n 19 bash "$top/scripts/debug-kernel.sh" >"$debug_build_log" 2>&1 &
		debug_build_pid=$!
		break
	fi
done
wait_debug_build() {
	[ -n "$debug_build_pid" ] || return 0
	if [ -z "${debug_build_rc:-}" ]; then
		wait "$debug_build_pid"
		debug_build_rc=$?
		[ "$debug_build_rc" = 0 ] || tail -n 20 "$debug_build_log"
	fi
	return "$debug_build_rc"
}

# The matrix: one cell per kernel, flavour and suite, holding each board's
# result there ("ok 81s", "FAIL 90s"; "(g7.2)": the vmm suite's guest was
# another kernel); "-": no board of this run (make check-all runs them all;
# "n/a": Debian does not build that flavour for that version).
declare -A cell
matrix_suites=(hyp nohyp kexec kdump hyppanic vmm fuzz xmigrate rootfs)
record() {
	local name=$1 k suite=$3 opts=$4 res=$5 secs=$6 v fl g=
	k=$(full_key "$2")
	v=${k%%-*} fl=${k#*-}
	[[ $opts =~ --guest\ ([0-9.]+)- ]] && g=" (g${BASH_REMATCH[1]})"
	cell[$v|$fl|$suite]="${cell[$v|$fl|$suite]:+${cell[$v|$fl|$suite]}, }$res ${secs}s$g"
}
print_matrix() {
	local v fl k s line
	echo "matrix (kernel x flavour x suite; ok/FAIL/skip and seconds per board; - not run):"
	line=$(printf '%-6s %-11s' kernel flavour)
	for s in "${matrix_suites[@]}"; do line+=$(printf ' | %-16s' "$s"); done
	echo "$line"
	for k in $(bash "$top/scripts/setup.sh" --print-kernels) 6.1-debug; do
		v=${k%%-*} fl=${k#*-}
		line=$(printf '%-6s %-11s' "$v" "$fl")
		for s in "${matrix_suites[@]}"; do
			line+=$(printf ' | %-16s' "${cell[$v|$fl|$s]:--}")
		done
		echo "$line"
	done
	echo "($(( ${#cell[@]} )) kernel/suite cells run; 7.2 has no rt-armmp flavour in Debian)"
}

# The xmigrate pair: two boards wired by a socket on 127.0.0.1 (board.sh
# --link), the target (armvirt.xmigrate_role=1) first, the source (2)
# pair_delay seconds later, so that their counters differ by that much
# (the migrated guest's clock must not see it). Their consoles go to
# LOG.target and LOG.source, then both into LOG for parse_log; the status is
# 124 if either watchdog fired.
pair_delay=10
run_pair() {
	local log=$1 port=$((20000 + $$ % 20000)) target_pid rc=0 src_rc
	shift
	bash "$top/scripts/board.sh" "$@" --link "listen:$port" \
		--append armvirt.xmigrate_role=1 --log "$log.target" &
	target_pid=$!
	sleep "$pair_delay"
	bash "$top/scripts/board.sh" "$@" --link "connect:$port" \
		--append armvirt.xmigrate_role=2 --log "$log.source"
	src_rc=$?
	wait "$target_pid" || rc=$?
	[ "$src_rc" = 124 ] && rc=124
	{ echo "---- the target board ----"; cat "$log.target"
	  echo "---- the source board ----"; cat "$log.source"; } >"$log"
	return "$rc"
}

# Host checks: the kernel code is sparse- and checkpatch-clean.
host_check() {
	local name=$1 out
	shift
	if out=$("$@" 2>&1); then
		total_p=$((total_p + 1))
		echo "$out" | grep "^$name: " || true	# a check's own summary lines
	else
		total_f=$((total_f + 1))
		echo "host/$name: not ok"
		echo "host/$name: not ok" >>"$logdir/summary.failures"
		echo "$out" | tail -n 30
	fi
}
sparse_quiet() {
	local out
	out=$(make -C "$top" -j"$(nproc)" modules C=2 W=1 2>&1) || { echo "$out"; return 1; }
	! echo "$out" | grep -E 'warning:|error:'
}
# The module for every kernel and flavour of scripts/setup.sh, each with W=1
# -Werror and the compiler its kernel was built with (make modules-all).
declare -A kmod_fresh	# kernels whose build/kmod-<key>/ this run built
if [ ${#selected[@]} -eq 0 ]; then
	failed_before=$total_f
	host_check modules-all make -s -C "$top" modules-all
	if [ "$total_f" = "$failed_before" ]; then
		for k in $(bash "$top/scripts/setup.sh" --print-kernels); do kmod_fresh[$k]=1; done
	fi
	host_check sparse-quiet sparse_quiet
	host_check checkpatch-clean bash "$top/scripts/checkpatch.sh"
	host_check deb bash "$top/scripts/check-deb.sh"	# make deb: lintian, contents, DKMS
	host_check bench-summary bash "$top/scripts/bench.sh" --self-test	# make bench's migration figures, study table
	host_check known-report make -s -C "$top/tests" host-check	# the health checks' log parser
	host_check fuzz-vmm bash "$top/scripts/fuzz-vmm.sh" 60	# 12 s a target; make fuzz-vmm: longer
	echo "host: $total_p passed, $total_f failed"
fi
for entry in "${boards[@]}"; do
	IFS='|' read -r name suite timeout flavour opts must_log <<<"$entry"
	board_selected "$name" || continue
	if [ ${#selected[@]} -eq 0 ] && [ "$all" = 0 ]; then
		opts="$opts $(check_trims "$suite" "$flavour" "$opts")"
	fi
	case $suite in
	kexec|kdump|hyppanic)
		if [ -n "${kexec_broken[$(full_key "$flavour")]:-}" ]; then
			echo "board $name: 0 passed, 0 failed, 1 skipped (${kexec_broken[$(full_key "$flavour")]})"
			total_s=$((total_s + 1))
			record "$name" "$flavour" "$suite" "$opts" skip 0
			continue
		fi ;;
	esac
	if [ "$flavour" = debug ] && ! wait_debug_build; then
		echo "board $name: 0 passed, 1 failed, 0 skipped (the debug kernel did not build: $debug_build_log)"
		echo "$name: the debug kernel did not build ($debug_build_log)" >>"$logdir/summary.failures"
		total_f=$((total_f + 1))
		record "$name" "$flavour" "$suite" "$opts" FAIL 0
		continue
	fi
	log=$logdir/$name.log
	start=$(date +%s)
	ko=$top/armvirt.ko
	if [ "$flavour" != armmp-lpae ]; then
		ko=$top/build/kmod-$flavour/armvirt.ko
		# Always rebuilt from the current sources (a stale copy would test
		# old code), unless the modules-all check of this run just did.
		if [ -z "${kmod_fresh[$flavour]:-}" ] && ! make -s -C "$top" module-flavour FLAVOUR="$flavour" >"$logdir/kmod-$flavour.log" 2>&1; then
			echo "$name: armvirt.ko does not build for $flavour:"
			tail -n 30 "$logdir/kmod-$flavour.log"
			echo "board $name: 0 passed, 1 failed, 0 skipped (the module did not build)"
			echo "$name: armvirt.ko does not build for $flavour" >>"$logdir/summary.failures"
			total_f=$((total_f + 1))
			record "$name" "$flavour" "$suite" "$opts" FAIL 0
			continue
		fi
	fi
	loglevel=4
	[ "$flavour" = debug ] && loglevel=5
	: >"$log"	# a board that fails before QEMU starts leaves it empty
	if [ "$suite" = rootfs ]; then
		bash "$top/scripts/rootfs-board.sh" --timeout "$timeout" --log "$log"
		qemu_rc=$?
	elif [ "$suite" = xmigrate ]; then
		# shellcheck disable=SC2086
		ARMVIRT_KO=$ko run_pair "$log" --suite "$suite" --flavour "$flavour" \
			$opts --timeout "$timeout" --append "loglevel=$loglevel"
		qemu_rc=$?
	else
		# shellcheck disable=SC2086
		ARMVIRT_KO=$ko bash "$top/scripts/board.sh" --suite "$suite" --flavour "$flavour" \
			$opts --timeout "$timeout" --append "loglevel=$loglevel" --log "$log"
		qemu_rc=$?
	fi
	secs=$(( $(date +%s) - start ))
	counts=$(parse_log "$name" "$log" 2>&1 >"$logdir/$name.failures")
	read -r p f s <<<"$counts"
	if [ "$flavour" = debug ]; then
		reports=$(debug_reports "$name" "$log")
		if [ -n "$reports" ]; then
			echo "$reports" >>"$logdir/$name.failures"
			f=$((f + $(echo "$reports" | wc -l)))
		else
			p=$((p + 1))
		fi
	fi
	[ "$qemu_rc" = 124 ] && echo "$name: watchdog: the board ran longer than ${timeout}s" >>"$logdir/$name.failures" && f=$((f + 1))
	if [ -n "$must_log" ]; then
		if grep -qF "$must_log" "$log"; then
			p=$((p + 1))
		else
			echo "$name: the console lacks \"$must_log\"" >>"$logdir/$name.failures"
			f=$((f + 1))
		fi
	fi
	cat "$logdir/$name.failures"
	echo "board $name: $p passed, $f failed, $s skipped (${secs}s)"
	if [ "$f" -gt 0 ]; then
		# Repeated at the end, where a log's tail shows them.
		{
			grep -a -m1 '^fuzz: seed=' "$log" | sed "s/^/$name: /"
			head -n 20 "$logdir/$name.failures"
		} >>"$logdir/summary.failures"
	fi
	if [ "$f" -gt 0 ]; then
		echo "---- last 60 lines of the $name console ($log) ----"
		tail -n 60 "$log"
		echo "---- end of $name console ----"
	fi
	total_p=$((total_p + p)) total_f=$((total_f + f)) total_s=$((total_s + s))
	if [ "$f" -gt 0 ]; then
		record "$name" "$flavour" "$suite" "$opts" FAIL "$secs"
	else
		record "$name" "$flavour" "$suite" "$opts" ok "$secs"
	fi
done

print_matrix
if [ -s "$logdir/summary.failures" ]; then
	echo "---- every failure of this run (details above) ----"
	cat "$logdir/summary.failures"
fi
echo "$total_p passed, $total_f failed, $total_s skipped"
[ "$total_f" -eq 0 ]
