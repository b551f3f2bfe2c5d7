/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Cache maintenance the kernel does not export in a stable form.
 * PL1 code, called from the highvisor.
 */
#include <linux/linkage.h>

	.arch	armv7-a
	.arm
	.text

/* Apply a by-VA data cache operation to every line of [r0, r0 + r1). */
.macro dcache_by_va crm, op2
	cmp	r1, #0
	bxeq	lr
	mrc	p15, 0, r3, c0, c0, 1		@ CTR
	ubfx	r3, r3, #16, #4			@ DminLine: log2(words per line)
	mov	r2, #4
	lsl	r2, r2, r3			@ smallest D-cache line, in bytes
	add	r1, r0, r1			@ end
	sub	r3, r2, #1
	bic	r0, r0, r3			@ align the start down to a line
1:	mcr	p15, 0, r0, c7, \crm, \op2
	add	r0, r0, r2
	cmp	r0, r1
	blo	1b
	dsb	sy
	bx	lr
.endm

/*
 * void armvirt_dcache_clean_poc(const void *start, size_t size)
 *
 * Clean to the point of coherency (DCCMVAC), so that HYP, reading with its
 * MMU and caches off, sees what PL1 wrote.
 */
ENTRY(armvirt_dcache_clean_poc)
	dcache_by_va c10, 1
ENDPROC(armvirt_dcache_clean_poc)

/*
 * void armvirt_dcache_flush_poc(const void *start, size_t size)
 *
 * Clean and invalidate to the point of coherency (DCCIMVAC): a page given
 * to a guest, which may read and write it with its caches off.
 */
ENTRY(armvirt_dcache_flush_poc)
	dcache_by_va c14, 1
ENDPROC(armvirt_dcache_flush_poc)

/*
 * void armvirt_icache_inval_all(void)
 *
 * Invalidate every CPU's instruction cache (ICIALLUIS) and branch
 * predictor, after new code was given to a guest. A7's I-cache is VIPT, so
 * invalidating by the host's VA would not do.
 */
ENTRY(armvirt_icache_inval_all)
	mcr	p15, 0, r0, c7, c1, 0		@ ICIALLUIS
	mcr	p15, 0, r0, c7, c1, 6		@ BPIALLIS
	dsb	ish
	isb
	bx	lr
ENDPROC(armvirt_icache_inval_all)

/*
 * void armvirt_bp_invalidate_local(void)
 *
 * Empty this CPU's branch predictor for a guest's SMCCC_ARCH_WORKAROUND_1:
 * ICIALLU does on Cortex-A15 with ACTLR.IBE set, BPIALL on the others.
 */
ENTRY(armvirt_bp_invalidate_local)
	mcr	p15, 0, r0, c7, c5, 0		@ ICIALLU
	mcr	p15, 0, r0, c7, c5, 6		@ BPIALL
	dsb	nsh
	isb
	bx	lr
ENDPROC(armvirt_bp_invalidate_local)
