/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Running a vCPU: the run loop (run.c), the exit handlers (exit.c, mmio.c,
 * psci.c, cp15_trap.c) and the guest-state helpers they share
 * (emulate.c). All of it runs in the vCPU's thread, with vcpu->mutex held,
 * preemptible, after the guest has exited.
 *
 * An exit handler returns 1 to re-enter the guest, 0 to return to the VMM
 * with vcpu->run->exit_reason set, or a negative errno for KVM_RUN.
 */
#ifndef ARMVIRT_HIGHVISOR_RUN_H
#define ARMVIRT_HIGHVISOR_RUN_H

#include <linux/types.h>

#include "vm.h"

/* HSR fields (ARM ARM B3.13.6) */
#define HSR_EC(hsr)		((hsr) >> 26)
#define HSR_IL			(1U << 25)	/* a 32-bit instruction */
#define HSR_CV			(1U << 24)	/* for EC 0x01-0x0e: COND is valid */
#define HSR_COND(hsr)		(((hsr) >> 20) & 0xf)
#define HSR_ISS(hsr)		((hsr) & 0x1ffffff)

#define HSR_EC_UNKNOWN		0x00
#define HSR_EC_WFI		0x01
#define HSR_EC_CP15_32		0x03
#define HSR_EC_CP15_64		0x04
#define HSR_EC_CP14_MR		0x05
#define HSR_EC_CP14_LS		0x06
#define HSR_EC_CP10_ID		0x08
#define HSR_EC_JAZELLE		0x09
#define HSR_EC_BXJ		0x0a
#define HSR_EC_CP14_64		0x0c
#define HSR_EC_SVC_HYP		0x11
#define HSR_EC_HVC		0x12
#define HSR_EC_SMC		0x13
#define HSR_EC_IABT		0x20
#define HSR_EC_DABT		0x24
#define HSR_EC_MAX		0x3f

/* Data abort ISS */
#define HSR_DABT_ISV		(1U << 24)
#define HSR_DABT_SAS(hsr)	(((hsr) >> 22) & 3)
#define HSR_DABT_SSE		(1U << 21)
#define HSR_DABT_SRT(hsr)	(((hsr) >> 16) & 0xf)
#define HSR_DABT_EA		(1U << 9)
#define HSR_DABT_CM		(1U << 8)	/* cache maintenance */
#define HSR_DABT_S1PTW		(1U << 7)
#define HSR_DABT_WNR		(1U << 6)
#define HSR_FSC_TYPE(hsr)	((hsr) & 0x3c)
#define FSC_TRANSLATION		0x04
#define FSC_ACCESS		0x08
#define FSC_PERM		0x0c
#define FSC_ASYNC_EXTERNAL	0x11	/* full FSC (long-descriptor format) */
#define FSC_ASYNC_PARITY	0x19
#define HSR_FSC(hsr)		((hsr) & 0x3f)

/* CPSR (B1.3.3) */
#define CPSR_MODE_MASK		0x1f
#define CPSR_T			(1U << 5)
#define CPSR_F			(1U << 6)
#define CPSR_I			(1U << 7)
#define CPSR_A			(1U << 8)
#define CPSR_E			(1U << 9)
#define CPSR_IT_LOW_MASK	(3U << 25)	/* IT[1:0] */
#define CPSR_IT_HIGH_MASK	(0x3fU << 10)	/* IT[7:2] */
#define CPSR_J			(1U << 24)
#define CPSR_NZCV		(0xfU << 28)	/* the condition flags */

static inline u32 *vcpu_pc(struct armvirt_vcpu *vcpu)
{
	return &vcpu->hyp->ctxt.regs.usr_regs.uregs[15];
}

static inline u32 *vcpu_cpsr(struct armvirt_vcpu *vcpu)
{
	return &vcpu->hyp->ctxt.regs.usr_regs.uregs[16];
}

/* The guest's SCTLR bits the highvisor looks at (B4.1.130) */
#define SCTLR_M		BIT(0)		/* MMU on */
#define SCTLR_C		BIT(2)
#define SCTLR_V		BIT(13)		/* high vectors */
#define SCTLR_EE	BIT(25)
#define SCTLR_TE	BIT(30)

static inline u32 *vcpu_cp15(struct armvirt_vcpu *vcpu, unsigned int idx)
{
	return &vcpu->hyp->ctxt.cp15[idx];
}

/* emulate.c */
u32 *vcpu_reg(struct armvirt_vcpu *vcpu, unsigned int n);	/* r0-r15 of the current mode */
bool vcpu_condition_passed(struct armvirt_vcpu *vcpu);
void vcpu_skip_instr(struct armvirt_vcpu *vcpu, bool is_32bit);
void vcpu_inject_undef(struct armvirt_vcpu *vcpu);
void vcpu_inject_dabt(struct armvirt_vcpu *vcpu, u32 addr);
void vcpu_inject_pabt(struct armvirt_vcpu *vcpu, u32 addr);
void vcpu_inject_vabt(struct armvirt_vcpu *vcpu);
void armvirt_vcpu_init_traps(struct armvirt_vcpu *vcpu);

/* exit.c */
int armvirt_handle_exit(struct armvirt_vcpu *vcpu);
int armvirt_vcpu_block(struct armvirt_vcpu *vcpu);
int armvirt_selftest_trap(struct armvirt_vcpu *vcpu, u32 hsr, u32 far, u32 hpfar);

/* mmio.c */
int armvirt_handle_mmio(struct armvirt_vcpu *vcpu, u64 ipa);
void armvirt_mmio_complete(struct armvirt_vcpu *vcpu);
/* mmio_decode.c: the access of a load or store instruction without a syndrome */
int armvirt_decode_mmio_insn(struct armvirt_vcpu *vcpu, u32 insn, bool thumb32,
			     bool thumb, u32 fault_va, struct armvirt_mmio_access *a);

/* psci.c */
int armvirt_handle_hvc_call(struct armvirt_vcpu *vcpu);

/* setway.c */
void armvirt_set_way_op(struct armvirt_vcpu *vcpu);
bool armvirt_vcpu_caches_on(struct armvirt_vcpu *vcpu);
void armvirt_vm_reg_written(struct armvirt_vcpu *vcpu, bool was_on);

/* cp15_trap.c */
int armvirt_handle_cp15_32(struct armvirt_vcpu *vcpu);
int armvirt_handle_cp15_64(struct armvirt_vcpu *vcpu);
int armvirt_handle_cp14(struct armvirt_vcpu *vcpu);

/* debugfs.c */
void armvirt_debugfs_vcpu_add(struct armvirt_vcpu *vcpu);
void armvirt_debugfs_vcpu_remove(struct armvirt_vcpu *vcpu);

static inline void vcpu_count_exit(struct armvirt_vcpu *vcpu, enum armvirt_exit_kind kind)
{
	WRITE_ONCE(vcpu->stats.exits[kind], vcpu->stats.exits[kind] + 1);
}

#endif /* ARMVIRT_HIGHVISOR_RUN_H */
