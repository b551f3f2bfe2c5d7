/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Guest register state beyond the core registers, and the ONE_REG groups
 * that expose it. Every register a guest has is reachable through ONE_REG
 * (migration needs all of it); the world switch loads and saves the same
 * storage.
 */
#ifndef ARMVIRT_HIGHVISOR_REGS_H
#define ARMVIRT_HIGHVISOR_REGS_H

#include <linux/types.h>

/* Indices into armvirt_vcpu.cp15[]; 64-bit registers take two (low first). */
enum cp15_index {
	CP15_NONE,		/* table entries that trap but store nothing */
	C0_MPIDR, C0_CSSELR,
	C1_SCTLR, C1_ACTLR, C1_CPACR,
	C2_TTBR0, C2_TTBR0_HIGH, C2_TTBR1, C2_TTBR1_HIGH, C2_TTBCR,
	C3_DACR,
	C5_DFSR, C5_IFSR, C5_ADFSR, C5_AIFSR,
	C6_DFAR, C6_IFAR,
	C7_PAR, C7_PAR_HIGH,
	C9_L2CTLR,
	C10_PRRR, C10_NMRR, C10_AMAIR0, C10_AMAIR1,
	C12_VBAR,
	C13_CID, C13_TID_URW, C13_TID_URO, C13_TID_PRIV,
	C14_CNTKCTL,
	NR_CP15_REGS
};

/* The guest's VFP/NEON registers */
struct armvirt_vfp {
	u64 fpregs[32];
	u32 fpexc, fpscr, fpinst, fpinst2;
};

struct armvirt_vcpu;

/* A group of ONE_REG registers (one_reg.c dispatches by group). */
struct reg_group {
	u64 coproc;	/* the KVM_REG_ARM_COPROC_MASK field */
	int (*get)(struct armvirt_vcpu *vcpu, u64 id, void __user *uaddr);
	int (*set)(struct armvirt_vcpu *vcpu, u64 id, const void __user *uaddr);
	/* Writes the IDs if @uids is not NULL; returns the count or -EFAULT. */
	int (*list)(struct armvirt_vcpu *vcpu, u64 __user *uids);
};

extern const struct reg_group core_reg_group;
extern const struct reg_group fw_reg_group;
extern const struct reg_group cp15_reg_group;	/* includes the ID registers */
extern const struct reg_group vfp_reg_group;
extern const struct reg_group demux_reg_group;

/* The PSCI version a vCPU offers (fw_regs.c) */
u32 armvirt_psci_version(struct armvirt_vcpu *vcpu);

/* Reset on KVM_ARM_VCPU_INIT; caller holds vcpu->mutex. */
void armvirt_reset_core_regs(struct armvirt_vcpu *vcpu);
void armvirt_reset_cp15_regs(struct armvirt_vcpu *vcpu);
void armvirt_reset_vfp_regs(struct armvirt_vcpu *vcpu);

/* Host values read once at load, and the invariant ID registers (id_regs.c) */
void armvirt_read_host_id_regs(void);
int id_reg_get(u64 id, void __user *uaddr);
int id_reg_set(u64 id, const void __user *uaddr);
int id_reg_list(u64 __user *uids);
void armvirt_read_host_vfp_ids(void);

/* A CP15 register's fields, from a ONE_REG ID; false if the ID is malformed. */
struct cp15_key {
	u8 crn, crm, op1, op2;
	bool is_64;
};
bool cp15_key_from_id(u64 id, struct cp15_key *key);
bool cp15_key_equal(const struct cp15_key *a, const struct cp15_key *b);
u64 cp15_key_to_id(const struct cp15_key *key);

/* Copy a register of KVM_REG_SIZE(id) bytes (4 or 8) to or from userspace. */
int reg_to_user(void __user *uaddr, const void *val, u64 id);
int reg_from_user(void *val, const void __user *uaddr, u64 id);

#endif /* ARMVIRT_HIGHVISOR_REGS_H */
