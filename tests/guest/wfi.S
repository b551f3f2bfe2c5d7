/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Blocking and signals: report 1, WFI until the host writes a non-zero word
 * at WAKE, report 2, then spin until it writes one at FLAG (both in guest
 * RAM), report 3, power off. WFI is a hint: it may complete at once (QEMU
 * does not even trap it while an interrupt is pending, for the host too),
 * so only the loop around it says how long the guest waits.
 */
#include "guest.h"

#define FLAG	(GUEST_RAM_BASE + 0x10000)
#define WAKE	(GUEST_RAM_BASE + 0x10004)

	.global	_start
_start:
	ldr	r8, =UCALL_VALUE
	mov	r0, #1
	str	r0, [r8]
	ldr	r1, =WAKE
2:	wfi
	ldr	r0, [r1]
	cmp	r0, #0
	beq	2b
	mov	r0, #2
	str	r0, [r8]
	ldr	r1, =FLAG
1:	ldr	r0, [r1]
	cmp	r0, #0
	beq	1b
	mov	r0, #3
	str	r0, [r8]
	power_off
	.ltorg
