// SPDX-License-Identifier: GPL-2.0-only
/*
 * HYP stage-1 page tables, long-descriptor format (ARM ARM B3.6).
 *
 * HTCR.T0SZ = 0 gives a 32-bit input address space: level 1 has 4 entries
 * of 1 GiB, levels 2 and 3 have 512 entries of 2 MiB and 4 KiB. Only 4 KiB
 * pages are used: HYP maps little, and mostly vmalloc'ed module memory.
 */
#include <linux/errno.h>
#include <linux/gfp.h>
#include <linux/mm.h>
#include <linux/vmalloc.h>
#include <asm/barrier.h>

#include "hyp_pgtable.h"

#define LPAE_DESC_VALID_TABLE	3ULL	/* levels 1 and 2: next-level table */
#define LPAE_DESC_PAGE		3ULL	/* level 3: 4 KiB page */
#define LPAE_DESC_TYPE_MASK	3ULL
#define LPAE_ADDR_MASK		GENMASK_ULL(39, 12)
#define LPAE_ATTRINDX(n)	((u64)(n) << 2)	/* index into HMAIR0/1 */
#define LPAE_AP1_SBO		BIT_ULL(6)	/* AP[1]: should be one at PL2 */
#define LPAE_AP2_RO		BIT_ULL(7)
#define LPAE_SH_INNER		(3ULL << 8)
#define LPAE_AF			BIT_ULL(10)
#define LPAE_XN			BIT_ULL(54)

#define HYP_ATTR_NORMAL		0	/* attribute 0 of LV_HMAIR0 */
#define HYP_PTRS_PER_TABLE	512

static u64 hyp_prot_bits(enum hyp_prot prot)
{
	u64 desc = LPAE_DESC_PAGE | LPAE_ATTRINDX(HYP_ATTR_NORMAL) |
		   LPAE_AP1_SBO | LPAE_SH_INNER | LPAE_AF;

	if (prot == HYP_PROT_RX)
		desc |= LPAE_AP2_RO;
	else
		desc |= LPAE_XN;
	return desc;
}

phys_addr_t armvirt_kaddr_to_phys(const void *addr)
{
	struct page *page;

	if (virt_addr_valid(addr))
		return virt_to_phys(addr);
	page = vmalloc_to_page(addr);	/* vmalloc and module space */
	if (!page)
		return 0;
	return page_to_phys(page) + offset_in_page(addr);
}

static u64 *table_of(u64 desc)
{
	return phys_to_virt(desc & LPAE_ADDR_MASK);
}

/* The next-level table an entry points to, allocating it if needed. */
static u64 *next_table(struct hyp_pgtable *pt, u64 *entry)
{
	unsigned long page;

	if ((*entry & LPAE_DESC_TYPE_MASK) == LPAE_DESC_VALID_TABLE)
		return table_of(*entry);

	page = get_zeroed_page(GFP_KERNEL);
	if (!page)
		return NULL;
	pt->nr_pages++;
	/* The table's contents must be visible before the entry that points to it. */
	dsb(ishst);
	WRITE_ONCE(*entry, virt_to_phys((void *)page) | LPAE_DESC_VALID_TABLE);
	return (u64 *)page;
}

static int hyp_map_page(struct hyp_pgtable *pt, u32 va, phys_addr_t pa,
			enum hyp_prot prot)
{
	u64 desc = ((u64)pa & LPAE_ADDR_MASK) | hyp_prot_bits(prot);
	u64 *l2, *l3, *entry;

	l2 = next_table(pt, &pt->l1[va >> 30]);
	if (!l2)
		return -ENOMEM;
	l3 = next_table(pt, &l2[(va >> 21) & (HYP_PTRS_PER_TABLE - 1)]);
	if (!l3)
		return -ENOMEM;
	entry = &l3[(va >> 12) & (HYP_PTRS_PER_TABLE - 1)];
	if (*entry && *entry != desc)
		return -EEXIST;		/* that VA already maps something else */
	WRITE_ONCE(*entry, desc);
	return 0;
}

/*
 * Map the pages of kernel memory holding [start, start + size): at their
 * kernel VA, or at VA == PA for the identity map (which lives in HYP's 32-bit
 * VA space).
 */
static int hyp_map_range(struct hyp_pgtable *pt, const void *start, size_t size,
			 bool identity, enum hyp_prot prot)
{
	unsigned long va = (unsigned long)start & PAGE_MASK;
	unsigned long end = PAGE_ALIGN((unsigned long)start + size);
	phys_addr_t pa;
	int ret;

	for (; va < end; va += PAGE_SIZE) {
		pa = armvirt_kaddr_to_phys((void *)va);
		if (!pa)
			return -EFAULT;
		if (identity && (u64)pa > U32_MAX - PAGE_SIZE + 1)
			return -ERANGE;
		ret = hyp_map_page(pt, identity ? (u32)pa : va, pa, prot);
		if (ret)
			return ret;
	}
	dsb(ishst);
	return 0;
}

int hyp_map_kernel(struct hyp_pgtable *pt, const void *start, size_t size,
		   enum hyp_prot prot)
{
	return hyp_map_range(pt, start, size, false, prot);
}

/* Remove what hyp_map_kernel() mapped; the caller flushes HYP's TLB. */
void hyp_unmap_kernel(struct hyp_pgtable *pt, const void *start, size_t size)
{
	unsigned long va = (unsigned long)start & PAGE_MASK;
	unsigned long end = PAGE_ALIGN((unsigned long)start + size);
	u64 *l2, *l3;

	for (; va < end; va += PAGE_SIZE) {
		if ((pt->l1[va >> 30] & LPAE_DESC_TYPE_MASK) != LPAE_DESC_VALID_TABLE)
			continue;
		l2 = table_of(pt->l1[va >> 30]);
		if ((l2[(va >> 21) & (HYP_PTRS_PER_TABLE - 1)] & LPAE_DESC_TYPE_MASK) !=
		    LPAE_DESC_VALID_TABLE)
			continue;
		l3 = table_of(l2[(va >> 21) & (HYP_PTRS_PER_TABLE - 1)]);
		WRITE_ONCE(l3[(va >> 12) & (HYP_PTRS_PER_TABLE - 1)], 0);
	}
	dsb(ishst);
}

int hyp_map_idmap(struct hyp_pgtable *pt, const void *start, size_t size)
{
	return hyp_map_range(pt, start, size, true, HYP_PROT_RX);
}

int hyp_pgtable_init(struct hyp_pgtable *pt)
{
	pt->l1 = (u64 *)get_zeroed_page(GFP_KERNEL);
	if (!pt->l1)
		return -ENOMEM;
	pt->nr_pages = 1;
	return 0;
}

u64 hyp_pgtable_httbr(const struct hyp_pgtable *pt)
{
	return virt_to_phys(pt->l1);
}

void hyp_pgtable_free(struct hyp_pgtable *pt)
{
	int i, j;
	u64 *l2;

	if (!pt->l1)
		return;
	for (i = 0; i < 4; i++) {
		if (!pt->l1[i])
			continue;
		l2 = table_of(pt->l1[i]);
		for (j = 0; j < HYP_PTRS_PER_TABLE; j++)
			if (l2[j])
				free_page((unsigned long)table_of(l2[j]));
		free_page((unsigned long)l2);
	}
	free_page((unsigned long)pt->l1);
	pt->l1 = NULL;
	pt->nr_pages = 0;
}
