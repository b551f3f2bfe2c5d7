// SPDX-License-Identifier: GPL-2.0-only
/*
 * Trapped CP15 and CP14 accesses, from a table keyed by (CRn, CRm, Op1,
 * Op2). Only what the trap configuration (emulate.c) sends here is listed;
 * an access not in the table is an undefined instruction for the guest.
 *
 * HSR ISS (ARM ARM B3.13.6): MCR/MRC: Opc2 [19:17], Opc1 [16:14], CRn
 * [13:10], Rt [8:5], CRm [4:1], read [0]. MCRR/MRRC: Opc1 [19:16], Rt2
 * [13:10], Rt [8:5], CRm [4:1], read [0].
 */
#include <linux/kernel.h>

#include "armvirt.h"
#include "run.h"
#include "../timer/vtimer.h"

struct cp15_access {
	struct cp15_key key;
	bool is_read;
	u8 rt, rt2;
};

struct cp15_trap {
	struct cp15_key key;
	/* Returns false for an access the guest must see as undefined. */
	bool (*access)(struct armvirt_vcpu *vcpu, const struct cp15_access *p,
		       const struct cp15_trap *t);
	unsigned int reg;	/* index in lv_ctxt.cp15[], for access_reg */
	u32 crm_last;		/* a range of CRm, for access_raz_wi */
};

/*
 * What an MRC reads goes to Rt, but Rt = 15 is APSR_nzcv: the value's top
 * four bits become the condition flags (ARM ARM A8.8.108), never the pc.
 * MRRC with 15 is UNPREDICTABLE: the flags as well.
 */
static void set_read_result(struct armvirt_vcpu *vcpu, unsigned int rt, u32 val)
{
	u32 *cpsr = vcpu_cpsr(vcpu);

	if (rt == 15)
		*cpsr = (*cpsr & ~CPSR_NZCV) | (val & CPSR_NZCV);
	else
		*vcpu_reg(vcpu, rt) = val;
}

/* Reads the vCPU's value (KVM's reset value, from the host's); writes are ignored. */
static bool access_reg(struct armvirt_vcpu *vcpu, const struct cp15_access *p,
		       const struct cp15_trap *t)
{
	if (p->is_read)
		set_read_result(vcpu, p->rt, *vcpu_cp15(vcpu, t->reg));
	return true;
}

/* PMU, debug, L2ECTLR: RAZ/WI, as KVM/ARM */
static bool access_raz_wi(struct armvirt_vcpu *vcpu, const struct cp15_access *p,
			  const struct cp15_trap *t)
{
	if (p->is_read) {
		set_read_result(vcpu, p->rt, 0);
		if (p->key.is_64)
			set_read_result(vcpu, p->rt2, 0);
	}
	return true;
}

/* The physical timer, emulated (timer/ptimer.c) */
static bool access_ptimer(struct armvirt_vcpu *vcpu, const struct cp15_access *p,
			  const struct cp15_trap *t)
{
	enum ptimer_reg reg = p->key.is_64 ? PTIMER_CVAL :
			      p->key.op2 == 1 ? PTIMER_CTL : PTIMER_TVAL;
	u64 val;

	if (p->is_read) {
		val = ptimer_read(vcpu, reg);
		set_read_result(vcpu, p->rt, val);
		if (p->key.is_64)
			set_read_result(vcpu, p->rt2, val >> 32);
	} else {
		val = *vcpu_reg(vcpu, p->rt);
		if (p->key.is_64)
			val |= (u64)*vcpu_reg(vcpu, p->rt2) << 32;
		ptimer_write(vcpu, reg, val);
	}
	return true;
}

/* CBAR would tell the host's peripheral base: reads as zero, read-only. */
static bool access_raz_ro(struct armvirt_vcpu *vcpu, const struct cp15_access *p,
			  const struct cp15_trap *t)
{
	if (!p->is_read)
		return false;
	return access_raz_wi(vcpu, p, t);
}

