// SPDX-License-Identifier: GPL-2.0-only
/*
 * The virtual timer's interrupt. The guest programs CNTV_CTL and CNTV_CVAL
 * directly; its virtual counter is the physical one less the VM's CNTVOFF,
 * the same on every vCPU of the VM. Its line is high while the timer is
 * enabled, unmasked and past its compare value.
 *
 * While that line is high in the guest, the host's physical PPI is kept
 * active, so that it does not fire again and again before the guest has
 * dealt with it; it is released as soon as the line drops.
 */
#include <linux/hrtimer.h>
#include <linux/interrupt.h>
#include <linux/math64.h>
#include <linux/sched.h>
#include <asm/arch_timer.h>

#include "vtimer.h"
#include "../highvisor/armvirt.h"
#include "../highvisor/compat.h"
#include "../highvisor/run.h"
#include "../highvisor/vm.h"
#include "../vgic/vgic.h"

#define CNTV_CTL_ENABLE		BIT(0)
#define CNTV_CTL_IMASK		BIT(1)

u64 vtimer_host_counter(void)
{
	return __arch_counter_get_cntpct();
}

/*
 * How long until the counter reaches @cval from @now, for an hrtimer. A
 * guest's compare value can be any 64-bit number: decades away is capped
 * (an hrtimer's expiry is a signed 64-bit time), never wrapped into the past.
 */
ktime_t vtimer_delay(u64 now, u64 cval)
{
	u64 ticks = cval > now ? cval - now : 0;
	u32 freq = armvirt_platform.cntfrq;

	if (ticks >= div_u64(KTIME_MAX, NSEC_PER_SEC) * freq)
		return KTIME_MAX;
	return ns_to_ktime(mul_u64_u32_div(ticks, NSEC_PER_SEC, freq));
}

static bool vtimer_armed(struct armvirt_vcpu *vcpu)
{
	u32 ctl = vcpu->hyp->ctxt.timer.cntv_ctl;

	return (ctl & CNTV_CTL_ENABLE) && !(ctl & CNTV_CTL_IMASK);
}

static u64 vtimer_guest_count(struct armvirt_vcpu *vcpu)
{
	return vtimer_host_counter() - vcpu->hyp->ctxt.timer.cntvoff;
}

/*
 * Hard IRQ, on PREEMPT_RT too (VTIMER_HRTIMER_MODE, as KVM's: else the
 * lowest real-time thread, ktimers, would run it, and any real-time task
 * below the vCPU's would hold back its wake-up; the rcuwait wake-up takes
 * no sleeping lock).
 * CLOCK_MONOTONIC and the counter do not run exactly together (NTP slews
 * the former): an hrtimer may expire a little before the counter
 * reaches the compare value, and the vCPU, finding no interrupt, would sleep
 * on with nothing left to wake it. Then wait for the rest, as KVM did. The
 * vCPU is blocked in WFI meanwhile: its timer registers do not change.
 */
static enum hrtimer_restart vtimer_wakeup(struct hrtimer *t)
{
	struct armvirt_vcpu *vcpu = container_of(t, struct armvirt_vcpu, wfi_timer);
	u64 now = vtimer_guest_count(vcpu), cval = vcpu->hyp->ctxt.timer.cntv_cval;

	if (vtimer_armed(vcpu) && now < cval) {
		hrtimer_forward_now(t, vtimer_delay(now, cval));
		return HRTIMER_RESTART;
	}
	rcuwait_wake_up(&vcpu->wait);
	return HRTIMER_NORESTART;
}

void vtimer_vcpu_init(struct armvirt_vcpu *vcpu)
{
	armvirt_hrtimer_setup(&vcpu->wfi_timer, vtimer_wakeup, CLOCK_MONOTONIC,
			      VTIMER_HRTIMER_MODE);
}

bool vtimer_should_fire(struct armvirt_vcpu *vcpu)
{
	return vtimer_armed(vcpu) &&
	       vtimer_guest_count(vcpu) >= vcpu->hyp->ctxt.timer.cntv_cval;
}

/* While the guest's timer output is up, keep its PPI from ending the run: held active. */
static void vtimer_hold(struct armvirt_vcpu *vcpu, bool level)
{
	int irq = vgic_hw_timer_irq();

	vcpu->vtimer_held = level && irq;
	if (vcpu->vtimer_held)
		irq_set_irqchip_state(irq, IRQCHIP_STATE_ACTIVE, true);
}

void vtimer_flush(struct armvirt_vcpu *vcpu)
{
	bool level = vtimer_should_fire(vcpu);

	vgic_set_ppi_level(vcpu, VGIC_TIMER_PPI, level);
	ptimer_flush(vcpu);
	vtimer_hold(vcpu, level);
}

/*
 * A VM without a vGIC: nothing delivers the timer's interrupt (no
 * KVM_CAP_ARM_USER_IRQ, as KVM without it), but an expired timer's PPI
 * would still end every entry at once, and the guest would never run
 * again: it is held as with a vGIC.
 */
void vtimer_flush_without_vgic(struct armvirt_vcpu *vcpu)
{
	vtimer_hold(vcpu, vtimer_should_fire(vcpu));
}

/* After the exit, on the same CPU: no CPU keeps the PPI held for a guest that left. */
void vtimer_unflush(struct armvirt_vcpu *vcpu)
{
	if (vcpu->vtimer_held)
		irq_set_irqchip_state(vgic_hw_timer_irq(), IRQCHIP_STATE_ACTIVE, false);
	vcpu->vtimer_held = false;
}

/* A vCPU goes to sleep in WFI: wake it when its timer would fire. */
void vtimer_block_start(struct armvirt_vcpu *vcpu)
{
	if (!vtimer_armed(vcpu))
		return;
	hrtimer_start(&vcpu->wfi_timer,
		      vtimer_delay(vtimer_guest_count(vcpu), vcpu->hyp->ctxt.timer.cntv_cval),
		      VTIMER_HRTIMER_MODE);
}

void vtimer_block_end(struct armvirt_vcpu *vcpu)
{
	hrtimer_cancel(&vcpu->wfi_timer);
}
