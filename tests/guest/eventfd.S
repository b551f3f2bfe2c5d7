/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Interrupts from irqfds and a doorbell through an ioeventfd
 * (tests/hyp/73-guest-eventfd.c drives the phases): SPI 41 (edge) and 42
 * (level, from a resampling irqfd) are reported by the IRQ handler; the
 * main loop rings TESTDEV_BASE + 0x100 with 0x1234 and reports 2, 3, done.
 */
#include "guest.h"

#define GICD		GUEST_GICD
#define GICC		GUEST_GICC
#define PHASE		(GUEST_RAM_BASE + 0x10000)

	/*
	 * Sleep until the phase reaches n: checked with IRQs masked, WFI
	 * masked (a pending interrupt still wakes it), then unmasked to take
	 * the interrupt, so none can slip in between the check and the WFI.
	 */
	.macro	wait_phase n
	cpsid	i
1:	ldr	r0, =PHASE
	ldr	r0, [r0]
	cmp	r0, #\n
	bhs	2f
	wfi
	cpsie	i
	isb
	cpsid	i
	b	1b
2:	cpsie	i
	.endm

_start:
	ldr	r8, =UCALL_VALUE
	setup_stacks_and_vectors
	ldr	r0, =GICD
	ldr	r1, =(3 << 9)
	str	r1, [r0, #0x104]		@ ISENABLER1: SPIs 41, 42
	ldr	r1, =(2 << 18)
	str	r1, [r0, #0xc08]		@ ICFGR2: SPI 41 edge, 42 level
	mov	r1, #1
	strb	r1, [r0, #0x829]		@ ITARGETSR
	strb	r1, [r0, #0x82a]
	str	r1, [r0]			@ GICD_CTLR
	gic_cpu_interface_on
	cpsie	i
	mov	r0, #1
	report	r0
	wait_phase 2
	ldr	r0, =TESTDEV_BASE + 0x100
	ldr	r1, =0x1234
	str	r1, [r0]			@ the doorbell: no exit to the VMM
	mov	r0, #2
	report	r0
	wait_phase 3
	mov	r0, #3
	report	r0
	wait_phase 4
	report_done
	power_off

irq_handler:
	push	{r0-r3, lr}
	ldr	r1, =GICC
	ldr	r0, [r1, #0x0c]
	ldr	r2, =0x3ff
	and	r3, r0, r2
	cmp	r3, r2
	strne	r3, [r8]			@ report the interrupt
	strne	r0, [r1, #0x10]			@ EOI
	pop	{r0-r3, lr}
	subs	pc, lr, #4

	.ltorg
	vector_table irq=irq_handler