static bool access_set_way(struct armvirt_vcpu *vcpu, const struct cp15_access *p,
			   const struct cp15_trap *t)
{
	if (p->is_read)
		return false;
	armvirt_set_way_op(vcpu);
	return true;
}

/*
 * A VM control register (HCR.TVM, set while set/way maintenance is being
 * emulated: setway.c): the guest's own register, kept in its context. A
 * 32-bit write to a 64-bit register (TTBR0/1) sets its low word.
 */
static bool access_vm_reg(struct armvirt_vcpu *vcpu, const struct cp15_access *p,
			  const struct cp15_trap *t)
{
	u32 *r = vcpu_cp15(vcpu, t->reg);
	bool was_on = armvirt_vcpu_caches_on(vcpu);

	if (p->is_read) {
		set_read_result(vcpu, p->rt, r[0]);
		if (p->key.is_64)
			set_read_result(vcpu, p->rt2, r[1]);
		return true;
	}
	r[0] = *vcpu_reg(vcpu, p->rt);
	if (p->key.is_64)
		r[1] = *vcpu_reg(vcpu, p->rt2);
	armvirt_vm_reg_written(vcpu, was_on);
	return true;
}

#define T32(crn_, crm_, op1_, op2_, fn_, reg_) \
	{ { .crn = crn_, .crm = crm_, .op1 = op1_, .op2 = op2_ }, fn_, reg_, crm_ }
#define T32_CRM_RANGE(crn_, crm_, crm_last_, op1_, op2_, fn_) \
	{ { .crn = crn_, .crm = crm_, .op1 = op1_, .op2 = op2_ }, fn_, CP15_NONE, crm_last_ }
#define T64(crm_, op1_, fn_, reg_) \
	{ { .crm = crm_, .op1 = op1_, .is_64 = true }, fn_, reg_, crm_ }
#define ANY_OP2	0xff

static const struct cp15_trap cp15_traps[] = {
	T32(1, 0, 0, 0, access_vm_reg, C1_SCTLR),			/* HCR.TVM */
	T32(1, 0, 0, 1, access_reg, C1_ACTLR),				/* HCR.TAC */
	T32(2, 0, 0, 0, access_vm_reg, C2_TTBR0),			/* HCR.TVM ... */
	T32(2, 0, 0, 1, access_vm_reg, C2_TTBR1),
	T32(2, 0, 0, 2, access_vm_reg, C2_TTBCR),
	T32(3, 0, 0, 0, access_vm_reg, C3_DACR),
	T32(5, 0, 0, 0, access_vm_reg, C5_DFSR),
	T32(5, 0, 0, 1, access_vm_reg, C5_IFSR),
	T32(5, 1, 0, 0, access_vm_reg, C5_ADFSR),
	T32(5, 1, 0, 1, access_vm_reg, C5_AIFSR),
	T32(6, 0, 0, 0, access_vm_reg, C6_DFAR),
	T32(6, 0, 0, 2, access_vm_reg, C6_IFAR),
	T32(7, 6, 0, 2, access_set_way, CP15_NONE),			/* DCISW, HCR.TSW */
	T32(7, 10, 0, 2, access_set_way, CP15_NONE),			/* DCCSW */
	T32(7, 14, 0, 2, access_set_way, CP15_NONE),			/* DCCISW */
	T32(9, 0, 1, 2, access_reg, C9_L2CTLR),				/* HCR.TIDCP */
	T32(9, 0, 1, 3, access_raz_wi, CP15_NONE),			/* L2ECTLR */
	T32_CRM_RANGE(9, 12, 14, 0, ANY_OP2, access_raz_wi),		/* PMU, HDCR.TPM */
	T32(10, 2, 0, 0, access_vm_reg, C10_PRRR),			/* HCR.TVM ... */
	T32(10, 2, 0, 1, access_vm_reg, C10_NMRR),
	T32(10, 3, 0, 0, access_vm_reg, C10_AMAIR0),
	T32(10, 3, 0, 1, access_vm_reg, C10_AMAIR1),
	T32(13, 0, 0, 1, access_vm_reg, C13_CID),
	T32(14, 2, 0, 0, access_ptimer, CP15_NONE),			/* CNTP_TVAL, CNTHCTL */
	T32(14, 2, 0, 1, access_ptimer, CP15_NONE),			/* CNTP_CTL */
	T32(15, 0, 4, 0, access_raz_ro, CP15_NONE),			/* CBAR, HSTR.T15 */
	T64(2, 0, access_vm_reg, C2_TTBR0),				/* HCR.TVM */
	T64(2, 1, access_vm_reg, C2_TTBR1),
	T64(14, 2, access_ptimer, CP15_NONE),				/* CNTP_CVAL */
};

