/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Reads one word every 2 MiB of the 512 MiB at SPARSE_BASE, a slot the
 * test adds: each read needs a stage-2 table of its own
 * (tests/hyp/76-isolation.c, the tables' budget). Reports how many it
 * read: 256 unless the host refused one before.
 */
#include "guest.h"

#define SPARSE_BASE	0x80000000
#define SPARSE_READS	256

_start:
	ldr	r8, =UCALL_VALUE
	ldr	r4, =SPARSE_BASE
	mov	r2, #0
1:	ldr	r3, [r4, r2, lsl #21]
	add	r2, r2, #1
	cmp	r2, #SPARSE_READS
	blo	1b
	report	r2				@ 1: 256
	power_off
	.ltorg
