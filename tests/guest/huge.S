/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * A 4 MiB slot that the VMM backs with 2 MiB huge pages
 * (tests/hyp/78-huge-pages.c): the guest writes each 4 KiB page's number
 * into its first word, reads them all back, reads a page the VMM has
 * discarded meanwhile, checks and writes memory the host has collapsed
 * into a new huge page, reads the second 2 MiB and writes two pages while
 * the slot is logged.
 */
#include "guest.h"

#define HUGE_SLOT	0x50000000
#define HUGE_PAGES	1024

_start:
	ldr	r8, =UCALL_VALUE
	ldr	r4, =HUGE_SLOT
	mov	r2, #0
1:	str	r2, [r4, r2, lsl #12]
	add	r2, r2, #1
	cmp	r2, #HUGE_PAGES
	blo	1b
	report	r2				@ 1: 1024 pages written
	bl	count_mismatches
	report	r0				@ 2: 0
	ldr	r1, =HUGE_SLOT + 0x101000
	ldr	r0, [r1]
	report	r0				@ 3: 0, page 0x101 discarded by the VMM
	bl	count_mismatches
	report	r0				@ 4: 1, that page
	bl	count_mismatches
	report	r0				@ 5: 0, after the collapse and the VMM's rewrite of page 0x101
	ldr	r0, =0xabc
	ldr	r1, =HUGE_SLOT + 0x7000		@ page 7, in the collapsed 2 MiB
	str	r0, [r1]
	report	r0				@ 6: written after the collapse
	mov	r2, #HUGE_PAGES / 2
	bl	count_from
	report	r0				@ 7: 0, the second 2 MiB read while logged
	ldr	r0, =0x12345678
	ldr	r1, =HUGE_SLOT + 0x300000	@ page 0x300, in the second 2 MiB
	str	r0, [r1]
	ldr	r1, =HUGE_SLOT + 0xa000		@ page 0xa, in the first
	str	r0, [r1]
	report	r0				@ 8: written while logged
	power_off

/* r0 = how many pages do not hold their number (r1-r3 clobbered) */
count_mismatches:
	mov	r2, #0
/* r0 = how many pages from page r2 on do not hold their number (r1-r3 clobbered) */
count_from:
	mov	r0, #0
1:	ldr	r3, [r4, r2, lsl #12]
	cmp	r3, r2
	addne	r0, r0, #1
	add	r2, r2, #1
	cmp	r2, #HUGE_PAGES
	blo	1b
	bx	lr
