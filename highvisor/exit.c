// SPDX-License-Identifier: GPL-2.0-only
/*
 * Exit handling: what the highvisor does with each way a guest stops, by
 * the exception class in HSR (ARM ARM B3.13.6), from a table.
 */
#include <linux/sched.h>
#include <linux/sched/signal.h>
#include <linux/wait.h>

#include "armvirt.h"
#include "run.h"
#include "../lowvisor/lowvisor.h"
#include "../timer/vtimer.h"
#include "../vgic/vgic.h"

/*
 * An interrupt for the vCPU: its timer fired, or the vGIC has one pending;
 * without a vGIC, the VMM holds its IRQ or FIQ line up (irq_line.c).
 */
static bool vcpu_has_interrupt(struct armvirt_vcpu *vcpu)
{
	if (!vgic_ready(vcpu->vm))
		return READ_ONCE(vcpu->irq_lines) != 0;
	return vtimer_should_fire(vcpu) || ptimer_should_fire(vcpu) || vgic_vcpu_pending(vcpu);
}

/*
 * Block in WFI until the vCPU has something to do: a request (power,
 * reset, a kick), an interrupt (the vGIC's, or its timer's, which an
 * hrtimer watches) or a signal. The thread sleeps: a guest in WFI costs
 * the host nothing.
 */
int armvirt_vcpu_block(struct armvirt_vcpu *vcpu)
{
	if (vgic_ready(vcpu->vm))
		vtimer_block_start(vcpu);
	rcuwait_wait_event(&vcpu->wait, READ_ONCE(vcpu->requests) ||
			   signal_pending(current) || vcpu_has_interrupt(vcpu),
			   TASK_INTERRUPTIBLE);
	if (vgic_ready(vcpu->vm))
		vtimer_block_end(vcpu);
	return 1;
}

/*
 * WFI blocks. WFE is a spinning guest's hint that it waits for another
 * vCPU (B4.1.65 TWE): leave the CPU if the scheduler has other work.
 */
static int handle_wfx(struct armvirt_vcpu *vcpu)
{
	bool is_wfe = vcpu->hyp->hsr & 1;

	vcpu_skip_instr(vcpu, vcpu->hyp->hsr & HSR_IL);
	if (is_wfe) {
		vcpu_count_exit(vcpu, EXIT_WFE);
		cond_resched();
		return 1;
	}
	vcpu_count_exit(vcpu, EXIT_WFI);
	return armvirt_vcpu_block(vcpu);
}

static int handle_hvc(struct armvirt_vcpu *vcpu)
{
	/* ELR already points past the hvc (B1.9.4's preferred return address). */
	return armvirt_handle_hvc_call(vcpu);
}

/* No secure monitor exists for a guest: SMC is undefined, as in KVM/ARM. */
static int handle_undef(struct armvirt_vcpu *vcpu)
{
	vcpu_inject_undef(vcpu);
	return 1;
}

static int handle_unknown_ec(struct armvirt_vcpu *vcpu)
{
	pr_warn_ratelimited(ARMVIRT_NAME ": vCPU %u: unexpected trap (HSR %#x) at %#x; undefined instruction injected\n",
			    vcpu->id, vcpu->hyp->hsr, *vcpu_pc(vcpu));
	vcpu_inject_undef(vcpu);
	return 1;
}

/* The faulting IPA (B4.1.61 HPFAR: IPA[39:12] in bits [31:4]) */
static u64 fault_ipa(struct armvirt_vcpu *vcpu, u32 far)
{
	return ((u64)(vcpu->hyp->hpfar & ~0xfU) << 8) | (far & 0xfff);
}

/*
 * A stage-2 abort: guest RAM not mapped yet (or read-only until written),
 * or an access to an address outside RAM (MMIO).
 */
