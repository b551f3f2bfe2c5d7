/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The ThumbEE registers as a guest may write them: TEEHBR, then TEECR,
 * each read back and reported. They are host state on a CPU that has
 * them (the host's tasks use TEEHBR and TEECR.XED), so they must trap.
 */
#include "guest.h"

_start:
	ldr	r8, =UCALL_VALUE
	ldr	r0, =0x12345000
	mcr	p14, 6, r0, c1, c0, 0		@ TEEHBR
	mrc	p14, 6, r0, c1, c0, 0
	report	r0
	mov	r0, #1				@ XED: PL0 may not touch TEEHBR
	mcr	p14, 6, r0, c0, c0, 0		@ TEECR
	mrc	p14, 6, r0, c0, c0, 0
	report	r0
	report_done
	power_off
	.ltorg
