/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * What every test guest starts with (included first by tests/guest/*.S):
 * the ABI with its host program, the assembler's settings, and macros to
 * report a value (r8 must hold UCALL_VALUE), power off, and lay out
 * exception vectors whose unused entries report a failure.
 */
#ifndef ARMVIRT_TESTS_GUEST_H
#define ARMVIRT_TESTS_GUEST_H

#include "guest_abi.h"

	.syntax	unified
	.arch	armv7-a
	.arch_extension virt
	.arch_extension sec
	.fpu	neon
	.arm
	.text
	.global	_start

	.macro	report reg
	str	\reg, [r8]
	.endm

	.macro	power_off
	ldr	r0, =PSCI_SYSTEM_OFF
	hvc	#0
	b	.
	.endm

	/* Tell the host the guest has finished: the ucall DONE port (r0, r1). */
	.macro	report_done
	ldr	r0, =UCALL_DONE
	mov	r1, #0
	str	r1, [r0]
	.endm

	/* Zero the 16 KiB short-descriptor L1 table at \table; r0 = \table after. */
	.macro	l1_clear table
	ldr	r0, =\table
	mov	r1, #0
	mov	r2, #4096
9:	str	r1, [r0], #4
	subs	r2, r2, #1
	bne	9b
	ldr	r0, =\table
	.endm

	/* In the L1 table at r0, the 1 MiB section at \va maps \entry (r1, r2). */
	.macro	l1_section va, entry
	ldr	r1, =\entry
	ldr	r2, =(\va >> 20) * 4
	str	r1, [r0, r2]
	.endm

	/*
	 * Translation on through the short-descriptor L1 table at r0 (TTBR0
	 * only, domain 0 client), the TLB and I-cache cleared first; SCTLR
	 * gains \sctlr (M, and C and I if wanted). r1, r2 clobbered.
	 */
	.macro	mmu_on sctlr
	dsb
	mov	r1, #0
	mcr	p15, 0, r1, c2, c0, 2		@ TTBCR: short descriptors, TTBR0 only
	mcr	p15, 0, r0, c2, c0, 0		@ TTBR0
	mov	r1, #1
	mcr	p15, 0, r1, c3, c0, 0		@ DACR: domain 0 client
	mcr	p15, 0, r1, c8, c7, 0		@ TLBIALL
	mcr	p15, 0, r1, c7, c5, 0		@ ICIALLU
	dsb
	isb
	mrc	p15, 0, r1, c1, c0, 0
	ldr	r2, =\sctlr
	orr	r1, r1, r2
	mcr	p15, 0, r1, c1, c0, 0		@ SCTLR
	isb
	.endm

	/*
	 * The exception modes' stacks below SVC's (GUEST_STACK_TOP), and
	 * VBAR at "vectors" (vector_table).
	 */
	.macro	setup_stacks_and_vectors
	cps	#0x17				@ ABT
	ldr	sp, =GUEST_STACK_TOP - 0x1000
	cps	#0x1b				@ UND
	ldr	sp, =GUEST_STACK_TOP - 0x2000
	cps	#0x12				@ IRQ
	ldr	sp, =GUEST_STACK_TOP - 0x3000
	cps	#0x13				@ SVC
	ldr	sp, =GUEST_STACK_TOP
	ldr	r0, =vectors
	mcr	p15, 0, r0, c12, c0, 0		@ VBAR
	isb
	.endm

	/* This vCPU's GIC CPU interface on, every priority let through */
	.macro	gic_cpu_interface_on
	ldr	r0, =GUEST_GICC
	mov	r1, #0xf0
	str	r1, [r0, #0x04]			@ GICC_PMR
	mov	r1, #1
	str	r1, [r0]			@ GICC_CTLR
	.endm

	/* VBAR must point at "vectors"; an unexpected exception reports its lr. */
	.macro	vector_table und=unexpected, svc=unexpected, pabt=unexpected, dabt=unexpected, irq=unexpected, fiq=unexpected
unexpected:
	ldr	r0, =UCALL_FAIL
	str	lr, [r0]
	b	.
	.ltorg
	.align	5
vectors:
	b	unexpected			@ reset
	b	\und
	b	\svc
	b	\pabt
	b	\dabt
	b	unexpected			@ not used
	b	\irq
	b	\fiq
	.endm

#endif
