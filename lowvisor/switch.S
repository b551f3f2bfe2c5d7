/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The world switch: enter a guest, and come back to the host on its next
 * trap, interrupt or abort.
 *
 * HYP mode, exceptions masked (every exception into HYP masks A, I and F).
 * The host's state goes to this CPU's page (lv_percpu.host, a struct
 * lv_vcpu used only for its context and trap registers); the guest's lives
 * in its struct lv_vcpu. lv_percpu.vcpu names the guest while one is loaded:
 * the vectors use it to tell a guest's trap from a host's hvc.
 *
 * Lazy VFP: the guest's VFP/NEON registers are loaded on its first use
 * (HCPTR trap, handled here without leaving HYP) and saved on exit.
 */
#include <linux/linkage.h>
#include "lowvisor.h"
#include "switch-sr.S"

	.arch	armv7-a
	.arch_extension virt
	.fpu	neon
	.arm

	.section .hyp.text, "ax"

/*
 * The trap's syndrome and fault addresses (B3.13.6 HSR, B4.1.61 HPFAR).
 * HPFAR holds the faulting IPA for stage-2 translation and access flag
 * faults and for faults on a stage-1 table walk, but not for a permission
 * fault: then the faulting VA goes through the guest's stage 1, still
 * loaded (ATS1CPR, clobbering the guest's PAR, already saved). A data abort
 * without a valid syndrome also gets its pc translated, so that the
 * highvisor can fetch and decode the instruction.
 */
