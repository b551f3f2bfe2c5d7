// SPDX-License-Identifier: GPL-2.0-only
/*
 * The guest state helpers of exit handling: registers of the guest's
 * current mode, condition checks and instruction skipping for trapped
 * instructions, exceptions injected into the guest, and the trap
 * configuration the world switch loads.
 */
#include <asm/cputype.h>
#include <asm/ptrace.h>

#include "hcr.h"
#include "regs.h"
#include "run.h"
#include "../lowvisor/lowvisor.h"

/*
 * What traps while a guest runs (HCR, ARM ARM B4.1.65), and why:
 *  VM        stage 2 is on.
 *  SWIO      a guest's invalidate by set/way cleans too: never lose host data.
 *  FB, BSU   TLB, cache and branch predictor maintenance and barriers reach
 *            every CPU, so a vCPU may move between host CPUs.
 *  IMO, FMO  physical interrupts come to HYP, so the host gets them back.
 *  AMO       so do asynchronous aborts.
 *  TWI, TWE  WFI blocks the thread; WFE yields.
 *  TSC       SMC: there is no secure monitor for the guest.
 *  TIDCP     implementation-defined c9-c11 registers (L2CTLR): emulated.
 *  TAC       ACTLR: emulated, writes ignored.
 *  TSW       cache maintenance by set/way: done by VA (setway.c), which
 *            also sets TVM (VM control registers) for a while.
 * An asynchronous abort the guest caused becomes its virtual abort (VA).
 */
#define HCR_GUEST	(HCR_VM | HCR_SWIO | HCR_FMO | HCR_IMO | HCR_AMO | HCR_FB | \
			 HCR_BSU_IS | HCR_TWI | HCR_TWE | HCR_TSC | HCR_TIDCP | \
			 HCR_TAC | HCR_TSW)

/* HCPTR (B4.1.56): VFP/NEON for the lazy switch, trace registers (none emulated). */
#define HCPTR_GUEST	(LV_HCPTR_TCP10 | LV_HCPTR_TCP11 | LV_HCPTR_TTA)
/*
 * HSTR (B4.1.74): CP15 c15, implementation defined (CBAR names the host's
 * GIC). Not TTEE: the ThumbEE registers are the guest's own, switched
 * (thumbee_regs.c).
 */
#define HSTR_GUEST	BIT(15)
/* HDCR (B4.1.58): PMU (TPM, TPMCR) and debug (TDA, TDOSA, TDRA): RAZ/WI, as KVM/ARM */
#define HDCR_GUEST	(BIT(5) | BIT(6) | BIT(9) | BIT(10) | BIT(11))

#define GUEST_TTBCR_EAE	BIT(31)	/* the guest's; <asm/pgtable-3level-hwdef.h> names the host's */
#define FSR_LPAE	BIT(9)
#define FSR_EXT_ABORT_LPAE	0x10
#define FSR_EXT_ABORT_SHORT	0x08

void armvirt_vcpu_init_traps(struct armvirt_vcpu *vcpu)
{
	struct lv_vcpu *hyp = vcpu->hyp;

	hyp->hcr = HCR_GUEST;
	hyp->hcptr = HCPTR_GUEST;
	hyp->hstr = HSTR_GUEST;
	hyp->hdcr = HDCR_GUEST;
	hyp->vpidr = read_cpuid_id();
	/* A local TLB flush owed by an entry abandoned before it ran stays owed (run.c). */
	hyp->flags = (hyp->flags & LV_FLAG_FLUSH_LOCAL_TLB) |
		     (armvirt_host_has_thumbee() ? LV_FLAG_THUMBEE : 0);
}

/* Banked sp, lr, spsr of a mode, in struct kvm_regs */
static u32 *mode_regs(struct armvirt_vcpu *vcpu, u32 mode)
{
	struct kvm_regs *r = &vcpu->hyp->ctxt.regs;

	switch (mode) {
	case SVC_MODE:
		return r->svc_regs;
	case ABT_MODE:
		return r->abt_regs;
	case UND_MODE:
		return r->und_regs;
	case IRQ_MODE:
		return r->irq_regs;
	case FIQ_MODE:
		return &r->fiq_regs[5];
	default:
		return NULL;	/* USR and SYS use the user registers */
	}
}

u32 *vcpu_reg(struct armvirt_vcpu *vcpu, unsigned int n)
{
	struct kvm_regs *r = &vcpu->hyp->ctxt.regs;
	u32 mode = *vcpu_cpsr(vcpu) & CPSR_MODE_MASK;
	u32 *banked;

	if (n >= 8 && n <= 12 && mode == FIQ_MODE)
		return &r->fiq_regs[n - 8];
	if (n == 13 || n == 14) {
		banked = mode_regs(vcpu, mode);
		if (banked)
			return &banked[n - 13];
	}
	return &r->usr_regs.uregs[n & 15];
}

/* B1.3.3 ITSTATE: IT[7:2] in CPSR[15:10], IT[1:0] in CPSR[26:25] */
static u32 cpsr_itstate(u32 cpsr)
{
	return ((cpsr >> 8) & 0xfc) | ((cpsr >> 25) & 3);
}

