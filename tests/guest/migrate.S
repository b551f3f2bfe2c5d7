/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * A guest with live interrupt state, to be saved and restored into a new
 * VM mid-run (tests/hyp/72-vgic-save-restore.c): its virtual timer ticks
 * every 5 ms (the handler moves CNTV_CVAL on), the main loop reports each
 * new tick count from WFI, and SPI 40 is reported as 0x40 when it comes.
 */
#include "guest.h"

#define GICD		GUEST_GICD
#define GICC		GUEST_GICC
#define TICKS		(GUEST_RAM_BASE + 0x10000)

_start:
	ldr	r8, =UCALL_VALUE
	setup_stacks_and_vectors
	ldr	r0, =GICD
	ldr	r1, =(1 << 27)
	str	r1, [r0, #0x100]		@ ISENABLER0: the timer
	ldr	r1, =(1 << 8)
	str	r1, [r0, #0x104]		@ ISENABLER1: SPI 40
	mov	r1, #1
	strb	r1, [r0, #0x828]		@ ITARGETSR: SPI 40 to vCPU 0
	mov	r1, #0x80
	strb	r1, [r0, #0x428]		@ IPRIORITYR
	mov	r1, #1
	str	r1, [r0]			@ GICD_CTLR
	gic_cpu_interface_on
	bl	arm_timer
	mov	r0, #1
	mcr	p15, 0, r0, c14, c3, 1		@ CNTV_CTL: enabled
	cpsie	i
	mov	r11, #0				@ last tick reported
1:	wfi
	ldr	r0, =TICKS
	ldr	r0, [r0]
	cmp	r0, r11
	beq	1b
	mov	r11, r0
	report	r0
	b	1b

/* CNTV_CVAL = now + 5 ms */
arm_timer:
	mrc	p15, 0, r2, c14, c0, 0		@ CNTFRQ
	mov	r3, #200
	udiv	r2, r2, r3
	mrrc	p15, 1, r0, r1, c14		@ CNTVCT
	adds	r0, r0, r2
	adc	r1, r1, #0
	mcrr	p15, 3, r0, r1, c14		@ CNTV_CVAL
	isb
	bx	lr

irq_handler:
	push	{r0-r4, lr}
	ldr	r4, =GICC
	ldr	r0, [r4, #0x0c]			@ IAR
	push	{r0}
	ldr	r3, =0x3ff
	and	r0, r0, r3
	cmp	r0, #27
	bne	2f
	ldr	r1, =TICKS
	ldr	r2, [r1]
	add	r2, r2, #1
	str	r2, [r1]
	bl	arm_timer
2:	cmp	r0, #40
	moveq	r0, #0x40
	streq	r0, [r8]
	pop	{r0}
	str	r0, [r4, #0x10]			@ EOIR
	pop	{r0-r4, lr}
	subs	pc, lr, #4

	.ltorg
	vector_table irq=irq_handler
