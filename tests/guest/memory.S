/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Guest memory as the VMM arranges it (tests/hyp/66-guest-memory.c): a
 * read-only slot, addresses outside every slot, a slot backed by a shared
 * file, RAM pages the VMM replaces, a slot deleted and one unmapped under
 * the guest. Each step reports what the guest saw.
 */
#include "guest.h"

#define RO_SLOT		0x50000000
#define FILE_SLOT	0x60000000
#define NO_SLOT		0x70000000

_start:
	ldr	r8, =UCALL_VALUE
	ldr	r1, =RO_SLOT
	ldr	r0, [r1]
	report	r0				@ 1: the VMM's pattern
	mov	r0, #0x22
	str	r0, [r1, #4]			@ an MMIO write exit
	ldr	r0, [r1, #4]
	report	r0				@ 2: the pattern, unchanged
	ldr	r1, =NO_SLOT
	ldr	r0, [r1]			@ an MMIO read exit
	report	r0				@ 3: what the VMM answered
	ldr	r1, =FILE_SLOT
	ldr	r0, =0xf11e0001
	str	r0, [r1]
	report	r0				@ 4: the VMM reads its file
	ldr	r1, =GUEST_RAM_BASE + 0x80000
	ldr	r0, [r1]
	report	r0				@ 5: the VMM's first page
	ldr	r0, [r1]
	report	r0				@ 6: the page that replaced it
	ldr	r0, =0x600d
	ldr	r1, =GUEST_RAM_BASE + 0x90000
	str	r0, [r1]
	report	r0				@ 7: the VMM reads its memory
	ldr	r1, =RO_SLOT
	ldr	r0, [r1]			@ slot deleted: an MMIO read exit
	report	r0				@ 8
	ldr	r1, =FILE_SLOT + 0x1000
	ldr	r0, [r1]			@ memory unmapped by the VMM: KVM_RUN fails
	report	r0
	power_off
	.ltorg
