#!/usr/bin/env bash
# make bench: boot the board, run the programs of tests/bench, print their
# "bench:" lines; then migrate a guest back and forth between two boards
# (tests/run.sh's bench-xmigrate-idle and bench-xmigrate-memtester pairs,
# XMIGRATE_COUNT migrations each, 100 by default; BENCH_MIGRATION=0 skips
# them) and summarise each migration's time, downtime, rounds and bytes next
# to the reference study's figures. Figures from the emulated board are only
# comparable with each other within one run (compare ratios, not absolute
# times). tests/bench/50-study's table of the reference study's rows goes to
# build/bench/study.md and study.svg; `bench.sh --table LOG` makes them from
# another board log, `bench.sh --self-test` checks the summaries and the
# table's extraction on canned lines.
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
# The reference study's table that tests/bench/50-study prints on the
# board's console as lines "study| <Markdown>": into $2/study.md, and a bar
# chart of each row's guest/native ratio beside the study's into
# $2/study.svg. False if the log has no such lines.
study_extract() {
	local board_log=$1 dir=$2
	mkdir -p "$dir"
	grep -a '^study|' "$board_log" | sed 's/\r$//; s/^study| \{0,1\}//' >"$dir/study.md.new"
	if [ ! -s "$dir/study.md.new" ]; then
		rm -f "$dir/study.md.new"
		return 1
	fi
	mv "$dir/study.md.new" "$dir/study.md"
	study_svg <"$dir/study.md" >"$dir/study.svg"
}

