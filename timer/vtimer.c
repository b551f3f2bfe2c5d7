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
#include <asm/arch_timer.h>

#include "vtimer.h"
#include "../highvisor/run.h"
#include "../highvisor/vm.h"
#include "../vgic/vgic.h"

#define CNTV_CTL_ENABLE		BIT(0)
#define CNTV_CTL_IMASK		BIT(1)

u64 vtimer_host_counter(void)
{
	return __arch_counter_get_cntpct();
}

static enum hrtimer_restart vtimer_wakeup(struct hrtimer *t)
{
	struct armvirt_vcpu *vcpu = container_of(t, struct armvirt_vcpu, wfi_timer);

	wake_up_interruptible(&vcpu->wq);
	return HRTIMER_NORESTART;
}

void vtimer_vcpu_init(struct armvirt_vcpu *vcpu)
{
	hrtimer_init(&vcpu->wfi_timer, CLOCK_MONOTONIC, HRTIMER_MODE_REL);
	vcpu->wfi_timer.function = vtimer_wakeup;
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

bool vtimer_should_fire(struct armvirt_vcpu *vcpu)
{
	return vtimer_armed(vcpu) &&
	       vtimer_guest_count(vcpu) >= vcpu->hyp->ctxt.timer.cntv_cval;
}

void vtimer_flush(struct armvirt_vcpu *vcpu)
{
	bool level = vtimer_should_fire(vcpu);
	int irq = vgic_hw_timer_irq();

	vgic_set_ppi_level(vcpu, VGIC_TIMER_PPI, level);
	ptimer_flush(vcpu);
	vcpu->vtimer_held = level && irq;
	if (vcpu->vtimer_held)
		irq_set_irqchip_state(irq, IRQCHIP_STATE_ACTIVE, true);
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
	u64 now, cval = vcpu->hyp->ctxt.timer.cntv_cval, ns;

	if (!vtimer_armed(vcpu))
		return;
	now = vtimer_guest_count(vcpu);
	ns = cval > now ? mul_u64_u32_div(cval - now, NSEC_PER_SEC, arch_timer_get_cntfrq()) : 0;
	hrtimer_start(&vcpu->wfi_timer, ns_to_ktime(ns), HRTIMER_MODE_REL);
}

void vtimer_block_end(struct armvirt_vcpu *vcpu)
{
	hrtimer_cancel(&vcpu->wfi_timer);
}
