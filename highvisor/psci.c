// SPDX-License-Identifier: GPL-2.0-only
/*
 * hvc from the guest: PSCI (0.1 with KVM's function numbers, 0.2 and 1.0,
 * ARM DEN 0022) and the SMCCC calls KVM/ARM answered (ARM DEN 0028). The
 * function number is in r0, arguments in r1-r3, the result goes to r0.
 * Unknown calls return NOT_SUPPORTED (-1).
 */
#include <linux/kernel.h>

#include "armvirt.h"
#include "run.h"
#include "../mmu/cache.h"

#define PSCI_0_2_FN(n)		(0x84000000U + (n))
#define PSCI_VERSION		PSCI_0_2_FN(0)
#define PSCI_CPU_SUSPEND	PSCI_0_2_FN(1)
#define PSCI_CPU_OFF		PSCI_0_2_FN(2)
#define PSCI_CPU_ON		PSCI_0_2_FN(3)
#define PSCI_AFFINITY_INFO	PSCI_0_2_FN(4)
#define PSCI_MIGRATE		PSCI_0_2_FN(5)
#define PSCI_MIGRATE_INFO_TYPE	PSCI_0_2_FN(6)
#define PSCI_MIGRATE_INFO_UP_CPU PSCI_0_2_FN(7)
#define PSCI_SYSTEM_OFF		PSCI_0_2_FN(8)
#define PSCI_SYSTEM_RESET	PSCI_0_2_FN(9)
#define PSCI_FEATURES		PSCI_0_2_FN(10)

/* KVM's PSCI 0.1 function numbers (the guest finds them in its device tree) */
#define PSCI_0_1_FN(n)		(0x95c1ba5eU + (n))
#define PSCI_0_1_CPU_SUSPEND	PSCI_0_1_FN(0)
#define PSCI_0_1_CPU_OFF	PSCI_0_1_FN(1)
#define PSCI_0_1_CPU_ON		PSCI_0_1_FN(2)
#define PSCI_0_1_MIGRATE	PSCI_0_1_FN(3)

#define SMCCC_VERSION		0x80000000U
#define SMCCC_ARCH_FEATURES	0x80000001U
#define SMCCC_ARCH_WORKAROUND_1	0x80008000U
#define SMCCC_ARCH_WORKAROUND_2	0x80007fffU
#define SMCCC_VERSION_1_1	0x10001

#define PSCI_SUCCESS		0
#define PSCI_NOT_SUPPORTED	(-1)
#define PSCI_INVALID_PARAMS	(-2)
#define PSCI_ALREADY_ON		(-4)
#define PSCI_INTERNAL_FAILURE	(-6)
#define PSCI_AFFINITY_ON	0
#define PSCI_AFFINITY_OFF	1
#define PSCI_TOS_NOT_PRESENT_MP	2

#define PSCI_VERSION_0_1	1	/* major << 16 | minor */
#define PSCI_VERSION_0_2	2
#define MPIDR_AFFINITY_MASK	0x00ffffffU

/* Whether KVM_ARM_VCPU_INIT has reset @v, its MPIDR and power state. */
static bool vcpu_was_reset(struct armvirt_vcpu *v)
{
	/* pairs with vcpu_init()'s release: set after the reset */
	return smp_load_acquire(&v->initialized);
}

/* The vCPU whose MPIDR affinity is @mpidr, or NULL. */
static struct armvirt_vcpu *vcpu_by_mpidr(struct armvirt_vm *vm, u32 mpidr)
{
	unsigned int i, n = READ_ONCE(vm->nr_vcpus);
	struct armvirt_vcpu *v;

	for (i = 0; i < ARMVIRT_MAX_VCPUS && n; i++) {
		v = READ_ONCE(vm->vcpus[i]);
		if (!v)
			continue;
		n--;
		if (vcpu_was_reset(v) &&
		    (*vcpu_cp15(v, C0_MPIDR) & MPIDR_AFFINITY_MASK) == (mpidr & MPIDR_AFFINITY_MASK))
			return v;
	}
	return NULL;
}

