/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * An MMIO load the highvisor must decode (Thumb-2 LDR with writeback: no
 * syndrome) whose two halfwords lie in two pages that the guest's MMU maps
 * apart: VA 0x800ffffe is the last halfword of the RAM's second MiB, VA
 * 0x80100000 the start of its fourth. The third MiB's first halfword, the
 * one after the first in physical order, holds a decoy: the same load into
 * another register (the address the same, so the decoder's check of it
 * against the fault's lets it through). tests/hyp/61-guest-mmio.c expects
 * an emulation failure at pc 0x800ffffe, never the decoy's access. Needs
 * 4 MiB of RAM; reports 1 just before the load.
 */
#include "guest.h"

#define L1_TABLE	(GUEST_RAM_BASE + 0x8000)	/* 16 KiB aligned */
#define SECT_NORMAL	((1 << 12) | (3 << 10) | (1 << 3) | (1 << 2) | 2)	/* TEX 1, AP 3, C, B */
#define SECT_DEVICE	((3 << 10) | (1 << 4) | (1 << 2) | 2)	/* AP 3, XN, B */
#define FIRST_PA	(GUEST_RAM_BASE + 0x1ffffe)	/* seen at VA 0x800ffffe */
#define DECOY_PA	(GUEST_RAM_BASE + 0x200000)	/* after it in physical order */
#define SECOND_PA	(GUEST_RAM_BASE + 0x300000)	/* seen at VA 0x80100000 */
#define LDR_W_HW1	0xf854		/* ldr.w r1, [r4, #imm8]! (T4, Rn r4) */
#define LDR_W_HW2	0x1f04		/* Rt r1, P U W, imm8 4 */
#define DECOY_HW2	0x2f04		/* the same into r2 */
#define THUMB_B_SELF	0xe7fe		/* b . */

_start:
	ldr	r8, =UCALL_VALUE
	ldr	r4, =TESTDEV_BASE
	/* the instruction's halves, the decoy, a stop after it (MMU off: PA) */
	ldr	r0, =FIRST_PA
	ldr	r1, =LDR_W_HW1
	strh	r1, [r0]
	ldr	r0, =SECOND_PA
	ldr	r1, =LDR_W_HW2
	strh	r1, [r0]
	ldr	r1, =THUMB_B_SELF
	strh	r1, [r0, #2]
	ldr	r0, =DECOY_PA
	ldr	r1, =DECOY_HW2
	strh	r1, [r0]

	l1_clear L1_TABLE
	l1_section GUEST_RAM_BASE, GUEST_RAM_BASE | SECT_NORMAL
	l1_section 0x80000000, (GUEST_RAM_BASE + 0x100000) | SECT_NORMAL
	l1_section 0x80100000, SECOND_PA | SECT_NORMAL
	l1_section UCALL_BASE, UCALL_BASE | SECT_DEVICE
	l1_section TESTDEV_BASE, TESTDEV_BASE | SECT_DEVICE
	mmu_on	1				@ M; caches stay off
	mov	r0, #1
	report	r0				@ 1: about to load
	ldr	r0, =0x800ffffe + 1		@ Thumb
	bx	r0
	.ltorg
