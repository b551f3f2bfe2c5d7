// SPDX-License-Identifier: GPL-2.0-only
/*
 * Stage-2 translation tables of a VM, long-descriptor format (ARM ARM
 * B3.6.1, stage 2 attributes B3.6.3). Level 1 has 1024 entries of 1 GiB
 * (40-bit IPA), levels 2 and 3 have 512 of 2 MiB and 4 KiB. RAM is mapped
 * with 4 KiB pages at level 3, or with 2 MiB blocks at level 2 where the
 * host backs it with a huge page (guest_mem.c decides).
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
#define S2_BLOCK		1ULL	/* level 2: 2 MiB block */
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

static bool is_block(u64 desc)
{
	return (desc & S2_TYPE_MASK) == S2_BLOCK;
}

static u64 ram_desc(phys_addr_t pa, u64 type, bool writable)
{
	u64 desc = ((u64)pa & S2_ADDR_MASK) | type | S2_MEMATTR_NORMAL_WB |
		   S2_AP_READ | S2_SH_INNER | S2_AF;

	return writable ? desc | S2_AP_WRITE : desc;
}

/*
 * Put @desc in @entry, which maps @pages pages when valid. Returns 0 if
 * the entry was empty, 1 if only a permission was added, 2 if it already
 * allowed as much; -EEXIST for a different frame. Adding a permission
 * needs no break-before-make, only the caller's TLB flush (B3.10.1): the
 * output address and attributes stay.
 */
static int install_entry(struct stage2 *s2, u64 *entry, u64 desc, unsigned long pages)
{
	u64 old = *entry;

	if (old && (old | S2_AP_WRITE) == (desc | S2_AP_WRITE) &&
	    (old & S2_AP_WRITE) >= (desc & S2_AP_WRITE))
		return 2;	/* already there, at least as permissive */
	if (old) {
		/*
		 * Only the permission can differ: a page that moves is unmapped
		 * first (MMU notifier), and no memslot may cover a device frame.
		 */
		if (WARN_ON_ONCE((old ^ desc) & (S2_ADDR_MASK | S2_MEMATTR_MASK | S2_TYPE_MASK)))
			return -EEXIST;
		WRITE_ONCE(*entry, desc);
		dsb(ishst);
		return 1;
	}
	WRITE_ONCE(*entry, desc);
	s2->nr_mapped += pages;
	dsb(ishst);
	return 0;
}