static const struct cp15_trap *find_trap(const struct cp15_key *k)
{
	const struct cp15_trap *t;

	for (t = cp15_traps; t < cp15_traps + ARRAY_SIZE(cp15_traps); t++) {
		if (t->key.is_64 != k->is_64 || t->key.op1 != k->op1 ||
		    k->crm < t->key.crm || k->crm > t->crm_last)
			continue;
		if (k->is_64 ||
		    (t->key.crn == k->crn && (t->key.op2 == ANY_OP2 || t->key.op2 == k->op2)))
			return t;
	}
	return NULL;
}

static int handle_cp15(struct armvirt_vcpu *vcpu, struct cp15_access *p)
{
	const struct cp15_trap *t = find_trap(&p->key);

	vcpu_count_exit(vcpu, EXIT_CP15);
	if (!t || !t->access(vcpu, p, t)) {
		pr_warn_ratelimited(ARMVIRT_NAME ": vCPU %u: %s of CP15 %s c%u, c%u, %u, %u at %#x: undefined instruction injected\n",
				    vcpu->id, p->is_read ? "read" : "write",
				    p->key.is_64 ? "64-bit" : "", p->key.crn, p->key.crm,
				    p->key.op1, p->key.op2, *vcpu_pc(vcpu));
		vcpu_inject_undef(vcpu);
		return 1;
	}
	vcpu_skip_instr(vcpu, vcpu->hyp->hsr & HSR_IL);
	return 1;
}

int armvirt_handle_cp15_32(struct armvirt_vcpu *vcpu)
{
	u32 iss = HSR_ISS(vcpu->hyp->hsr);
	struct cp15_access p = {
		.key = { .op2 = (iss >> 17) & 7, .op1 = (iss >> 14) & 7,
			 .crn = (iss >> 10) & 15, .crm = (iss >> 1) & 15 },
		.is_read = iss & 1,
		.rt = (iss >> 5) & 15,
	};

	return handle_cp15(vcpu, &p);
}

int armvirt_handle_cp15_64(struct armvirt_vcpu *vcpu)
{
	u32 iss = HSR_ISS(vcpu->hyp->hsr);
	struct cp15_access p = {
		.key = { .op1 = (iss >> 16) & 15, .crm = (iss >> 1) & 15, .is_64 = true },
		.is_read = iss & 1,
		.rt = (iss >> 5) & 15,
		.rt2 = (iss >> 10) & 15,
	};

	return handle_cp15(vcpu, &p);
}

/*
 * CP14: the debug registers (HDCR.TDA, TDOSA, TDRA) read as zero and
 * ignore writes, as KVM/ARM's trap_raz_wi did: a guest sees no debug
 * architecture and uses none.
 */
int armvirt_handle_cp14(struct armvirt_vcpu *vcpu)
{
	u32 hsr = vcpu->hyp->hsr, iss = HSR_ISS(hsr);

	vcpu_count_exit(vcpu, EXIT_CP14);
	if (iss & 1) {
		set_read_result(vcpu, (iss >> 5) & 15, 0);
		if (HSR_EC(hsr) == HSR_EC_CP14_64)
			set_read_result(vcpu, (iss >> 10) & 15, 0);
	}
	vcpu_skip_instr(vcpu, hsr & HSR_IL);
	return 1;
}
