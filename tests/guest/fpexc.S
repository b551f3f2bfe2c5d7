/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * FPEXC as a VMM or a guest may set it. The first VFP instruction makes the
 * lowvisor load the guest's VFP state (FPEXC as the VMM set it): reported.
 * Then the guest sets FPEXC.EX itself and exits with it live (the lowvisor
 * saves it), and reports FPEXC once more after coming back.
 */
#include "guest.h"

_start:
	ldr	r8, =UCALL_VALUE
	mrc	p15, 0, r0, c1, c0, 2
	orr	r0, r0, #(0xf << 20)		@ CPACR: cp10, cp11 full access
	mcr	p15, 0, r0, c1, c0, 2
	isb
	vmrs	r0, fpexc			@ the lazy restore
	report	r0
	ldr	r0, =0xc0000000			@ EN and EX
	vmsr	fpexc, r0
	vmov	d0, r0, r0
	vmrs	r0, fpexc
	report	r0				@ an exit with EX live
	vmrs	r0, fpexc
	report	r0
	report_done
	power_off
	.ltorg
