/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The lowvisor's exception vectors and its hvc dispatcher.
 *
 * Runs in HYP mode with the HYP MMU on, at the kernel's VA of this code.
 * Every exception into HYP masks A, I and F; nothing here unmasks them.
 * HTPIDR holds this CPU's struct lv_percpu.
 */
#include <linux/linkage.h>
#include "lowvisor.h"
#include "ctxt.h"

	.arch	armv7-a
	.arch_extension virt
	.arm

	.section .hyp.text, "ax"

/* HVBAR layout (ARM ARM B1.8.1): offset 0x14 takes every trap from PL0/PL1 */
	.align	5
ENTRY(lv_vectors)
	b	lv_panic_reset			@ 0x00: not used
	b	lv_panic_undef			@ 0x04: undefined instruction in HYP
	b	lv_panic_hvc_in_hyp		@ 0x08: hvc executed in HYP
	b	lv_panic_pabt			@ 0x0c: prefetch abort in HYP
	b	lv_hyp_dabt			@ 0x10: data abort in HYP
	b	lv_hyp_trap			@ 0x14: trap from PL0/PL1
	b	lv_hyp_irq			@ 0x18: IRQ while a guest runs
	b	lv_hyp_fiq			@ 0x1c: FIQ while a guest runs
ENDPROC(lv_vectors)

/*
 * Spectre variant 2 (branch target injection): on cores whose branch
 * predictor a guest can train and HYP would then follow (Cortex-A12, A15,
 * A17, Brahma-B15), the vectors a guest enters HYP by (0x14, 0x18, 0x1c)
 * invalidate the predictor before their first branch. Each adds its
 * distance from 0x1c, in words, to sp (8-byte aligned whenever HYP is
 * entered from outside: HYP runs with exceptions masked) and falls
 * through to the invalidation, which takes it back off to dispatch. The
 * faults of HYP itself (0x00-0x10) come after an entry already did it.
 * The highvisor picks a table per CPU (lv_percpu.vectors).
 */
.macro	lv_hardened_vectors name, crm, op2
	.align	5
ENTRY(\name)
	b	lv_panic_reset			@ 0x00
	b	lv_panic_undef			@ 0x04
	b	lv_panic_hvc_in_hyp		@ 0x08
	b	lv_panic_pabt			@ 0x0c
	b	lv_hyp_dabt			@ 0x10
	add	sp, sp, #1			@ 0x14: a trap, sp + 2
	add	sp, sp, #1			@ 0x18: an IRQ, sp + 1
	nop					@ 0x1c: an FIQ, sp + 0
	mcr	p15, 0, r0, c7, \crm, \op2	@ the invalidation (r0 is ignored)
	isb
	tst	sp, #2
	subne	sp, sp, #2
	bne	lv_hyp_trap
	tst	sp, #1
	subne	sp, sp, #1
	bne	lv_hyp_irq
	b	lv_hyp_fiq
ENDPROC(\name)
.endm

	lv_hardened_vectors lv_vectors_bpiall, c5, 6	@ BPIALL: A12, A17, B15
	lv_hardened_vectors lv_vectors_iciallu, c5, 0	@ ICIALLU: A15, with ACTLR.IBE set

/*
 * A trap: the guest's if one is loaded (switch.S). Otherwise the host's,
 * which only ever traps with hvc (HCR, HSTR, HCPTR and HDCR stay as the
 * stub left them for the host: nothing trapped); anything else is a bug.
 */
