// SPDX-License-Identifier: GPL-2.0-only
/*
 * Firmware pseudo-registers (group KVM_REG_ARM_FW), as KVM/ARM 5.6 had them:
 *  - PSCI_VERSION: the PSCI version the VM offers. PSCI 0.1 without the
 *    KVM_ARM_VCPU_PSCI_0_2 feature; with it, 1.0 unless set to 0.2 (per VM,
 *    so that a VM migrates to a host with a newer armvirt unchanged).
 *  - SMCCC_ARCH_WORKAROUND_1 and _2: what the host offers against Spectre
 *    v2 and v4; a VM may be restored only where at least as much is offered.
 */
#include <linux/kernel.h>
#include <linux/uaccess.h>
#include <asm/cputype.h>

#include "armvirt.h"
#include "regs.h"
#include "vm.h"

#define PSCI_VERSION_0_1	0x00000001
#define PSCI_VERSION_0_2	0x00000002
#define PSCI_VERSION_1_0	0x00010000
#define FW_LEVEL_MASK		0xf

static const u64 fw_reg_ids[] = {
	KVM_REG_ARM_PSCI_VERSION,
	KVM_REG_ARM_SMCCC_ARCH_WORKAROUND_1,
	KVM_REG_ARM_SMCCC_ARCH_WORKAROUND_2,
};

u32 armvirt_psci_version(struct armvirt_vcpu *vcpu)
{
	u32 version = READ_ONCE(vcpu->vm->psci_version);

	if (!test_bit(KVM_ARM_VCPU_PSCI_0_2, &vcpu->features))
		return PSCI_VERSION_0_1;
	return version ? version : PSCI_VERSION_1_0;
}

/* The branch predictor hardening this host's CPUs need (as KVM/ARM 5.6 judged it). */
static u64 host_workaround_1_level(void)
{
	switch (read_cpuid_part()) {
	case ARM_CPU_PART_BRAHMA_B15:
	case ARM_CPU_PART_CORTEX_A12:
	case ARM_CPU_PART_CORTEX_A15:
	case ARM_CPU_PART_CORTEX_A17:
		return IS_ENABLED(CONFIG_HARDEN_BRANCH_PREDICTOR) ?
		       KVM_REG_ARM_SMCCC_ARCH_WORKAROUND_1_AVAIL :
		       KVM_REG_ARM_SMCCC_ARCH_WORKAROUND_1_NOT_AVAIL;
	case ARM_CPU_PART_CORTEX_A7:
		return KVM_REG_ARM_SMCCC_ARCH_WORKAROUND_1_NOT_REQUIRED;
	default:
		return KVM_REG_ARM_SMCCC_ARCH_WORKAROUND_1_NOT_AVAIL;
	}
}

/* Does the guest's SMCCC_ARCH_WORKAROUND_1 call do something here? */
bool armvirt_smccc_wa1_available(void)
{
	return host_workaround_1_level() == KVM_REG_ARM_SMCCC_ARCH_WORKAROUND_1_AVAIL;
}

/* 32-bit ARM has no SSBD interface: the host cannot say. */
#define HOST_WORKAROUND_2_LEVEL	KVM_REG_ARM_SMCCC_ARCH_WORKAROUND_2_UNKNOWN

static int fw_get(struct armvirt_vcpu *vcpu, u64 id, void __user *uaddr)
{
	u64 val;

	switch (id) {
	case KVM_REG_ARM_PSCI_VERSION:
		val = armvirt_psci_version(vcpu);
		break;
	case KVM_REG_ARM_SMCCC_ARCH_WORKAROUND_1:
		val = host_workaround_1_level();
		break;
	case KVM_REG_ARM_SMCCC_ARCH_WORKAROUND_2:
		val = HOST_WORKAROUND_2_LEVEL;
		break;
	default:
		return -ENOENT;
	}
	return reg_to_user(uaddr, &val, id);
}

static int fw_set(struct armvirt_vcpu *vcpu, u64 id, const void __user *uaddr)
{
	bool wants_0_2 = test_bit(KVM_ARM_VCPU_PSCI_0_2, &vcpu->features);
	bool allowed;
	u64 val;

	if (id != KVM_REG_ARM_PSCI_VERSION && id != KVM_REG_ARM_SMCCC_ARCH_WORKAROUND_1 &&
	    id != KVM_REG_ARM_SMCCC_ARCH_WORKAROUND_2)
		return -ENOENT;
	if (reg_from_user(&val, uaddr, id))
		return -EFAULT;

	switch (id) {
	case KVM_REG_ARM_PSCI_VERSION:
		/* 0.1 for vCPUs without the PSCI_0_2 feature; 0.2 or 1.0 with it. */
		switch (val) {
		case PSCI_VERSION_0_1:
			allowed = !wants_0_2;
			break;
		case PSCI_VERSION_0_2:
		case PSCI_VERSION_1_0:
			allowed = wants_0_2;
			break;
		default:
			allowed = false;
		}
		if (!allowed)
			return -EINVAL;
		WRITE_ONCE(vcpu->vm->psci_version, val);
		return 0;
	case KVM_REG_ARM_SMCCC_ARCH_WORKAROUND_1:
		/* A restored VM may not expect more than this host offers. */
		if (val & ~FW_LEVEL_MASK || val > host_workaround_1_level())
			return -EINVAL;
		return 0;
	default:	/* WORKAROUND_2 */
		if (val & ~(FW_LEVEL_MASK | KVM_REG_ARM_SMCCC_ARCH_WORKAROUND_2_ENABLED) ||
		    (val & FW_LEVEL_MASK) > HOST_WORKAROUND_2_LEVEL)
			return -EINVAL;
		return 0;
	}
}

static int fw_list(struct armvirt_vcpu *vcpu, u64 __user *uids)
{
	return reg_ids_to_user(fw_reg_ids, ARRAY_SIZE(fw_reg_ids), uids);
}

const struct reg_group fw_reg_group = {
	.coproc = KVM_REG_ARM_FW,
	.get = fw_get,
	.set = fw_set,
	.list = fw_list,
};
