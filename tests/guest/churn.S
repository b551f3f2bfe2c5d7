/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Memory taken away under a running guest (tests/hyp/75-invalidation-churn.c):
 * round after round, the guest reads each page of the slot at CHURN_SLOT
 * and writes its pattern back. A page holds its pattern or, freshly
 * discarded by the VMM, zero; a deleted slot's accesses are MMIO exits the
 * VMM answers with the pattern. Anything else is reported as a failure
 * (the value read). Each round ends with a report of its number.
 */
#include "guest.h"

#define CHURN_SLOT	0x50000000
#define CHURN_PAGES	16
#define CHURN_PATTERN	0xc0de0000	/* | the page's number */

_start:
	ldr	r8, =UCALL_VALUE
	ldr	r9, =UCALL_FAIL
	ldr	r4, =CHURN_PATTERN
	mov	r7, #0				@ rounds
round:
	ldr	r1, =CHURN_SLOT
	mov	r2, #0				@ page
page:
	orr	r3, r4, r2
	ldr	r0, [r1]
	cmp	r0, #0
	cmpne	r0, r3
	beq	1f
	str	r0, [r9]			@ neither: report what was read
	b	.
1:	str	r3, [r1]
	add	r1, r1, #0x1000
	add	r2, r2, #1
	cmp	r2, #CHURN_PAGES
	bne	page
	add	r7, r7, #1
	report	r7
	b	round
	.ltorg
