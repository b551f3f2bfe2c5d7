/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * VMIDs tag a VM's TLB entries (VTTBR.VMID, 8 bits). VMID 0 is the host's.
 * When they run out, a new generation starts: every CPU leaves its guest,
 * all TLBs are flushed, and each VM takes a new VMID on its next entry.
 */
#ifndef ARMVIRT_MMU_VMID_H
#define ARMVIRT_MMU_VMID_H

#include <linux/types.h>

struct armvirt_vmid {
	unsigned long generation;	/* READ_ONCE; written under the allocator's lock */
	u32 vmid;
};

/* Preemptible: may wait for every CPU to leave its guest. */
void armvirt_vmid_update(struct armvirt_vmid *v);
/* IRQs off before the guest entry: must armvirt_vmid_update() run again? */
bool armvirt_vmid_stale(const struct armvirt_vmid *v);
/* For the debugfs: generations started since load */
unsigned long armvirt_vmid_rollovers(void);

#endif /* ARMVIRT_MMU_VMID_H */
