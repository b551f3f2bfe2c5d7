/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * A VM's stage-2 translation tables (long-descriptor format, ARM ARM B3.6):
 * guest IPA to host PA, 40-bit IPA, walked from level 1 (VTCR in
 * lowvisor.h). RAM is mapped in 4 KiB pages or 2 MiB blocks.
 */
#ifndef ARMVIRT_MMU_STAGE2_H
#define ARMVIRT_MMU_STAGE2_H

#include <linux/spinlock.h>
#include <linux/types.h>

/* Pages of a VM's that the kernel-memory budget bounds (kmem_budget.c). */
struct kmem_account {
	unsigned long pages;
};

/*
 * Charge @pages to @a and to all VMs: false (and a log line) past the
 * budget. The caller serialises the charges and uncharges of one account
 * (a VM's: its s2.lock).
 */
bool kmem_charge(struct kmem_account *a, unsigned long pages);
void kmem_uncharge(struct kmem_account *a, unsigned long pages);

struct stage2 {
	u64 *l1;		/* 1024 entries, two pages, 8 KiB aligned */
	spinlock_t lock;	/* the tables; taken inside armvirt_vm.lock */
	unsigned long nr_table_pages;	/* under lock */
	unsigned long nr_mapped;	/* pages mapped, under lock */
	struct kmem_account kmem;	/* the VM's: tables and dirty bitmaps; under lock */
};

/* Table pages allocated before the lock is taken: a map needs at most two. */
struct stage2_cache {
	void *pages[2];
	int nr;
};

int stage2_init(struct stage2 *s2);
void stage2_free(struct stage2 *s2);	/* no mapping may remain in use */
phys_addr_t stage2_table_pa(const struct stage2 *s2);

int stage2_cache_topup(struct stage2_cache *c);
void stage2_cache_free(struct stage2_cache *c);

/*
 * Under s2->lock. Never takes a permission away. Returns 0 if the slot was
 * empty, 1 if a read-only entry became writable, 2 if the entry already
 * allowed the access. After 1 or 2, TLBs may still hold the read-only
 * entry, which only makes the guest fault again: the faulting CPU's
 * entries of the VMID are enough to drop, not every CPU's.
 * -EEXIST: a different page or a device frame is mapped there; -EAGAIN: a
 * 2 MiB block covers @ipa (unmap it, flush, and let the guest fault again).
 */
int stage2_map_page(struct stage2 *s2, struct stage2_cache *c, u64 ipa,
		    phys_addr_t pa, bool writable);
/*
 * Under s2->lock: a 2 MiB block of RAM, @ipa and @pa 2 MiB aligned. Returns
 * as stage2_map_page(); -EAGAIN if pages are mapped in that 2 MiB already
 * (then map the one page instead).
 */
int stage2_map_block(struct stage2 *s2, struct stage2_cache *c, u64 ipa,
		     phys_addr_t pa, bool writable);
/* Under s2->lock: a device page (the GICV frame), read-write, never executable. */
int stage2_map_device_page(struct stage2 *s2, struct stage2_cache *c, u64 ipa,
			   phys_addr_t pa);
/*
 * Under s2->lock. A block that the range covers in part goes whole. Returns
 * true if anything was unmapped (flush the TLB).
 */
bool stage2_unmap_range(struct stage2 *s2, u64 ipa, u64 size);
/*
 * Under s2->lock: writable pages and blocks become read-only (a write to a
 * block then faults and splits it: dirty logging wants 4 KiB granules);
 * nothing is unmapped. True if anything changed (flush).
 */
bool stage2_wrprotect_range(struct stage2 *s2, u64 ipa, u64 size);
/*
 * Under s2->lock: call @fn for the host PA of every page of RAM (not device
 * frames) mapped in [ipa, ipa + size).
 */
void stage2_for_each_ram_page(struct stage2 *s2, u64 ipa, u64 size,
			      void (*fn)(phys_addr_t pa, void *arg), void *arg);

#endif /* ARMVIRT_MMU_STAGE2_H */
