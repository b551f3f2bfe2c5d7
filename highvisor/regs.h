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

#include "../lowvisor/ctxt.h"	/* CP15 indices, struct armvirt_vfp */

struct armvirt_vcpu;

/* A group of ONE_REG registers (one_reg.c dispatches by group). */
struct reg_group {
	u64 coproc;	/* the KVM_REG_ARM_COPROC_MASK field */
	bool (*owns)(u64 id);	/* optional: a few IDs of a coproc shared with a later group */
	int (*get)(struct armvirt_vcpu *vcpu, u64 id, void __user *uaddr);
	int (*set)(struct armvirt_vcpu *vcpu, u64 id, const void __user *uaddr);
	/* Writes the IDs if @uids is not NULL; returns the count or -EFAULT. */
	int (*list)(struct armvirt_vcpu *vcpu, u64 __user *uids);
};

extern const struct reg_group core_reg_group;
extern const struct reg_group fw_reg_group;
extern const struct reg_group timer_reg_group;	/* timer/vtimer_regs.c */
extern const struct reg_group cp15_reg_group;	/* includes the ID registers */
extern const struct reg_group vfp_reg_group;
extern const struct reg_group demux_reg_group;
extern const struct reg_group thumbee_reg_group;	/* CP14: TEECR, TEEHBR */

/* The PSCI version a vCPU offers (fw_regs.c) */
u32 armvirt_psci_version(struct armvirt_vcpu *vcpu);
bool armvirt_smccc_wa1_available(void);

/* Reset on KVM_ARM_VCPU_INIT; caller holds vcpu->mutex. */
void armvirt_reset_core_regs(struct armvirt_vcpu *vcpu);
void armvirt_reset_cp15_regs(struct armvirt_vcpu *vcpu);
void armvirt_reset_vfp_regs(struct armvirt_vcpu *vcpu);
void armvirt_reset_thumbee_regs(struct armvirt_vcpu *vcpu);

/* Host values read once at load, and the invariant ID registers (id_regs.c) */
void armvirt_read_host_id_regs(void);
int id_reg_get(u64 id, void __user *uaddr);
int id_reg_set(u64 id, const void __user *uaddr);
int id_reg_list(u64 __user *uids);
int armvirt_read_host_vfp_ids(void);
/* ThumbEE (ID_PFR0.State3): TEECR and TEEHBR exist and are switched */
bool armvirt_host_has_thumbee(void);

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
/* A reg_group's list from a fixed table of IDs: the count, or -EFAULT. */
int reg_ids_to_user(const u64 *ids, unsigned int n, u64 __user *uids);

#endif /* ARMVIRT_HIGHVISOR_REGS_H */
