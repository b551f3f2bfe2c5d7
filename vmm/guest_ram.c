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

void guest_ram_dirty(struct vmm *vmm, const void *hva, size_t len)
{
	const uint8_t *p = hva;
	size_t first, last, i;
	const size_t bits = 8 * sizeof(unsigned long);

	if (!vmm->vmm_dirty || !len || p < vmm->ram || (size_t)(p - vmm->ram) >= vmm->ram_size)
		return;
	first = (size_t)(p - vmm->ram) >> 12;
	last = ((size_t)(p - vmm->ram) + len - 1) >> 12;
	if (last >= vmm->ram_size >> 12)
		last = (vmm->ram_size >> 12) - 1;
	for (i = first; i <= last; i++)
		__atomic_fetch_or(&vmm->vmm_dirty[i / bits], 1UL << (i % bits), __ATOMIC_RELEASE);
}
