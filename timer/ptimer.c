// SPDX-License-Identifier: GPL-2.0-only
/*
 * The guest's physical timer, emulated as KVM/ARM did: its registers trap
 * (CNTHCTL.PL1PCEN clear while a guest runs), it counts on the physical
 * counter the guest may read directly, and it interrupts with PPI 30. A
 * host hrtimer, armed at its deadline, makes the vCPU look again: it kicks
 * a vCPU in its guest and wakes one in WFI.
 *
 * The registers live in struct armvirt_vcpu (ptimer_ctl, ptimer_cval),
 * written by the vCPU's thread with vcpu->mutex held, before it re-arms the
 * hrtimer; the hrtimer's callback (hard IRQ, on PREEMPT_RT too: see
 * vtimer_wakeup()) only reads the compare value
 * (a torn read of one being replaced only fires early or late a timer that
 * is about to be cancelled) and kicks.
 */
#include <linux/hrtimer.h>
#include <linux/math64.h>
#include <linux/sched.h>
#include <linux/smp.h>
#include <asm/arch_timer.h>

#include "vtimer.h"
#include "../highvisor/compat.h"
#include "../highvisor/run.h"
#include "../highvisor/vm.h"
#include "../vgic/vgic.h"

#define CTL_ENABLE	BIT(0)
#define CTL_IMASK	BIT(1)
#define CTL_ISTATUS	BIT(2)
#define PTIMER_PPI	30

/* Hard IRQ. Early (see vtimer_wakeup()): wait for the rest. */
static enum hrtimer_restart ptimer_expired(struct hrtimer *t)
{
	struct armvirt_vcpu *vcpu = container_of(t, struct armvirt_vcpu, ptimer_hrtimer);
	u64 now = vtimer_host_counter(), cval = READ_ONCE(vcpu->ptimer_cval);

	if (now < cval) {
		hrtimer_forward_now(t, vtimer_delay(now, cval));
		return HRTIMER_RESTART;
	}

	/*
	 * The module's kick call-data, not one in the vCPU: a call still
	 * queued to another CPU when the vCPU is freed would be freed with it.
	 */
	armvirt_vcpu_request(vcpu, REQ_KICK);
	return HRTIMER_NORESTART;
}

void ptimer_vcpu_init(struct armvirt_vcpu *vcpu)
{
	armvirt_hrtimer_setup(&vcpu->ptimer_hrtimer, ptimer_expired, CLOCK_MONOTONIC,
			      VTIMER_HRTIMER_MODE);
}

static bool ptimer_expired_now(struct armvirt_vcpu *vcpu)
{
	return vtimer_host_counter() >= vcpu->ptimer_cval;
}

bool ptimer_should_fire(struct armvirt_vcpu *vcpu)
{
	return (vcpu->ptimer_ctl & (CTL_ENABLE | CTL_IMASK)) == CTL_ENABLE &&
	       ptimer_expired_now(vcpu);
}

/* After a register write: (re)arm the hrtimer for the deadline, or stop it. */
static void ptimer_rearm(struct armvirt_vcpu *vcpu)
{
	hrtimer_cancel(&vcpu->ptimer_hrtimer);
	if ((vcpu->ptimer_ctl & (CTL_ENABLE | CTL_IMASK)) != CTL_ENABLE)
		return;
	hrtimer_start(&vcpu->ptimer_hrtimer,
		      vtimer_delay(vtimer_host_counter(), vcpu->ptimer_cval), VTIMER_HRTIMER_MODE);
}

/* Before entry, IRQs off: the line of PPI 30. */
void ptimer_flush(struct armvirt_vcpu *vcpu)
{
	vgic_set_ppi_level(vcpu, PTIMER_PPI, ptimer_should_fire(vcpu));
}

void ptimer_vcpu_stop(struct armvirt_vcpu *vcpu)
{
	hrtimer_cancel(&vcpu->ptimer_hrtimer);
}

/* CNTP_CTL, CNTP_TVAL (32-bit) and CNTP_CVAL (64-bit) as the guest reads and writes them */
u64 ptimer_read(struct armvirt_vcpu *vcpu, enum ptimer_reg reg)
{
	switch (reg) {
	case PTIMER_CTL:
		return (vcpu->ptimer_ctl & ~CTL_ISTATUS) |
		       (ptimer_expired_now(vcpu) ? CTL_ISTATUS : 0);
	case PTIMER_TVAL:
		return (u32)(vcpu->ptimer_cval - vtimer_host_counter());
	default:
		return vcpu->ptimer_cval;
	}
}

void ptimer_write(struct armvirt_vcpu *vcpu, enum ptimer_reg reg, u64 val)
{
	switch (reg) {
	case PTIMER_CTL:
		vcpu->ptimer_ctl = val & (CTL_ENABLE | CTL_IMASK);
		break;
	case PTIMER_TVAL:	/* a signed 32-bit distance from now */
		vcpu->ptimer_cval = vtimer_host_counter() + (s64)(s32)val;
		break;
	default:
		vcpu->ptimer_cval = val;
	}
	ptimer_rearm(vcpu);
}
