/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * SMP through the vGIC (tests/hyp/71-guest-smp-vgic.c): vCPU 0 starts the
 * others with PSCI CPU_ON; every vCPU turns on its MMU (shareable RAM, for
 * exclusives) and its GIC CPU interface. Then, by MODE:
 *  0  IPI ping-pong: every vCPU pings every other one ROUNDS times (SGI 1);
 *     the pinged one answers (SGI 2) to the source the GIC names;
 *  1  a spinlock (LDREX/STREX) around a shared counter, ROUNDS times each;
 *  2  vCPU 0 pings vCPU 1 alone ROUNDS times; the others sleep in WFI, and
 *     none of those SGIs is theirs: what wakes them is a stray kick.
 * vCPU 0 waits for all, then reports the total of pongs, or the counter
 * (mode 2: its own pongs, without waiting for the sleepers).
 */
#include "guest.h"

#define GICD		GUEST_GICD
#define GICC		GUEST_GICC
#define DATA		(GUEST_RAM_BASE + 0x20000)
#define NR_VCPUS	(DATA + 0x00)		/* written by the host */
#define MODE		(DATA + 0x04)
#define ROUNDS		(DATA + 0x08)
#define LOCK		(DATA + 0x40)
#define COUNTER		(DATA + 0x80)
#define DONE		(DATA + 0xc0)
#define ARRIVED		(DATA + 0xc4)		/* the start line of the lock test */
#define PONGS		(DATA + 0x100)		/* one cache line per vCPU */
#define L1_TABLE	(GUEST_RAM_BASE + 0x8000)
#define SECT_RAM	((1 << 16) | (1 << 12) | (3 << 10) | (1 << 3) | (1 << 2) | 2)
#define SECT_DEVICE	((3 << 10) | (1 << 4) | (1 << 2) | 2)

	/* r9 = this vCPU's number, from MPIDR (affinity 1 * 4 + affinity 0) */
	.macro	my_id
	mrc	p15, 0, r9, c0, c0, 5
	and	r0, r9, #0xff00
	and	r9, r9, #0xff
	add	r9, r9, r0, lsr #6
	.endm

	.macro	atomic_inc addr
	ldr	r1, =\addr
1:	ldrex	r0, [r1]
	add	r0, r0, #1
	strex	r2, r0, [r1]
	cmp	r2, #0
	bne	1b
	dmb
	.endm

_start:
	my_id
	ldr	r8, =UCALL_VALUE
	ldr	r0, =GUEST_STACK_TOP
	sub	sp, r0, r9, lsl #13		@ 8 KiB of stacks per vCPU
	cps	#0x12
	sub	sp, r0, r9, lsl #13
	sub	sp, sp, #0x1000			@ the IRQ stack below
	cps	#0x13
	ldr	r0, =vectors
	mcr	p15, 0, r0, c12, c0, 0
	cmp	r9, #0
	bne	setup

	/* vCPU 0: the page tables, then the others */
	l1_clear L1_TABLE
	l1_section GUEST_RAM_BASE, GUEST_RAM_BASE | SECT_RAM
	l1_section GICD, GICD | SECT_DEVICE	@ GICD and GICC share a MiB
	l1_section UCALL_BASE, UCALL_BASE | SECT_DEVICE
	dsb
	ldr	r0, =GICD
	mov	r1, #1
	str	r1, [r0]			@ GICD_CTLR
	ldr	r4, =NR_VCPUS
	ldr	r4, [r4]
	mov	r5, #1
2:	cmp	r5, r4
	bhs	setup
	ldr	r0, =PSCI_CPU_ON
	and	r1, r5, #3			@ MPIDR affinity of vCPU r5
	lsr	r2, r5, #2
	orr	r1, r1, r2, lsl #8
	adr	r2, _start
	mov	r3, #0
	hvc	#0
	add	r5, r5, #1
	b	2b

setup:
	ldr	r0, =L1_TABLE
	mmu_on	(1 << 0) | (1 << 2) | (1 << 12)	@ MMU and caches on: M, C, I
	gic_cpu_interface_on
	cpsie	i
	ldr	r0, =MODE
	ldr	r0, [r0]
	cmp	r0, #1
	beq	lock_counter
	cmp	r0, #2
	bne	pingpong
	cmp	r9, #0
	bne	sleep_forever

