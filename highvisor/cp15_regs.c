// SPDX-License-Identifier: GPL-2.0-only
/*
 * The guest's CP15 registers: KVM/ARM's table of the registers it keeps per
 * vCPU, with their reset values, in KVM's order (by CRn, CRm, Op1, Op2; a
 * 64-bit register sorts by its CRm in the CRn place, before 32-bit ones).
 * The world switch loads and saves the same storage; trap emulation (later)
 * adds the registers that trap but store nothing.
 */
#include <linux/kernel.h>
#include <linux/uaccess.h>
#include <asm/cputype.h>

#include "armvirt.h"
#include "regs.h"
#include "vm.h"

enum cp15_reset {
	RESET_UNKNOWN,		/* architecturally UNKNOWN: a recognisable value */
	RESET_VAL,		/* the entry's value */
	RESET_SCTLR,		/* per target */
	RESET_MPIDR,		/* from the vCPU id */
	RESET_ACTLR,		/* the host's, SMP bit per vCPU count */
	RESET_L2CTLR,		/* the host's, core count per vCPU count */
};

struct cp15_reg {
	struct cp15_key key;
	unsigned int reg;	/* index in lv_ctxt.cp15[] */
	enum cp15_reset reset;
	u32 val;
};

#define R32(crn_, crm_, op1_, op2_, reg_, reset_, val_) \
	{ { .crn = crn_, .crm = crm_, .op1 = op1_, .op2 = op2_ }, reg_, reset_, val_ }
#define R64(crm_, op1_, reg_) \
	{ { .crm = crm_, .op1 = op1_, .is_64 = true }, reg_, RESET_UNKNOWN, 0 }

static const struct cp15_reg cp15_regs[] = {
	R32(0, 0, 0, 5, C0_MPIDR, RESET_MPIDR, 0),
	R32(0, 0, 2, 0, C0_CSSELR, RESET_UNKNOWN, 0),
	R32(1, 0, 0, 0, C1_SCTLR, RESET_SCTLR, 0),
	R32(1, 0, 0, 1, C1_ACTLR, RESET_ACTLR, 0),
	R32(1, 0, 0, 2, C1_CPACR, RESET_VAL, 0),
	R64(2, 0, C2_TTBR0),
	R32(2, 0, 0, 0, C2_TTBR0, RESET_UNKNOWN, 0),
	R32(2, 0, 0, 1, C2_TTBR1, RESET_UNKNOWN, 0),
	R32(2, 0, 0, 2, C2_TTBCR, RESET_VAL, 0),
	R64(2, 1, C2_TTBR1),
	R32(3, 0, 0, 0, C3_DACR, RESET_UNKNOWN, 0),
	R32(5, 0, 0, 0, C5_DFSR, RESET_UNKNOWN, 0),
	R32(5, 0, 0, 1, C5_IFSR, RESET_UNKNOWN, 0),
	R32(5, 1, 0, 0, C5_ADFSR, RESET_UNKNOWN, 0),
	R32(5, 1, 0, 1, C5_AIFSR, RESET_UNKNOWN, 0),
	R32(6, 0, 0, 0, C6_DFAR, RESET_UNKNOWN, 0),
	R32(6, 0, 0, 2, C6_IFAR, RESET_UNKNOWN, 0),
	R64(7, 0, C7_PAR),
	R32(9, 0, 1, 2, C9_L2CTLR, RESET_L2CTLR, 0),
	R32(10, 2, 0, 0, C10_PRRR, RESET_UNKNOWN, 0),
	R32(10, 2, 0, 1, C10_NMRR, RESET_UNKNOWN, 0),
	R32(10, 3, 0, 0, C10_AMAIR0, RESET_UNKNOWN, 0),
	R32(10, 3, 0, 1, C10_AMAIR1, RESET_UNKNOWN, 0),
	R32(12, 0, 0, 0, C12_VBAR, RESET_VAL, 0),
	R32(13, 0, 0, 1, C13_CID, RESET_VAL, 0),
	R32(13, 0, 0, 2, C13_TID_URW, RESET_UNKNOWN, 0),
	R32(13, 0, 0, 3, C13_TID_URO, RESET_UNKNOWN, 0),
	R32(13, 0, 0, 4, C13_TID_PRIV, RESET_UNKNOWN, 0),
	R32(14, 1, 0, 0, C14_CNTKCTL, RESET_VAL, 0),
};

