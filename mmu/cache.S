/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Data cache maintenance the kernel does not export in a stable form.
 * PL1 code, called from the highvisor.
 */
#include <linux/linkage.h>

	.arch	armv7-a
	.arm
	.text

/*
 * void armvirt_dcache_clean_poc(const void *start, size_t size)
 *
 * Clean [start, start + size) to the point of coherency by VA (DCCMVAC), so
 * that HYP, reading with its MMU and caches off, sees what PL1 wrote.
 */
ENTRY(armvirt_dcache_clean_poc)
	cmp	r1, #0
	bxeq	lr
	mrc	p15, 0, r3, c0, c0, 1		@ CTR
	ubfx	r3, r3, #16, #4			@ DminLine: log2(words per line)
	mov	r2, #4
	lsl	r2, r2, r3			@ smallest D-cache line, in bytes
	add	r1, r0, r1			@ end
	sub	r3, r2, #1
	bic	r0, r0, r3			@ align the start down to a line
1:	mcr	p15, 0, r0, c7, c10, 1		@ DCCMVAC
	add	r0, r0, r2
	cmp	r0, r1
	blo	1b
	dsb	sy
	bx	lr
ENDPROC(armvirt_dcache_clean_poc)
