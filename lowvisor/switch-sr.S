/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Included by switch.S (as KVM/ARM's interrupts_head.S was by its
 * interrupts.S), not built on its own.
 *
 * Save and restore macros of the world switch, one per piece of state. Each
 * takes the struct lv_ctxt (or struct lv_vcpu) in \base, which must be r0 or
 * r1, and may clobber r2-r12. None uses lr: in HYP mode lr is LR_usr, part
 * of the state being switched (ARM ARM B9.2.1).
 */
#include "ctxt.h"

#define FPEXC_EN		(1 << 30)
#define CNTHCTL_PL1PCTEN	(1 << 0)	/* PL1 may read the physical counter */
#define CNTHCTL_PL1PCEN		(1 << 1)	/* PL1 may use the physical timer */

/* ELR_hyp and SPSR_hyp: where the world resumes, in which mode */
.macro save_elr_spsr base
	mrs	r2, ELR_hyp
	mrs	r3, spsr			@ our own SPSR: the banked form is UNDEFINED in HYP
	str	r2, [\base, #LV_REGS_PC]
	str	r3, [\base, #LV_REGS_CPSR]
.endm

.macro restore_elr_spsr base
	ldr	r2, [\base, #LV_REGS_PC]
	ldr	r3, [\base, #LV_REGS_CPSR]
	msr	ELR_hyp, r2
	msr	spsr_cxsf, r3
.endm

/* The banked registers of every PL0/PL1 mode (B9.2.1: MRS/MSR banked forms) */
.macro save_banked_mode base, mode, off
	mrs	r2, SP_\mode
	mrs	r3, LR_\mode
	mrs	r4, SPSR_\mode
	add	r5, \base, #\off
	stm	r5, {r2-r4}
.endm

.macro restore_banked_mode base, mode, off
	add	r5, \base, #\off
	ldm	r5, {r2-r4}
	msr	SP_\mode, r2
	msr	LR_\mode, r3
	msr	SPSR_\mode, r4
.endm

.macro save_banked base
	mrs	r2, SP_usr
	mov	r3, lr				@ HYP's lr is LR_usr: the banked form is UNPREDICTABLE
	str	r2, [\base, #LV_REGS_SP_USR]
	str	r3, [\base, #LV_REGS_LR_USR]
	save_banked_mode \base, svc, LV_REGS_SVC
	save_banked_mode \base, abt, LV_REGS_ABT
	save_banked_mode \base, und, LV_REGS_UND
	save_banked_mode \base, irq, LV_REGS_IRQ
	mrs	r2, r8_fiq
	mrs	r3, r9_fiq
	mrs	r4, r10_fiq
	mrs	r5, r11_fiq
	mrs	r6, r12_fiq
	mrs	r7, SP_fiq
	mrs	r8, LR_fiq
	mrs	r9, SPSR_fiq
	add	r10, \base, #LV_REGS_FIQ
	stm	r10, {r2-r9}
.endm

.macro restore_banked base
	ldr	r2, [\base, #LV_REGS_SP_USR]
	ldr	r3, [\base, #LV_REGS_LR_USR]
	msr	SP_usr, r2
	mov	lr, r3
	restore_banked_mode \base, svc, LV_REGS_SVC
	restore_banked_mode \base, abt, LV_REGS_ABT
	restore_banked_mode \base, und, LV_REGS_UND
	restore_banked_mode \base, irq, LV_REGS_IRQ
	add	r10, \base, #LV_REGS_FIQ
	ldm	r10, {r2-r9}
	msr	r8_fiq, r2
	msr	r9_fiq, r3
	msr	r10_fiq, r4
	msr	r11_fiq, r5
	msr	r12_fiq, r6
	msr	SP_fiq, r7
	msr	LR_fiq, r8
	msr	SPSR_fiq, r9
.endm

/*
 * The CP15 registers a world owns. ACTLR and L2CTLR trap for a guest
 * (HCR.TAC, HCR.TIDCP) and the guest's MPIDR goes to VMPIDR, so the host's
 * stay in place.
 *
 * FCSEIDR: A7, A15 and A17 have no FCSE (RAZ/WI), but an emulated CPU may
 * keep what a guest writes there, and nothing traps the write; left in
 * place, its PID would relocate every host process's low 32 MiB (a host
 * task then faults forever on its own text). So it is switched like the
 * rest. Not a ONE_REG register: KVM/ARM had none, and on these CPUs it
 * holds nothing.
 */
.macro cp15_32 op, base, idx, op1, crn, crm, op2
	.ifc	\op, save
	mrc	p15, \op1, r2, \crn, \crm, \op2
	str	r2, [\base, #LV_CP15(\idx)]
	.else
	ldr	r2, [\base, #LV_CP15(\idx)]
	mcr	p15, \op1, r2, \crn, \crm, \op2
	.endif
.endm

.macro cp15_64 op, base, idx, op1, crm
	.ifc	\op, save
	mrrc	p15, \op1, r2, r3, \crm
	str	r2, [\base, #LV_CP15(\idx)]
	str	r3, [\base, #LV_CP15(\idx) + 4]
	.else
	ldr	r2, [\base, #LV_CP15(\idx)]
	ldr	r3, [\base, #LV_CP15(\idx) + 4]
	mcrr	p15, \op1, r2, r3, \crm
	.endif
.endm

.macro switch_cp15 op, base
	cp15_32	\op, \base, C0_CSSELR, 2, c0, c0, 0
	cp15_32	\op, \base, C1_SCTLR, 0, c1, c0, 0
	cp15_32	\op, \base, C1_CPACR, 0, c1, c0, 2
	cp15_64	\op, \base, C2_TTBR0, 0, c2
	cp15_64	\op, \base, C2_TTBR1, 1, c2
	cp15_32	\op, \base, C2_TTBCR, 0, c2, c0, 2
	cp15_32	\op, \base, C3_DACR, 0, c3, c0, 0
	cp15_32	\op, \base, C5_DFSR, 0, c5, c0, 0
	cp15_32	\op, \base, C5_IFSR, 0, c5, c0, 1
	cp15_32	\op, \base, C5_ADFSR, 0, c5, c1, 0
	cp15_32	\op, \base, C5_AIFSR, 0, c5, c1, 1
	cp15_32	\op, \base, C6_DFAR, 0, c6, c0, 0
	cp15_32	\op, \base, C6_IFAR, 0, c6, c0, 2
	cp15_64	\op, \base, C7_PAR, 0, c7
	cp15_32	\op, \base, C10_PRRR, 0, c10, c2, 0
	cp15_32	\op, \base, C10_NMRR, 0, c10, c2, 1
	cp15_32	\op, \base, C10_AMAIR0, 0, c10, c3, 0
	cp15_32	\op, \base, C10_AMAIR1, 0, c10, c3, 1
	cp15_32	\op, \base, C12_VBAR, 0, c12, c0, 0
	cp15_32	\op, \base, C13_FCSEIDR, 0, c13, c0, 0
	cp15_32	\op, \base, C13_CID, 0, c13, c0, 1
	cp15_32	\op, \base, C13_TID_URW, 0, c13, c0, 2
	cp15_32	\op, \base, C13_TID_URO, 0, c13, c0, 3
	cp15_32	\op, \base, C13_TID_PRIV, 0, c13, c0, 4
	cp15_32	\op, \base, C14_CNTKCTL, 0, c14, c1, 0
.endm

/*
 * ThumbEE (A2.10): TEECR and TEEHBR, each world's own where the CPU has them
 * (LV_FLAG_THUMBEE in the guest's lv_vcpu, \vcpu), not trapped: Linux writes
 * TEEHBR at every thread switch, which would cost a guest two traps each.
 * Without ThumbEE they do not exist (an undefined instruction, here in HYP).
 */
.macro switch_thumbee op, base, vcpu
	ldr	r2, [\vcpu, #LV_VCPU_FLAGS]
	tst	r2, #LV_FLAG_THUMBEE
	beq	1f
	.ifc	\op, save
	mrc	p14, 6, r2, c0, c0, 0		@ TEECR
	mrc	p14, 6, r3, c1, c0, 0		@ TEEHBR
	str	r2, [\base, #LV_CTXT_THUMBEE + LV_THUMBEE_TEECR]
	str	r3, [\base, #LV_CTXT_THUMBEE + LV_THUMBEE_TEEHBR]
	.else
	ldr	r2, [\base, #LV_CTXT_THUMBEE + LV_THUMBEE_TEECR]
	ldr	r3, [\base, #LV_CTXT_THUMBEE + LV_THUMBEE_TEEHBR]
	mcr	p14, 6, r2, c0, c0, 0		@ TEECR
	mcr	p14, 6, r3, c1, c0, 0		@ TEEHBR
	.endif
1:
.endm

/*
 * The virtual timer (B8.2): control, compare value, and with \offset 1 the
 * offset. A guest cannot write CNTVOFF (HYP's): its exit leaves the saved
 * one alone, so that the offset the highvisor sets while the guest runs
 * (KVM_REG_ARM_TIMER_CNT, for every vCPU) is not lost to that exit.
 */
.macro save_vtimer base, offset
	mrc	p15, 0, r2, c14, c3, 1		@ CNTV_CTL
	str	r2, [\base, #LV_CTXT_TIMER + LV_TIMER_CNTV_CTL]
	mrrc	p15, 3, r2, r3, c14		@ CNTV_CVAL
	str	r2, [\base, #LV_CTXT_TIMER + LV_TIMER_CNTV_CVAL]
	str	r3, [\base, #LV_CTXT_TIMER + LV_TIMER_CNTV_CVAL + 4]
	.if \offset
	mrrc	p15, 4, r2, r3, c14		@ CNTVOFF
	str	r2, [\base, #LV_CTXT_TIMER + LV_TIMER_CNTVOFF]
	str	r3, [\base, #LV_CTXT_TIMER + LV_TIMER_CNTVOFF + 4]
	.endif
.endm

/* The timer is stopped while its compare value and offset change. */
.macro restore_vtimer base
	mov	r2, #0
	mcr	p15, 0, r2, c14, c3, 1		@ CNTV_CTL
	isb
	ldr	r2, [\base, #LV_CTXT_TIMER + LV_TIMER_CNTVOFF]
	ldr	r3, [\base, #LV_CTXT_TIMER + LV_TIMER_CNTVOFF + 4]
	mcrr	p15, 4, r2, r3, c14		@ CNTVOFF
	ldr	r2, [\base, #LV_CTXT_TIMER + LV_TIMER_CNTV_CVAL]
	ldr	r3, [\base, #LV_CTXT_TIMER + LV_TIMER_CNTV_CVAL + 4]
	mcrr	p15, 3, r2, r3, c14		@ CNTV_CVAL
	ldr	r2, [\base, #LV_CTXT_TIMER + LV_TIMER_CNTV_CTL]
	mcr	p15, 0, r2, c14, c3, 1		@ CNTV_CTL
.endm

/*
 * VFP/NEON (B1.11): FPEXC first, enabled so the other registers can be read,
 * and restored last. A7, A15 and A17 have 32 D registers (checked at load)
 * and no FPINST/FPINST2 (no trapped floating-point exceptions): those are
 * never touched here, whatever FPEXC.EX says (an undefined instruction in
 * HYP otherwise). The highvisor lets a VMM set only FPEXC.EN and EX.
 */
.macro save_vfp base
	add	r4, \base, #LV_CTXT_VFP
	vmrs	r2, fpexc
	orr	r3, r2, #FPEXC_EN
	vmsr	fpexc, r3
	str	r2, [r4, #LV_VFP_FPEXC]
	vstmia	r4, {d0-d15}
	add	r5, r4, #128
	vstmia	r5, {d16-d31}
	vmrs	r3, fpscr
	str	r3, [r4, #LV_VFP_FPSCR]
.endm

.macro restore_vfp base
	add	r4, \base, #LV_CTXT_VFP
	vmrs	r2, fpexc
	orr	r2, r2, #FPEXC_EN
	vmsr	fpexc, r2
	vldmia	r4, {d0-d15}
	add	r5, r4, #128
	vldmia	r5, {d16-d31}
	ldr	r3, [r4, #LV_VFP_FPSCR]
	vmsr	fpscr, r3
	ldr	r2, [r4, #LV_VFP_FPEXC]
	vmsr	fpexc, r2
.endm

/*
 * FPEXC.EN on for the run, the host's FPEXC kept (restored at every exit):
 * with it off (Linux turns it off at each thread switch), the guest's VFP
 * instructions are undefined to the guest itself, before HCPTR can trap
 * them to HYP, and its kernel, whose own FPEXC says enabled, takes them for
 * undefined instructions. (QEMU gives the HCPTR trap priority, so its
 * boards never show it.)
 */
.macro enable_vfp_for_guest host
	vmrs	r2, fpexc
	str	r2, [\host, #LV_VCPU_HOST_FPEXC]
	orr	r2, r2, #FPEXC_EN
	vmsr	fpexc, r2
.endm

/* The trap configuration (B4.1.65 HCR, B4.1.56 HCPTR, B4.1.74 HSTR, B4.1.58 HDCR) */
.macro save_traps base
	mrc	p15, 4, r2, c1, c1, 0		@ HCR
	mrc	p15, 4, r3, c1, c1, 2		@ HCPTR
	mrc	p15, 4, r4, c1, c1, 3		@ HSTR
	mrc	p15, 4, r5, c1, c1, 1		@ HDCR
	mrc	p15, 4, r6, c14, c1, 0		@ CNTHCTL
	str	r2, [\base, #LV_VCPU_HCR]
	str	r3, [\base, #LV_VCPU_HCPTR]
	str	r4, [\base, #LV_VCPU_HSTR]
	str	r5, [\base, #LV_VCPU_HDCR]
	str	r6, [\base, #LV_CTXT_TIMER + LV_TIMER_CNTHCTL]
.endm

/*
 * The guest's HCR replaces the host's; its HCPTR, HSTR and HDCR bits add to
 * the host's (which keep, for example, HDCR.HPMN). The guest may read the
 * physical counter, but its physical timer traps (CNTHCTL, B4.1.26).
 */
.macro activate_traps guest, host
	ldr	r2, [\guest, #LV_VCPU_HCR]
	mcr	p15, 4, r2, c1, c1, 0		@ HCR
	ldr	r2, [\host, #LV_VCPU_HCPTR]
	ldr	r3, [\guest, #LV_VCPU_HCPTR]
	orr	r2, r2, r3
	mcr	p15, 4, r2, c1, c1, 2		@ HCPTR
	ldr	r2, [\host, #LV_VCPU_HSTR]
	ldr	r3, [\guest, #LV_VCPU_HSTR]
	orr	r2, r2, r3
	mcr	p15, 4, r2, c1, c1, 3		@ HSTR
	ldr	r2, [\host, #LV_VCPU_HDCR]
	ldr	r3, [\guest, #LV_VCPU_HDCR]
	orr	r2, r2, r3
	mcr	p15, 4, r2, c1, c1, 1		@ HDCR
	ldr	r2, [\host, #LV_CTXT_TIMER + LV_TIMER_CNTHCTL]
	bic	r2, r2, #CNTHCTL_PL1PCEN
	orr	r2, r2, #CNTHCTL_PL1PCTEN
	mcr	p15, 4, r2, c14, c1, 0		@ CNTHCTL
.endm

/*
 * A virtual abort the highvisor injected (HCR.VA) stays pending until the
 * guest takes it, when the hardware clears HCR.VA (B1.9.9): keep what the
 * hardware says.
 */
.macro save_virtual_abort guest
	ldr	r2, [\guest, #LV_VCPU_HCR]
	tst	r2, #LV_HCR_VA
	mrcne	p15, 4, r2, c1, c1, 0		@ HCR
	strne	r2, [\guest, #LV_VCPU_HCR]
.endm

.macro deactivate_traps host
	ldr	r2, [\host, #LV_VCPU_HCR]
	ldr	r3, [\host, #LV_VCPU_HCPTR]
	ldr	r4, [\host, #LV_VCPU_HSTR]
	ldr	r5, [\host, #LV_VCPU_HDCR]
	ldr	r6, [\host, #LV_CTXT_TIMER + LV_TIMER_CNTHCTL]
	mcr	p15, 4, r2, c1, c1, 0		@ HCR
	mcr	p15, 4, r3, c1, c1, 2		@ HCPTR
	mcr	p15, 4, r4, c1, c1, 3		@ HSTR
	mcr	p15, 4, r5, c1, c1, 1		@ HDCR
	mcr	p15, 4, r6, c14, c1, 0		@ CNTHCTL
	isb
.endm

/*
 * The VM: stage 2 (VTTBR with the VMID, VTCR), the MIDR and MPIDR the
 * guest reads (VPIDR, VMPIDR). A vCPU that last ran elsewhere, where another
 * vCPU of the same VM ran since, first drops this CPU's TLB entries of its VMID.
 */
.macro activate_vm guest
	ldr	r2, [\guest, #LV_VCPU_VTTBR]
	ldr	r3, [\guest, #LV_VCPU_VTTBR + 4]
	mcrr	p15, 6, r2, r3, c2		@ VTTBR
	ldr	r2, =LV_VTCR
	mcr	p15, 4, r2, c2, c1, 2		@ VTCR
	ldr	r2, [\guest, #LV_VCPU_VPIDR]
	mcr	p15, 4, r2, c0, c0, 0		@ VPIDR
	ldr	r2, [\guest, #LV_CP15(C0_MPIDR)]
	mcr	p15, 4, r2, c0, c0, 5		@ VMPIDR
	isb
	ldr	r2, [\guest, #LV_VCPU_FLAGS]
	tst	r2, #LV_FLAG_FLUSH_LOCAL_TLB
	beq	1f
	bic	r2, r2, #LV_FLAG_FLUSH_LOCAL_TLB
	str	r2, [\guest, #LV_VCPU_FLAGS]
	mcr	p15, 0, r2, c8, c7, 0		@ TLBIALL: this VMID, this CPU
	dsb	nsh
	isb
1:
.endm

/* Back to the host: no stage 2, the real MIDR and MPIDR. */
.macro deactivate_vm
	mov	r2, #0
	mov	r3, #0
	mcrr	p15, 6, r2, r3, c2		@ VTTBR
	mrc	p15, 0, r2, c0, c0, 0		@ MIDR (HYP reads the real one)
	mcr	p15, 4, r2, c0, c0, 0		@ VPIDR
	mrc	p15, 0, r2, c0, c0, 5		@ MPIDR
	mcr	p15, 4, r2, c0, c0, 5		@ VMPIDR
	isb
.endm