#define CP15_UNKNOWN_LO		0x1de7ec7e	/* what an UNKNOWN register reads */
#define CP15_UNKNOWN_HI		0x5eed0000
#define SCTLR_RESET_A15		0x00c50078
#define SCTLR_RESET_A7		0x00c50878	/* SCTLR.11 resets to 1 on A7 */
#define MPIDR_MT_U_BITS		(3U << 30)
#define ACTLR_SMP		BIT(6)
#define L2CTLR_NCORES_SHIFT	24

static u32 reset_value(struct armvirt_vcpu *vcpu, const struct cp15_reg *r)
{
	unsigned int nr_vcpus = READ_ONCE(vcpu->vm->nr_vcpus), ncores;
	u32 val;

	switch (r->reset) {
	case RESET_VAL:
		return r->val;
	case RESET_SCTLR:
		return vcpu->target == KVM_ARM_TARGET_CORTEX_A7 ? SCTLR_RESET_A7 :
								  SCTLR_RESET_A15;
	case RESET_MPIDR:
		/* A virtual cluster of 4 CPUs per Aff1, as KVM/ARM built it. */
		return (read_cpuid_mpidr() & MPIDR_MT_U_BITS) |
		       ((vcpu->id >> 2) << 8) | (vcpu->id & 3);
	case RESET_ACTLR:
		/* Create every vCPU before INIT, as with KVM: the SMP bit follows the count. */
		asm volatile("mrc p15, 0, %0, c1, c0, 1" : "=r" (val));
		return nr_vcpus > 1 ? val | ACTLR_SMP : val & ~ACTLR_SMP;
	case RESET_L2CTLR:
		asm volatile("mrc p15, 1, %0, c9, c0, 2" : "=r" (val));
		/* Cores in this vCPU's cluster of 4, minus one. */
		ncores = min(nr_vcpus - 1 - (vcpu->id & ~3U), 3U);
		return (val & ~(3U << L2CTLR_NCORES_SHIFT)) | ncores << L2CTLR_NCORES_SHIFT;
	case RESET_UNKNOWN:
	default:
		return CP15_UNKNOWN_LO;
	}
}

void armvirt_reset_cp15_regs(struct armvirt_vcpu *vcpu)
{
	const struct cp15_reg *r;
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(cp15_regs); i++) {
		r = &cp15_regs[i];
		vcpu->hyp->ctxt.cp15[r->reg] = reset_value(vcpu, r);
		if (r->key.is_64)
			vcpu->hyp->ctxt.cp15[r->reg + 1] = CP15_UNKNOWN_HI;
	}
	vcpu->hyp->ctxt.cp15[C13_FCSEIDR] = 0;	/* switched, but not in the table */
}

static const struct cp15_reg *find_cp15_reg(u64 id)
{
	struct cp15_key key;
	unsigned int i;

	if (!cp15_key_from_id(id, &key))
		return NULL;
	for (i = 0; i < ARRAY_SIZE(cp15_regs); i++)
		if (cp15_key_equal(&cp15_regs[i].key, &key))
			return &cp15_regs[i];
	return NULL;
}

/* A 64-bit ID copies two words from the storage: low, then high. */
static int cp15_get(struct armvirt_vcpu *vcpu, u64 id, void __user *uaddr)
{
	const struct cp15_reg *r = find_cp15_reg(id);

	return r ? reg_to_user(uaddr, &vcpu->hyp->ctxt.cp15[r->reg], id) : id_reg_get(id, uaddr);
}

static int cp15_set(struct armvirt_vcpu *vcpu, u64 id, const void __user *uaddr)
{
	const struct cp15_reg *r = find_cp15_reg(id);

	return r ? reg_from_user(&vcpu->hyp->ctxt.cp15[r->reg], uaddr, id) : id_reg_set(id, uaddr);
}

/* The ID registers first, then the table, as KVM listed them. */
static int cp15_list(struct armvirt_vcpu *vcpu, u64 __user *uids)
{
	int n = id_reg_list(uids);
	unsigned int i;

	for (i = 0; n >= 0 && uids && i < ARRAY_SIZE(cp15_regs); i++)
		if (put_user(cp15_key_to_id(&cp15_regs[i].key), uids + n + i))
			return -EFAULT;
	return n < 0 ? n : n + ARRAY_SIZE(cp15_regs);
}

const struct reg_group cp15_reg_group = {
	.coproc = 15ULL << KVM_REG_ARM_COPROC_SHIFT,
	.get = cp15_get,
	.set = cp15_set,
	.list = cp15_list,
};
