/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * What a bare-metal test guest and its host program agree on: where RAM
 * is, and the MMIO "ucall" page through which the guest reports. Included
 * by C (host) and by the guests' assembly.
 */
#ifndef ARMVIRT_TESTS_GUEST_ABI_H
#define ARMVIRT_TESTS_GUEST_ABI_H

#define GUEST_RAM_BASE		0x40000000	/* the guest is linked and starts here */
#define GUEST_STACK_TOP		(GUEST_RAM_BASE + 0x100000)	/* 1 MiB of RAM at least */

/* Word writes here exit to the host (outside every memory slot). */
#define UCALL_BASE		0x0a000000
#define UCALL_VALUE		(UCALL_BASE + 0x00)	/* report a value */
#define UCALL_DONE		(UCALL_BASE + 0x04)	/* finished; value 0 = success */
#define UCALL_FAIL		(UCALL_BASE + 0x08)	/* a guest-side check failed; value = its number */

/* Where the test VMs put the vGIC (lib/vm.c: tvm_create_vgic) */
#define GUEST_GICD		0x08000000	/* distributor */
#define GUEST_GICC		0x08010000	/* CPU interface (the hardware GICV) */

/* A test device: reads return a pattern, writes are recorded by the host. */
#define TESTDEV_BASE		0x0b000000

/* PSCI 0.2 function numbers the guests call */
#define PSCI_CPU_OFF		0x84000002
#define PSCI_CPU_ON		0x84000003
#define PSCI_SYSTEM_OFF		0x84000008
#define PSCI_SYSTEM_RESET	0x84000009

#endif
