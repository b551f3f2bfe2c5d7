/* SPDX-License-Identifier: GPL-2.0-only */
#include <linux/linkage.h>

	.arch	armv7-a
	.arch_extension virt
	.text

/*
 * u32 __lv_hvc(u32 fn, u32 a1, u32 a2, u32 a3, u32 a4)
 *
 * Call the lowvisor (or, before it is installed, the kernel's stub): fn in
 * r0, a1-a3 in r1-r3, a4 in ip. HYP may clobber r0-r3 and ip, which AAPCS
 * lets a callee clobber anyway.
 */
ENTRY(__lv_hvc)
	ldr	ip, [sp]
	hvc	#0
	bx	lr
ENDPROC(__lv_hvc)
