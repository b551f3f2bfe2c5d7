// SPDX-License-Identifier: GPL-2.0-only
/*
 * KVM_RUN: the loop that enters the guest through the lowvisor and handles
 * its exits, until one needs the VMM or a signal arrives.
 *
 * The guest runs with the host's preemption and IRQs off: a host interrupt
 * makes the guest exit (HCR.IMO), and is taken as soon as IRQs are back on.
 * Everything a guest owns is saved at every exit, so between two entries
 * the thread may be preempted or moved to another CPU freely.
 */
#include <linux/cpumask.h>
#include <linux/preempt.h>
#include <linux/rcupdate.h>
#include <linux/sched.h>
#include <linux/sched/signal.h>
#include <linux/smp.h>

#include "armvirt.h"
#include "run.h"
#include "trace.h"
#include "../lowvisor/ctxt.h"
#include "../timer/vtimer.h"
#include "../vgic/vgic.h"

static void check_ctxt_layout(void)
{
	BUILD_BUG_ON(offsetof(struct lv_ctxt, regs) != LV_CTXT_REGS);
	BUILD_BUG_ON(offsetof(struct lv_ctxt, regs.usr_regs.uregs[13]) != LV_REGS_SP_USR);
	BUILD_BUG_ON(offsetof(struct lv_ctxt, regs.usr_regs.uregs[14]) != LV_REGS_LR_USR);
	BUILD_BUG_ON(offsetof(struct lv_ctxt, regs.usr_regs.uregs[15]) != LV_REGS_PC);
	BUILD_BUG_ON(offsetof(struct lv_ctxt, regs.usr_regs.uregs[16]) != LV_REGS_CPSR);
	BUILD_BUG_ON(offsetof(struct lv_ctxt, regs.svc_regs) != LV_REGS_SVC);
	BUILD_BUG_ON(offsetof(struct lv_ctxt, regs.abt_regs) != LV_REGS_ABT);
	BUILD_BUG_ON(offsetof(struct lv_ctxt, regs.und_regs) != LV_REGS_UND);
	BUILD_BUG_ON(offsetof(struct lv_ctxt, regs.irq_regs) != LV_REGS_IRQ);
	BUILD_BUG_ON(offsetof(struct lv_ctxt, regs.fiq_regs) != LV_REGS_FIQ);
	BUILD_BUG_ON(offsetof(struct lv_ctxt, cp15) != LV_CTXT_CP15);
	BUILD_BUG_ON(offsetof(struct lv_ctxt, vfp) != LV_CTXT_VFP);
	BUILD_BUG_ON(offsetof(struct armvirt_vfp, fpexc) != LV_VFP_FPEXC);
	BUILD_BUG_ON(offsetof(struct armvirt_vfp, fpscr) != LV_VFP_FPSCR);
	BUILD_BUG_ON(offsetof(struct armvirt_vfp, fpinst) != LV_VFP_FPINST);
	BUILD_BUG_ON(offsetof(struct armvirt_vfp, fpinst2) != LV_VFP_FPINST2);
	BUILD_BUG_ON(offsetof(struct lv_ctxt, timer) != LV_CTXT_TIMER);
	BUILD_BUG_ON(offsetof(struct lv_timer, cntv_cval) != LV_TIMER_CNTV_CVAL);
	BUILD_BUG_ON(offsetof(struct lv_timer, cntvoff) != LV_TIMER_CNTVOFF);
	BUILD_BUG_ON(offsetof(struct lv_timer, cntv_ctl) != LV_TIMER_CNTV_CTL);
	BUILD_BUG_ON(offsetof(struct lv_timer, cnthctl) != LV_TIMER_CNTHCTL);
	BUILD_BUG_ON(offsetof(struct lv_ctxt, thumbee) != LV_CTXT_THUMBEE);
	BUILD_BUG_ON(offsetof(struct lv_thumbee, teecr) != LV_THUMBEE_TEECR);
	BUILD_BUG_ON(offsetof(struct lv_thumbee, teehbr) != LV_THUMBEE_TEEHBR);
	BUILD_BUG_ON(sizeof(struct lv_ctxt) != LV_CTXT_SIZE);
	BUILD_BUG_ON(offsetof(struct lv_vcpu, vttbr) != LV_VCPU_VTTBR);
	BUILD_BUG_ON(offsetof(struct lv_vcpu, hcr) != LV_VCPU_HCR);
	BUILD_BUG_ON(offsetof(struct lv_vcpu, hcptr) != LV_VCPU_HCPTR);
	BUILD_BUG_ON(offsetof(struct lv_vcpu, hstr) != LV_VCPU_HSTR);
	BUILD_BUG_ON(offsetof(struct lv_vcpu, hdcr) != LV_VCPU_HDCR);
	BUILD_BUG_ON(offsetof(struct lv_vcpu, vpidr) != LV_VCPU_VPIDR);
	BUILD_BUG_ON(offsetof(struct lv_vcpu, flags) != LV_VCPU_FLAGS);
	BUILD_BUG_ON(offsetof(struct lv_vcpu, exit) != LV_VCPU_EXIT);
	BUILD_BUG_ON(offsetof(struct lv_vcpu, hsr) != LV_VCPU_HSR);
	BUILD_BUG_ON(offsetof(struct lv_vcpu, hdfar) != LV_VCPU_HDFAR);
	BUILD_BUG_ON(offsetof(struct lv_vcpu, hifar) != LV_VCPU_HIFAR);
	BUILD_BUG_ON(offsetof(struct lv_vcpu, hpfar) != LV_VCPU_HPFAR);
	BUILD_BUG_ON(offsetof(struct lv_vcpu, host_fpexc) != LV_VCPU_HOST_FPEXC);
	BUILD_BUG_ON(offsetof(struct lv_vcpu, pc_par) != LV_VCPU_PC_PAR);
	BUILD_BUG_ON(sizeof(struct lv_vcpu) != LV_VCPU_SIZE);
	BUILD_BUG_ON(sizeof(struct lv_vcpu) > PAGE_SIZE);
	BUILD_BUG_ON(NR_CP15_REGS > LV_CP15_SLOTS);
}