static s32 psci_cpu_on(struct armvirt_vcpu *vcpu, bool v0_1)
{
	u32 entry = *vcpu_reg(vcpu, 2);
	struct armvirt_vcpu *target;
	s32 ret = PSCI_SUCCESS;

	target = vcpu_by_mpidr(vcpu->vm, *vcpu_reg(vcpu, 1));
	if (!target || target == vcpu)
		return PSCI_INVALID_PARAMS;

	spin_lock(&target->power_lock);
	if (!target->power_off) {
		ret = v0_1 ? PSCI_INVALID_PARAMS : PSCI_ALREADY_ON;
	} else {
		target->reset_state.pc = entry & ~1U;
		target->reset_state.thumb = entry & 1;
		target->reset_state.r0 = v0_1 ? 0 : *vcpu_reg(vcpu, 3);
		target->reset_state.big_endian = *vcpu_cpsr(vcpu) & CPSR_E;
		set_bit(REQ_RESET, &target->requests);
		target->power_off = false;
	}
	spin_unlock(&target->power_lock);
	if (ret == PSCI_SUCCESS)
		armvirt_vcpu_request(target, REQ_KICK);
	return ret;
}

static s32 psci_affinity_info(struct armvirt_vcpu *vcpu)
{
	u32 target = *vcpu_reg(vcpu, 1), level = *vcpu_reg(vcpu, 2), mask;
	struct armvirt_vm *vm = vcpu->vm;
	struct armvirt_vcpu *v;
	unsigned int i;

	if (level > 2)
		return PSCI_INVALID_PARAMS;	/* 32-bit MPIDR: levels 0 to 2 */
	mask = MPIDR_AFFINITY_MASK & ~((1U << (8 * level)) - 1);
	for (i = 0; i < ARMVIRT_MAX_VCPUS; i++) {
		v = READ_ONCE(vm->vcpus[i]);
		if (v && vcpu_was_reset(v) &&
		    (*vcpu_cp15(v, C0_MPIDR) & mask) == (target & mask) &&
		    !armvirt_vcpu_powered_off(v))
			return PSCI_AFFINITY_ON;
	}
	return PSCI_AFFINITY_OFF;
}

/* SYSTEM_OFF and SYSTEM_RESET: every vCPU stops; the VMM decides. */
static int psci_system_event(struct armvirt_vcpu *vcpu, u32 type)
{
	struct armvirt_vm *vm = vcpu->vm;
	struct armvirt_vcpu *v;
	unsigned int i;

	for (i = 0; i < ARMVIRT_MAX_VCPUS; i++) {
		v = READ_ONCE(vm->vcpus[i]);
		if (v && v != vcpu)
			armvirt_vcpu_set_power_off(v, true);
	}
	spin_lock(&vcpu->power_lock);
	vcpu->power_off = true;
	spin_unlock(&vcpu->power_lock);
	/* If the VMM lets the guest go on regardless, the call failed. */
	*vcpu_reg(vcpu, 0) = PSCI_INTERNAL_FAILURE;
	memset(&vcpu->run->system_event, 0, sizeof(vcpu->run->system_event));
	vcpu->run->system_event.type = type;
	vcpu->run->exit_reason = KVM_EXIT_SYSTEM_EVENT;
	return 0;
}

static bool psci_fn_exists(u32 fn, u32 version)
{
	switch (fn) {
	case PSCI_VERSION:
	case PSCI_CPU_SUSPEND:
	case PSCI_CPU_OFF:
	case PSCI_CPU_ON:
	case PSCI_AFFINITY_INFO:
	case PSCI_MIGRATE_INFO_TYPE:
	case PSCI_SYSTEM_OFF:
	case PSCI_SYSTEM_RESET:
		return true;
	case PSCI_FEATURES:
	case SMCCC_VERSION:
		return version >= 0x10000;
	default:
		return false;
	}
}

