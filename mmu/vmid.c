// SPDX-License-Identifier: GPL-2.0-only
/*
 * The VMID allocator (see vmid.h).
 *
 * Why the rollover is safe: a vCPU checks its VMID's generation with IRQs
 * off just before it enters its guest, and keeps them off (in the host)
 * until it leaves. The rollover bumps the generation first, then waits for
 * an IPI to run on every other CPU: when that returns, no CPU runs a guest
 * under an old VMID, and none will, so the TLBs can be flushed and the
 * VMIDs handed out again.
 */
#include <linux/atomic.h>
#include <linux/smp.h>
#include <linux/spinlock.h>

#include "vmid.h"
#include "../highvisor/armvirt.h"
#include "../lowvisor/lowvisor.h"

#define VMID_BITS	8
#define VMID_FIRST	1	/* 0 is the host's */

static DEFINE_SPINLOCK(vmid_lock);	/* next_vmid, and each generation change */
static atomic_long_t vmid_generation = ATOMIC_LONG_INIT(1);
static u32 next_vmid = VMID_FIRST;

bool armvirt_vmid_stale(const struct armvirt_vmid *v)
{
	return READ_ONCE(v->generation) != atomic_long_read(&vmid_generation);
}

unsigned long armvirt_vmid_rollovers(void)
{
	return atomic_long_read(&vmid_generation) - 1;
}

static void vmid_leave_guest(void *unused)
{
	/* Taking the IPI was all it takes: this CPU runs no guest now. */
}

void armvirt_vmid_update(struct armvirt_vmid *v)
{
	if (!armvirt_vmid_stale(v))
		return;

	spin_lock(&vmid_lock);
	if (!armvirt_vmid_stale(v)) {	/* another vCPU of the VM did it */
		spin_unlock(&vmid_lock);
		return;
	}
	if (next_vmid == 1U << VMID_BITS) {
		atomic_long_inc(&vmid_generation);
		next_vmid = VMID_FIRST;
		smp_call_function(vmid_leave_guest, NULL, 1);
		lowvisor_flush_tlb(LV_HVC_TLB_FLUSH_ALL, 0);
	}
	v->vmid = next_vmid++;
	smp_wmb();	/* the VMID before the generation that validates it */
	WRITE_ONCE(v->generation, atomic_long_read(&vmid_generation));
	spin_unlock(&vmid_lock);
}
