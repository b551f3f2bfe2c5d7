/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Every kind of MMIO access the highvisor must emulate, in a fixed order
 * that tests/hyp/61-guest-mmio.c follows event by event: each width, sign
 * extension, pre- and post-indexed writeback, register offsets, LDRD/STRD,
 * in ARM and in Thumb-2, and with big-endian data (SETEND BE); last, an
 * access no syndrome or decoder describes (LDM), which the host skips.
 * r4: the test device, r8: the ucall value port.
 */
#include "guest.h"


	.arm
_start:
	ldr	r4, =TESTDEV_BASE
	ldr	r8, =UCALL_VALUE
	/* stores of each width */
	mov	r0, #0x11
	strb	r0, [r4]			@ W +0 len 1
	ldr	r0, =0x2233
	strh	r0, [r4, #2]			@ W +2 len 2
	ldr	r0, =0x44556677
	str	r0, [r4, #4]			@ W +4 len 4
	/* loads of each width, signed and not */
	ldrb	r1, [r4, #8]			@ R +8 len 1: 0x80
	report	r1
	ldrsb	r1, [r4, #9]			@ R +9 len 1: 0x80
	report	r1
	ldrh	r1, [r4, #10]			@ R +10 len 2: 01 80
	report	r1
	ldrsh	r1, [r4, #12]			@ R +12 len 2: 01 80
	report	r1
	ldr	r1, [r4, #16]			@ R +16 len 4: 78 56 34 12
	report	r1
	/* writeback forms */
	mov	r5, r4
	str	r0, [r5, #4]!			@ W +4 len 4, r5 = +4
	report	r5
	ldr	r1, [r5], #8			@ R +4 len 4, r5 = +12
	report	r1
	report	r5
	ldrh	r1, [r5, #-2]!			@ R +10 len 2, r5 = +10
	report	r1
	report	r5
	mov	r6, #2
	ldr	r1, [r4, r6, lsl #2]		@ R +8 len 4
	report	r1
	ldrsb	r1, [r5], -r6			@ R +10 len 1, r5 = +8
	report	r1
	report	r5
	/* doubleword */
	ldr	r2, =0xaabbccdd
	ldr	r3, =0x11223344
	strd	r2, r3, [r4, #24]		@ W +24 len 8
	ldrd	r2, r3, [r4, #32]		@ R +32 len 8
	report	r2
	report	r3
	mov	r5, r4
	strd	r2, r3, [r5, #40]!		@ W +40 len 8, r5 = +40
	report	r5

	/* Thumb-2 */
	adr	r0, thumb_part + 1
	bx	r0

	.thumb
	.align	2
thumb_part:
	ldr	r0, =0x55667788
	str.w	r0, [r4, #48]			@ W +48 len 4
	mov	r5, r4
	ldr	r1, [r5, #4]!			@ R +4 len 4, r5 = +4
	report	r1
	report	r5
	ldrsh	r1, [r5], #-4			@ R +4 len 2, r5 = +0
	report	r1
	report	r5
	ldrb.w	r1, [r4, r6, lsl #1]		@ R +4 len 1
	report	r1
	ldrd	r2, r3, [r4, #56]		@ R +56 len 8
	report	r2
	report	r3
	strd	r3, r2, [r5, #8]!		@ W +8 len 8, r5 = +8
	report	r5
	strh	r0, [r5], #6			@ W +8 len 2, r5 = +14
	report	r5

	/* big-endian data (no literal loads: they would be big-endian too) */
	movw	r0, #0x3344
	movt	r0, #0x1122
	setend	be
	ldr	r1, [r4, #64]			@ R +64 len 4: 12 34 56 78
	str	r0, [r4, #68]			@ W +68 len 4: 11 22 33 44
	ldrsh	r2, [r4, #72]			@ R +72 len 2: 80 01
	ldrd	r6, r7, [r4, #80]		@ R +80 len 8: 01 02 03 04 05 06 07 08
	setend	le
	report	r1
	report	r2
	report	r6
	report	r7

	/* what cannot be emulated (a load multiple) stops with a clear exit */
cannot_emulate:
	ldm.w	r4, {r0, r1}
	power_off
	.ltorg
