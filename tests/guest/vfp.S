/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * VFP/NEON isolation: fill d0-d31 and FPSCR with a pattern made from the
 * seed in r0 and the round number, leave to the host (a ucall), spin, and
 * check every register still holds it. UCALL_FAIL reports the first
 * register found changed (32: FPSCR).
 */
#include "guest.h"

#define ROUNDS	200

	.macro	fill n
	add	r2, r1, #\n
	eor	r3, r2, #0x5a000000
	vmov	d\n, r2, r3
	.endm

	.macro	check n
	add	r2, r1, #\n
	eor	r3, r2, #0x5a000000
	vmov	r4, r5, d\n
	cmp	r4, r2
	cmpeq	r5, r3
	movne	r0, #\n
	bne	fail
	.endm

	.macro	all op
	\op 0; \op 1; \op 2; \op 3; \op 4; \op 5; \op 6; \op 7
	\op 8; \op 9; \op 10; \op 11; \op 12; \op 13; \op 14; \op 15
	\op 16; \op 17; \op 18; \op 19; \op 20; \op 21; \op 22; \op 23
	\op 24; \op 25; \op 26; \op 27; \op 28; \op 29; \op 30; \op 31
	.endm

_start:
	mov	r9, r0				@ the seed
	ldr	r8, =UCALL_VALUE
	mrc	p15, 0, r0, c1, c0, 2
	orr	r0, r0, #(0xf << 20)		@ CPACR: cp10, cp11 full access
	mcr	p15, 0, r0, c1, c0, 2
	isb
	mov	r0, #(1 << 30)
	vmsr	fpexc, r0			@ FPEXC.EN
	mov	r10, #0
round:
	add	r1, r9, r10, lsl #8
	all	fill
	and	r2, r1, #0xf0000000		@ NZCV from the pattern
	vmsr	fpscr, r2
	str	r10, [r8]			@ to the host and back
	mov	r0, #0x4000
1:	subs	r0, r0, #1
	bne	1b
	all	check
	vmrs	r3, fpscr
	and	r2, r1, #0xf0000000
	and	r3, r3, #0xf0000000
	cmp	r2, r3
	movne	r0, #32
	bne	fail
	add	r10, r10, #1
	cmp	r10, #ROUNDS
	blo	round

	report_done
	power_off

fail:
	ldr	r1, =UCALL_FAIL
	str	r0, [r1]
	b	.
	.ltorg
