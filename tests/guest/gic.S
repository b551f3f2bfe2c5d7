/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Interrupts through the virtual GIC (tests/hyp/70-guest-vgic.c drives the
 * phases): a level SPI that comes back after EOI while its line is high,
 * an SGI to itself, the virtual timer waking WFI, then eight edge SPIs
 * pending at once (more than the list registers) taken in priority order.
 * The IRQ handler reports every interrupt number it acknowledges.
 */
#include "guest.h"

#define GICD		GUEST_GICD
#define GICC		GUEST_GICC
#define PHASE		(GUEST_RAM_BASE + 0x10000)	/* written by the host */

	.macro	wait_phase n
1:	ldr	r0, =PHASE
	ldr	r0, [r0]
	cmp	r0, #\n
	blo	1b
	.endm

	.macro	gicd_write off, val
	ldr	r0, =GICD + \off
	ldr	r1, =\val
	str	r1, [r0]
	.endm

	.macro	gicd_byte off, val
	ldr	r0, =GICD + \off
	mov	r1, #\val
	strb	r1, [r0]
	.endm

_start:
	ldr	r8, =UCALL_VALUE
	setup_stacks_and_vectors

	gicd_write 0x104, 0x0001ff00		@ ISENABLER1: SPIs 40-48
	gicd_write 0x100, (1 << 27)		@ ISENABLER0: the virtual timer
	gicd_write 0xc08, 0xaaa80000		@ ICFGR2: SPIs 41-47 edge
	gicd_write 0xc0c, 0x00000002		@ ICFGR3: SPI 48 edge
	gicd_byte 0x800 + 40, 1			@ ITARGETSR: all to vCPU 0
	gicd_byte 0x800 + 41, 1
	gicd_byte 0x800 + 42, 1
	gicd_byte 0x800 + 43, 1
	gicd_byte 0x800 + 44, 1
	gicd_byte 0x800 + 45, 1
	gicd_byte 0x800 + 46, 1
	gicd_byte 0x800 + 47, 1
	gicd_byte 0x800 + 48, 1
	gicd_byte 0x400 + 41, 0x80		@ IPRIORITYR: a scrambled order
	gicd_byte 0x400 + 42, 0x40
	gicd_byte 0x400 + 43, 0xc0
	gicd_byte 0x400 + 44, 0x20
	gicd_byte 0x400 + 45, 0x60
	gicd_byte 0x400 + 46, 0xa0
	gicd_byte 0x400 + 47, 0x10
	gicd_byte 0x400 + 48, 0x30
	gicd_write 0x000, 1			@ GICD_CTLR
	gic_cpu_interface_on
	cpsie	i

	mov	r0, #1
	report	r0				@ ready: the host raises SPI 40
	wait_phase 2

	gicd_write 0xf00, (2 << 24) | 5		@ GICD_SGIR: SGI 5 to myself
	wait_phase 3

	mrc	p15, 0, r0, c14, c0, 0		@ CNTFRQ
	mov	r1, #100
	udiv	r0, r0, r1			@ 10 ms
	mcr	p15, 0, r0, c14, c3, 0		@ CNTV_TVAL
	mov	r0, #1
	mcr	p15, 0, r0, c14, c3, 1		@ CNTV_CTL: enabled
	isb
	/*
	 * Until the timer's interrupt. The phase is checked with IRQs masked
	 * (WFI still wakes): an interrupt taken between the check and the WFI
	 * would return to a WFI that nothing ends (the host writes the phase
	 * after the handler's report), seen on a loaded machine.
	 */
2:	cpsid	i
	ldr	r0, =PHASE
	ldr	r0, [r0]
	cmp	r0, #4
	bhs	4f
	wfi
	cpsie	i				@ the timer's interrupt is taken here
	b	2b

4:	mov	r0, #2
	report	r0				@ masked: the host makes eight SPIs pending
	cpsie	i
	wait_phase 5
	report_done
	power_off

irq_handler:
	push	{r0-r3, lr}
	ldr	r1, =GICC
	ldr	r0, [r1, #0x0c]			@ GICC_IAR
	ldr	r2, =0x3ff
	and	r3, r0, r2
	cmp	r3, r2
	beq	3f				@ spurious
	cmp	r3, #27
	moveq	r2, #0
	mcreq	p15, 0, r2, c14, c3, 1		@ the timer: disable it
	report	r3
	str	r0, [r1, #0x10]			@ GICC_EOIR
3:	pop	{r0-r3, lr}
	subs	pc, lr, #4

	.ltorg
	vector_table irq=irq_handler
