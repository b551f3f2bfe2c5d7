#!/usr/bin/env bash
# Build the libFuzzer targets of armvirt-vmm's device code (tests/fuzz-vmm)
# and run each for its share of SECONDS (default 120 in all), starting from
# the kept corpus (tests/fuzz-vmm/corpus/TARGET: seeds and the inputs of
# past crashes, run first) and a working corpus in build/fuzz-vmm/corpus.
# Prints per target the executions and coverage (libFuzzer's cov: and ft:);
# exits non-zero if any target crashed or a sanitizer reported, the input
# kept in build/fuzz-vmm/crashes/.
#   scripts/fuzz-vmm.sh [SECONDS]
set -uo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
total=${1:-120}
targets=(blk net console rng pl011 state control)
out=$top/build/fuzz-vmm
per=$(( total / ${#targets[@]} ))
[ "$per" -ge 1 ] || per=1

if ! build_log=$(make -j2 -C "$top/tests/fuzz-vmm" 2>&1); then
	echo "$build_log" | tail -n 30
	echo "fuzz-vmm: the targets do not build"
	exit 1
fi
mkdir -p "$out/crashes" "$out/logs"
failed=0
for t in "${targets[@]}"; do
	log=$out/logs/$t.log
	mkdir -p "$out/corpus/$t"
	start=$(date +%s)
	"$out/fuzz-$t" -max_total_time="$per" -print_final_stats=1 -timeout=10 \
		-rss_limit_mb=2048 -artifact_prefix="$out/crashes/$t-" \
		"$out/corpus/$t" "$top/tests/fuzz-vmm/corpus/$t" >"$log" 2>&1
	rc=$?
	secs=$(( $(date +%s) - start ))
	execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -n 1)
	cov=$(grep -oE 'cov: [0-9]+ ft: [0-9]+' "$log" | tail -n 1)
	if [ "$rc" -eq 0 ]; then
		echo "fuzz-vmm: $t: ${execs:-?} executions, ${cov:-no coverage line}, ${secs}s"
	else
		failed=1
		echo "fuzz-vmm: $t: FAILED (status $rc) after ${execs:-?} executions, ${secs}s; log $log"
		grep -E 'ERROR: |runtime error|SUMMARY|Test unit written|deadly signal' "$log" | head -n 10
	fi
done
exit "$failed"
