// SPDX-License-Identifier: GPL-2.0-only
/*
 * ONE_REG access to the core registers (group KVM_REG_ARM_CORE): the index
 * in the ID is the 32-bit word offset in struct kvm_regs, as in KVM. Other
 * register groups (CP15, VFP, timer, demux, firmware) arrive with the state
 * they describe.
 */
#include <linux/uaccess.h>
#include <asm/ptrace.h>

#include "armvirt.h"
#include "vm.h"

#define CORE_INDEX_MASK	(~(KVM_REG_ARCH_MASK | KVM_REG_SIZE_MASK | KVM_REG_ARM_CORE))
#define CPSR_INDEX	(offsetof(struct kvm_regs, usr_regs.uregs[16]) / 4)

/* Architectural reset: SVC mode, A, I and F masked, everything else zero. */
void armvirt_reset_core_regs(struct armvirt_vcpu *vcpu)
{
	memset(&vcpu->regs, 0, sizeof(vcpu->regs));
	vcpu->regs.usr_regs.uregs[16] = SVC_MODE | PSR_A_BIT | PSR_I_BIT | PSR_F_BIT;
}

static bool is_core_reg(u64 id)
{
	return (id & KVM_REG_ARCH_MASK) == KVM_REG_ARM &&
	       (id & KVM_REG_ARM_COPROC_MASK) == KVM_REG_ARM_CORE;
}

/* The register's word in struct kvm_regs, or NULL for an unknown ID. */
static u32 *core_reg(struct armvirt_vcpu *vcpu, u64 id)
{
	u64 index = id & CORE_INDEX_MASK;

	if (!is_core_reg(id) || KVM_REG_SIZE(id) != 4 ||
	    index >= ARMVIRT_NR_CORE_REGS)
		return NULL;
	return (u32 *)&vcpu->regs + index;
}

static int unknown_reg(u64 id)
{
	pr_debug_ratelimited(ARMVIRT_NAME ": no register %#llx\n", id);
	return -ENOENT;
}

int armvirt_get_one_reg(struct armvirt_vcpu *vcpu, const struct kvm_one_reg *reg)
{
	u32 *val = core_reg(vcpu, reg->id);

	if ((reg->id & ~KVM_REG_SIZE_MASK) >> 32 != KVM_REG_ARM >> 32)
		return -EINVAL;
	if (!val)
		return unknown_reg(reg->id);
	return put_user(*val, (u32 __user *)(unsigned long)reg->addr);
}

static bool valid_guest_mode(u32 cpsr)
{
	switch (cpsr & MODE_MASK) {
	case USR_MODE:
	case FIQ_MODE:
	case IRQ_MODE:
	case SVC_MODE:
	case ABT_MODE:
	case UND_MODE:
		return true;
	default:
		return false;	/* HYP, MON and SYS are not for guests */
	}
}

int armvirt_set_one_reg(struct armvirt_vcpu *vcpu, const struct kvm_one_reg *reg)
{
	u32 *val = core_reg(vcpu, reg->id);
	u32 new;

	if ((reg->id & ~KVM_REG_SIZE_MASK) >> 32 != KVM_REG_ARM >> 32)
		return -EINVAL;
	if (!val)
		return unknown_reg(reg->id);
	if (get_user(new, (u32 __user *)(unsigned long)reg->addr))
		return -EFAULT;
	if (val == (u32 *)&vcpu->regs + CPSR_INDEX && !valid_guest_mode(new)) {
		pr_warn_ratelimited(ARMVIRT_NAME ": CPSR %#x names a mode a guest cannot be in\n",
				    new);
		return -EINVAL;
	}
	*val = new;
	return 0;
}

unsigned long armvirt_num_regs(struct armvirt_vcpu *vcpu)
{
	return ARMVIRT_NR_CORE_REGS;
}

int armvirt_copy_reg_indices(struct armvirt_vcpu *vcpu, u64 __user *uindices)
{
	unsigned int i;

	for (i = 0; i < ARMVIRT_NR_CORE_REGS; i++)
		if (put_user(ARMVIRT_CORE_REG_ID(i), uindices + i))
			return -EFAULT;
	return 0;
}
