// SPDX-License-Identifier: GPL-2.0-only
/*
 * On a board without the Virtualization Extensions (QEMU virt without
 * virtualization=on) armvirt refuses to load with ENODEV and one clear
 * kernel log line, never executes hvc, and leaves the kernel healthy. The
 * same on a board whose device tree gives the GIC's virtual CPU interface
 * less than the 8 KiB every guest is given (armvirt.bad_gicv=1, the board
 * of tests/run.sh's a15-bad-gicv).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <unistd.h>

#include "board.h"
#include "health.h"
#include "tap.h"

#define ATTEMPTS 3
#define CPU_REFUSAL "armvirt: CPU lacks the Virtualization Extensions"
#define GICV_REFUSAL "is not a page-aligned 8 KiB frame"

int main(void)
{
	const char *refusal = board_param("bad_gicv", 0) ? GICV_REFUSAL : CPU_REFUSAL;
	int i, enodev = 0, lines_before, lines_after, all_lines;

	tap_plan(7);
	tap_diag("expecting \"%s\"", refusal);
	lines_before = dmesg_count(refusal);
	for (i = 0; i < ATTEMPTS; i++)
		enodev += module_load(ARMVIRT_KO) == ENODEV;
	lines_after = dmesg_count(refusal);
	all_lines = dmesg_count("armvirt: ");

	tap_eq(enodev, ATTEMPTS, "load-refused-with-enodev");
	tap_eq(lines_after - lines_before, ATTEMPTS, "one-refusal-line-per-attempt");
	tap_diag("armvirt lines in the kernel log: %d (for %d attempts)", all_lines, ATTEMPTS);
	tap_ok(!module_loaded("armvirt") && access(ARMVIRT_DEV, F_OK) != 0,
	       "nothing-left-behind");
	tap_ok(access("/sys/kernel/debug/armvirt", F_OK) != 0, "no-debugfs-left-behind");
	check_kernel_healthy();
	tap_finish();
}
