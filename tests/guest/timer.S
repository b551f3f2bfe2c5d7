/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The virtual timer as a guest sees it (tests/hyp/74-guest-timer.c checks
 * the reports): disabled or masked, it never interrupts (but a masked one
 * shows ISTATUS); unmasked, it interrupts at once; armed while the guest
 * runs, and while it sleeps in WFI, it interrupts on time; so does the
 * emulated physical timer (PPI 30). Delays are
 * reported in microseconds of the guest's own virtual counter.
 */
#include "guest.h"

#define GICD		GUEST_GICD
#define GICC		GUEST_GICC
#define IRQS		(GUEST_RAM_BASE + 0x10000)	/* timer interrupts taken */
#define LATE		(GUEST_RAM_BASE + 0x10004)	/* CNTVCT - CVAL at the last one */
#define PIRQS		(GUEST_RAM_BASE + 0x10008)	/* physical timer interrupts */
#define PLATE		(GUEST_RAM_BASE + 0x1000c)	/* CNTPCT - CNTP_CVAL at the last one */

/* r0 = microseconds -> r0:r1 = CNTVCT + that many ticks (r2, r3 clobbered) */
	.macro	deadline_in_us
	mrc	p15, 0, r2, c14, c0, 0		@ CNTFRQ
	ldr	r3, =1000000
	udiv	r2, r2, r3			@ ticks per microsecond
	mul	r2, r0, r2
	mrrc	p15, 1, r0, r1, c14		@ CNTVCT
	adds	r0, r0, r2
	adc	r1, r1, #0
	.endm

	/* busy-wait r0 microseconds */
	.macro	spin_us
	deadline_in_us
1:	mrrc	p15, 1, r2, r3, c14
	cmp	r3, r1
	cmpeq	r2, r0
	blo	1b
	.endm

	/* report the timer interrupts taken so far */
	.macro	report_irqs
	ldr	r0, =IRQS
	ldr	r0, [r0]
	report	r0
	.endm

	/* ticks in r0 -> microseconds in r0 */
	.macro	ticks_to_us
	mrc	p15, 0, r2, c14, c0, 0
	ldr	r3, =1000000
	udiv	r2, r2, r3
	udiv	r0, r0, r2
	.endm

	/* arm the virtual timer r0 microseconds ahead, enabled and unmasked */
	.macro	arm_vtimer_us
	deadline_in_us
	mcrr	p15, 3, r0, r1, c14		@ CNTV_CVAL
	mov	r0, #1
	mcr	p15, 0, r0, c14, c3, 1		@ CNTV_CTL: enabled
	isb
	.endm

	/*
	 * Wait, spinning or (sleep=1) in WFI, until the count at \addr reaches
	 * \n. The sleeping form checks the count with IRQs masked and sleeps
	 * masked (a pending interrupt still ends WFI), then unmasks to take
	 * it: an interrupt that comes between the check and the WFI cannot be
	 * lost, which it would be with WFI first and the timer then disarmed
	 * by the handler (the guest would sleep for ever on a slow host).
	 */
	.macro	wait_count addr, n, sleep=0
	.if	\sleep
	cpsid	i
	.endif
9:	ldr	r0, =\addr
	ldr	r0, [r0]
	cmp	r0, #\n
	bhs	8f
	.if	\sleep
	wfi
	cpsie	i
	isb
	cpsid	i
	.endif
	b	9b
8:
	.if	\sleep
	cpsie	i
	.endif
	.endm

	/* report the lateness stored at \addr, in microseconds */
	.macro	report_late addr
	ldr	r0, =\addr
	ldr	r0, [r0]
	ticks_to_us
	report	r0
	.endm

	/*
	 * In the IRQ handler: store how late a timer fired (its counter minus
	 * its CVAL, read by MRRC opc1 \cnt and \cval) at \late, disarm it
	 * (its CTL: c14, \ctl_crm, 1), and count it at \irqs.
	 */
	.macro	timer_fired cnt, cval, ctl_crm, late, irqs
	mrrc	p15, \cnt, r0, r1, c14
	mrrc	p15, \cval, r2, r3, c14
	sub	r0, r0, r2
	ldr	r1, =\late
	str	r0, [r1]
	mov	r0, #0
	mcr	p15, 0, r0, c14, \ctl_crm, 1
	ldr	r1, =\irqs
	ldr	r0, [r1]
	add	r0, r0, #1
	str	r0, [r1]
	.endm

