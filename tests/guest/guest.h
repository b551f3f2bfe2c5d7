/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * What every test guest starts with (included first by tests/guest/*.S):
 * the ABI with its host program, the assembler's settings, and macros to
 * report a value (r8 must hold UCALL_VALUE), power off, and lay out
 * exception vectors whose unused entries report a failure.
 */
#ifndef ARMVIRT_TESTS_GUEST_H
#define ARMVIRT_TESTS_GUEST_H

#include "guest_abi.h"

	.syntax	unified
	.arch	armv7-a
	.arch_extension virt
	.arch_extension sec
	.fpu	neon
	.arm
	.text
	.global	_start

	.macro	report reg
	str	\reg, [r8]
	.endm

	.macro	power_off
	ldr	r0, =PSCI_SYSTEM_OFF
	hvc	#0
	b	.
	.endm

	/* VBAR must point at "vectors"; an unexpected exception reports its lr. */
	.macro	vector_table und=unexpected, svc=unexpected, pabt=unexpected, dabt=unexpected, irq=unexpected
unexpected:
	ldr	r0, =UCALL_FAIL
	str	lr, [r0]
	b	.
	.ltorg
	.align	5
vectors:
	b	unexpected			@ reset
	b	\und
	b	\svc
	b	\pabt
	b	\dabt
	b	unexpected			@ not used
	b	\irq
	b	unexpected			@ FIQ
	.endm

#endif