/* PSCI CPU_ON reset the vCPU: done here, by the vCPU itself, as KVM did. */
static void vcpu_apply_reset(struct armvirt_vcpu *vcpu)
{
	struct armvirt_reset_state rs;

	spin_lock(&vcpu->power_lock);
	rs = vcpu->reset_state;
	spin_unlock(&vcpu->power_lock);

	armvirt_reset_core_regs(vcpu);
	armvirt_reset_cp15_regs(vcpu);
	armvirt_reset_vfp_regs(vcpu);
	armvirt_reset_thumbee_regs(vcpu);
	vcpu->mmio_pending = false;
	*vcpu_pc(vcpu) = rs.pc;
	*vcpu_reg(vcpu, 0) = rs.r0;
	if (rs.thumb)
		*vcpu_cpsr(vcpu) |= CPSR_T;
	if (rs.big_endian) {
		*vcpu_cpsr(vcpu) |= CPSR_E;
		*vcpu_cp15(vcpu, C1_SCTLR) |= BIT(25);	/* SCTLR.EE */
	}
}

/*
 * Requests from other vCPUs: a pending reset, and sleeping while powered
 * off. Returns 1 to go on, or -EINTR for a signal while asleep.
 */
static int vcpu_handle_requests(struct armvirt_vcpu *vcpu)
{
	if (test_and_clear_bit(REQ_RESET, &vcpu->requests))
		vcpu_apply_reset(vcpu);
	clear_bit(REQ_KICK, &vcpu->requests);
	if (test_and_clear_bit(REQ_SLEEP, &vcpu->requests) ||
	    armvirt_vcpu_powered_off(vcpu)) {
		if (rcuwait_wait_event(&vcpu->wait, !armvirt_vcpu_powered_off(vcpu) ||
				       test_bit(REQ_RESET, &vcpu->requests), TASK_INTERRUPTIBLE)) {
			set_bit(REQ_SLEEP, &vcpu->requests);	/* sleep again after the signal */
			return -EINTR;
		}
		if (test_and_clear_bit(REQ_RESET, &vcpu->requests))
			vcpu_apply_reset(vcpu);
	}
	return 1;
}

/*
 * One trip into the guest. Preemption and IRQs go off here and come back
 * on only after the exit, when a pending host interrupt is taken.
 */