.macro save_fault_info vcpu
	ldr	r2, [\vcpu, #LV_VCPU_EXIT]
	cmp	r2, #LV_EXIT_HYP_FAULT
	beq	9f
	ldr	r6, [\vcpu, #LV_VCPU_FLAGS]
	bic	r6, r6, #(LV_FLAG_HPFAR_INVALID | LV_FLAG_PC_PAR)
	mrc	p15, 4, r2, c5, c2, 0		@ HSR
	mrc	p15, 4, r3, c6, c0, 0		@ HDFAR
	mrc	p15, 4, r4, c6, c0, 2		@ HIFAR
	mrc	p15, 4, r5, c6, c0, 4		@ HPFAR
	str	r2, [\vcpu, #LV_VCPU_HSR]
	str	r3, [\vcpu, #LV_VCPU_HDFAR]
	str	r4, [\vcpu, #LV_VCPU_HIFAR]
	str	r5, [\vcpu, #LV_VCPU_HPFAR]
	lsr	r7, r2, #LV_HSR_EC_SHIFT
	cmp	r7, #LV_HSR_EC_DABT_LOW
	beq	1f
	cmp	r7, #LV_HSR_EC_IABT_LOW
	bne	8f
	mov	r3, r4				@ a prefetch abort's address
1:	tst	r2, #LV_HSR_S1PTW
	bne	2f
	and	r8, r2, #LV_HSR_FSC_TYPE
	cmp	r8, #LV_HSR_FSC_PERM
	bne	2f
	mcr	p15, 0, r3, c7, c8, 0		@ ATS1CPR
	isb
	mrrc	p15, 0, r8, r9, c7		@ PAR
	tst	r8, #1				@ PAR.F: the guest changed its tables since
	orrne	r6, r6, #LV_FLAG_HPFAR_INVALID
	bne	2f
	lsr	r8, r8, #12			@ PA[39:12] to HPFAR[31:4]
	lsl	r8, r8, #4
	orr	r8, r8, r9, lsl #24
	str	r8, [\vcpu, #LV_VCPU_HPFAR]
2:	cmp	r7, #LV_HSR_EC_DABT_LOW
	bne	8f
	tst	r2, #LV_HSR_ISV
	bne	8f
	ldr	r3, [\vcpu, #LV_REGS_PC]
	mcr	p15, 0, r3, c7, c8, 0		@ ATS1CPR of the pc
	isb
	mrrc	p15, 0, r8, r9, c7
	str	r8, [\vcpu, #LV_VCPU_PC_PAR]
	str	r9, [\vcpu, #LV_VCPU_PC_PAR + 4]
	orr	r6, r6, #LV_FLAG_PC_PAR
8:	str	r6, [\vcpu, #LV_VCPU_FLAGS]
9:
.endm

/*
 * LV_HVC_VCPU_RUN, from the host's hvc: r1 = struct lv_vcpu. Comes back to
 * the host, through lv_guest_exit, with r0 = 0 and lv_vcpu.exit set.
 */
ENTRY(lv_vcpu_run)
	mov	r0, r1				@ r0: the guest's lv_vcpu
	mrc	p15, 4, r1, c13, c0, 2		@ HTPIDR
	add	r1, r1, #LV_PCPU_HOST		@ r1: the host's
	add	r2, r1, #LV_REGS_R(4)
	stm	r2, {r4-r12}
	save_elr_spsr	r1
	save_banked	r1
	switch_cp15	save, r1
	switch_thumbee	save, r1, r0
	save_vtimer	r1, 1
	save_traps	r1
	enable_vfp_for_guest r1

	mrc	p15, 4, r2, c13, c0, 2
	str	r0, [r2, #LV_PCPU_VCPU]		@ from here on, a trap is the guest's

	activate_traps	r0, r1
	activate_vm	r0
	restore_vtimer	r0
	switch_cp15	restore, r0
	switch_thumbee	restore, r0, r0
	restore_banked	r0
	restore_elr_spsr r0
	ldm	r0, {r0-r12}
	eret
ENDPROC(lv_vcpu_run)

/*
 * A trap from the guest (vector 0x14): r0 = its lv_vcpu, its r0 and r1 on
 * the HYP stack. Its first VFP use is switched here; all else leaves.
 */
ENTRY(lv_guest_trap)
	mrc	p15, 4, r1, c5, c2, 0		@ HSR
	lsr	r1, r1, #LV_HSR_EC_SHIFT
	cmp	r1, #LV_HSR_EC_CP10
	beq	lv_guest_vfp
	mov	r1, #LV_EXIT_TRAP
	b	lv_guest_exit
ENDPROC(lv_guest_trap)

lv_guest_vfp:
	push	{r2-r5}
	mrc	p15, 4, r2, c1, c1, 2		@ HCPTR
	bic	r2, r2, #(LV_HCPTR_TCP10 | LV_HCPTR_TCP11)
	mcr	p15, 4, r2, c1, c1, 2
	isb
	mrc	p15, 4, r1, c13, c0, 2
	add	r1, r1, #LV_PCPU_HOST
	save_vfp	r1
	restore_vfp	r0
	ldr	r2, [r0, #LV_VCPU_FLAGS]
	orr	r2, r2, #LV_FLAG_VFP_GUEST
	str	r2, [r0, #LV_VCPU_FLAGS]
	pop	{r2-r5}
	pop	{r0, r1}
	eret

/*
 * Leave the guest: r0 = its lv_vcpu, r1 = LV_EXIT_*, its r0 and r1 on the
 * HYP stack. The steps of lv_vcpu_run, mirrored.
 */
ENTRY(lv_guest_exit)
	str	r1, [r0, #LV_VCPU_EXIT]
	add	r1, r0, #LV_REGS_R(2)
	stm	r1, {r2-r12}
	pop	{r2, r3}
	stm	r0, {r2, r3}
	mrc	p15, 4, r1, c13, c0, 2
	add	r1, r1, #LV_PCPU_HOST		@ r1: the host's lv_vcpu

	save_elr_spsr	r0
	save_banked	r0
	switch_cp15	save, r0
	switch_thumbee	save, r0, r0
	save_fault_info	r0
	save_vtimer	r0, 0
	save_virtual_abort r0

	/*
	 * An asynchronous abort the guest caused (a write the memory system
	 * answers with an error later) must be the guest's, not reach the host:
	 * with every access of the guest complete, unmask aborts for one
	 * instruction. One still pending is taken here, in HYP, through vector
	 * 0x10, which recognises this window, flags the exit (LV_FLAG_SERROR)
	 * and comes back; the highvisor gives the guest a virtual abort.
	 * ELR_hyp and SPSR_hyp, which it overwrites, are saved already.
	 */
	dsb	sy
	cpsie	a
	.globl	lv_serror_window_start
lv_serror_window_start:
	isb
	.globl	lv_serror_window_end
lv_serror_window_end:
	cpsid	a

	deactivate_traps r1
	deactivate_vm
	ldr	r2, [r0, #LV_VCPU_FLAGS]
	tst	r2, #LV_FLAG_VFP_GUEST
	beq	.Lexit_vfp_done
	bic	r2, r2, #LV_FLAG_VFP_GUEST
	str	r2, [r0, #LV_VCPU_FLAGS]
	save_vfp	r0
	restore_vfp	r1
.Lexit_vfp_done:
	ldr	r2, [r1, #LV_VCPU_HOST_FPEXC]
	vmsr	fpexc, r2			@ the host's, as it was before the run
	restore_vtimer	r1
	switch_cp15	restore, r1
	switch_thumbee	restore, r1, r0
	restore_banked	r1
	restore_elr_spsr r1
	add	r2, r1, #LV_REGS_R(4)
	ldm	r2, {r4-r12}
	mrc	p15, 4, r2, c13, c0, 2
	mov	r0, #0
	str	r0, [r2, #LV_PCPU_VCPU]		@ the host's again
	eret
ENDPROC(lv_guest_exit)

/*
 * An IRQ, FIQ or HYP fault while a guest is loaded: r0 = LV_EXIT_* (or
 * LV_PANIC_* for a fault), r0 and r1 of the interrupted code on the stack.
 * Without a guest, a fault goes to the panic path as before.
 */
ENTRY(lv_guest_irq)
	mrc	p15, 4, r1, c13, c0, 2		@ HTPIDR
	ldr	r1, [r1, #LV_PCPU_VCPU]
	cmp	r1, #0
	beq	lv_irq_from_host
	eor	r0, r0, r1			@ swap: r0 = lv_vcpu, r1 = LV_EXIT_*
	eor	r1, r0, r1
	eor	r0, r0, r1
	b	lv_guest_exit
lv_irq_from_host:				@ HYP never unmasks, so a bug
	add	r0, r0, #(LV_PANIC_IRQ - LV_EXIT_IRQ)
	b	lv_hyp_panic
ENDPROC(lv_guest_irq)

/*
 * A fault in HYP with a guest loaded: record it as the guest's exit and
 * leave through the normal path, so the host's state is back before the
 * highvisor reports it. A fault while already doing so goes straight to
 * the panic path.
 */
ENTRY(lv_hyp_fault)
	mrc	p15, 4, r1, c13, c0, 2
	ldr	r1, [r1, #LV_PCPU_VCPU]
	cmp	r1, #0
	beq	lv_hyp_panic
	ldr	r2, [r1, #LV_VCPU_EXIT]
	cmp	r2, #LV_EXIT_HYP_FAULT
	beq	lv_hyp_panic
	str	r0, [r1, #LV_VCPU_HPFAR]	@ the LV_PANIC_* kind
	mrs	r2, ELR_hyp
	str	r2, [r1, #LV_VCPU_HIFAR]	@ where in HYP
	mrc	p15, 4, r2, c5, c2, 0
	str	r2, [r1, #LV_VCPU_HSR]
	mrc	p15, 4, r2, c6, c0, 0
	str	r2, [r1, #LV_VCPU_HDFAR]
	mov	r0, r1
	mov	r1, #LV_EXIT_HYP_FAULT
	str	r1, [r0, #LV_VCPU_EXIT]
	push	{r0, r1}			@ stands for the guest's r0 and r1
	b	lv_guest_exit
ENDPROC(lv_hyp_fault)

	.ltorg
