/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * PSCI and SMCCC calls as a guest makes them, each answer reported in
 * order (tests/hyp/69-guest-psci.c); then a jump into device memory, whose
 * prefetch abort the hypervisor injects, and PSCI SYSTEM_RESET.
 */
#include "guest.h"

#define PSCI_VERSION		0x84000000
#define PSCI_MIGRATE_INFO_TYPE	0x84000006
#define PSCI_FEATURES		0x8400000a
#define SMCCC_VERSION		0x80000000
#define SMCCC_ARCH_FEATURES	0x80000001
#define SMCCC_ARCH_WORKAROUND_1	0x80008000

	.macro	call fn, arg=0
	ldr	r0, =\fn
	ldr	r1, =\arg
	hvc	#0
	str	r0, [r8]
	.endm

_start:
	ldr	r8, =UCALL_VALUE
	setup_stacks_and_vectors

	call	PSCI_VERSION			@ 1
	call	PSCI_FEATURES, PSCI_SYSTEM_OFF	@ 2
	call	PSCI_FEATURES, 0x8400ffff	@ 3
	call	SMCCC_VERSION			@ 4
	call	SMCCC_ARCH_FEATURES, SMCCC_ARCH_WORKAROUND_1	@ 5
	call	PSCI_MIGRATE_INFO_TYPE		@ 6
	call	0x8400ff00			@ 7: unknown
	ldr	r0, =SMCCC_ARCH_WORKAROUND_1
	hvc	#0
	mov	r0, #0x81
	str	r0, [r8]			@ 8: the workaround call returned

	ldr	r0, =TESTDEV_BASE
	blx	r0				@ 9, 10: the guest's handler reports
after_pabt:
	mov	r0, #0x11
	str	r0, [r8]			@ 11
	ldr	r0, =PSCI_SYSTEM_RESET
	hvc	#0
	b	.

pabt_handler:
	mrc	p15, 0, r0, c6, c0, 2		@ IFAR
	str	r0, [r8]
	mrc	p15, 0, r0, c5, c0, 1		@ IFSR
	str	r0, [r8]
	ldr	lr, =after_pabt
	movs	pc, lr

	vector_table pabt=pabt_handler
