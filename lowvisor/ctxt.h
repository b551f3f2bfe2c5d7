/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The CPU context the world switch saves and loads, shared by C and
 * assembly. C checks every offset here against its structures at build time
 * (highvisor/run.c).
 *
 * struct lv_ctxt holds one world's state: the guest's (in struct lv_vcpu,
 * one page per vCPU, mapped in HYP) or the host's (in the per-CPU page).
 * The same layout serves both, so one set of save and restore macros does.
 */
#ifndef ARMVIRT_LOWVISOR_CTXT_H
#define ARMVIRT_LOWVISOR_CTXT_H

/*
 * CP15 registers a world owns, as indices into lv_ctxt.cp15[]. A 64-bit
 * register takes two (low word first). ONE_REG and the trap table use the
 * same indices.
 */
#define CP15_NONE	0	/* table entries that trap but store nothing */
#define C0_MPIDR	1	/* the guest's: loaded into VMPIDR */
#define C0_CSSELR	2
#define C1_SCTLR	3
#define C1_ACTLR	4	/* the guest's: emulated (HCR.TAC) */
#define C1_CPACR	5
#define C2_TTBR0	6
#define C2_TTBR0_HIGH	7
#define C2_TTBR1	8
#define C2_TTBR1_HIGH	9
#define C2_TTBCR	10
#define C3_DACR		11
#define C5_DFSR		12
#define C5_IFSR		13
#define C5_ADFSR	14
#define C5_AIFSR	15
#define C6_DFAR		16
#define C6_IFAR		17
#define C7_PAR		18
#define C7_PAR_HIGH	19
#define C9_L2CTLR	20	/* the guest's: emulated (HCR.TIDCP) */
#define C10_PRRR	21	/* also MAIR0 */
#define C10_NMRR	22	/* also MAIR1 */
#define C10_AMAIR0	23
#define C10_AMAIR1	24
#define C12_VBAR	25
#define C13_CID		26
#define C13_TID_URW	27
#define C13_TID_URO	28
#define C13_TID_PRIV	29
#define C14_CNTKCTL	30
#define C13_FCSEIDR	31	/* switched, not in ONE_REG: see switch_cp15 */
#define NR_CP15_REGS	32
#define LV_CP15_SLOTS	32	/* NR_CP15_REGS rounded up to keep vfp 8-byte aligned */

/* struct lv_ctxt */
#define LV_CTXT_REGS		0	/* struct kvm_regs (uapi), 38 words */
#define LV_REGS_R(n)		((n) * 4)	/* usr_regs: r0-r12 */
#define LV_REGS_SP_USR		52
#define LV_REGS_LR_USR		56
#define LV_REGS_PC		60
#define LV_REGS_CPSR		64
#define LV_REGS_SVC		72	/* sp, lr, spsr */
#define LV_REGS_ABT		84
#define LV_REGS_UND		96
#define LV_REGS_IRQ		108
#define LV_REGS_FIQ		120	/* r8-r12, sp, lr, spsr */
#define LV_CTXT_CP15		152
#define LV_CP15(idx)		(LV_CTXT_CP15 + (idx) * 4)
#define LV_CTXT_VFP		(LV_CTXT_CP15 + LV_CP15_SLOTS * 4)	/* 280 */
#define LV_VFP_FPREGS		0	/* d0-d31 */
#define LV_VFP_FPEXC		256
#define LV_VFP_FPSCR		260
#define LV_VFP_FPINST		264
#define LV_VFP_FPINST2		268
#define LV_CTXT_TIMER		(LV_CTXT_VFP + 272)	/* 552 */
#define LV_TIMER_CNTV_CVAL	0	/* u64 */
#define LV_TIMER_CNTVOFF	8	/* u64 */
#define LV_TIMER_CNTV_CTL	16
#define LV_TIMER_CNTHCTL	20
#define LV_CTXT_THUMBEE		(LV_CTXT_TIMER + 24)	/* 576 */
#define LV_THUMBEE_TEECR	0
#define LV_THUMBEE_TEEHBR	4
#define LV_CTXT_SIZE		(LV_CTXT_THUMBEE + 8)	/* 584 */

