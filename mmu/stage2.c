// SPDX-License-Identifier: GPL-2.0-only
/*
 * Stage-2 translation tables of a VM, long-descriptor format (ARM ARM
 * B3.6.1, stage 2 attributes B3.6.3). Level 1 has 1024 entries of 1 GiB
 * (40-bit IPA), levels 2 and 3 have 512 of 2 MiB and 4 KiB.
 *
 * Tables are written through the kernel's cacheable mapping; the walker
 * reads them inner-shareable write-back (VTCR), so a dsb before the TLB
 * maintenance or the next guest entry is all they need.
 */
#include <linux/errno.h>
#include <linux/gfp.h>
#include <linux/mm.h>
#include <asm/barrier.h>

#include "stage2.h"

#define S2_TABLE		3ULL	/* levels 1 and 2: next-level table */
#define S2_PAGE			3ULL	/* level 3: 4 KiB page */
#define S2_TYPE_MASK		3ULL
#define S2_ADDR_MASK		GENMASK_ULL(39, 12)
#define S2_MEMATTR_NORMAL_WB	(0xfULL << 2)	/* outer and inner write-back */
#define S2_AP_READ		BIT_ULL(6)
#define S2_AP_WRITE		BIT_ULL(7)
#define S2_SH_INNER		(3ULL << 8)
#define S2_AF			BIT_ULL(10)
#define S2_MEMATTR_DEVICE	(0x1ULL << 2)
#define S2_MEMATTR_MASK		(0xfULL << 2)
#define S2_XN			BIT_ULL(54)

#define S2_L1_ENTRIES		1024
#define S2_ENTRIES		512
#define S2_L1_ORDER		1	/* two pages; the buddy allocator aligns them */

#define L1_INDEX(ipa)		((unsigned int)((ipa) >> 30) & (S2_L1_ENTRIES - 1))
#define L2_INDEX(ipa)		((unsigned int)((ipa) >> 21) & (S2_ENTRIES - 1))
#define L3_INDEX(ipa)		((unsigned int)((ipa) >> 12) & (S2_ENTRIES - 1))

static u64 *table_va(u64 desc)
{
	return phys_to_virt(desc & S2_ADDR_MASK);
}

static bool is_table(u64 desc)
{
	return (desc & S2_TYPE_MASK) == S2_TABLE;
}

int stage2_init(struct stage2 *s2)
{
	s2->l1 = (u64 *)__get_free_pages(GFP_KERNEL_ACCOUNT | __GFP_ZERO, S2_L1_ORDER);
	if (!s2->l1)
		return -ENOMEM;
	spin_lock_init(&s2->lock);
	s2->nr_table_pages = 1 << S2_L1_ORDER;
	s2->nr_mapped = 0;
	return 0;
}

phys_addr_t stage2_table_pa(const struct stage2 *s2)
{
	return virt_to_phys(s2->l1);
}

void stage2_free(struct stage2 *s2)
{
	unsigned int i, j;
	u64 *l2;

	if (!s2->l1)
		return;
	for (i = 0; i < S2_L1_ENTRIES; i++) {
		if (!is_table(s2->l1[i]))
			continue;
		l2 = table_va(s2->l1[i]);
		for (j = 0; j < S2_ENTRIES; j++)
			if (is_table(l2[j]))
				free_page((unsigned long)table_va(l2[j]));
		free_page((unsigned long)l2);
	}
	free_pages((unsigned long)s2->l1, S2_L1_ORDER);
	s2->l1 = NULL;
}

int stage2_cache_topup(struct stage2_cache *c)
{
	while (c->nr < ARRAY_SIZE(c->pages)) {
		c->pages[c->nr] = (void *)get_zeroed_page(GFP_KERNEL_ACCOUNT);
		if (!c->pages[c->nr])
			return -ENOMEM;
		c->nr++;
	}
	return 0;
}

void stage2_cache_free(struct stage2_cache *c)
{
	while (c->nr)
		free_page((unsigned long)c->pages[--c->nr]);
}

/* The table an entry points to, taking one from @c if there is none yet. */
static u64 *next_table(struct stage2 *s2, struct stage2_cache *c, u64 *entry)
{
	void *page;

	if (is_table(*entry))
		return table_va(*entry);
	if (WARN_ON_ONCE(!c->nr))
		return NULL;
	page = c->pages[--c->nr];
	s2->nr_table_pages++;
	dsb(ishst);	/* the zeroed table before the entry that points to it */
	WRITE_ONCE(*entry, virt_to_phys(page) | S2_TABLE);
	return page;
}

static int stage2_set_entry(struct stage2 *s2, struct stage2_cache *c, u64 ipa, u64 desc);

int stage2_map_page(struct stage2 *s2, struct stage2_cache *c, u64 ipa,
		    phys_addr_t pa, bool writable)
{
	u64 desc = ((u64)pa & S2_ADDR_MASK) | S2_PAGE | S2_MEMATTR_NORMAL_WB |
		   S2_AP_READ | S2_SH_INNER | S2_AF;

	if (writable)
		desc |= S2_AP_WRITE;
	return stage2_set_entry(s2, c, ipa, desc);
}

