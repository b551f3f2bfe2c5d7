/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The ThumbEE registers are the guest's own (tests/hyp/76-isolation.c):
 * it reports TEEHBR and TEECR as the VMM set them, writes both (TEECR.XED
 * would deny the host's tasks TEEHBR if it stayed on the CPU), and reads
 * them back across exits.
 */
#include "guest.h"

_start:
	ldr	r8, =UCALL_VALUE
	mrc	p14, 6, r0, c1, c0, 0		@ 1: TEEHBR, as the VMM set it
	report	r0
	mrc	p14, 6, r0, c0, c0, 0		@ 2: TEECR, as the VMM set it
	report	r0
	ldr	r0, =0x12345000
	mcr	p14, 6, r0, c1, c0, 0		@ TEEHBR
	mov	r0, #1				@ XED: PL0 may not touch TEEHBR
	mcr	p14, 6, r0, c0, c0, 0		@ TEECR
	mrc	p14, 6, r0, c1, c0, 0		@ 3: TEEHBR written
	report	r0
	mrc	p14, 6, r0, c0, c0, 0		@ 4: TEECR, after an exit
	report	r0
	mrc	p14, 6, r0, c1, c0, 0		@ 5: TEEHBR, after two
	report	r0
	report_done
	power_off
	.ltorg
