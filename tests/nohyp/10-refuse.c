// SPDX-License-Identifier: GPL-2.0-only
/*
 * On a board without the Virtualization Extensions (QEMU virt without
 * virtualization=on) armvirt refuses to load with ENODEV and one clear
 * kernel log line, never executes hvc, and leaves the kernel healthy.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <unistd.h>

#include "board.h"
#include "health.h"
#include "tap.h"

#define ATTEMPTS 3
#define REFUSAL "armvirt: CPU lacks the Virtualization Extensions"

int main(void)
{
	int i, enodev = 0, lines_before, lines_after, all_lines;

	tap_plan(7);
	lines_before = dmesg_count(REFUSAL);
	for (i = 0; i < ATTEMPTS; i++)
		enodev += module_load(ARMVIRT_KO) == ENODEV;
	lines_after = dmesg_count(REFUSAL);
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
