/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The smallest useful guest: compute 1 + 2 + ... + 100, report it through
 * the ucall page, power off with PSCI SYSTEM_OFF.
 */
#include "guest.h"

_start:
	mov	r0, #0
	mov	r1, #100
1:	add	r0, r0, r1
	subs	r1, r1, #1
	bne	1b
	ldr	r2, =UCALL_VALUE
	str	r0, [r2]
	power_off
	.ltorg
