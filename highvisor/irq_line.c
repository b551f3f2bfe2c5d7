// SPDX-License-Identifier: GPL-2.0-only
/*
 * KVM_IRQ_LINE. With a vGIC, its SPIs and PPIs (vgic.c). Without one, each
 * vCPU's own IRQ and FIQ inputs (KVM_ARM_IRQ_TYPE_CPU): the VMM emulates
 * an interrupt controller itself and drives the lines, which reach the
 * guest as HCR.VI and HCR.VF (B4.1.65), as on KVM/ARM.
 */
#include <linux/bitops.h>
#include <linux/errno.h>

#include "armvirt.h"
#include "hcr.h"
#include "trace.h"
#include "../vgic/vgic.h"

static int vcpu_irq_line(struct armvirt_vm *vm, u32 vcpu_id, u32 line, bool level)
{
	struct armvirt_vcpu *vcpu;
	bool changed;

	if (READ_ONCE(vm->vgic))
		return -ENXIO;	/* the vGIC owns the vCPUs' inputs */
	if (line > KVM_ARM_IRQ_CPU_FIQ || vcpu_id >= ARMVIRT_MAX_VCPUS)
		return -EINVAL;
	vcpu = smp_load_acquire(&vm->vcpus[vcpu_id]);	/* published by create_vcpu */
	if (!vcpu)
		return -EINVAL;
	if (level)
		changed = !test_and_set_bit(line, &vcpu->irq_lines);
	else
		changed = test_and_clear_bit(line, &vcpu->irq_lines);
	if (changed)	/* out of WFI, or out of the guest to take the new HCR */
		armvirt_vcpu_request(vcpu, REQ_KICK);
	return 0;
}

int armvirt_irq_line(struct armvirt_vm *vm, const struct kvm_irq_level *irq)
{
	u32 type = (irq->irq >> KVM_ARM_IRQ_TYPE_SHIFT) & KVM_ARM_IRQ_TYPE_MASK;

	trace_armvirt_irq_line(irq->irq, irq->level);
	if (type != KVM_ARM_IRQ_TYPE_CPU)
		return vgic_irq_line(vm, irq->irq, irq->level);
	return vcpu_irq_line(vm, (irq->irq >> KVM_ARM_IRQ_VCPU_SHIFT) & KVM_ARM_IRQ_VCPU_MASK,
			     (irq->irq >> KVM_ARM_IRQ_NUM_SHIFT) & KVM_ARM_IRQ_NUM_MASK,
			     irq->level);
}

/* At entry, IRQs off, a VM without a vGIC: the lines as they are now. */
void armvirt_vcpu_load_irq_lines(struct armvirt_vcpu *vcpu)
{
	unsigned long lines = READ_ONCE(vcpu->irq_lines);
	u32 hcr = vcpu->hyp->hcr & ~(HCR_VI | HCR_VF);

	if (lines & BIT(KVM_ARM_IRQ_CPU_IRQ))
		hcr |= HCR_VI;
	if (lines & BIT(KVM_ARM_IRQ_CPU_FIQ))
		hcr |= HCR_VF;
	vcpu->hyp->hcr = hcr;
}
