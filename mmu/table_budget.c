// SPDX-License-Identifier: GPL-2.0-only
/*
 * How much memory the stage-2 tables of all VMs may take. Tables are
 * lowmem the kernel cannot reclaim, and the VMM decides how much of it its
 * guest can make us allocate: slots may alias one buffer over the whole
 * IPA space, and every 2 MiB the guest touches costs a 4 KiB table. A 3 GiB
 * guest, the most a 32-bit VMM can back, needs about 6 MiB.
 *
 * The budget: all VMs' tables together at most stage2_tables_mib (0, the
 * default: a quarter of lowmem), and one VM's at most half of that, so that
 * a single VM cannot take all of it. A VM past its share, or created with
 * the budget spent, gets ENOMEM (KVM_RUN, KVM_CREATE_VM) and a log line.
 */
#include <linux/atomic.h>
#include <linux/highmem.h>
#include <linux/mm.h>
#include <linux/moduleparam.h>
#include <linux/printk.h>

#include "stage2.h"
#include "../highvisor/armvirt.h"

static unsigned int stage2_tables_mib;
module_param(stage2_tables_mib, uint, 0644);
MODULE_PARM_DESC(stage2_tables_mib,
		 "MiB all VMs' stage-2 tables may take, one VM half of it (0: a quarter of lowmem)");

static atomic_long_t tables_in_use;	/* pages, every VM's */

static unsigned long budget_pages(void)
{
	unsigned int mib = READ_ONCE(stage2_tables_mib);

	if (mib)
		return (unsigned long)mib << (20 - PAGE_SHIFT);
	return (totalram_pages() - totalhigh_pages()) / 4;
}

/* @n more table pages for @s2 (under its lock, or before it is shared). */
bool stage2_tables_charge(struct stage2 *s2, unsigned long n)
{
	unsigned long budget = budget_pages();

	if (s2->nr_table_pages + n > budget / 2) {
		pr_warn_ratelimited(ARMVIRT_NAME ": a VM's stage-2 tables would pass %lu KiB, half the budget (parameter stage2_tables_mib): ENOMEM\n",
				    budget / 2 << (PAGE_SHIFT - 10));
		return false;
	}
	if (atomic_long_add_return(n, &tables_in_use) > budget) {
		atomic_long_sub(n, &tables_in_use);
		pr_warn_ratelimited(ARMVIRT_NAME ": all VMs' stage-2 tables would pass %lu KiB (parameter stage2_tables_mib): ENOMEM\n",
				    budget << (PAGE_SHIFT - 10));
		return false;
	}
	s2->nr_table_pages += n;
	return true;
}

/* @s2's tables are freed. */
void stage2_tables_uncharge(struct stage2 *s2)
{
	atomic_long_sub(s2->nr_table_pages, &tables_in_use);
	s2->nr_table_pages = 0;
}
