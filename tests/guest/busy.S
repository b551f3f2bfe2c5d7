/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Exits forever, for tests that watch a running guest's counters: an MMIO
 * write the VMM answers (the test device), then an hvc the highvisor
 * answers (PSCI_VERSION), again and again.
 */
#include "guest.h"

_start:
	ldr	r9, =TESTDEV_BASE
	mov	r4, #0
1:	str	r4, [r9]			@ answered by the VMM
	ldr	r0, =0x84000000			@ PSCI_VERSION: answered in the kernel
	hvc	#0
	add	r4, r4, #1
	b	1b
	.ltorg
