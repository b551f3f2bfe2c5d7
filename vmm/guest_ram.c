// SPDX-License-Identifier: GPL-2.0-only
/*
 * Guest physical addresses to the VMM's pointers. Every address a guest
 * gives (rings, buffers) goes through here before it is dereferenced; the
 * device code has no other way into guest RAM, and nothing here needs the
 * VM's fds (tests/fuzz-vmm links it on the build machine).
 */
#include "vmm.h"

void *gpa_to_hva(struct vmm *vmm, uint64_t gpa, uint64_t len)
{
	if (gpa < GUEST_RAM_BASE || len > vmm->ram_size ||
	    gpa - GUEST_RAM_BASE > vmm->ram_size - len)
		return NULL;
	return vmm->ram + (gpa - GUEST_RAM_BASE);
}
