// SPDX-License-Identifier: GPL-2.0-only
/*
 * Data cache maintenance by set/way, for a guest. A guest's lines may sit in
 * any host CPU's cache, and set/way operations reach only the local one, so
 * they trap (HCR.TSW) and are emulated as KVM/ARM did: the first one cleans
 * and invalidates all the guest's RAM by VA, then the VM control registers
 * trap (HCR.TVM) until the guest has its caches on, and every time it turns
 * them on or off its RAM is flushed again. A guest that walks every set and
 * way (tens of thousands of operations) costs one flush, not one each.
 *
 * Runs on the vCPU's thread, in process context, with vcpu->mutex held.
 */
#include "armvirt.h"
#include "hcr.h"
#include "run.h"

bool armvirt_vcpu_caches_on(struct armvirt_vcpu *vcpu)
{
	return (*vcpu_cp15(vcpu, C1_SCTLR) & (SCTLR_M | SCTLR_C)) == (SCTLR_M | SCTLR_C);
}

static void flush_guest(struct armvirt_vcpu *vcpu)
{
	vcpu_count_exit(vcpu, EXIT_DCACHE_FLUSH);
	armvirt_flush_guest_dcache(vcpu->vm);
}

void armvirt_set_way_op(struct armvirt_vcpu *vcpu)
{
	vcpu_count_exit(vcpu, EXIT_SET_WAY);
	if (vcpu->hyp->hcr & HCR_TVM)
		return;		/* flushed since the caches last changed state */
	flush_guest(vcpu);
	vcpu->hyp->hcr |= HCR_TVM;
}

/* After a trapped write to a VM control register; @was_on: the caches before it. */
void armvirt_vm_reg_written(struct armvirt_vcpu *vcpu, bool was_on)
{
	bool now_on = armvirt_vcpu_caches_on(vcpu);

	vcpu_count_exit(vcpu, EXIT_VM_REG);
	if (now_on != was_on)
		flush_guest(vcpu);
	if (now_on)
		vcpu->hyp->hcr &= ~HCR_TVM;
}
