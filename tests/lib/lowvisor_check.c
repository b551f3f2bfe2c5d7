// SPDX-License-Identifier: GPL-2.0-only
#define _GNU_SOURCE
#include <stdio.h>
#include <string.h>

#include "board.h"
#include "lowvisor_check.h"

#define HYP_MODE	0x1a
#define HSCTLR_M	(1u << 0)
#define HSCTLR_C	(1u << 2)
#define HSCTLR_I	(1u << 12)

bool lowvisor_everywhere(char *why, size_t size)
{
	struct lowvisor_cpu cpus[MAX_CPUS];
	struct lowvisor_info info;
	int cpu, n = nr_possible_cpus(), ret;

	ret = lowvisor_read(&info, cpus);
	if (ret) {
		snprintf(why, size, "cannot read %s: %s", LOWVISOR_DEBUGFS, strerror(-ret));
		return false;
	}
	for (cpu = 0; cpu < n && cpu < MAX_CPUS; cpu++) {
		struct lowvisor_cpu *c = &cpus[cpu];

		if (!cpu_is_online(cpu))
			continue;
		if (!c->present || strcmp(c->state, "installed")) {
			snprintf(why, size, "cpu%d: state %s", cpu, c->present ? c->state : "missing");
			return false;
		}
		if (c->mode != HYP_MODE || (c->hsctlr & (HSCTLR_M | HSCTLR_C | HSCTLR_I)) !=
		    (HSCTLR_M | HSCTLR_C | HSCTLR_I) || c->hvbar != c->vectors) {
			snprintf(why, size, "cpu%d: mode %#x hsctlr %#x hvbar %#x (vectors %#x)",
				 cpu, c->mode, c->hsctlr, c->hvbar, c->vectors);
			return false;
		}
	}
	return true;
}
