// SPDX-License-Identifier: GPL-2.0-only
/*
 * armvirt-check (tools/) on a board that cannot run VMs (QEMU virt without
 * virtualization=on: the kernel did not start in HYP mode, and the device
 * tree's GIC has no virtual interface; or, with armvirt.bad_gicv=1, a
 * device tree whose GICV is smaller than 8 KiB): exit 1, and each missing
 * piece named with its fix, the module's refusal included.
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>

#include "board.h"
#include "tap.h"

#define CHECK_TOOL	"/bin/armvirt-check 2>&1"

int main(void)
{
	static char out[8192];
	bool bad_gicv = board_param("bad_gicv", 0);
	char *line;
	size_t len;
	FILE *p;
	int status;

	tap_plan(5);
	/* the module refuses to load here (10-refuse), so it is not loaded */
	p = popen(CHECK_TOOL, "r");
	if (!p)
		tap_bail("cannot run armvirt-check");
	len = fread(out, 1, sizeof(out) - 1, p);
	out[len] = '\0';
	status = pclose(p);
	if (!tap_ok(WIFEXITED(status) && WEXITSTATUS(status) == 1, "exits-with-1"))
		tap_diag("status %#x", status);
	if (bad_gicv)
		tap_ok(strstr(out, "ok      HYP mode:") != NULL, "hyp-mode-is-there");
	else
		tap_ok(strstr(out, "MISSING HYP mode: the kernel did not start in HYP mode") &&
		       strstr(out, "CONFIG_ARMV7_VIRT"), "names-hyp-mode-and-the-boot-loader-fix");
	tap_ok(strstr(out, bad_gicv ? "MISSING GIC: the device tree gives the virtual CPU interface" :
				      "MISSING GIC: the device tree describes 2 of its 4 regions"),
	       "names-what-the-gic-lacks");
	tap_ok(strstr(out, "MISSING module: armvirt is not loaded") != NULL, "names-the-module");
	tap_ok(!strstr(out, "ok      VM:"), "creates-no-vm");
	for (line = strtok(out, "\n"); line; line = strtok(NULL, "\n"))
		tap_diag("%s", line);
	tap_finish();
}
