/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Two vCPUs: vCPU 0 starts vCPU 1 with PSCI CPU_ON, both count to COUNT in
 * their own words of RAM while checking that their MPIDR never changes
 * (their host threads are moved between CPUs meanwhile), vCPU 1 stops with
 * CPU_OFF, vCPU 0 reports what it saw. With r0 = 1 at start, vCPU 0 spins
 * forever instead (for the kill test).
 */
#include "guest.h"

#define COUNT		20000000
#define DATA		(GUEST_RAM_BASE + 0x20000)
#define COUNT0		(DATA + 0x00)
#define COUNT1		(DATA + 0x40)
#define DONE1		(DATA + 0x80)
#define CTX1		(DATA + 0x84)
#define MPIDR1		(DATA + 0x88)
#define ERRORS		(DATA + 0xc0)
#define PSCI_AFFINITY_INFO	0x84000004

_start:
	ldr	r8, =UCALL_VALUE
	mov	r11, r0
	ldr	r0, =PSCI_CPU_ON
	mov	r1, #1				@ vCPU 1's affinity
	adr	r2, secondary
	ldr	r3, =0x5ec0			@ its context id
	hvc	#0
	report	r0				@ 1: 0, success
	ldr	r0, =PSCI_CPU_ON
	mov	r1, #1
	adr	r2, secondary
	hvc	#0
	report	r0				@ 2: -4, already on
	cmp	r11, #1
	beq	.				@ the kill test: spin

	ldr	r9, =COUNT0
	bl	count
	ldr	r1, =DONE1
1:	ldr	r0, [r1]
	cmp	r0, #1
	wfene
	bne	1b
	ldr	r0, =CTX1
	ldr	r0, [r0]
	report	r0				@ 3: 0x5ec0
	ldr	r0, =MPIDR1
	ldr	r0, [r0]
	report	r0				@ 4: vCPU 1's MPIDR
	ldr	r0, =COUNT0
	ldr	r0, [r0]
	report	r0				@ 5: COUNT
	ldr	r0, =COUNT1
	ldr	r0, [r0]
	report	r0				@ 6: COUNT
	ldr	r0, =ERRORS
	ldr	r0, [r0]
	report	r0				@ 7: 0
2:	ldr	r0, =PSCI_AFFINITY_INFO
	mov	r1, #1
	mov	r2, #0
	hvc	#0
	cmp	r0, #1				@ OFF
	bne	2b
	report	r0				@ 8: 1
	power_off

secondary:
	ldr	r1, =CTX1
	str	r0, [r1]
	mrc	p15, 0, r0, c0, c0, 5
	ldr	r1, =MPIDR1
	str	r0, [r1]
	ldr	r9, =COUNT1
	bl	count
	ldr	r1, =DONE1
	mov	r0, #1
	str	r0, [r1]
	dsb
	sev
	ldr	r0, =PSCI_CPU_OFF
	hvc	#0
	b	.

/* Count to COUNT at [r9]; every 4096 steps, check MPIDR and r4 still hold. */
count:
	mrc	p15, 0, r10, c0, c0, 5
	ldr	r4, =0x1234abcd
	ldr	r5, =COUNT
3:	ldr	r6, [r9]
	add	r6, r6, #1
	str	r6, [r9]
	lsls	r7, r5, #20			@ low 12 bits zero?
	bne	4f
	mrc	p15, 0, r7, c0, c0, 5
	ldr	r6, =0x1234abcd
	cmp	r7, r10
	cmpeq	r4, r6
	ldrne	r7, =ERRORS
	strne	r5, [r7]
4:	subs	r5, r5, #1
	bne	3b
	bx	lr
	.ltorg