/* Returns the exit handler's result; *r0 is what the guest gets, if set. */
static int psci_0_2_call(struct armvirt_vcpu *vcpu, u32 fn, u32 version, s32 *r0)
{
	switch (fn) {
	case PSCI_VERSION:
		*r0 = version;
		return 1;
	case PSCI_CPU_SUSPEND:
		*r0 = PSCI_SUCCESS;	/* a standby: same as WFI, as KVM did */
		return armvirt_vcpu_block(vcpu);
	case PSCI_CPU_OFF:
		armvirt_vcpu_set_power_off(vcpu, true);
		return 1;		/* r0 untouched: CPU_OFF does not return */
	case PSCI_CPU_ON:
		*r0 = psci_cpu_on(vcpu, false);
		return 1;
	case PSCI_AFFINITY_INFO:
		*r0 = psci_affinity_info(vcpu);
		return 1;
	case PSCI_MIGRATE_INFO_TYPE:
		*r0 = PSCI_TOS_NOT_PRESENT_MP;
		return 1;
	case PSCI_SYSTEM_OFF:
		return psci_system_event(vcpu, KVM_SYSTEM_EVENT_SHUTDOWN);
	case PSCI_SYSTEM_RESET:
		return psci_system_event(vcpu, KVM_SYSTEM_EVENT_RESET);
	case PSCI_FEATURES:
		*r0 = version >= 0x10000 && psci_fn_exists(*vcpu_reg(vcpu, 1), version) ?
		      PSCI_SUCCESS : PSCI_NOT_SUPPORTED;
		return 1;
	default:
		*r0 = PSCI_NOT_SUPPORTED;
		return 1;
	}
}

static int psci_0_1_call(struct armvirt_vcpu *vcpu, u32 fn, s32 *r0)
{
	switch (fn) {
	case PSCI_0_1_CPU_OFF:
		armvirt_vcpu_set_power_off(vcpu, true);
		return 1;
	case PSCI_0_1_CPU_ON:
		*r0 = psci_cpu_on(vcpu, true);
		return 1;
	default:
		*r0 = PSCI_NOT_SUPPORTED;
		return 1;
	}
}

/* SMCCC 1.1 calls; false if @fn is not one. */
static bool smccc_call(struct armvirt_vcpu *vcpu, u32 fn, u32 version, s32 *r0)
{
	u32 feature;

	switch (fn) {
	case SMCCC_VERSION:
		*r0 = version >= 0x10000 ? SMCCC_VERSION_1_1 : PSCI_NOT_SUPPORTED;
		return true;
	case SMCCC_ARCH_FEATURES:
		feature = *vcpu_reg(vcpu, 1);
		*r0 = PSCI_NOT_SUPPORTED;
		if (feature == SMCCC_ARCH_WORKAROUND_1 && armvirt_smccc_wa1_available())
			*r0 = PSCI_SUCCESS;
		return true;
	case SMCCC_ARCH_WORKAROUND_1:
		/*
		 * What the host's own Spectre-v2 hardening does on these
		 * cores: ICIALLU also empties the branch predictor (with
		 * ACTLR.IBE, set by the firmware), and BPIALL.
		 */
		armvirt_bp_invalidate_local();
		return true;
	default:
		return false;
	}
}

int armvirt_handle_hvc_call(struct armvirt_vcpu *vcpu)
{
	u32 fn = *vcpu_reg(vcpu, 0), version = armvirt_psci_version(vcpu);
	s32 r0 = *vcpu_reg(vcpu, 0);
	int ret = 1;

	if (smccc_call(vcpu, fn, version, &r0)) {
		vcpu_count_exit(vcpu, EXIT_HVC_OTHER);
	} else {
		vcpu_count_exit(vcpu, EXIT_PSCI);
		if (version == PSCI_VERSION_0_1)
			ret = psci_0_1_call(vcpu, fn, &r0);
		else
			ret = psci_0_2_call(vcpu, fn, version, &r0);
	}
	if (ret > 0)
		*vcpu_reg(vcpu, 0) = r0;
	return ret;
}
