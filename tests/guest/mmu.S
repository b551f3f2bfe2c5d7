/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * A guest that is an OS in miniature: its own vectors, its own page tables
 * (short-descriptor sections), MMU and caches on, then a user-mode program
 * that makes system calls, and its own undefined-instruction and
 * data-abort handlers. Each step reports through the ucall page (mapped as
 * device memory); tests/hyp/62-guest-mmu.c checks the sequence.
 */
#include "guest.h"

#define L1_TABLE	(GUEST_RAM_BASE + 0x8000)	/* 16 KiB aligned */
#define SECT_NORMAL	((1 << 12) | (3 << 10) | (1 << 3) | (1 << 2) | 2)	/* TEX 1, AP 3, C, B: write-back */
#define SECT_DEVICE	((3 << 10) | (1 << 4) | (1 << 2) | 2)	/* AP 3, XN, B: shareable device */
#define ALIAS_VA	0x80000000	/* a second view of the first MiB of RAM */
#define UNMAPPED_VA	0x30000000
#define MODE_USR	0x10
#define MODE_SVC	0x13
#define MODE_ABT	0x17
#define MODE_UND	0x1b
#define MODE_SYS	0x1f

_start:
	ldr	r8, =UCALL_VALUE
	/* stacks of each mode, vectors */
	ldr	sp, =GUEST_STACK_TOP
	cps	#MODE_ABT
	ldr	sp, =GUEST_STACK_TOP - 0x1000
	cps	#MODE_UND
	ldr	sp, =GUEST_STACK_TOP - 0x2000
	cps	#MODE_SYS
	ldr	sp, =GUEST_STACK_TOP - 0x3000	@ the user's
	cps	#MODE_SVC
	ldr	r0, =vectors
	mcr	p15, 0, r0, c12, c0, 0		@ VBAR

	/* page tables: RAM identity and at ALIAS_VA, the ucall page as a device */
	l1_clear L1_TABLE
	l1_section GUEST_RAM_BASE, GUEST_RAM_BASE | SECT_NORMAL
	l1_section ALIAS_VA, GUEST_RAM_BASE | SECT_NORMAL
	l1_section UCALL_BASE, UCALL_BASE | SECT_DEVICE
	mmu_on	(1 << 0) | (1 << 2) | (1 << 12)	@ MMU and caches on: M, C, I
	mrc	p15, 0, r1, c1, c0, 0
	report	r1				@ 1: SCTLR as the guest reads it

	/* translation: write through the alias, read through the identity map */
	ldr	r0, =ALIAS_VA + 0x40000
	ldr	r1, =0xcafe0001
	str	r1, [r0]
	ldr	r0, =GUEST_RAM_BASE + 0x40000
	ldr	r2, [r0]
	report	r2				@ 2: 0xcafe0001

	/* user mode: system calls */
	cps	#MODE_USR
	svc	#42				@ 3: the handler reports 42
	mrs	r0, cpsr
	and	r0, r0, #0x1f
	report	r0				@ 4: 0x10, still in user mode
	svc	#1				@ back to SVC mode
	mrs	r0, cpsr
	and	r0, r0, #0x1f
	report	r0				@ 5: 0x13

	/* the guest's own undefined-instruction handler */
	.inst	0xe7f000f0			@ UDF: 6: the handler reports 0x0dd
	mov	r0, #0x600
	report	r0				@ 7: 0x600, execution resumed after it

	/* the guest's own data-abort handler: a translation fault */
	ldr	r0, =UNMAPPED_VA + 0x123
	ldr	r1, [r0]			@ 8, 9: the handler reports DFAR, DFSR
	mov	r0, #0x900
	report	r0				@ 10: 0x900

	report_done
	power_off

svc_handler:
	push	{r0, r1, ip}
	ldr	r0, [lr, #-4]
	bic	r0, r0, #0xff000000		@ the SVC number
	cmp	r0, #1
	bne	2f
	mrs	r1, spsr			@ svc #1: return in SVC mode
	bic	r1, r1, #0x1f
	orr	r1, r1, #MODE_SVC
	msr	spsr_cxsf, r1
	pop	{r0, r1, ip}
	movs	pc, lr
2:	report	r0
	pop	{r0, r1, ip}
	movs	pc, lr

und_handler:
	push	{r0, ip}
	mov	r0, #0xdd
	report	r0
	pop	{r0, ip}
	movs	pc, lr				@ lr: the instruction after the UDF

dabt_handler:
	push	{r0, ip}
	mrc	p15, 0, r0, c6, c0, 0		@ DFAR
	report	r0
	mrc	p15, 0, r0, c5, c0, 0		@ DFSR
	report	r0
	pop	{r0, ip}
	subs	pc, lr, #4			@ skip the faulting load

	vector_table und=und_handler, svc=svc_handler, dabt=dabt_handler
