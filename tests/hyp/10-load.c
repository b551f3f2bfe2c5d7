// SPDX-License-Identifier: GPL-2.0-only
/* armvirt loads on a HYP-booted board and opens /dev/armvirt. */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "board.h"
#include "tap.h"

int main(void)
{
	char buf[64], line[64];
	unsigned int major, minor;
	struct stat st;
	int online = 0, cpu;

	tap_plan(8);
	for (cpu = 0; cpu < nr_possible_cpus(); cpu++)
		online += cpu_is_online(cpu);
	dmesg_clear();

	if (module_loaded("armvirt"))
		module_unload("armvirt");
	tap_eq(module_load(ARMVIRT_KO), 0, "load-succeeds-in-hyp-mode");
	snprintf(line, sizeof(line), "armvirt: lowvisor installed on %d online CPUs", online);
	tap_eq(dmesg_count(line), 1, "load-reports-every-online-cpu");

	tap_ok(stat(ARMVIRT_DEV, &st) == 0 && S_ISCHR(st.st_mode), "dev-node-is-char-device");
	tap_eq(st.st_mode & 07777, 0660, "dev-node-mode-0660");
	tap_ok(read_file("/sys/class/misc/armvirt/dev", buf, sizeof(buf)) > 0 &&
	       sscanf(buf, "%u:%u", &major, &minor) == 2 &&
	       major == major(st.st_rdev) && minor == minor(st.st_rdev),
	       "dev-node-matches-misc-class");
	tap_ok(access(LOWVISOR_DEBUGFS, R_OK) == 0, "debugfs-lowvisor-exists");

	tap_eq(module_load(ARMVIRT_KO), EEXIST, "second-load-is-eexist");
	tap_ok(module_loaded("armvirt") && access(ARMVIRT_DEV, F_OK) == 0,
	       "module-still-loaded-after-second-load");
	tap_finish();
}
