// SPDX-License-Identifier: GPL-2.0-only
/* The MMIO bus: which device answers a guest physical address. */
#include <stdio.h>
#include <string.h>

#include "vmm.h"

int mmio_bus_add(struct vmm *vmm, struct mmio_dev *dev)
{
	if (vmm->nr_devs == VMM_MAX_DEVICES) {
		vmm_err("too many devices (at most %d)", VMM_MAX_DEVICES);
		return -1;
	}
	vmm->devs[vmm->nr_devs++] = dev;
	return 0;
}

void mmio_bus_access(struct vmm *vmm, struct kvm_run *run)
{
	uint64_t addr = run->mmio.phys_addr;
	uint32_t len = run->mmio.len;
	static uint64_t last_unclaimed = ~0ULL;	/* shared by the vCPU threads */
	int i;

	for (i = 0; i < vmm->nr_devs; i++) {
		struct mmio_dev *d = vmm->devs[i];

		if (addr >= d->base && addr + len <= d->base + d->size) {
			if (run->mmio.is_write)
				d->write(d, addr - d->base, run->mmio.data, len);
			else
				d->read(d, addr - d->base, run->mmio.data, len);
			return;
		}
	}
	/* Nothing there: reads as zero, writes ignored, as on KVM's VMMs. */
	if (!run->mmio.is_write)
		memset(run->mmio.data, 0, sizeof(run->mmio.data));
	/* one line per address, not per access, and not many a second */
	if (__atomic_exchange_n(&last_unclaimed, addr, __ATOMIC_RELAXED) != addr &&
	    vmm_guest_msg_ok())
		vmm_info("guest %s %#llx: no device there", run->mmio.is_write ? "wrote" : "read",
			 (unsigned long long)addr);
}

void mmio_bus_destroy(struct vmm *vmm)
{
	while (vmm->nr_devs > 0) {
		struct mmio_dev *d = vmm->devs[--vmm->nr_devs];

		if (d->destroy)
			d->destroy(d);
	}
}
