// SPDX-License-Identifier: GPL-2.0-only
/*
 * How much kernel memory VMs may hold in what a VMM sizes: stage-2 tables
 * and dirty bitmaps. Both are memory the kernel cannot reclaim, mostly
 * lowmem, and a VMM decides how much: slots may alias one buffer over the
 * whole IPA space, where every 2 MiB the guest touches costs a 4 KiB table
 * and every 128 MiB logged a 4 KiB bitmap, and one process may hold many
 * VMs. A 3 GiB guest, the most a 32-bit VMM can back, needs about 6 MiB of
 * tables and 96 KiB of bitmap.
 *
 * The budget: all VMs together at most kmem_mib (0, the default: a quarter
 * of lowmem), one VM at most half of that, so that a single VM cannot take
 * all of it. Past it, KVM_RUN, KVM_CREATE_VM or KVM_SET_USER_MEMORY_REGION
 * fail with ENOMEM, and the kernel log says which bound was reached.
 */
#include <linux/atomic.h>
#include <linux/highmem.h>
#include <linux/mm.h>
#include <linux/moduleparam.h>
#include <linux/printk.h>

#include "stage2.h"
#include "../highvisor/armvirt.h"

static unsigned int kmem_mib;
module_param(kmem_mib, uint, 0644);
MODULE_PARM_DESC(kmem_mib,
		 "MiB all VMs may hold in stage-2 tables and dirty bitmaps, one VM half of it (0: a quarter of lowmem)");

static atomic_long_t kmem_in_use;	/* pages, every VM's */

/* In pages; never more than all the RAM there is (a huge kmem_mib, and 32 bits). */
static unsigned long budget_pages(void)
{
	unsigned long mib = READ_ONCE(kmem_mib), ram = totalram_pages();

	if (!mib)
		return (ram - totalhigh_pages()) / 4;
	return mib > ram >> (20 - PAGE_SHIFT) ? ram : mib << (20 - PAGE_SHIFT);
}

bool kmem_charge(struct kmem_account *a, unsigned long pages)
{
	unsigned long budget = budget_pages();
	long in_use = atomic_long_read(&kmem_in_use);

	if (a->pages + pages > budget / 2) {
		pr_warn_ratelimited(ARMVIRT_NAME ": a VM's stage-2 tables and dirty bitmaps would pass %lu KiB, half the budget (parameter kmem_mib): ENOMEM\n",
				    budget / 2 << (PAGE_SHIFT - 10));
		return false;
	}
	do {
		if (in_use + pages > budget) {
			pr_warn_ratelimited(ARMVIRT_NAME ": all VMs' stage-2 tables and dirty bitmaps would pass %lu KiB (parameter kmem_mib): ENOMEM\n",
					    budget << (PAGE_SHIFT - 10));
			return false;
		}
	} while (!atomic_long_try_cmpxchg(&kmem_in_use, &in_use, in_use + pages));
	a->pages += pages;
	return true;
}

void kmem_uncharge(struct kmem_account *a, unsigned long pages)
{
	atomic_long_sub(pages, &kmem_in_use);
	a->pages -= pages;
}