static int handle_abort(struct armvirt_vcpu *vcpu)
{
	struct lv_vcpu *hyp = vcpu->hyp;
	bool is_iabt = HSR_EC(hyp->hsr) == HSR_EC_IABT;
	u32 far = is_iabt ? hyp->hifar : hyp->hdfar;
	u32 fsc = HSR_FSC_TYPE(hyp->hsr);
	bool is_write;
	u64 ipa;
	int ret;

	if (hyp->flags & LV_FLAG_HPFAR_INVALID)
		return 1;	/* the guest's stage 1 changed under it: retry */
	if (HSR_FSC(hyp->hsr) == FSC_ASYNC_EXTERNAL || HSR_FSC(hyp->hsr) == FSC_ASYNC_PARITY) {
		vcpu_inject_vabt(vcpu);	/* the guest's own, taken while it ran */
		return 1;
	}
	if (fsc != FSC_TRANSLATION && fsc != FSC_ACCESS && fsc != FSC_PERM) {
		pr_warn_ratelimited(ARMVIRT_NAME ": vCPU %u: abort at %#x (HSR %#x); abort injected\n",
				    vcpu->id, far, hyp->hsr);
		if (is_iabt)
			vcpu_inject_pabt(vcpu, far);
		else
			vcpu_inject_dabt(vcpu, far);
		return 1;
	}
	ipa = fault_ipa(vcpu, far);
	/*
	 * ARMv7 table walks only read; WnR is the access's own direction. Cache
	 * maintenance by VA (CM) reports WnR set and counts as a write, as in
	 * KVM: a permission fault then makes a writable slot's page writable
	 * (mapping it read-only again would fault forever), and on a read-only
	 * slot the operation is skipped below.
	 */
	is_write = !is_iabt && (hyp->hsr & HSR_DABT_WNR) && !(hyp->hsr & HSR_DABT_S1PTW);
	ret = armvirt_stage2_fault(vcpu, ipa, is_write);
	if (ret) {
		if (ret > 0)
			vcpu_count_exit(vcpu, EXIT_MEM_FAULT);
		return ret;
	}

	/* Not RAM for this access. */
	if (is_iabt) {
		vcpu_inject_pabt(vcpu, far);	/* executing from a device */
		return 1;
	}
	if (hyp->hsr & HSR_DABT_S1PTW) {
		vcpu_inject_dabt(vcpu, far);	/* its page tables are not in RAM */
		return 1;
	}
	if (hyp->hsr & HSR_DABT_CM) {
		/* Cache maintenance on a device or read-only slot does nothing. */
		vcpu_skip_instr(vcpu, hyp->hsr & HSR_IL);
		return 1;
	}
	return armvirt_handle_mmio(vcpu, ipa);
}

typedef int (*exit_handler_fn)(struct armvirt_vcpu *vcpu);

static const exit_handler_fn exit_handlers[HSR_EC_MAX + 1] = {
	[HSR_EC_WFI]		= handle_wfx,
	[HSR_EC_CP15_32]	= armvirt_handle_cp15_32,
	[HSR_EC_CP15_64]	= armvirt_handle_cp15_64,
	[HSR_EC_CP14_MR]	= armvirt_handle_cp14,
	[HSR_EC_CP14_LS]	= handle_undef,
	[HSR_EC_CP14_64]	= armvirt_handle_cp14,
	[HSR_EC_HVC]		= handle_hvc,
	[HSR_EC_SMC]		= handle_undef,
	[HSR_EC_IABT]		= handle_abort,
	[HSR_EC_DABT]		= handle_abort,
};

/* Trapped instructions whose condition failed do nothing (B3.13.6). */
static bool ec_is_conditional(u32 ec)
{
	return ec >= HSR_EC_WFI && ec <= HSR_EC_CP14_64;
}

int armvirt_handle_exit(struct armvirt_vcpu *vcpu)
{
	struct lv_vcpu *hyp = vcpu->hyp;
	exit_handler_fn handler;
	u32 ec;

	/* An asynchronous abort taken in the exit window is the guest's. */
	if (hyp->flags & LV_FLAG_SERROR) {
		hyp->flags &= ~LV_FLAG_SERROR;
		pr_warn_ratelimited(ARMVIRT_NAME ": vCPU %u: asynchronous abort at guest exit; virtual abort injected\n",
				    vcpu->id);
		vcpu_inject_vabt(vcpu);
	}
	switch (hyp->exit) {
	case LV_EXIT_IRQ:
	case LV_EXIT_FIQ:
		vcpu_count_exit(vcpu, EXIT_IRQ);
		return 1;	/* taken by the host as IRQs came back on */
	case LV_EXIT_HYP_FAULT:
		armvirt_hyp_panic(hyp->hpfar, hyp->hifar, hyp->hsr, hyp->hdfar);
		return -EIO;	/* not reached */
	case LV_EXIT_TRAP:
		break;
	default:
		WARN_ONCE(1, ARMVIRT_NAME ": unknown lowvisor exit %u\n", hyp->exit);
		return -EIO;
	}

	ec = HSR_EC(hyp->hsr);
	if (ec_is_conditional(ec) && !vcpu_condition_passed(vcpu)) {
		vcpu_skip_instr(vcpu, hyp->hsr & HSR_IL);
		return 1;
	}
	handler = exit_handlers[ec];
	if (!handler)
		handler = handle_unknown_ec;
	return handler(vcpu);
}

/*
 * The debugfs test interface (debugfs_vcpu.c): handle one trap exit with
 * this syndrome as if the stopped vCPU's guest had just taken it. Caller
 * holds vcpu->mutex. What the handler returns (0: the VMM would be needed).
 */
int armvirt_selftest_trap(struct armvirt_vcpu *vcpu, u32 hsr, u32 far, u32 hpfar)
{
	struct lv_vcpu *hyp = vcpu->hyp;

	if (!vcpu->initialized)
		return -ENOEXEC;
	hyp->exit = LV_EXIT_TRAP;
	hyp->hsr = hsr;
	hyp->hdfar = far;
	hyp->hifar = far;
	hyp->hpfar = hpfar;
	hyp->flags &= ~LV_FLAG_HPFAR_INVALID;
	return armvirt_handle_exit(vcpu);
}