static bool condition_holds(u32 cond, u32 cpsr)
{
	bool n = cpsr & BIT(31), z = cpsr & BIT(30), c = cpsr & BIT(29),
	     v = cpsr & BIT(28), result;

	switch (cond >> 1) {
	case 0:			/* EQ, NE */
		result = z;
		break;
	case 1:			/* CS, CC */
		result = c;
		break;
	case 2:			/* MI, PL */
		result = n;
		break;
	case 3:			/* VS, VC */
		result = v;
		break;
	case 4:			/* HI, LS */
		result = c && !z;
		break;
	case 5:			/* GE, LT */
		result = n == v;
		break;
	case 6:			/* GT, LE */
		result = n == v && !z;
		break;
	default:		/* AL */
		return true;
	}
	return (cond & 1) ? !result : result;
}

/*
 * A trapped conditional instruction may trap even if its condition fails
 * (B3.13.6, "conditional execution"): then it must do nothing.
 */
bool vcpu_condition_passed(struct armvirt_vcpu *vcpu)
{
	u32 hsr = vcpu->hyp->hsr, cpsr = *vcpu_cpsr(vcpu), cond, it;

	if (HSR_EC(hsr) == HSR_EC_UNKNOWN || HSR_EC(hsr) >= 0x10)
		return true;	/* these classes carry no condition */
	if (hsr & HSR_CV) {
		cond = HSR_COND(hsr);
	} else {
		it = cpsr_itstate(cpsr);	/* Thumb: the IT block's condition */
		if (!it)
			return true;
		cond = it >> 4;
	}
	return condition_holds(cond, cpsr);
}

/* Step over the trapped instruction, and through an IT block (B1.3.3 ITAdvance). */
void vcpu_skip_instr(struct armvirt_vcpu *vcpu, bool is_32bit)
{
	u32 *cpsr = vcpu_cpsr(vcpu), it;

	*vcpu_pc(vcpu) += is_32bit ? 4 : 2;
	if (!(*cpsr & CPSR_T))
		return;
	it = cpsr_itstate(*cpsr);
	if (!it)
		return;
	if (!(it & 7))
		it = 0;
	else
		it = (it & 0xe0) | ((it << 1) & 0x1f);
	*cpsr &= ~(CPSR_IT_LOW_MASK | CPSR_IT_HIGH_MASK);
	*cpsr |= ((it & 3) << 25) | ((it >> 2) << 10);
}

/*
 * Take an exception in the guest as its CPU would (B1.9): the guest's
 * SCTLR picks the vectors and the instruction set and endianness of the
 * handler. @lr_offset: the return offset from the faulting instruction.
 */
static void inject_exception(struct armvirt_vcpu *vcpu, u32 mode, u32 vector,
			     u32 lr_offset)
{
	u32 cpsr = *vcpu_cpsr(vcpu), sctlr = *vcpu_cp15(vcpu, C1_SCTLR);
	u32 *banked = mode_regs(vcpu, mode);
	u32 new_cpsr;

	new_cpsr = (cpsr & ~(CPSR_MODE_MASK | CPSR_T | CPSR_E | CPSR_J |
			     CPSR_IT_LOW_MASK | CPSR_IT_HIGH_MASK)) | mode | CPSR_I;
	if (mode == ABT_MODE)
		new_cpsr |= CPSR_A;
	if (sctlr & SCTLR_TE)
		new_cpsr |= CPSR_T;
	if (sctlr & SCTLR_EE)
		new_cpsr |= CPSR_E;

	banked[2] = cpsr;				/* SPSR */
	banked[1] = *vcpu_pc(vcpu) + lr_offset;		/* LR */
	*vcpu_pc(vcpu) = ((sctlr & SCTLR_V) ? 0xffff0000 : *vcpu_cp15(vcpu, C12_VBAR)) +
			 vector;
	*vcpu_cpsr(vcpu) = new_cpsr;
}

void vcpu_inject_undef(struct armvirt_vcpu *vcpu)
{
	vcpu_count_exit(vcpu, EXIT_UNDEF);
	inject_exception(vcpu, UND_MODE, 0x04, (*vcpu_cpsr(vcpu) & CPSR_T) ? 2 : 4);
}

/* An external abort, in the format the guest's TTBCR.EAE selects. */
static u32 external_abort_fsr(struct armvirt_vcpu *vcpu)
{
	if (*vcpu_cp15(vcpu, C2_TTBCR) & GUEST_TTBCR_EAE)
		return FSR_LPAE | FSR_EXT_ABORT_LPAE;
	return FSR_EXT_ABORT_SHORT;
}

void vcpu_inject_dabt(struct armvirt_vcpu *vcpu, u32 addr)
{
	vcpu_count_exit(vcpu, EXIT_ABORT);
	*vcpu_cp15(vcpu, C6_DFAR) = addr;
	*vcpu_cp15(vcpu, C5_DFSR) = external_abort_fsr(vcpu);
	inject_exception(vcpu, ABT_MODE, 0x10, 8);
}

/*
 * An asynchronous (external) abort the guest caused: a virtual abort, which
 * the guest takes when its CPSR.A allows (B1.9.9), as KVM/ARM did.
 */
void vcpu_inject_vabt(struct armvirt_vcpu *vcpu)
{
	vcpu_count_exit(vcpu, EXIT_ABORT);
	vcpu->hyp->hcr |= LV_HCR_VA;
}

void vcpu_inject_pabt(struct armvirt_vcpu *vcpu, u32 addr)
{
	vcpu_count_exit(vcpu, EXIT_ABORT);
	*vcpu_cp15(vcpu, C6_IFAR) = addr;
	*vcpu_cp15(vcpu, C5_IFSR) = external_abort_fsr(vcpu);
	inject_exception(vcpu, ABT_MODE, 0x0c, 4);
}