# The table's rows on stdin (Markdown, the "guest/native" and "study"
# columns found by the header's names) as an SVG bar chart on stdout: per
# row, our ratio (blue), kvmtool's when the table has its column (green),
# and the study's (grey), 3 px per %, up to 140 %, with a line at 100 %.
study_svg() {
	awk -F' [|] ' '
	function esc(s) { gsub(/&/, "\\&amp;", s); gsub(/</, "\\&lt;", s); gsub(/>/, "\\&gt;", s); return s }
	function pct(s) { return match(s, /[0-9]+(\.[0-9]+)?/) ? substr(s, RSTART, RLENGTH) + 0 : -1 }
	function bar(cls, y, p,    w) {
		w = p > 140 ? 420 : p * 3
		printf "<rect class=\"%s\" x=\"300\" y=\"%d\" width=\"%.1f\" height=\"12\"/>", cls, y, w
		printf "<text x=\"%.1f\" y=\"%d\">%s %%</text>\n", 304 + w, y + 10, p
	}
	/^[|] / && !ours {
		for (i = 1; i <= NF; i++) {
			if ($i ~ /^guest\/native/) ours = i
			if ($i ~ /^kvmtool guest\/native/) kvm = i
			if ($i == "study") study = i
		}
		next
	}
	/^[|] / && ours && $0 !~ /^[|]---/ {
		n++
		label[n] = esc(substr($1, 3))
		our[n] = pct($ours)
		kvmtool[n] = kvm ? pct($kvm) : -1
		their[n] = study ? pct($study) : -1
	}
	END {
		row = kvm ? 50 : 36
		h = 50 + row * n
		printf "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"780\" height=\"%d\" font-family=\"sans-serif\" font-size=\"12\">\n", h
		print "<style>.ours{fill:#3465a4}.kvmtool{fill:#73d216}.study{fill:#babdb6}</style>"
		printf "<text x=\"8\" y=\"16\">guest/native, %%: armvirt-vmm under QEMU TCG (blue)%s and the reference study, KVM/ARM on a Cortex-A7 (grey)</text>\n", kvm ? ", kvmtool on armvirt (green)" : ""
		printf "<line x1=\"600\" y1=\"24\" x2=\"600\" y2=\"%d\" stroke=\"#555\" stroke-dasharray=\"4 3\"/><text x=\"590\" y=\"36\">100 %%</text>\n", h - 4
		for (i = 1; i <= n; i++) {
			y = 44 + row * (i - 1)
			printf "<text x=\"8\" y=\"%d\">%s</text>\n", y + 16, label[i]
			if (our[i] >= 0) bar("ours", y, our[i])
			if (kvm && kvmtool[i] >= 0) bar("kvmtool", y + 14, kvmtool[i])
			if (their[i] >= 0) bar("study", y + (kvm ? 28 : 14), their[i])
		}
		print "</svg>"
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
	rc=0
	if [ "$got" != "$want" ]; then
		printf 'bench.sh --self-test:\n got:  %s\n want: %s\n' "$got" "$want" >&2
		rc=1
	fi
	# study_extract() on a board log: console line ends, other lines between
	d=$(mktemp -d)
	printf '%s\r\n' '[   12.5] a kernel line' 'study| # title' 'study| ' \
		'study| | row | unit | guest/native | study | kicks |' 'study| |---|---|---|---|---|' \
		'bench: study something else' 'study| | CPU int | kloops/s | 99.1 % | 99.25 % | - |' \
		'study| | disk <read> & more | MiB/s | 50.0 % | ~50 % | 1.1, 1.0 |' \
		'study| | ping | ms | failed 12.5 % | - | - |' >"$d/log"
	want_md=$(printf '%s\n' '# title' '' '| row | unit | guest/native | study | kicks |' '|---|---|---|---|---|' \
		'| CPU int | kloops/s | 99.1 % | 99.25 % | - |' '| disk <read> & more | MiB/s | 50.0 % | ~50 % | 1.1, 1.0 |' \
		'| ping | ms | failed 12.5 % | - | - |')
	if ! study_extract "$d/log" "$d/out" || [ "$(cat "$d/out/study.md")" != "$want_md" ]; then
		printf 'bench.sh --self-test: study.md:\n%s\nwant:\n%s\n' "$(cat "$d/out/study.md" 2>/dev/null)" "$want_md" >&2
		rc=1
	fi
	svg=$d/out/study.svg
	# three blue bars, two grey ones (no study figure for ping); 50 % is 150 px
	if [ "$(grep -c '<rect class="ours"' "$svg" 2>/dev/null)" != 3 ] ||
	   [ "$(grep -c '<rect class="study"' "$svg")" != 2 ] ||
	   ! grep -q '<rect class="ours" x="300" y="80" width="150.0"' "$svg" ||
	   ! grep -q 'disk &lt;read&gt; &amp; more' "$svg" ||
	   ! grep -q '^</svg>$' "$svg"; then
		printf 'bench.sh --self-test: study.svg not as expected:\n%s\n' "$(cat "$svg" 2>/dev/null)" >&2
		rc=1
	fi
	# with kvmtool's column: a green bar a row, the study's bar below it
	printf '%s\r\n' 'study| | row | unit | guest/native | study | kicks | kvmtool: native, guest | kvmtool guest/native | k |' \
		'study| |---|---|---|---|---|---|---|---|' \
		'study| | CPU int | kloops/s | 99.1 % | 99.25 % | - | 10, 9 | 90.0 % | - |' \
		'study| | disk | MiB/s | 50.0 % | ~50 % | 1.1, 1.0 | 10, 4 | failed 40.0 % | 2.0, 2.0 |' >"$d/log.kvmtool"
	svg=$d/kvmtool/study.svg
	if ! study_extract "$d/log.kvmtool" "$d/kvmtool" ||
	   [ "$(grep -c '<rect class="kvmtool"' "$svg" 2>/dev/null)" != 2 ] ||
	   ! grep -q '<rect class="kvmtool" x="300" y="108" width="120.0"' "$svg" ||
	   ! grep -q '<rect class="study" x="300" y="122" width="150.0"' "$svg"; then
		printf 'bench.sh --self-test: study.svg with kvmtool not as expected:\n%s\n' "$(cat "$svg" 2>/dev/null)" >&2
		rc=1
	fi
	# a log without the table: no table, and false
	if study_extract "$d/log.none" "$d/none" 2>/dev/null || [ -e "$d/none/study.md" ]; then
		echo "bench.sh --self-test: a table out of a log without one" >&2
		rc=1
	fi
	rm -rf "$d"
	exit "$rc"
fi

# bench.sh --table LOG: the study's table out of any board log that ran
# tests/bench/50-study, into build/bench/.
if [ "${1:-}" = --table ]; then
	study_extract "${2:?bench.sh --table LOG}" "$top/build/bench" && exit 0
	echo "bench.sh: no study| lines in $2" >&2
	exit 1
fi

log=$top/build/test-logs/bench.log
mkdir -p "$(dirname "$log")"
# 50-study alone takes some six minutes of the board's time
bash "$top/scripts/board.sh" --suite bench --timeout 1500 --append "loglevel=4" --log "$log"
grep '^bench:' "$log"
if study_extract "$log" "$top/build/bench"; then
	echo "bench: the study's table: build/bench/study.md, build/bench/study.svg"
else
	echo "bench: no study table in $log (tests/bench/50-study)" >&2
fi
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