lv_hyp_trap:
	push	{r0, r1}
	mrc	p15, 4, r0, c13, c0, 2		@ HTPIDR
	ldr	r0, [r0, #LV_PCPU_VCPU]
	cmp	r0, #0
	bne	lv_guest_trap
	pop	{r0, r1}
	mrc	p15, 4, ip, c5, c2, 0		@ HSR
	lsr	ip, ip, #LV_HSR_EC_SHIFT
	cmp	ip, #LV_HSR_EC_HVC
	movne	r0, #LV_PANIC_TRAP
	bne	lv_hyp_panic

	cmp	r0, #LV_HVC_NR
	ldrlo	pc, [pc, r0, lsl #2]		@ jump through lv_hvc_table
	b	lv_hvc_unknown
lv_hvc_table:
	.word	lv_hvc_unknown			@ LV_HVC_SET_VECTORS: stub only
	.word	lv_hyp_soft_restart		@ LV_HVC_SOFT_RESTART
	.word	lv_hyp_reset			@ LV_HVC_RESET_VECTORS
	.word	lv_hvc_ping			@ LV_HVC_PING
	.word	lv_hvc_get_state		@ LV_HVC_GET_STATE
	.word	lv_hvc_selftest_undef		@ LV_HVC_SELFTEST_UNDEF
	.word	lv_vcpu_run			@ LV_HVC_VCPU_RUN
	.word	lv_tlb_flush_vmid		@ LV_HVC_TLB_FLUSH_VMID
	.word	lv_tlb_flush_all		@ LV_HVC_TLB_FLUSH_ALL
	.word	lv_tlb_flush_hyp		@ LV_HVC_TLB_FLUSH_HYP
	.if	(. - lv_hvc_table) != LV_HVC_NR * 4
	.error	"lv_hvc_table and LV_HVC_NR disagree"
	.endif

lv_hvc_unknown:
	ldr	r0, =LV_HVC_STUB_ERR
	eret

lv_hvc_ping:
	ldr	r0, =LV_PING_MAGIC
	eret

/*
 * Debug: record what HYP sees in this CPU's lv_percpu.state, so that a test
 * can check that the lowvisor runs in HYP mode, at its own VA, with the MMU
 * and caches on, on every CPU. r1 = a sequence number to echo.
 */
lv_hvc_get_state:
	mrc	p15, 4, r2, c13, c0, 2		@ HTPIDR
	add	r2, r2, #LV_PCPU_STATE
	str	r1, [r2, #LV_STATE_SEQ]
	mrs	r3, cpsr
	str	r3, [r2, #LV_STATE_CPSR]
	mrc	p15, 4, r3, c1, c0, 0		@ HSCTLR
	str	r3, [r2, #LV_STATE_HSCTLR]
	mrc	p15, 4, r3, c12, c0, 0		@ HVBAR
	str	r3, [r2, #LV_STATE_HVBAR]
	mrc	p15, 4, r3, c2, c0, 2		@ HTCR
	str	r3, [r2, #LV_STATE_HTCR]
	adr	r3, lv_hvc_get_state
	str	r3, [r2, #LV_STATE_PC]
	str	sp, [r2, #LV_STATE_SP]
	mrrc	p15, 4, r3, ip, c2		@ HTTBR
	str	r3, [r2, #LV_STATE_HTTBR_LO]
	str	ip, [r2, #LV_STATE_HTTBR_HI]
	mrc	p15, 0, r3, c0, c0, 5		@ MPIDR
	str	r3, [r2, #LV_STATE_MPIDR]
	dsb	ish
	mov	r0, #0
	eret

/*
 * Test of the panic path below: the highvisor only makes this call when the
 * module was loaded with hyp_panic_selftest=1.
 */
lv_hvc_selftest_undef:
	udf	#0

/*
 * A data abort in HYP: a bug, unless it is an asynchronous abort taken in
 * the guest exit's window (switch.S), which is the guest's: flag the exit
 * and carry on from where it was taken.
 */
lv_hyp_dabt:
	push	{r0, r1}
	mrs	r0, ELR_hyp
	ldr	r1, =lv_serror_window_start
	cmp	r0, r1
	ldrne	r1, =lv_serror_window_end
	cmpne	r0, r1
	bne	1f
	mrc	p15, 4, r0, c13, c0, 2		@ HTPIDR
	ldr	r0, [r0, #LV_PCPU_VCPU]
	ldr	r1, [r0, #LV_VCPU_FLAGS]
	orr	r1, r1, #LV_FLAG_SERROR
	str	r1, [r0, #LV_VCPU_FLAGS]
	pop	{r0, r1}
	eret
1:	pop	{r0, r1}
	b	lv_panic_dabt

/* Interrupts reach HYP only while a guest runs (HCR.IMO, HCR.FMO). */
lv_hyp_irq:
	push	{r0, r1}
	mov	r0, #LV_EXIT_IRQ
	b	lv_guest_irq
lv_hyp_fiq:
	push	{r0, r1}
	mov	r0, #LV_EXIT_FIQ
	b	lv_guest_irq

/*
 * An exception HYP cannot handle. With a guest loaded, lv_hyp_fault leaves
 * it first; then, with the host's state intact, lv_hyp_panic returns to the
 * host in SVC mode, exceptions masked, at armvirt_hyp_panic(kind, elr, hsr,
 * far), which reports and panics.
 */
	.macro	lv_panic_entry name, kind
\name:
	mov	r0, #\kind
	b	lv_hyp_fault
	.endm

	lv_panic_entry lv_panic_reset, LV_PANIC_RESET
	lv_panic_entry lv_panic_undef, LV_PANIC_UNDEF
	lv_panic_entry lv_panic_hvc_in_hyp, LV_PANIC_HVC_IN_HYP
	lv_panic_entry lv_panic_pabt, LV_PANIC_PABT
	lv_panic_entry lv_panic_dabt, LV_PANIC_DABT

ENTRY(lv_hyp_panic)
	mrs	r1, ELR_hyp
	mrc	p15, 4, r2, c5, c2, 0		@ HSR
	mrc	p15, 4, r3, c6, c0, 0		@ HDFAR
	cmp	r0, #LV_PANIC_PABT
	mrceq	p15, 4, r3, c6, c0, 2		@ HIFAR
	ldr	ip, =armvirt_hyp_panic
	tst	ip, #1				@ a Thumb-2 kernel's C code?
	bic	ip, ip, #1
	msr	ELR_hyp, ip
	mov	ip, #0x1d3			@ SVC mode, A, I and F masked
	orrne	ip, ip, #0x20			@ CPSR.T
	msr	spsr_cxsf, ip			@ our own SPSR: the banked form is UNDEFINED in HYP
	eret
ENDPROC(lv_hyp_panic)

	.ltorg