/* struct lv_vcpu: the guest's context, what the lowvisor needs to enter it, and the exit */
#define LV_VCPU_CTXT		0
#define LV_VCPU_VTTBR		(LV_CTXT_SIZE + 0)	/* u64 */
#define LV_VCPU_HCR		(LV_CTXT_SIZE + 8)
#define LV_VCPU_HCPTR		(LV_CTXT_SIZE + 12)
#define LV_VCPU_HSTR		(LV_CTXT_SIZE + 16)
#define LV_VCPU_HDCR		(LV_CTXT_SIZE + 20)
#define LV_VCPU_VPIDR		(LV_CTXT_SIZE + 24)
#define LV_VCPU_FLAGS		(LV_CTXT_SIZE + 28)
#define LV_VCPU_EXIT		(LV_CTXT_SIZE + 32)	/* LV_EXIT_* */
#define LV_VCPU_HSR		(LV_CTXT_SIZE + 36)
#define LV_VCPU_HDFAR		(LV_CTXT_SIZE + 40)
#define LV_VCPU_HIFAR		(LV_CTXT_SIZE + 44)
#define LV_VCPU_HPFAR		(LV_CTXT_SIZE + 48)
#define LV_VCPU_HOST_FPEXC	(LV_CTXT_SIZE + 52)	/* the host's lv_vcpu, during a run */
#define LV_VCPU_PC_PAR		(LV_CTXT_SIZE + 56)	/* u64: PAR of ATS1CPR(pc) */
#define LV_VCPU_SIZE		(LV_CTXT_SIZE + 64)

/* lv_vcpu.flags */
#define LV_FLAG_VFP_GUEST	(1 << 0)	/* the guest's VFP state is in the registers */
#define LV_FLAG_FLUSH_LOCAL_TLB	(1 << 1)	/* entry: TLBIALL for this VMID on this CPU first */
#define LV_FLAG_HPFAR_INVALID	(1 << 2)	/* exit: the fault's IPA could not be found */
#define LV_FLAG_PC_PAR		(1 << 3)	/* exit: pc_par holds the translation of pc */
#define LV_FLAG_SERROR		(1 << 4)	/* exit: an asynchronous abort came in the exit window */
#define LV_FLAG_THUMBEE		(1 << 5)	/* the CPU has ThumbEE: switch TEECR and TEEHBR */

/* lv_vcpu.exit: why the guest stopped */
#define LV_EXIT_TRAP		0	/* a trap to HYP: see HSR */
#define LV_EXIT_IRQ		1	/* a physical IRQ (HCR.IMO) */
#define LV_EXIT_FIQ		2
#define LV_EXIT_HYP_FAULT	3	/* an exception in HYP itself: fatal */

#ifndef __ASSEMBLY__
#include <linux/types.h>
#include "armvirt_kvm.h"

/* The guest's VFP/NEON registers */
struct armvirt_vfp {
	u64 fpregs[32];
	u32 fpexc, fpscr, fpinst, fpinst2;
};

/* The virtual timer a world owns; CNTHCTL is the host's only. */
struct lv_timer {
	u64 cntv_cval;
	u64 cntvoff;
	u32 cntv_ctl;
	u32 cnthctl;
};

/* The ThumbEE registers (CP14), a world's own where the CPU has them */
struct lv_thumbee {
	u32 teecr;
	u32 teehbr;
};

struct lv_ctxt {
	struct kvm_regs regs;
	u32 cp15[LV_CP15_SLOTS];
	struct armvirt_vfp vfp;
	struct lv_timer timer;
	struct lv_thumbee thumbee;
};

struct lv_vcpu {
	struct lv_ctxt ctxt;
	u64 vttbr;		/* VMID and stage-2 table */
	u32 hcr, hcptr, hstr, hdcr;	/* trap configuration while the guest runs */
	u32 vpidr;		/* MIDR the guest reads */
	u32 flags;		/* LV_FLAG_* */
	u32 exit;		/* LV_EXIT_* */
	u32 hsr, hdfar, hifar, hpfar;
	u32 host_fpexc;		/* the host's FPEXC before the run, in the host's lv_vcpu */
	u64 pc_par;
};
#endif

#endif /* ARMVIRT_LOWVISOR_CTXT_H */