_start:
	ldr	r8, =UCALL_VALUE
	setup_stacks_and_vectors
	ldr	r0, =GICD
	ldr	r1, =(1 << 27) | (1 << 30)	@ the virtual and physical timers
	str	r1, [r0, #0x100]
	mov	r1, #1
	str	r1, [r0]
	gic_cpu_interface_on
	cpsie	i

	/* 1: disabled, deadline passed: nothing */
	mov	r0, #1000
	deadline_in_us
	mcrr	p15, 3, r0, r1, c14		@ CNTV_CVAL
	mov	r0, #0
	mcr	p15, 0, r0, c14, c3, 1		@ CNTV_CTL: disabled
	ldr	r0, =5000
	spin_us
	report_irqs				@ 0

	/* 2: enabled but masked: nothing, yet ISTATUS */
	mov	r0, #3				@ ENABLE | IMASK
	mcr	p15, 0, r0, c14, c3, 1
	isb
	ldr	r0, =5000
	spin_us
	report_irqs				@ 0
	mrc	p15, 0, r0, c14, c3, 1
	and	r0, r0, #4
	report	r0				@ 4: ISTATUS

	/* 3: unmasked: at once */
	mrrc	p15, 1, r4, r5, c14
	mov	r0, #1
	mcr	p15, 0, r0, c14, c3, 1
	isb
	wait_count IRQS, 1
	mrrc	p15, 1, r0, r1, c14
	sub	r0, r0, r4
	ticks_to_us
	report	r0				@ microseconds from unmask to the handler

	/* 4: 2 ms ahead while running */
	ldr	r0, =2000
	arm_vtimer_us
	wait_count IRQS, 2
	report_late LATE			@ microseconds late

	/* 5: 2 ms ahead while in WFI */
	ldr	r0, =2000
	arm_vtimer_us
	wait_count IRQS, 3, sleep=1
	report_late LATE			@ microseconds late

	/*
	 * 6: the physical timer (emulated), 200 ms ahead on the physical count,
	 * in WFI. Setting it up takes three exits to the highvisor; 200 ms
	 * leaves room for a busy emulator (at 20 ms a loaded CI host once saw
	 * it expired before the read-back).
	 */
	ldr	r0, =200000
	deadline_in_us
	mrrc	p15, 1, r2, r3, c14		@ CNTVCT
	subs	r0, r0, r2			@ r0:r1 - CNTVCT: the distance
	sbc	r1, r1, r3
	mrrc	p15, 0, r2, r3, c14		@ CNTPCT
	adds	r0, r0, r2
	adc	r1, r1, r3
	mcrr	p15, 2, r0, r1, c14		@ CNTP_CVAL
	mov	r0, #1
	mcr	p15, 0, r0, c14, c2, 1		@ CNTP_CTL: enabled
	mrc	p15, 0, r0, c14, c2, 1
	report	r0				@ 1: enabled, not yet expired
	wait_count PIRQS, 1, sleep=1
	report_late PLATE			@ microseconds late
	power_off

irq_handler:
	push	{r0-r5, lr}
	ldr	r4, =GICC
	ldr	r5, [r4, #0x0c]			@ IAR
	ldr	r0, =0x3ff
	and	r0, r5, r0
	cmp	r0, #30
	beq	physical
	timer_fired cnt=1, cval=3, ctl_crm=c3, late=LATE, irqs=IRQS	@ CNTVCT, CNTV_CVAL
eoi:	str	r5, [r4, #0x10]			@ EOIR
	pop	{r0-r5, lr}
	subs	pc, lr, #4

physical:
	timer_fired cnt=0, cval=2, ctl_crm=c2, late=PLATE, irqs=PIRQS	@ CNTPCT, CNTP_CVAL
	b	eoi

	.ltorg
	vector_table irq=irq_handler
