#!/usr/bin/env bash
# make bench: boot the board, run the programs of tests/bench, print their
# "bench:" lines; then migrate a guest back and forth between two boards
# (tests/run.sh's bench-xmigrate-idle and bench-xmigrate-memtester pairs,
# XMIGRATE_COUNT migrations each, 100 by default; BENCH_MIGRATION=0 skips
# them) and summarise each migration's time, downtime, rounds and bytes next
# to the reference study's figures. Figures from the emulated board are only
# comparable with each other within one run (compare ratios, not absolute
# times).
set -uo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
# One line per kind of guest: min / median / max of the "migrated to"
# lines the sources printed (tests/xmigrate/10-cross-board.c).
migration_summary() {
	local what=$1 board_log=$2 study=$3
	grep -ao 'armvirt-vmm: migrated to [^ ]* in [0-9.]* s: downtime [0-9]* ms ([^)]*), [0-9.]* MiB sent, [0-9]* rounds' "$board_log" |
	awk -v what="$what" -v study="$study" '
	function stats(a, n,    i, j, t) {
		for (i = 2; i <= n; i++)
			for (j = i; j > 1 && a[j - 1] > a[j]; j--) { t = a[j]; a[j] = a[j - 1]; a[j - 1] = t }
		return sprintf("%s / %s / %s", a[1], a[int((n + 1) / 2)], a[n])
	}
	{
		n++
		for (i = 1; i <= NF; i++) {
			if ($i == "in" && !(n in secs)) secs[n] = $(i + 1) + 0	# not "... in the last copy"
			if ($i == "downtime") down[n] = $(i + 1) + 0
			if ($i == "MiB") mib[n] = $(i - 1) + 0
			if ($i == "rounds") rounds[n] = $(i - 1) + 0
		}
	}
	END {
		if (!n) { print "bench: migration " what ": none completed"; exit }
		printf "bench: migration %s: %d migrations; time %s s, downtime %s ms, rounds %s, sent %s MiB (min / median / max); study: %s\n",
			what, n, stats(secs, n), stats(down, n), stats(rounds, n), stats(mib, n), study
	}'
}
# bench.sh --self-test: migration_summary() on two lines the VMM prints
# (with and without streamed disk blocks), for make check's host checks.
if [ "${1:-}" = --self-test ]; then
	t=$(mktemp)
	cat >"$t" <<-'LINES'
	armvirt-vmm: migrated to tcp:10.0.9.1:4444 in 3.40 s: downtime 183 ms (222 pages, 1 disk blocks in the last copy), 36.0 MiB sent, 2 rounds, throttle at most 0%
	armvirt-vmm: migrated to tcp:10.0.9.2:4444 in 12.50 s: downtime 95 ms (31 pages in the last copy), 120.5 MiB sent, 4 rounds, throttle at most 20%
	armvirt-vmm: migrated to tcp:10.0.9.1:4444 in 5.00 s: downtime 120 ms (40 pages, 0 disk blocks in the last copy), 50.0 MiB sent, 3 rounds, throttle at most 0%
	LINES
	got=$(migration_summary "test" "$t" "-")
	rm -f "$t"
	want="bench: migration test: 3 migrations; time 3.4 / 5 / 12.5 s, downtime 95 / 120 / 183 ms, rounds 2 / 3 / 4, sent 36 / 50 / 120.5 MiB (min / median / max); study: -"
	[ "$got" = "$want" ] && exit 0
	printf 'bench.sh --self-test:\n got:  %s\n want: %s\n' "$got" "$want" >&2
	exit 1
fi

log=$top/build/test-logs/bench.log
mkdir -p "$(dirname "$log")"
bash "$top/scripts/board.sh" --suite bench --timeout 600 --append "loglevel=4" --log "$log"
grep '^bench:' "$log"
rc=0
if ! grep -q '^=== armvirt-suite-done' "$log" || grep -q 'rc=[1-9]' "$log"; then
	echo "bench: the board did not finish cleanly; see $log" >&2
	rc=1
fi

if [ "${BENCH_MIGRATION:-1}" != 0 ]; then
	if ! bash "$top/tests/run.sh" bench-xmigrate-idle bench-xmigrate-memtester >"$top/build/test-logs/bench-xmigrate.out" 2>&1; then
		echo "bench: a migration board failed; see build/test-logs/bench-xmigrate.out" >&2
		rc=1
	fi
	grep -a '^board bench-xmigrate' "$top/build/test-logs/bench-xmigrate.out" | sed 's/^/bench: /'
	migration_summary "idle (256 MiB guest)" "$top/build/test-logs/bench-xmigrate-idle.log" \
		"idle 100 MB guest 7.4 s"
	migration_summary "under memtester 60M" "$top/build/test-logs/bench-xmigrate-memtester.log" \
		"40 s to 5 min, then the guest hung every time"
fi
exit "$rc"
