// SPDX-License-Identifier: GPL-2.0-only
/*
 * 100 load/unload cycles in a row: each load installs the lowvisor on every
 * CPU, each unload succeeds, and the memory in use does not grow.
 */
#define _GNU_SOURCE
#include <stdio.h>

#include "board.h"
#include "lowvisor_check.h"
#include "tap.h"

#define CYCLES		100
/*
 * One cycle allocates ~9 pages (tables, per-CPU pages): leaking even one page
 * every third cycle would exceed this. Measured noise: under 16 KiB.
 */
#define MAX_GROWTH_KB	128

int main(void)
{
	int i, loads = 0, unloads = 0, installed = 0;
	long before, after, slab_before, slab_after;
	char why[256] = "";

	tap_plan(5);
	if (module_loaded("armvirt"))
		module_unload("armvirt");
	/* Warm up: the first cycle fills caches that stay. */
	module_load(ARMVIRT_KO);
	module_unload("armvirt");
	before = memory_in_use_kb();
	slab_before = meminfo_kb("SUnreclaim");

	for (i = 0; i < CYCLES; i++) {
		loads += module_load(ARMVIRT_KO) == 0;
		installed += lowvisor_everywhere(why, sizeof(why));
		unloads += module_unload("armvirt") == 0;
	}
	after = memory_in_use_kb();
	slab_after = meminfo_kb("SUnreclaim");

	tap_eq(loads, CYCLES, "%d-loads-succeed", CYCLES);
	if (!tap_eq(installed, CYCLES, "lowvisor-on-every-cpu-after-each-load"))
		tap_diag("%s", why);
	tap_eq(unloads, CYCLES, "%d-unloads-succeed", CYCLES);
	tap_diag("memory in use: before %ld KiB, after %ld KiB, growth %ld KiB; unreclaimable slab %ld -> %ld KiB",
		 before, after, after - before, slab_before, slab_after);
	if (memory_use_is_exact())
		tap_ok(after - before < MAX_GROWTH_KB, "used-memory-grows-under-%d-kib",
		       MAX_GROWTH_KB);
	else
		tap_skip(NOT_EXACT_REASON, "used-memory-grows-under-%d-kib", MAX_GROWTH_KB);
	tap_eq(module_load(ARMVIRT_KO), 0, "loads-again-after-the-cycles");
	tap_finish();
}
