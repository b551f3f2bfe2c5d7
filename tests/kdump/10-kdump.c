// SPDX-License-Identifier: GPL-2.0-only
/*
 * A crash kexec with armvirt loaded: no notifier runs, the panicking kernel
 * soft-restarts through the lowvisor itself (HVC_SOFT_RESTART), and the
 * payload starts in HYP mode (the payload prints check 4 and powers the
 * board off). Needs crashkernel= on the kernel command line.
 */
#define _GNU_SOURCE
#include "board.h"
#include "kexec.h"
#include "tap.h"

int main(void)
{
	unsigned long base;

	tap_plan(4);
	tap_eq(module_load(ARMVIRT_KO), 0, "armvirt-loads");
	base = kexec_crash_region();
	if (!base)
		tap_bail("no \"Crash kernel\" region in /proc/iomem (crashkernel= missing?)");
	if (!kexec_prepare_payload(base, true))
		tap_bail("no crash payload");
	write_file("/proc/sysrq-trigger", "c");
	tap_bail("the crash did not happen");
}
