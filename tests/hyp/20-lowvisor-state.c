// SPDX-License-Identifier: GPL-2.0-only
/*
 * On every CPU, the lowvisor answers from HYP mode with its MMU and caches
 * on, through its own page tables, at the kernel's VA of its code, and its
 * vectors invalidate the branch predictor on the cores that need it.
 */
#define _GNU_SOURCE
#include <string.h>

#include "board.h"
#include "lowvisor_check.h"
#include "tap.h"

#define HYP_MODE	0x1a
#define HSCTLR_M	(1u << 0)
#define HSCTLR_A	(1u << 1)
#define HSCTLR_C	(1u << 2)
#define HSCTLR_I	(1u << 12)
#define HSCTLR_WXN	(1u << 19)
#define HSCTLR_RES1	0x30c50818u
#define CHECKS_PER_CPU	11

/*
 * What the HYP vectors must do to the branch predictor of a CPU (Spectre
 * variant 2): BPIALL on Cortex-A12, A17 and Brahma-B15, ICIALLU on
 * Cortex-A15 (the MIDR's implementer and part number), nothing elsewhere.
 */
static const char *predictor_for(unsigned int midr)
{
	switch (midr & 0xff00fff0) {
	case 0x4100c0d0:
	case 0x4100c0e0:
	case 0x420000f0:
		return "bpiall";
	case 0x4100c0f0:
		return "iciallu";
	default:
		return "none";
	}
}

int main(void)
{
	struct lowvisor_cpu cpus[MAX_CPUS], again[MAX_CPUS];
	struct lowvisor_info info, info2;
	int n = nr_possible_cpus(), cpu, other;
	char why[256];

	if (n < 1 || n > MAX_CPUS)
		tap_bail("cannot count the CPUs (%d)", n);
	tap_plan(4 + n * CHECKS_PER_CPU);
	if (!tap_eq(lowvisor_read(&info, cpus), 0, "debugfs-lowvisor-readable"))
		tap_bail("no lowvisor state");
	tap_ok(info.text_start && info.text_end > info.text_start &&
	       info.vectors >= info.text_start && info.vectors < info.text_end &&
	       !(info.vectors & 31), "vectors-aligned-inside-lowvisor-text");
	tap_ok(info.pt_pages >= 3 && info.httbr && !(info.httbr & 0xfff),
	       "hyp-page-tables-exist");

	for (cpu = 0; cpu < n; cpu++) {
		struct lowvisor_cpu *c = &cpus[cpu];

		if (!cpu_is_online(cpu)) {
			for (int i = 0; i < CHECKS_PER_CPU; i++)
				tap_skip("cpu offline", "cpu%d-check%d", cpu, i);
			continue;
		}
		tap_ok(c->present && !strcmp(c->state, "installed"), "cpu%d-lowvisor-installed", cpu);
		tap_eq(c->mode, HYP_MODE, "cpu%d-runs-in-hyp-mode", cpu);
		tap_eq(c->hsctlr & (HSCTLR_M | HSCTLR_C | HSCTLR_I), HSCTLR_M | HSCTLR_C | HSCTLR_I,
		       "cpu%d-hyp-mmu-dcache-icache-on", cpu);
		tap_eq(c->hsctlr & (HSCTLR_A | HSCTLR_WXN), 0, "cpu%d-no-alignment-or-wxn-trap", cpu);
		tap_eq(c->hsctlr & HSCTLR_RES1, HSCTLR_RES1, "cpu%d-hsctlr-res1-bits-set", cpu);
		tap_ok(c->hvbar == c->vectors && c->vectors >= info.text_start &&
		       c->vectors < info.text_end && !(c->vectors & 31),
		       "cpu%d-hvbar-is-lowvisor-vectors", cpu);
		if (!tap_ok(!strcmp(c->predictor, predictor_for(c->midr)),
			    "cpu%d-vectors-invalidate-the-branch-predictor-as-its-core-needs", cpu))
			tap_diag("MIDR %#x: %s, not %s", c->midr, c->predictor,
				 predictor_for(c->midr));
		/* Running at the kernel's VA of the code is only possible with our tables. */
		tap_ok(c->pc >= info.text_start && c->pc < info.text_end,
		       "cpu%d-executes-at-its-hyp-va", cpu);
		tap_eq(c->httbr, info.httbr, "cpu%d-uses-lowvisor-page-tables", cpu);
		tap_ok(c->pcpu && c->sp > c->pcpu && c->sp <= c->pcpu + 4096,
		       "cpu%d-hyp-stack-in-its-own-page", cpu);
		for (other = 0; other < cpu; other++)
			if (cpus[other].present && cpus[other].mpidr == c->mpidr)
				break;
		tap_ok(other == cpu && c->stub_hvbar && c->stub_hvbar == cpus[0].stub_hvbar,
		       "cpu%d-answered-on-its-own-cpu-and-kept-the-stub", cpu);
	}

	why[0] = 0;
	lowvisor_read(&info2, again);
	if (!tap_ok(lowvisor_everywhere(why, sizeof(why)) &&
		    !memcmp(&info, &info2, sizeof(info)) && again[0].pcpu == cpus[0].pcpu,
		    "state-stable-across-reads"))
		tap_diag("%s", why);
	tap_finish();
}
