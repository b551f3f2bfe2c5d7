/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * CP15, CP14 and other trapped instructions, as the hypervisor emulates
 * them: each result is reported in order for tests/hyp/63-guest-traps.c.
 * The guest's undefined-instruction handler reports 0xdd and resumes.
 */
#include "guest.h"


_start:
	ldr	r8, =UCALL_VALUE
	setup_stacks_and_vectors

	mrc	p15, 0, r0, c1, c0, 1		@ 1: ACTLR (HCR.TAC)
	report	r0
	mvn	r1, #0
	mcr	p15, 0, r1, c1, c0, 1		@ a write, ignored
	mrc	p15, 0, r0, c1, c0, 1		@ 2: ACTLR unchanged
	report	r0
	mrc	p15, 1, r0, c9, c0, 2		@ 3: L2CTLR (HCR.TIDCP)
	report	r0
	mrc	p15, 0, r0, c9, c12, 0		@ 4: PMCR (HDCR.TPMCR): zero
	report	r0
	mrc	p14, 0, r0, c0, c0, 0		@ 5: DBGDIDR (HDCR.TDA): zero
	report	r0
	mrc	p15, 0, r0, c0, c0, 0		@ 6: MIDR (VPIDR)
	report	r0
	mrc	p15, 0, r0, c0, c0, 5		@ 7: MPIDR (VMPIDR)
	report	r0
	mrc	p15, 4, r0, c15, c0, 0		@ 8: CBAR (HSTR.T15): zero
	report	r0
	mcr	p15, 0, r0, c15, c0, 0		@ 9: an unknown c15 register: undefined
	smc	#0				@ 10: no secure monitor: undefined
	mov	r5, #7
	movs	r0, #0				@ Z set
	mrcne	p15, 0, r5, c1, c0, 1		@ condition fails: does nothing
	report	r5				@ 11: 7
	mov	r0, #0
	mcr	p15, 0, r0, c7, c14, 2		@ DCCISW (HCR.TSW): done by VA
	wfe					@ (HCR.TWE): the thread yields
	mov	r0, #0x5e7
	report	r0				@ 12: still running
	/* MRC to APSR_nzcv: the flags take the value's top bits, not the pc */
	msr	APSR_nzcvq, #0xf0000000
	mrc	p15, 0, APSR_nzcv, c9, c12, 0	@ PMCR, zero
	mrs	r0, apsr
	and	r0, r0, #0xf0000000
	report	r0				@ 13: 0
	msr	APSR_nzcvq, #0xf0000000
	mrc	p14, 0, APSR_nzcv, c0, c1, 0	@ DBGDSCRint, zero (if it traps)
	mrs	r0, apsr
	and	r0, r0, #0xf0000000
	report	r0				@ 14: 0

	power_off

und_handler:
	push	{r0}
	mov	r0, #0xdd
	report	r0
	pop	{r0}
	movs	pc, lr

	vector_table und=und_handler
