/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * CNTFRQ as a guest may write it: only the highest privilege level may
 * (PL2 here), so the write is undefined; on a CPU or emulator that takes it
 * anyway, it must stay the guest's. Reports what it reads back, then whether
 * the write was undefined (1) or not (0).
 */
#include "guest.h"

_start:
	ldr	r8, =UCALL_VALUE
	ldr	sp, =GUEST_STACK_TOP
	ldr	r0, =cntfrq_vectors
	mcr	p15, 0, r0, c12, c0, 0		@ VBAR
	isb
	mov	r5, #0				@ undefined instruction taken?
	ldr	r0, =1000
	mcr	p15, 0, r0, c14, c0, 0		@ CNTFRQ
	isb
	mrc	p15, 0, r0, c14, c0, 0
	report	r0				@ an exit with it written, or not
	report	r5
	report_done
	power_off

	.balign	32
cntfrq_vectors:
	b	.
	b	undef
	b	.
	b	.
	b	.
	b	.
	b	.
	b	.
undef:	mov	r5, #1
	movs	pc, lr				@ past the mcr
	.ltorg