static int vcpu_enter_guest(struct armvirt_vcpu *vcpu)
{
	struct armvirt_vm *vm = vcpu->vm;
	struct lv_vcpu *hyp = vcpu->hyp;
	struct vgic_dist *vgic = vgic_ready(vm);	/* fixed since the first run */
	int cpu, *last_ran, ret;

	armvirt_vmid_update(&vm->vmid);

	preempt_disable();
	cpu = smp_processor_id();
	last_ran = per_cpu_ptr(vm->last_vcpu_ran, cpu);
	if (*last_ran != vcpu->id) {
		/*
		 * Another vCPU of this VM ran here since: its TLB entries for
		 * the shared VMID may not match this vCPU's stage 1.
		 */
		if (*last_ran != -1)
			hyp->flags |= LV_FLAG_FLUSH_LOCAL_TLB;
		*last_ran = vcpu->id;
	}

	local_irq_disable();
	WRITE_ONCE(vcpu->cpu, cpu);
	WRITE_ONCE(vcpu->mode, IN_GUEST_MODE);
	smp_mb();	/* the mode before the requests: see armvirt_vcpu_request() */
	if (armvirt_vmid_stale(&vm->vmid) || READ_ONCE(vcpu->requests) ||
	    signal_pending(current)) {
		WRITE_ONCE(vcpu->mode, OUTSIDE_GUEST_MODE);
		local_irq_enable();
		preempt_enable();
		return 1;	/* look again */
	}
	/*
	 * The VMID only now, IRQs off, after its generation was found current
	 * (a rollover waits for this CPU to leave the guest): read before the
	 * check, it could be one another VM holds after a rollover.
	 */
	smp_rmb();	/* pairs with the smp_wmb() in armvirt_vmid_update() */
	hyp->vttbr = armvirt_vttbr(vm);
	if (vgic) {
		vtimer_flush(vcpu);
		vgic_flush_lrs(vcpu);
	} else {
		armvirt_vcpu_load_irq_lines(vcpu);
		vtimer_flush_without_vgic(vcpu);
	}
	trace_armvirt_entry(vcpu->id, *vcpu_pc(vcpu));
	/*
	 * The guest runs as user space would: a quiescent state for RCU, as
	 * KVM notes at each entry. RCU-Tasks (kprobes, ftrace on PREEMPT_RT)
	 * counts no other: a vCPU that leaves its guest only for host
	 * interrupts is never switched out voluntarily, and would hold its
	 * grace periods for as long as the guest spins.
	 */
	rcu_note_context_switch(false);
	ret = lowvisor_run_vcpu(hyp);
	trace_armvirt_exit(vcpu->id, hyp->exit, hyp->hsr, *vcpu_pc(vcpu));
	if (vgic)
		vgic_fold_lrs(vcpu);
	vtimer_unflush(vcpu);
	WRITE_ONCE(vcpu->mode, OUTSIDE_GUEST_MODE);
	local_irq_enable();
	preempt_enable();
	if (vgic)
		vgic_signal_resamples(vcpu);

	/*
	 * A CPU going offline has given its stub back (lv_cpu_offline()):
	 * the thread moves on before it dies. Only 5.10 without PREEMPT_RT
	 * lets any task run there meanwhile; later kernels move off all but
	 * pinned ones first.
	 */
	if (ret == -ENODEV && !cpu_active(cpu))
		return 1;
	if (ret) {
		pr_err_ratelimited(ARMVIRT_NAME ": CPU%d has no lowvisor; cannot run vCPU %u\n",
				   cpu, vcpu->id);
		vcpu->run->exit_reason = KVM_EXIT_FAIL_ENTRY;
		vcpu->run->fail_entry.hardware_entry_failure_reason = ret;
		return -EIO;
	}
	vcpu->stats.runs++;
	return armvirt_handle_exit(vcpu);
}

/*
 * The first KVM_RUN decides, under vm->lock, whether the vCPU has a vGIC:
 * if it does, it is initialised now; if not, none can be added any more
 * (vgic_may_create() looks at has_run under the same lock).
 */
static int vcpu_first_run(struct armvirt_vcpu *vcpu)
{
	struct armvirt_vm *vm = vcpu->vm;
	int ret = 0;

	mutex_lock(&vm->lock);
	if (vm->vgic)
		ret = vgic_init_for_run(vcpu);
	if (!ret)
		WRITE_ONCE(vcpu->has_run, true);
	mutex_unlock(&vm->lock);
	return ret;
}

int armvirt_vcpu_run(struct armvirt_vcpu *vcpu)
{
	struct kvm_run *run = vcpu->run;
	int ret;

	check_ctxt_layout();
	if (!vcpu->initialized)
		return -ENOEXEC;
	if (!vcpu->has_run) {
		ret = vcpu_first_run(vcpu);
		if (ret)
			return ret;
	}
	if (vcpu->mmio_pending)
		armvirt_mmio_complete(vcpu);
	if (READ_ONCE(run->immediate_exit)) {
		run->exit_reason = KVM_EXIT_INTR;
		return -EINTR;
	}

	do {
		ret = vcpu_handle_requests(vcpu);
		if (ret > 0 && signal_pending(current))
			ret = -EINTR;
		if (ret == -EINTR) {
			run->exit_reason = KVM_EXIT_INTR;
			vcpu_count_exit(vcpu, EXIT_SIGNAL);
			break;
		}
		cond_resched();
		ret = vcpu_enter_guest(vcpu);
	} while (ret > 0);
	return ret;
}
