/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The lowvisor's own stage-1 page tables (long-descriptor format, HTTBR).
 *
 * HYP maps what it needs at the same virtual addresses as the kernel does,
 * so that pointers can be shared, plus an identity map of the few bytes of
 * code that switch the HYP MMU on and off.
 */
#ifndef ARMVIRT_MMU_HYP_PGTABLE_H
#define ARMVIRT_MMU_HYP_PGTABLE_H

#include <linux/types.h>

/*
 * Built while the module loads and torn down when it unloads. Mappings
 * added later (vCPU pages) are serialised by the caller (lowvisor_cpu.c).
 */
struct hyp_pgtable {
	u64 *l1;		/* 4 entries of 1 GiB (HTCR.T0SZ = 0) */
	unsigned long nr_pages;	/* table pages, for the accounting in debugfs */
};

enum hyp_prot {
	HYP_PROT_RX,		/* code: read-only, executable */
	HYP_PROT_RW,		/* data: read-write, never executable */
};

int hyp_pgtable_init(struct hyp_pgtable *pt);
void hyp_pgtable_free(struct hyp_pgtable *pt);
u64 hyp_pgtable_httbr(const struct hyp_pgtable *pt);

/* Map [start, start + size) of kernel memory (lowmem, vmalloc or module) at its kernel VA. */
int hyp_map_kernel(struct hyp_pgtable *pt, const void *start, size_t size,
		   enum hyp_prot prot);
void hyp_unmap_kernel(struct hyp_pgtable *pt, const void *start, size_t size);
/* Map the page(s) holding [start, start + size) at VA == PA. */
int hyp_map_idmap(struct hyp_pgtable *pt, const void *start, size_t size);

/* Physical address of any kernel address this module can see. */
phys_addr_t armvirt_kaddr_to_phys(const void *addr);

#endif /* ARMVIRT_MMU_HYP_PGTABLE_H */
