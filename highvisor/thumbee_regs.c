// SPDX-License-Identifier: GPL-2.0-only
/*
 * The guest's ThumbEE registers, TEECR and TEEHBR (ARM ARM A2.10), on a CPU
 * that has ThumbEE (ID_PFR0.State3, as every ARMv7-A with the
 * Virtualization Extensions). They are the guest's own: the world switch
 * loads and saves them (lowvisor/switch-sr.S) instead of trapping them,
 * since Linux writes TEEHBR at every thread switch. ONE_REG names them as
 * CP14 registers (coproc 14, Op1 6), so that a migration carries them;
 * KVM/ARM left them to the host thread and listed none, so a VMM that
 * knows only KVM's list just sees two more. Without ThumbEE the group is
 * empty and a guest's access is undefined, as on the CPU.
 */
#include <linux/kernel.h>

#include "armvirt.h"
#include "regs.h"
#include "vm.h"

#define ARMVIRT_CP14_ID(op1, crn, crm, op2) \
	(KVM_REG_ARM | KVM_REG_SIZE_U32 | (14ULL << KVM_REG_ARM_COPROC_SHIFT) | \
	 ((u64)(op1) << KVM_REG_ARM_OPC1_SHIFT) | ((u64)(crn) << KVM_REG_ARM_32_CRN_SHIFT) | \
	 ((u64)(crm) << KVM_REG_ARM_CRM_SHIFT) | ((u64)(op2) << KVM_REG_ARM_32_OPC2_SHIFT))
#define TEECR_ID	ARMVIRT_CP14_ID(6, 0, 0, 0)
#define TEEHBR_ID	ARMVIRT_CP14_ID(6, 1, 0, 0)

static const u64 thumbee_ids[] = { TEECR_ID, TEEHBR_ID };

/* Both reset to 0: TEECR.XED clear (PL0 may use TEEHBR), no handler base. */
void armvirt_reset_thumbee_regs(struct armvirt_vcpu *vcpu)
{
	vcpu->hyp->ctxt.thumbee.teecr = 0;
	vcpu->hyp->ctxt.thumbee.teehbr = 0;
}

static u32 *thumbee_reg(struct armvirt_vcpu *vcpu, u64 id)
{
	if (!armvirt_host_has_thumbee())
		return NULL;
	if (id == TEECR_ID)
		return &vcpu->hyp->ctxt.thumbee.teecr;
	if (id == TEEHBR_ID)
		return &vcpu->hyp->ctxt.thumbee.teehbr;
	return NULL;
}

static int thumbee_get(struct armvirt_vcpu *vcpu, u64 id, void __user *uaddr)
{
	u32 *reg = thumbee_reg(vcpu, id);

	return reg ? reg_to_user(uaddr, reg, id) : -ENOENT;
}

/* Any value: the guest could write the same itself, and only it sees them. */
static int thumbee_set(struct armvirt_vcpu *vcpu, u64 id, const void __user *uaddr)
{
	u32 *reg = thumbee_reg(vcpu, id);

	return reg ? reg_from_user(reg, uaddr, id) : -ENOENT;
}

static int thumbee_list(struct armvirt_vcpu *vcpu, u64 __user *uids)
{
	if (!armvirt_host_has_thumbee())
		return 0;
	return reg_ids_to_user(thumbee_ids, ARRAY_SIZE(thumbee_ids), uids);
}

const struct reg_group thumbee_reg_group = {
	.coproc = 14ULL << KVM_REG_ARM_COPROC_SHIFT,
	.get = thumbee_get,
	.set = thumbee_set,
	.list = thumbee_list,
};