pingpong:
	ldr	r4, =NR_VCPUS
	ldr	r4, [r4]
	cmp	r0, #2
	moveq	r4, #2				@ mode 2: vCPUs 0 and 1 only
	ldr	r6, =ROUNDS
	ldr	r6, [r6]
	mov	r7, #0				@ pongs expected so far
	ldr	r10, =PONGS
	add	r10, r10, r9, lsl #6		@ mine
3:	mov	r5, #0				@ each other vCPU in turn
4:	cmp	r5, r9
	beq	6f
	mov	r0, #0x10000
	lsl	r0, r0, r5			@ target list: vCPU r5
	orr	r0, r0, #1			@ SGI 1: ping
	ldr	r1, =GICD + 0xf00
	str	r0, [r1]
	add	r7, r7, #1
5:	cpsid	i				@ no lost wake-up between the check and WFI
	ldr	r0, [r10]
	cmp	r0, r7
	wfilo
	cpsie	i
	blo	5b
6:	add	r5, r5, #1
	cmp	r5, r4
	blo	4b
	subs	r6, r6, #1
	bne	3b
	cmp	r4, #2				@ mode 2 (or mode 0 on 2 vCPUs)
	bne	finish
	ldr	r0, =MODE
	ldr	r0, [r0]
	cmp	r0, #2
	bne	finish
	ldr	r0, [r10]			@ vCPU 0's pongs from vCPU 1
	report	r0
	power_off

sleep_forever:					/* answering pings, until the host stops us */
	wfi
	b	sleep_forever

lock_counter:					/* all start together, to contend */
	atomic_inc ARRIVED
	ldr	r4, =NR_VCPUS
	ldr	r4, [r4]
	ldr	r1, =ARRIVED
14:	ldr	r0, [r1]
	cmp	r0, r4
	wfelo
	blo	14b
	ldr	r6, =ROUNDS
	ldr	r6, [r6]
	ldr	r1, =LOCK
	mov	r2, #1
7:	ldrex	r0, [r1]
	cmp	r0, #0
	wfene					@ held: yield (HCR.TWE)
	bne	7b
	strex	r0, r2, [r1]
	cmp	r0, #0
	bne	7b
	dmb
	ldr	r3, =COUNTER
	ldr	r0, [r3]
	add	r0, r0, #1
	str	r0, [r3]
	dmb
	mov	r0, #0
	str	r0, [r1]			@ release
	dsb
	sev
	subs	r6, r6, #1
	bne	7b

finish:					/* go on answering pings until all are done */
	atomic_inc DONE
	ldr	r4, =NR_VCPUS
	ldr	r4, [r4]
	ldr	r1, =DONE
9:	ldr	r0, [r1]
	cmp	r0, r4
	wfelo
	blo	9b
	cmp	r9, #0
	beq	8f
	ldr	r0, =PSCI_CPU_OFF
	hvc	#0
	b	.
8:
	ldr	r0, =MODE
	ldr	r0, [r0]
	cmp	r0, #1
	ldreq	r0, =COUNTER
	ldreq	r0, [r0]
	beq	11f
	mov	r0, #0				@ the sum of every vCPU's pongs
	ldr	r1, =PONGS
	mov	r2, #0
10:	ldr	r3, [r1, r2, lsl #6]
	add	r0, r0, r3
	add	r2, r2, #1
	cmp	r2, r4
	blo	10b
11:	report	r0
	power_off

irq_handler:
	push	{r0-r3, lr}
	ldr	r1, =GICC
	ldr	r0, [r1, #0x0c]			@ GICC_IAR
	ldr	r3, =0x3ff
	and	r2, r0, r3
	cmp	r2, #1				@ ping: answer the source
	bne	12f
	lsr	r3, r0, #10
	and	r3, r3, #7
	mov	r2, #0x10000
	lsl	r2, r2, r3
	orr	r2, r2, #2			@ SGI 2: pong
	ldr	r3, =GICD + 0xf00
	str	r2, [r3]
	b	13f
12:	cmp	r2, #2				@ pong: count it
	bne	13f
	ldr	r3, =PONGS
	add	r3, r3, r9, lsl #6
	ldr	r2, [r3]
	add	r2, r2, #1
	str	r2, [r3]
13:	str	r0, [r1, #0x10]			@ GICC_EOIR
	pop	{r0-r3, lr}
	subs	pc, lr, #4

	.ltorg
	vector_table irq=irq_handler