int stage2_map_device_page(struct stage2 *s2, struct stage2_cache *c, u64 ipa,
			   phys_addr_t pa)
{
	return stage2_set_entry(s2, c, ipa, ((u64)pa & S2_ADDR_MASK) | S2_PAGE |
				S2_MEMATTR_DEVICE | S2_AP_READ | S2_AP_WRITE | S2_AF | S2_XN);
}

static int stage2_set_entry(struct stage2 *s2, struct stage2_cache *c, u64 ipa, u64 desc)
{
	u64 *l2, *l3, old;

	lockdep_assert_held(&s2->lock);
	l2 = next_table(s2, c, &s2->l1[L1_INDEX(ipa)]);
	if (!l2)
		return -ENOMEM;
	l3 = next_table(s2, c, &l2[L2_INDEX(ipa)]);
	if (!l3)
		return -ENOMEM;
	old = l3[L3_INDEX(ipa)];
	if (old && (old | S2_AP_WRITE) == (desc | S2_AP_WRITE) &&
	    (old & S2_AP_WRITE) >= (desc & S2_AP_WRITE))
		return 2;	/* already there, at least as permissive */
	if (old) {
		/*
		 * Only the permission can differ: a page that moves is unmapped
		 * first (MMU notifier), and no memslot may cover a device frame.
		 * That needs no break-before-make, only the caller's TLB flush
		 * of the old entry (B3.10.1).
		 */
		if (WARN_ON_ONCE((old ^ desc) & (S2_ADDR_MASK | S2_MEMATTR_MASK)))
			return -EEXIST;
		WRITE_ONCE(l3[L3_INDEX(ipa)], desc);
		dsb(ishst);
		return 1;
	}
	WRITE_ONCE(l3[L3_INDEX(ipa)], desc);
	s2->nr_mapped++;
	dsb(ishst);
	return 0;
}

/* Call @fn on every valid level-3 entry in [ipa, ipa + size). Under s2->lock. */
static void walk_range(struct stage2 *s2, u64 ipa, u64 size,
		       void (*fn)(struct stage2 *s2, u64 *entry, void *arg), void *arg)
{
	u64 end = ipa + size, next;
	u64 *l2, *l3;

	lockdep_assert_held(&s2->lock);
	for (; ipa < end; ipa = next) {
		next = min((ipa | (SZ_2M - 1)) + 1, end);
		if (!is_table(s2->l1[L1_INDEX(ipa)])) {
			next = min((ipa | (SZ_1G - 1)) + 1, end);
			continue;
		}
		l2 = table_va(s2->l1[L1_INDEX(ipa)]);
		if (!is_table(l2[L2_INDEX(ipa)]))
			continue;
		l3 = table_va(l2[L2_INDEX(ipa)]);
		for (; ipa < next; ipa += PAGE_SIZE)
			if (l3[L3_INDEX(ipa)])
				fn(s2, &l3[L3_INDEX(ipa)], arg);
	}
}

static void unmap_entry(struct stage2 *s2, u64 *entry, void *unmapped)
{
	WRITE_ONCE(*entry, 0);
	s2->nr_mapped--;
	*(bool *)unmapped = true;
}

bool stage2_unmap_range(struct stage2 *s2, u64 ipa, u64 size)
{
	bool unmapped = false;

	walk_range(s2, ipa, size, unmap_entry, &unmapped);
	if (unmapped)
		dsb(ishst);
	return unmapped;
}

static void wrprotect_entry(struct stage2 *s2, u64 *entry, void *changed)
{
	if (!(*entry & S2_AP_WRITE) || (*entry & S2_MEMATTR_MASK) != S2_MEMATTR_NORMAL_WB)
		return;		/* read-only already, or a device frame (never logged) */
	WRITE_ONCE(*entry, *entry & ~S2_AP_WRITE);
	*(bool *)changed = true;
}

bool stage2_wrprotect_range(struct stage2 *s2, u64 ipa, u64 size)
{
	bool changed = false;

	walk_range(s2, ipa, size, wrprotect_entry, &changed);
	if (changed)
		dsb(ishst);
	return changed;
}

struct ram_visit {
	void (*fn)(phys_addr_t pa, void *arg);
	void *arg;
};

static void visit_ram_entry(struct stage2 *s2, u64 *entry, void *arg)
{
	struct ram_visit *v = arg;

	/* Device frames (the GICV) have no struct page and need no cache maintenance. */
	if ((*entry & S2_MEMATTR_MASK) == S2_MEMATTR_NORMAL_WB)
		v->fn(*entry & S2_ADDR_MASK, v->arg);
}

void stage2_for_each_ram_page(struct stage2 *s2, u64 ipa, u64 size,
			      void (*fn)(phys_addr_t pa, void *arg), void *arg)
{
	struct ram_visit v = { fn, arg };

	walk_range(s2, ipa, size, visit_ram_entry, &v);
}
