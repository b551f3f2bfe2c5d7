// SPDX-License-Identifier: GPL-2.0-only
/*
 * KVM_GET_ONE_REG, KVM_SET_ONE_REG and KVM_GET_REG_LIST: dispatch by register
 * group. The list comes in KVM/ARM's order: core registers, firmware
 * registers, then CP15 (the invariant ID registers first), VFP, and the
 * CCSIDR demux registers, with the virtual timer's between the firmware and
 * the CP15 ones (their IDs are CP15 ones: that group claims them first).
 * The ThumbEE registers, which KVM/ARM did not list, come last.
 */
#include <linux/kernel.h>
#include <linux/uaccess.h>

#include "armvirt.h"
#include "regs.h"
#include "vm.h"

static const struct reg_group *const groups[] = {
	&core_reg_group, &fw_reg_group, &timer_reg_group, &cp15_reg_group, &vfp_reg_group,
	&demux_reg_group, &thumbee_reg_group,
};

int reg_to_user(void __user *uaddr, const void *val, u64 id)
{
	/* 32-bit ARM is little-endian here: the low word comes first. */
	return copy_to_user(uaddr, val, KVM_REG_SIZE(id)) ? -EFAULT : 0;
}

int reg_from_user(void *val, const void __user *uaddr, u64 id)
{
	return copy_from_user(val, uaddr, KVM_REG_SIZE(id)) ? -EFAULT : 0;
}

int reg_ids_to_user(const u64 *ids, unsigned int n, u64 __user *uids)
{
	unsigned int i;

	for (i = 0; uids && i < n; i++)
		if (put_user(ids[i], uids + i))
			return -EFAULT;
	return n;
}

bool cp15_key_from_id(u64 id, struct cp15_key *key)
{
	u64 fields = KVM_REG_ARCH_MASK | KVM_REG_SIZE_MASK | KVM_REG_ARM_COPROC_MASK |
		     KVM_REG_ARM_CRM_MASK | KVM_REG_ARM_OPC1_MASK;

	memset(key, 0, sizeof(*key));
	key->crm = (id & KVM_REG_ARM_CRM_MASK) >> KVM_REG_ARM_CRM_SHIFT;
	key->op1 = (id & KVM_REG_ARM_OPC1_MASK) >> KVM_REG_ARM_OPC1_SHIFT;
	switch (id & KVM_REG_SIZE_MASK) {
	case KVM_REG_SIZE_U32:
		fields |= KVM_REG_ARM_32_CRN_MASK | KVM_REG_ARM_32_OPC2_MASK;
		key->crn = (id & KVM_REG_ARM_32_CRN_MASK) >> KVM_REG_ARM_32_CRN_SHIFT;
		key->op2 = (id & KVM_REG_ARM_32_OPC2_MASK) >> KVM_REG_ARM_32_OPC2_SHIFT;
		break;
	case KVM_REG_SIZE_U64:
		key->is_64 = true;
		break;
	default:
		return false;
	}
	return !(id & ~fields);	/* no stray bits */
}

bool cp15_key_equal(const struct cp15_key *a, const struct cp15_key *b)
{
	return a->crn == b->crn && a->crm == b->crm && a->op1 == b->op1 &&
	       a->op2 == b->op2 && a->is_64 == b->is_64;
}

u64 cp15_key_to_id(const struct cp15_key *key)
{
	return key->is_64 ? ARM_CP15_REG64(key->op1, key->crm) :
			    ARM_CP15_REG32(key->op1, key->crn, key->crm, key->op2);
}

static const struct reg_group *group_of(u64 id)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(groups); i++)
		if ((id & KVM_REG_ARM_COPROC_MASK) == groups[i]->coproc &&
		    (!groups[i]->owns || groups[i]->owns(id)))
			return groups[i];
	return NULL;
}

static int one_reg(struct armvirt_vcpu *vcpu, const struct kvm_one_reg *reg,
		   bool set)
{
	void __user *uaddr = (void __user *)(unsigned long)reg->addr;
	const struct reg_group *group;
	int ret;

	/* Nothing architecture-specific in the upper half but the arch itself. */
	if ((reg->id & ~KVM_REG_SIZE_MASK) >> 32 != KVM_REG_ARM >> 32)
		return -EINVAL;
	group = group_of(reg->id);
	if (!group)
		ret = -ENOENT;
	else
		ret = set ? group->set(vcpu, reg->id, uaddr) : group->get(vcpu, reg->id, uaddr);
	if (ret == -ENOENT)
		pr_debug_ratelimited(ARMVIRT_NAME ": no register %#llx\n", reg->id);
	return ret;
}

int armvirt_get_one_reg(struct armvirt_vcpu *vcpu, const struct kvm_one_reg *reg)
{
	return one_reg(vcpu, reg, false);
}

int armvirt_set_one_reg(struct armvirt_vcpu *vcpu, const struct kvm_one_reg *reg)
{
	return one_reg(vcpu, reg, true);
}

unsigned long armvirt_num_regs(struct armvirt_vcpu *vcpu)
{
	unsigned long n = 0;
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(groups); i++)
		n += groups[i]->list(vcpu, NULL);
	return n;
}

int armvirt_copy_reg_indices(struct armvirt_vcpu *vcpu, u64 __user *uids)
{
	unsigned int i;
	int n;

	for (i = 0; i < ARRAY_SIZE(groups); i++) {
		n = groups[i]->list(vcpu, uids);
		if (n < 0)
			return n;
		uids += n;
	}
	return 0;
}
