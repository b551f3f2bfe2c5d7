/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * A "kernel" armvirt cannot run: an LDM from MMIO, which neither the
 * syndrome nor the decoder describes, so KVM_RUN reports an emulation
 * failure. tests/vmm boots it with armvirt-vmm, which must stop with a
 * message and status 1. Only PC-relative code: the VMM loads it wherever
 * it puts a zImage.
 */
#include "guest.h"

	.arm
_start:
	ldr	r4, =TESTDEV_BASE
	ldm	r4, {r0, r1}
1:	b	1b
