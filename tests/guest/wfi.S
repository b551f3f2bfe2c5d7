/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Blocking and signals: report 1, WFI, report 2, then spin until the host
 * writes a non-zero word at FLAG (in guest RAM), report 3, power off.
 */
#include "guest.h"

#define FLAG	(GUEST_RAM_BASE + 0x10000)

	.global	_start
_start:
	ldr	r8, =UCALL_VALUE
	mov	r0, #1
	str	r0, [r8]
	wfi
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
