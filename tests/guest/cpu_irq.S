/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The vCPU's own IRQ and FIQ inputs, without a vGIC (KVM_ARM_IRQ_TYPE_CPU).
 * Its handlers report IRQ_TAKEN and FIQ_TAKEN (the host lowers the line
 * before it resumes the guest) and return. The guest reports 1 and unmasks
 * IRQs; 2, unmasks FIQs and waits in WFI until the FIQ handler has run
 * (WFI may also complete at once: QEMU does not trap it while any interrupt
 * is pending, the host's too); 3 with both masked, and WFI (a line up must
 * end it though nothing is taken); 4, unmasks IRQs; 5, done.
 */
#include "guest.h"

#define IRQ_TAKEN	0x1001
#define FIQ_TAKEN	0x1002

_start:
	ldr	r8, =UCALL_VALUE
	cps	#0x11				@ FIQ: r8-r12 are its own
	ldr	r8, =UCALL_VALUE
	ldr	r9, =FIQ_TAKEN
	setup_stacks_and_vectors
	mov	r0, #1
	report	r0
	cpsie	i
	nop
	mov	r0, #2
	report	r0
	cpsie	f
	ldr	r1, =fiq_seen
1:	wfi
	ldr	r0, [r1]
	cmp	r0, #0
	beq	1b
	cpsid	if
	mov	r0, #3
	report	r0
	wfi
	mov	r0, #4
	report	r0
	cpsie	i
	nop
	mov	r0, #5
	report	r0
	report_done
	power_off

irq:
	push	{r0}
	ldr	r0, =IRQ_TAKEN
	report	r0
	pop	{r0}
	subs	pc, lr, #4

fiq:
	report	r9
	ldr	r10, =fiq_seen			@ r10: banked in FIQ mode
	str	r9, [r10]
	subs	pc, lr, #4

	.ltorg
fiq_seen:
	.word	0

	vector_table irq=irq, fiq=fiq
