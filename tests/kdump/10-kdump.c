// SPDX-License-Identifier: GPL-2.0-only
/*
 * A crash kexec with armvirt loaded: no notifier runs, the panicking kernel
 * soft-restarts through the lowvisor itself (HVC_SOFT_RESTART), and the
 * payload starts in HYP mode (the payload prints check 4 and powers the
 * board off). Needs crashkernel= on the kernel command line.
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "board.h"
#include "kexec.h"
#include "tap.h"

static unsigned long crash_region(void)
{
	static char buf[8192];
	char *p;

	if (read_file("/proc/iomem", buf, sizeof(buf)) < 0)
		return 0;
	p = strstr(buf, " : Crash kernel");
	if (!p)
		return 0;
	while (p > buf && p[-1] != '\n')
		p--;
	while (*p == ' ')
		p++;
	return strtoul(p, NULL, 16);
}

int main(void)
{
	unsigned long base;

	tap_plan(4);
	base = crash_region();
	if (!base)
		tap_bail("no \"Crash kernel\" region in /proc/iomem (crashkernel= missing?)");
	if (!kexec_prepare_payload(base, true))
		tap_bail("no crash payload");
	write_file("/proc/sysrq-trigger", "c");
	tap_bail("the crash did not happen");
}
