/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * FCSEIDR as a guest may write it: nothing traps the write, and A7/A15 have
 * no FCSE, but an emulated CPU may keep the value. The guest sets a PID,
 * exits with it live (the host's tasks must not see it) and reports what it
 * reads back before and after that exit.
 */
#include "guest.h"

_start:
	ldr	r8, =UCALL_VALUE
	ldr	r0, =0x02000000			@ FCSE PID 1
	mcr	p15, 0, r0, c13, c0, 0		@ FCSEIDR
	isb
	mrc	p15, 0, r0, c13, c0, 0
	report	r0				@ an exit with the PID live
	mrc	p15, 0, r0, c13, c0, 0
	report	r0
	mov	r0, #0
	mcr	p15, 0, r0, c13, c0, 0
	isb
	report_done
	power_off
	.ltorg