int stage2_init(struct stage2 *s2)
{
	s2->nr_mapped = 0;
	s2->kmem.pages = 0;
	if (!kmem_charge(&s2->kmem, 1 << S2_L1_ORDER))
		return -ENOMEM;
	s2->l1 = (u64 *)__get_free_pages(GFP_KERNEL_ACCOUNT | __GFP_ZERO, S2_L1_ORDER);
	if (!s2->l1) {
		kmem_uncharge(&s2->kmem, 1 << S2_L1_ORDER);
		return -ENOMEM;
	}
	s2->nr_table_pages = 1 << S2_L1_ORDER;
	spin_lock_init(&s2->lock);
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
	kmem_uncharge(&s2->kmem, s2->nr_table_pages);
	s2->nr_table_pages = 0;
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

/*
 * The table an entry points to, taking one from @c if there is none yet;
 * NULL past the VM's kernel-memory budget (kmem_budget.c).
 */
static u64 *next_table(struct stage2 *s2, struct stage2_cache *c, u64 *entry)
{
	void *page;

	if (is_table(*entry))
		return table_va(*entry);
	if (WARN_ON_ONCE(!c->nr) || !kmem_charge(&s2->kmem, 1))
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
	return stage2_set_entry(s2, c, ipa, ram_desc(pa, S2_PAGE, writable));
}

int stage2_map_block(struct stage2 *s2, struct stage2_cache *c, u64 ipa,
		     phys_addr_t pa, bool writable)
{
	u64 *l2, *entry;

	lockdep_assert_held(&s2->lock);
	if (WARN_ON_ONCE(!IS_ALIGNED(ipa, SZ_2M) || !IS_ALIGNED(pa, SZ_2M)))
		return -EINVAL;
	l2 = next_table(s2, c, &s2->l1[L1_INDEX(ipa)]);
	if (!l2)
		return -ENOMEM;
	entry = &l2[L2_INDEX(ipa)];
	if (is_table(*entry))
		return -EAGAIN;	/* pages are mapped there: the caller maps one more */
	return install_entry(s2, entry, ram_desc(pa, S2_BLOCK, writable), S2_ENTRIES);
}

int stage2_map_device_page(struct stage2 *s2, struct stage2_cache *c, u64 ipa,
			   phys_addr_t pa)
{
	return stage2_set_entry(s2, c, ipa, ((u64)pa & S2_ADDR_MASK) | S2_PAGE |
				S2_MEMATTR_DEVICE | S2_AP_READ | S2_AP_WRITE | S2_AF | S2_XN);
}

static int stage2_set_entry(struct stage2 *s2, struct stage2_cache *c, u64 ipa, u64 desc)
{
	u64 *l2, *l3;

	lockdep_assert_held(&s2->lock);
	l2 = next_table(s2, c, &s2->l1[L1_INDEX(ipa)]);
	if (!l2)
		return -ENOMEM;
	if (is_block(l2[L2_INDEX(ipa)]))
		return -EAGAIN;	/* a block maps it: the caller unmaps the block first */
	l3 = next_table(s2, c, &l2[L2_INDEX(ipa)]);
	if (!l3)
		return -ENOMEM;
	return install_entry(s2, &l3[L3_INDEX(ipa)], desc, 1);
}

/*
 * Call @fn on every valid entry that maps part of [ipa, ipa + size): level-3
 * pages, and level-2 blocks whole even where the range covers only part of
 * them (@pages says which). Under s2->lock.
 */
static void walk_range(struct stage2 *s2, u64 ipa, u64 size,
		       void (*fn)(struct stage2 *s2, u64 *entry, unsigned long pages, void *arg),
		       void *arg)
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
		if (is_block(l2[L2_INDEX(ipa)]))
			fn(s2, &l2[L2_INDEX(ipa)], S2_ENTRIES, arg);
		if (!is_table(l2[L2_INDEX(ipa)]))
			continue;
		l3 = table_va(l2[L2_INDEX(ipa)]);
		for (; ipa < next; ipa += PAGE_SIZE)
			if (l3[L3_INDEX(ipa)])
				fn(s2, &l3[L3_INDEX(ipa)], 1, arg);
	}
}

static void unmap_entry(struct stage2 *s2, u64 *entry, unsigned long pages, void *unmapped)
{
	WRITE_ONCE(*entry, 0);
	s2->nr_mapped -= pages;
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

/*
 * A block is made read-only as a page is: its first write faults, and the
 * fault replaces it with pages (guest_mem.c), so that dirty logging sees
 * each 4 KiB page written. Never cleared here: write-protection is done in
 * chunks with the TLB flushed once at the end, and a cleared entry would
 * leave the guest, in between, a TLB entry that the MMU notifier no longer
 * finds, so does not flush, when the host frees the page.
 */
static void wrprotect_entry(struct stage2 *s2, u64 *entry, unsigned long pages, void *changed)
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

static void visit_ram_entry(struct stage2 *s2, u64 *entry, unsigned long pages, void *arg)
{
	struct ram_visit *v = arg;
	phys_addr_t pa = *entry & S2_ADDR_MASK;
	unsigned long i;

	/* Device frames (the GICV) have no struct page and need no cache maintenance. */
	if ((*entry & S2_MEMATTR_MASK) != S2_MEMATTR_NORMAL_WB)
		return;
	for (i = 0; i < pages; i++)
		v->fn(pa + i * PAGE_SIZE, v->arg);
}

void stage2_for_each_ram_page(struct stage2 *s2, u64 ipa, u64 size,
			      void (*fn)(phys_addr_t pa, void *arg), void *arg)
{
	struct ram_visit v = { fn, arg };

	walk_range(s2, ipa, size, visit_ram_entry, &v);
}
