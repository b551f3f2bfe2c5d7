/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * For the exit benchmarks (tests/bench/20-guest-exits.c): r0 rounds of a
 * loop alone, then of an hvc the highvisor answers (PSCI_VERSION), then of
 * an MMIO write the VMM answers; a ucall after each phase.
 */
#include "guest.h"

_start:
	mov	r5, r0
	ldr	r8, =UCALL_VALUE
	ldr	r9, =TESTDEV_BASE
	mov	r4, r5
1:	subs	r4, r4, #1			@ the loop alone
	bne	1b
	str	r4, [r8]
	mov	r4, r5
2:	ldr	r0, =0x84000000			@ PSCI_VERSION: answered in the kernel
	hvc	#0
	subs	r4, r4, #1
	bne	2b
	str	r4, [r8]
	mov	r4, r5
3:	str	r4, [r9]			@ answered by the VMM
	subs	r4, r4, #1
	bne	3b
	str	r4, [r8]
	power_off
	.ltorg
