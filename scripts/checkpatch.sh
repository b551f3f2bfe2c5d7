#!/usr/bin/env bash
# Run the kernel's checkpatch.pl (from Debian's linux-source-6.1, installed by
# scripts/setup.sh) over armvirt's kernel sources: the tracked ones and new
# ones not yet added (so a new file is checked before its first commit).
# Prints its findings; exits non-zero if there are any.
set -euo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
cp_dir=${ARMVIRT_CACHE:-/var/cache/armvirt}/checkpatch
if [ ! -x "$cp_dir/checkpatch.pl" ]; then
	tarball=$(ls /usr/src/linux-source-6.1.tar.* 2>/dev/null | head -n1)
	[ -n "$tarball" ] || { echo "checkpatch: no linux-source-6.1 tarball; run scripts/setup.sh" >&2; exit 1; }
	mkdir -p "$cp_dir"
	tar xf "$tarball" -C "$cp_dir" --strip-components=2 \
		linux-source-6.1/scripts/checkpatch.pl \
		linux-source-6.1/scripts/spelling.txt \
		linux-source-6.1/scripts/const_structs.checkpatch
fi

cd "$top"
status=0
for f in $(git ls-files --cached --others --exclude-standard 'highvisor/*' 'lowvisor/*' 'mmu/*' 'uapi/*' \
	   'vgic/*' 'timer/*' | grep -E '\.(c|h|S)$'); do
	ignore=SPDX_LICENSE_TAG
	# The compat layer is where version checks and old interfaces belong.
	[ "$f" = highvisor/compat.h ] &&
		ignore=$ignore,LINUX_VERSION_CODE,CONSTANT_COMPARISON,DEPRECATED_API
	out=$(perl "$cp_dir/checkpatch.pl" --no-tree --terse -q -f "$f" \
		--ignore "$ignore" 2>&1 | grep -v '^total:' || true)
	if [ -n "$out" ]; then
		echo "$out"
		status=1
	fi
done
exit $status
