/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * TLB maintenance only HYP can do, as hvc functions (lowvisor.h). Every
 * operation is the inner-shareable form: one call covers every CPU.
 * ARMv7 has no invalidation by IPA, so changes to a VM's stage 2 drop all
 * of that VMID's entries, as KVM/ARM did.
 */
#include <linux/linkage.h>
#include "lowvisor.h"

	.arch	armv7-a
	.arch_extension virt
	.arm

	.section .hyp.text, "ax"

/* LV_HVC_TLB_FLUSH_VMID: r1:r2 = the VM's VTTBR */
ENTRY(lv_tlb_flush_vmid)
	dsb	ishst				@ the table update first
	mcrr	p15, 6, r1, r2, c2		@ VTTBR: TLBIALLIS acts on its VMID
	isb
	mcr	p15, 0, r0, c8, c3, 0		@ TLBIALLIS
	dsb	ish
	isb
	mov	r1, #0
	mov	r2, #0
	mcrr	p15, 6, r1, r2, c2		@ back to the host's null VTTBR
	isb
	mov	r0, #0
	eret
ENDPROC(lv_tlb_flush_vmid)

/* LV_HVC_TLB_FLUSH_ALL: every VMID's entries, on a VMID generation rollover */
ENTRY(lv_tlb_flush_all)
	dsb	ishst
	mcr	p15, 4, r0, c8, c3, 4		@ TLBIALLNSNHIS
	mcr	p15, 0, r0, c7, c1, 0		@ ICIALLUIS: the I-cache may be VMID-tagged
	dsb	ish
	isb
	mov	r0, #0
	eret
ENDPROC(lv_tlb_flush_all)

/* LV_HVC_TLB_FLUSH_HYP: after a HYP mapping is removed */
ENTRY(lv_tlb_flush_hyp)
	dsb	ishst
	mcr	p15, 4, r0, c8, c3, 0		@ TLBIALLHIS
	dsb	ish
	isb
	mov	r0, #0
	eret
ENDPROC(lv_tlb_flush_hyp)
