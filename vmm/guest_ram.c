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

/*
 * Mark the pages of [hva, hva + len) dirty for the migration's next round.
 * One atomic OR per bitmap word, not per page: a 1 MiB read the disk
 * completes is 256 pages, 8 words.
 */
void guest_ram_dirty(struct vmm *vmm, const void *hva, size_t len)
{
	const size_t bits = 8 * sizeof(unsigned long);
	const uint8_t *p = hva;
	size_t first, last, end, i;
	unsigned long mask;

	if (!vmm->vmm_dirty || !len || p < vmm->ram || (size_t)(p - vmm->ram) >= vmm->ram_size)
		return;
	first = (size_t)(p - vmm->ram) >> 12;
	last = len - 1 > vmm->ram_size - (size_t)(p - vmm->ram) - 1 ?
	       (vmm->ram_size >> 12) - 1 : ((size_t)(p - vmm->ram) + len - 1) >> 12;
	for (i = first; i <= last; i = end + 1) {
		end = (i / bits + 1) * bits - 1;	/* the word's last page */
		if (end > last)
			end = last;
		mask = (~0UL << (i % bits)) & (~0UL >> (bits - 1 - end % bits));
		__atomic_fetch_or(&vmm->vmm_dirty[i / bits], mask, __ATOMIC_RELEASE);
	}
}
