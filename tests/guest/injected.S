/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * A guest that stops at fixed points while its host makes the vCPU handle
 * traps the test board never produces (the debugfs test interface): it
 * reports step 1 and runs a NOP sled (an emulated instruction may be
 * skipped); takes the virtual abort the host may have injected, reporting
 * 0xab000000 | DFSR from its handler; reports step 2; reads DATA_PAGE (a
 * page the host never touched: mapped read-only) and reports step 3; writes
 * it and reports step 4; then writes SCTLR (unchanged), TTBR0 and
 * CONTEXTIDR, which trap while set/way maintenance is emulated (HCR.TVM),
 * and reports what TTBR0 and CONTEXTIDR read back.
 */
#include "guest.h"

#define DATA_PAGE	(GUEST_RAM_BASE + 0x180000)

_start:
	ldr	r8, =UCALL_VALUE
	setup_stacks_and_vectors
	cpsie	a				@ take (virtual) asynchronous aborts
	mov	r0, #1
	report	r0
	.rept	16
	nop
	.endr
	mov	r0, #2
	report	r0
	ldr	r1, =DATA_PAGE
	ldr	r0, [r1]
	mov	r0, #3
	report	r0
	str	r0, [r1]
	mov	r0, #4
	report	r0
	mrc	p15, 0, r0, c1, c0, 0		@ SCTLR, written back as it is
	mcr	p15, 0, r0, c1, c0, 0
	ldr	r0, =0x12345000
	mcr	p15, 0, r0, c2, c0, 0		@ TTBR0
	mov	r0, #0x55
	mcr	p15, 0, r0, c13, c0, 1		@ CONTEXTIDR
	isb
	mrc	p15, 0, r0, c2, c0, 0
	report	r0
	mrc	p15, 0, r0, c13, c0, 1
	report	r0
	report_done
	power_off

abort:
	mrc	p15, 0, r0, c5, c0, 0		@ DFSR
	orr	r0, r0, #0xab000000
	report	r0
	subs	pc, lr, #8

	vector_table dabt=abort
