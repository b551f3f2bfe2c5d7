/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Map a whole slot in stage 2 (tests/bench/60-stage2-latency.c): round
 * after round, the guest writes the first word of each of the r0 pages of
 * the slot at TOUCH_SLOT, one stage-2 fault per page the first time, and
 * reports the number of pages.
 */
#include "guest.h"

#define TOUCH_SLOT	0x50000000

_start:
	ldr	r8, =UCALL_VALUE
	mov	r5, r0
	ldr	r4, =TOUCH_SLOT
round:
	mov	r2, #0
1:	str	r2, [r4, r2, lsl #12]
	add	r2, r2, #1
	cmp	r2, r5
	blo	1b
	report	r2
	b	round
	.ltorg
