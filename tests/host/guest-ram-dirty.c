// SPDX-License-Identifier: GPL-2.0-only
/*
 * Build-machine check of vmm/guest_ram.c's guest_ram_dirty(): every range
 * marks exactly the pages it touches, one word at a time, however it
 * falls across the bitmap's words, clamped at the end of RAM; a pointer
 * outside RAM or an empty range marks nothing.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vmm.h"

#define PAGES	1000	/* not a whole number of words */
#define BITS	(8 * sizeof(unsigned long))
#define WORDS	((PAGES + BITS - 1) / BITS)

static unsigned long dirty[WORDS];
static int failed;

static void expect(struct vmm *vmm, size_t offset, size_t len, size_t first, size_t last)
{
	size_t i;

	memset(dirty, 0, sizeof(dirty));
	guest_ram_dirty(vmm, vmm->ram + offset, len);
	for (i = 0; i < PAGES; i++) {
		int want = i >= first && i <= last, got = !!(dirty[i / BITS] & (1UL << (i % BITS)));

		if (want != got) {
			printf("guest-ram-dirty: offset %zu len %zu: page %zu %s\n", offset, len, i,
			       got ? "marked" : "not marked");
			failed++;
			return;
		}
	}
	for (i = PAGES; i < WORDS * BITS; i++) {
		if (dirty[i / BITS] & (1UL << (i % BITS))) {
			printf("guest-ram-dirty: offset %zu len %zu: bit %zu past RAM\n", offset, len, i);
			failed++;
			return;
		}
	}
}

int main(void)
{
	struct vmm vmm = { .ram_size = PAGES * 4096UL, .vmm_dirty = dirty };
	size_t off, len, n = 0;

	vmm.ram = malloc(vmm.ram_size);
	if (!vmm.ram)
		return 1;
	expect(&vmm, 0, 1, 0, 0);
	expect(&vmm, 4095, 2, 0, 1);
	expect(&vmm, 0, 1 << 20, 0, 255);
	expect(&vmm, 4096 * (BITS - 1), 4096 * 2, BITS - 1, BITS);
	expect(&vmm, 4096 * BITS, 4096 * BITS, BITS, 2 * BITS - 1);
	expect(&vmm, 100, 4096 * (3 * BITS), 0, 3 * BITS);
	expect(&vmm, vmm.ram_size - 1, 1, PAGES - 1, PAGES - 1);
	expect(&vmm, vmm.ram_size - 4096, (size_t)-1, PAGES - 1, PAGES - 1);	/* clamped */
	expect(&vmm, 5000, (size_t)-1, 1, PAGES - 1);
	expect(&vmm, 0, 0, 1, 0);						/* nothing */
	expect(&vmm, vmm.ram_size, 4096, 1, 0);					/* past RAM */
	/* every offset of the first three words' pages, lengths across the words */
	for (off = 0; off < 3 * BITS * 4096; off += 4096 - 1)
		for (len = 1; len < 2 * BITS * 4096; len = len * 3 + 7, n++)
			expect(&vmm, off, len, off / 4096,
			       (off + len - 1) / 4096 < PAGES ? (off + len - 1) / 4096 : PAGES - 1);
	free(vmm.ram);
	if (!failed)
		printf("guest-ram-dirty: %zu ranges marked exactly\n", n + 11);
	return failed ? 1 : 0;
}
