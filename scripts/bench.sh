#!/usr/bin/env bash
# make bench: boot the board, run the programs of tests/bench, print their
# "bench:" lines. Figures from the emulated board are only comparable with
# each other within one run (compare ratios, not absolute times).
set -uo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
log=$top/build/test-logs/bench.log
mkdir -p "$(dirname "$log")"
bash "$top/scripts/board.sh" --suite bench --timeout 600 --append "loglevel=4" --log "$log"
grep '^bench:' "$log"
if ! grep -q '^=== armvirt-suite-done' "$log" || grep -q 'rc=[1-9]' "$log"; then
	echo "bench: the board did not finish cleanly; see $log" >&2
	exit 1
fi
