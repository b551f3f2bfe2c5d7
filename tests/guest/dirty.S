/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Dirty logging's guest: rounds of page accesses the host lists. Each
 * round it reports its number, then reads the host's list at CMD: a count
 * (~0 to finish), then page numbers of the logged slot at 0x50000000; it
 * writes the round's number into each page, or only reads it when the
 * number has bit 31 set.
 */
#include "guest.h"

#define CMD	(GUEST_RAM_BASE + 0x80000)
#define DATA	0x50000000

_start:
	ldr	r8, =UCALL_VALUE
	ldr	r5, =DATA
	mov	r4, #0
round:	report	r4
	ldr	r0, =CMD
	ldr	r1, [r0], #4
	cmn	r1, #1
	beq	done
	add	r4, r4, #1
next:	subs	r1, r1, #1
	bmi	round
	ldr	r2, [r0], #4
	tst	r2, #0x80000000
	bic	r2, r2, #0x80000000
	add	r3, r5, r2, lsl #12
	ldrne	r6, [r3]
	streq	r4, [r3]
	b	next
done:	report_done
	power_off
	.ltorg
