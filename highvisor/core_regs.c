// SPDX-License-Identifier: GPL-2.0-only
/*
 * The core registers (group KVM_REG_ARM_CORE): the index in the ID is the
 * 32-bit word offset in struct kvm_regs, as in KVM.
 */
#include <linux/uaccess.h>
#include <asm/ptrace.h>

#include "armvirt.h"
#include "regs.h"
#include "vm.h"

#define CORE_INDEX_MASK	(~(KVM_REG_ARCH_MASK | KVM_REG_SIZE_MASK | KVM_REG_ARM_CORE))
#define CPSR_INDEX	(offsetof(struct kvm_regs, usr_regs.uregs[16]) / 4)

/* Architectural reset: SVC mode, A, I and F masked, everything else zero. */
void armvirt_reset_core_regs(struct armvirt_vcpu *vcpu)
{
	memset(&vcpu->hyp->ctxt.regs, 0, sizeof(vcpu->hyp->ctxt.regs));
	vcpu->hyp->ctxt.regs.usr_regs.uregs[16] = SVC_MODE | PSR_A_BIT | PSR_I_BIT | PSR_F_BIT;
}

/* The register's word in struct kvm_regs, or NULL for an unknown ID. */
static u32 *core_reg(struct armvirt_vcpu *vcpu, u64 id)
{
	u64 index = id & CORE_INDEX_MASK;

	if (KVM_REG_SIZE(id) != 4 || index >= ARMVIRT_NR_CORE_REGS)
		return NULL;
	return (u32 *)&vcpu->hyp->ctxt.regs + index;
}

static int core_get(struct armvirt_vcpu *vcpu, u64 id, void __user *uaddr)
{
	u32 *val = core_reg(vcpu, id);

	return val ? put_user(*val, (u32 __user *)uaddr) : -ENOENT;
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

static int core_set(struct armvirt_vcpu *vcpu, u64 id, const void __user *uaddr)
{
	u32 *val = core_reg(vcpu, id);
	u32 new;

	if (!val)
		return -ENOENT;
	if (get_user(new, (const u32 __user *)uaddr))
		return -EFAULT;
	if (val == (u32 *)&vcpu->hyp->ctxt.regs + CPSR_INDEX && !valid_guest_mode(new)) {
		pr_warn_ratelimited(ARMVIRT_NAME ": CPSR %#x names a mode a guest cannot be in\n",
				    new);
		return -EINVAL;
	}
	*val = new;
	return 0;
}

static int core_list(struct armvirt_vcpu *vcpu, u64 __user *uids)
{
	unsigned int i;

	for (i = 0; uids && i < ARMVIRT_NR_CORE_REGS; i++)
		if (put_user(ARMVIRT_CORE_REG_ID(i), uids + i))
			return -EFAULT;
	return ARMVIRT_NR_CORE_REGS;
}

const struct reg_group core_reg_group = {
	.coproc = KVM_REG_ARM_CORE,
	.get = core_get,
	.set = core_set,
	.list = core_list,
};
