/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * For tests/bench/25-pending-exits.c: r0 rounds of an hvc the highvisor
 * answers (PSCI_VERSION), twice (the first to warm up), a ucall after each;
 * then every SPI of a 992-interrupt vGIC (the most) enabled, targeted at
 * this vCPU and pending, with priorities that rise with the interrupt's
 * number, a ucall, and r0 rounds again, a ucall. The guest keeps IRQs
 * masked (CPSR.I from reset), so all stay pending: each entry chooses the
 * list registers' few from 960 of them (the last word's writes, past the
 * vGIC's last SPI, are ignored).
 */
#include "guest.h"

#define GICD		GUEST_GICD
#define SPI_WORDS	32	/* ISENABLER/ISPENDR words; word 0 holds the private ones */

_start:
	mov	r5, r0
	ldr	r8, =UCALL_VALUE
	bl	hvc_rounds
	report	r4				@ 1: 0, warm
	bl	hvc_rounds
	report	r4				@ 2: 0

	ldr	r6, =GICD
	mvn	r1, #0
	mov	r2, #1
1:	add	r3, r6, #0x100			@ ISENABLER1..31
	str	r1, [r3, r2, lsl #2]
	add	r3, r6, #0x200			@ ISPENDR1..31
	str	r1, [r3, r2, lsl #2]
	add	r2, r2, #1
	cmp	r2, #SPI_WORDS
	blo	1b
	ldr	r1, =0x01010101
	mov	r2, #8
2:	add	r3, r6, #0x800			@ ITARGETSR8..255: vCPU 0
	str	r1, [r3, r2, lsl #2]
	lsr	r0, r2, #3			@ IPRIORITYR8..255: 0xf0 falling to 0
	rsb	r0, r0, #31
	lsl	r0, r0, #3
	orr	r0, r0, r0, lsl #8
	orr	r0, r0, r0, lsl #16
	add	r3, r6, #0x400
	str	r0, [r3, r2, lsl #2]
	add	r2, r2, #1
	cmp	r2, #SPI_WORDS * 8
	blo	2b
	mov	r0, #1				@ GICD_CTLR: on
	str	r0, [r6]
	report	r0				@ 3: 1

	bl	hvc_rounds
	report	r4				@ 4: 0
	power_off

hvc_rounds:
	mov	r4, r5
3:	ldr	r0, =0x84000000			@ PSCI_VERSION: answered in the kernel
	hvc	#0
	subs	r4, r4, #1
	bne	3b
	bx	lr
	.ltorg
