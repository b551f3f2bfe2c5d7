/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Lowvisor installation and removal: the only code that runs with the HYP
 * MMU off.
 *
 * The kernel's stub enters lv_hyp_init through HVC_SOFT_RESTART, in HYP mode,
 * MMU and caches off, at the code's physical address. The code in
 * .hyp.idmap.text is also mapped at VA == PA in the HYP page tables, so it
 * keeps running across the MMU being switched on or off. The section is
 * small and aligned to its size, so it never straddles a page boundary (the
 * module's pages are not physically contiguous). Everything HYP reads with
 * its MMU off (this code and its literals) is cleaned to the point of
 * coherency by the highvisor first.
 */
#include <linux/linkage.h>
#include "lowvisor.h"

	.arch	armv7-a
	.arch_extension virt
	.arm


	.section .hyp.idmap.text, "ax"
	.balign	LV_IDMAP_ALIGN		@ lowvisor.h
ENTRY(__lv_idmap_start)

/*
 * In: r2 = this CPU's struct lv_percpu (kernel VA), r3:ip = HTTBR.
 * HYP mode, MMU off; ELR_hyp and SPSR_hyp hold the caller's return state.
 * Out (to the caller of hvc): r0 = 0.
 */
ENTRY(lv_hyp_init)
	mcrr	p15, 4, r3, ip, c2		@ HTTBR

	mrc	p15, 4, r0, c2, c0, 2		@ HTCR: keep the RES1 bits
	ldr	r1, =LV_HTCR_CLEAR
	bic	r0, r0, r1
	ldr	r1, =LV_HTCR_SET
	orr	r0, r0, r1
	mcr	p15, 4, r0, c2, c0, 2

	ldr	r0, =LV_HMAIR0
	mcr	p15, 4, r0, c10, c2, 0		@ HMAIR0
	ldr	r0, =LV_HMAIR1
	mcr	p15, 4, r0, c10, c2, 1		@ HMAIR1

	/*
	 * Nothing from an earlier lowvisor may survive in the TLB or I-cache,
	 * nor a guest's entries from a flush this CPU missed (no lowvisor
	 * anywhere, or powered on but offline through a broadcast)
	 */
	mcr	p15, 4, r0, c8, c7, 0		@ TLBIALLH
	mcr	p15, 4, r0, c8, c7, 4		@ TLBIALLNSNH
	mcr	p15, 0, r0, c7, c5, 0		@ ICIALLU
	dsb	ish
	isb

	mrc	p15, 4, r3, c12, c0, 0		@ the stub's HVBAR, kept in r3
	mrc	p15, 4, ip, c1, c0, 0		@ the stub's HSCTLR, kept in ip
	ldr	r1, =(LV_HSCTLR_M | LV_HSCTLR_A | LV_HSCTLR_C | LV_HSCTLR_I | \
		      LV_HSCTLR_WXN | LV_HSCTLR_FI | LV_HSCTLR_EE | LV_HSCTLR_TE)
	bic	r0, ip, r1
	ldr	r1, =(LV_HSCTLR_RES1 | LV_HSCTLR_M | LV_HSCTLR_C | LV_HSCTLR_I)
	orr	r0, r0, r1
	mcr	p15, 4, r0, c1, c0, 0		@ HSCTLR: MMU, D- and I-cache on
	isb

	ldr	r0, =lv_hyp_init_virt		@ leave the identity map
	bx	r0
ENDPROC(lv_hyp_init)

/*
 * Back to the stub: r1 = its HVBAR, r2 = its HSCTLR. Entered at its PA
 * (through the identity map) with the HYP MMU on. Returns r0 = 0.
 */
ENTRY(lv_idmap_reset)
	mcr	p15, 4, r2, c1, c0, 0		@ HSCTLR: MMU and caches off
	isb
	mcr	p15, 4, r1, c12, c0, 0		@ HVBAR
	mcr	p15, 4, r0, c8, c7, 0		@ TLBIALLH
	dsb	ish
	isb
	mov	r0, #0
	eret
ENDPROC(lv_idmap_reset)

/*
 * HVC_SOFT_RESTART: r1 = where to go. Exceptions are masked (we came in
 * through an exception); switch the MMU and caches off and jump, staying in
 * HYP mode, as hyp-abi.rst asks.
 */
ENTRY(lv_idmap_soft_restart)
	mrc	p15, 4, r0, c1, c0, 0		@ HSCTLR
	bic	r0, r0, #LV_HSCTLR_M
	bic	r0, r0, #LV_HSCTLR_C
	bic	r0, r0, #LV_HSCTLR_I
	mcr	p15, 4, r0, c1, c0, 0
	isb
	mcr	p15, 4, r0, c8, c7, 0		@ TLBIALLH
	dsb	ish
	isb
	bx	r1
ENDPROC(lv_idmap_soft_restart)

	.ltorg
ENTRY(__lv_idmap_end)		@ lv_build() checks the size against the alignment

	.section .hyp.text, "ax"

/* Continuation of lv_hyp_init at its HYP VA (== kernel VA), MMU on. */
ENTRY(lv_hyp_init_virt)
	mcr	p15, 4, r2, c13, c0, 2		@ HTPIDR: this CPU's lv_percpu
	str	r3, [r2, #LV_PCPU_STUB_HVBAR]
	str	ip, [r2, #LV_PCPU_STUB_HSCTLR]
	add	sp, r2, #LV_PCPU_SIZE		@ HYP stack: top of the page
	ldr	r0, [r2, #LV_PCPU_VECTORS]
	mcr	p15, 4, r0, c12, c0, 0		@ HVBAR
	isb
	mov	r0, #0
	eret
ENDPROC(lv_hyp_init_virt)

/*
 * HVC_RESET_VECTORS: hand HYP back to the kernel's stub. Reached from the
 * trap vector at the HYP VA; continues in the identity map.
 */
ENTRY(lv_hyp_reset)
	mrc	p15, 4, r3, c13, c0, 2		@ HTPIDR
	ldr	r1, [r3, #LV_PCPU_STUB_HVBAR]
	ldr	r2, [r3, #LV_PCPU_STUB_HSCTLR]
	ldr	r0, [r3, #LV_PCPU_IDMAP_PA]
	ldr	ip, 1f
	add	r0, r0, ip
	bx	r0
1:	.word	lv_idmap_reset - __lv_idmap_start
ENDPROC(lv_hyp_reset)

/* HVC_SOFT_RESTART: r1 = restart address (a PA), passed through. */
ENTRY(lv_hyp_soft_restart)
	mrc	p15, 4, r3, c13, c0, 2		@ HTPIDR
	ldr	r0, [r3, #LV_PCPU_IDMAP_PA]
	ldr	ip, 1f
	add	r0, r0, ip
	bx	r0
1:	.word	lv_idmap_soft_restart - __lv_idmap_start
ENDPROC(lv_hyp_soft_restart)
