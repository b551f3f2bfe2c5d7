/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * A virtual timer that expired and stays so, in a VM without a vGIC
 * (tests/hyp/79-cpu-irq-line.c): the guest sets CNTV_CVAL to 0 and enables
 * the timer, its interrupt unmasked (IRQs masked in CPSR, as from reset),
 * counts down r0 rounds, reports 1 and powers off.
 */
#include "guest.h"

_start:
	ldr	r8, =UCALL_VALUE
	mov	r5, r0
	mov	r0, #0
	mov	r1, #0
	mcrr	p15, 3, r0, r1, c14		@ CNTV_CVAL: 0, long past
	mov	r0, #1
	mcr	p15, 0, r0, c14, c3, 1		@ CNTV_CTL: enabled, not masked
	isb
1:	subs	r5, r5, #1
	bne	1b
	mov	r0, #1
	report	r0
	power_off
	.ltorg
