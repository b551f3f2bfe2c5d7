// SPDX-License-Identifier: GPL-2.0-only
/*
 * The guest's VFP/NEON registers (group KVM_REG_ARM_VFP): d0-d31 as 64-bit
 * registers, then the control registers. FPSID, MVFR0 and MVFR1 are the
 * host's and invariant, as in KVM.
 */
#include <linux/kernel.h>
#include <linux/uaccess.h>

#include "armvirt.h"
#include "regs.h"
#include "vm.h"

#define MVFR0_A_SIMD_MASK	0xf
#define MVFR0_A_SIMD_32_REGS	2

/* Read once at load; the host has VFP (every armhf kernel needs it). */
static u32 host_fpsid, host_mvfr0, host_mvfr1;

/* The lowvisor's world switch saves and restores all 32 (switch-sr.S). */
#define NR_FPREGS	32

#define read_vfp_sysreg(name) ({				\
	u32 __val;						\
	asm volatile(".fpu vfpv3\n\tvmrs %0, " #name : "=r" (__val)); \
	__val;							\
})

/*
 * A core built with VFPv3-D16 or VFPv4-D16 (possible on a Cortex-A7
 * without NEON) has no d16-d31: the world switch would take an undefined
 * instruction in HYP on them, so armvirt does not load there.
 */
int armvirt_read_host_vfp_ids(void)
{
	host_fpsid = read_vfp_sysreg(fpsid);
	host_mvfr0 = read_vfp_sysreg(mvfr0);
	host_mvfr1 = read_vfp_sysreg(mvfr1);
	if ((host_mvfr0 & MVFR0_A_SIMD_MASK) != MVFR0_A_SIMD_32_REGS) {
		pr_err(ARMVIRT_NAME ": the CPU's VFP has 16 D registers (MVFR0 %#x); armvirt needs 32\n",
		       host_mvfr0);
		return -ENODEV;
	}
	return 0;
}

/* Control registers in KVM/ARM's list order */
static const u16 vfp_sysregs[] = {
	KVM_REG_ARM_VFP_FPEXC, KVM_REG_ARM_VFP_FPSCR, KVM_REG_ARM_VFP_FPINST,
	KVM_REG_ARM_VFP_FPINST2, KVM_REG_ARM_VFP_MVFR0, KVM_REG_ARM_VFP_MVFR1,
	KVM_REG_ARM_VFP_FPSID,
};

void armvirt_reset_vfp_regs(struct armvirt_vcpu *vcpu)
{
	memset(&vcpu->hyp->ctxt.vfp, 0, sizeof(vcpu->hyp->ctxt.vfp));	/* FPEXC.EN clear, as at reset */
}

/* Storage of a register, or NULL; *invariant gets the value of an invariant one. */
static u32 *vfp_storage(struct armvirt_vcpu *vcpu, u32 index, u32 *invariant)
{
	switch (index) {
	case KVM_REG_ARM_VFP_FPEXC:
		return &vcpu->hyp->ctxt.vfp.fpexc;
	case KVM_REG_ARM_VFP_FPSCR:
		return &vcpu->hyp->ctxt.vfp.fpscr;
	case KVM_REG_ARM_VFP_FPINST:
		return &vcpu->hyp->ctxt.vfp.fpinst;
	case KVM_REG_ARM_VFP_FPINST2:
		return &vcpu->hyp->ctxt.vfp.fpinst2;
	case KVM_REG_ARM_VFP_MVFR0:
		*invariant = host_mvfr0;
		return invariant;
	case KVM_REG_ARM_VFP_MVFR1:
		*invariant = host_mvfr1;
		return invariant;
	case KVM_REG_ARM_VFP_FPSID:
		*invariant = host_fpsid;
		return invariant;
	default:
		return NULL;
	}
}

/* The register's storage and expected size, or NULL for an unknown ID. */
static void *vfp_reg(struct armvirt_vcpu *vcpu, u64 id, u32 *invariant)
{
	u32 index = id & KVM_REG_ARM_VFP_MASK;

	if (id & ~(KVM_REG_ARCH_MASK | KVM_REG_SIZE_MASK | KVM_REG_ARM_COPROC_MASK |
		   KVM_REG_ARM_VFP_MASK))
		return NULL;
	if (index < NR_FPREGS)
		return KVM_REG_SIZE(id) == 8 ? &vcpu->hyp->ctxt.vfp.fpregs[index] : NULL;
	if (KVM_REG_SIZE(id) != 4)
		return NULL;
	return vfp_storage(vcpu, index, invariant);
}

static int vfp_get(struct armvirt_vcpu *vcpu, u64 id, void __user *uaddr)
{
	u32 invariant;
	void *val = vfp_reg(vcpu, id, &invariant);

	return val ? reg_to_user(uaddr, val, id) : -ENOENT;
}

/*
 * FPEXC as a guest can have it on these cores: EN, and EX (RAZ/WI on
 * Cortex-A7/A15/A17, which have no trapped exceptions and no FPINST, so
 * the lowvisor ignores it); the other bits are UNK/SBZP.
 */
#define FPEXC_GUEST_BITS	(BIT(31) | BIT(30))

static int vfp_set_fpexc(struct armvirt_vcpu *vcpu, const void __user *uaddr, u64 id)
{
	u32 new;

	if (reg_from_user(&new, uaddr, id))
		return -EFAULT;
	if (new & ~FPEXC_GUEST_BITS) {
		pr_warn_ratelimited(ARMVIRT_NAME ": FPEXC %#x: only EN and EX (bits 30, 31) can be set\n",
				    new);
		return -EINVAL;
	}
	vcpu->hyp->ctxt.vfp.fpexc = new;
	return 0;
}

static int vfp_set(struct armvirt_vcpu *vcpu, u64 id, const void __user *uaddr)
{
	u32 invariant, new;
	void *val = vfp_reg(vcpu, id, &invariant);

	if (!val)
		return -ENOENT;
	if (val == &vcpu->hyp->ctxt.vfp.fpexc)
		return vfp_set_fpexc(vcpu, uaddr, id);
	if (val != &invariant)
		return reg_from_user(val, uaddr, id);
	if (reg_from_user(&new, uaddr, id))
		return -EFAULT;
	return new == invariant ? 0 : -EINVAL;
}

static int vfp_list(struct armvirt_vcpu *vcpu, u64 __user *uids)
{
	const u64 reg64 = KVM_REG_ARM | KVM_REG_SIZE_U64 | KVM_REG_ARM_VFP;
	const u64 reg32 = KVM_REG_ARM | KVM_REG_SIZE_U32 | KVM_REG_ARM_VFP;
	unsigned int i;

	for (i = 0; uids && i < NR_FPREGS; i++)
		if (put_user(reg64 | i, uids++))
			return -EFAULT;
	for (i = 0; uids && i < ARRAY_SIZE(vfp_sysregs); i++)
		if (put_user(reg32 | vfp_sysregs[i], uids++))
			return -EFAULT;
	return NR_FPREGS + ARRAY_SIZE(vfp_sysregs);
}

const struct reg_group vfp_reg_group = {
	.coproc = KVM_REG_ARM_VFP,
	.get = vfp_get,
	.set = vfp_set,
	.list = vfp_list,
};
