/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The guest's virtual timer (ARM ARM B8): its registers are switched with
 * the guest (lowvisor), its interrupt (PPI 27) is a level the vGIC
 * delivers, and a host hrtimer wakes a vCPU that waits for it in WFI.
 * All of it runs in the vCPU's thread but the hrtimer's callback (hard IRQ).
 */
#ifndef ARMVIRT_TIMER_VTIMER_H
#define ARMVIRT_TIMER_VTIMER_H

#include <linux/hrtimer.h>
#include <linux/ktime.h>
#include <linux/types.h>

/*
 * Both timers' hrtimers, at setup and at every start: they expire in hard
 * IRQ on PREEMPT_RT too (not in ktimersd, below any real-time vCPU), and
 * hrtimer_start() warns on RT if its mode differs from the setup's.
 */
#define VTIMER_HRTIMER_MODE	HRTIMER_MODE_REL_HARD

struct armvirt_vcpu;

void vtimer_vcpu_init(struct armvirt_vcpu *vcpu);
bool vtimer_should_fire(struct armvirt_vcpu *vcpu);
void vtimer_flush(struct armvirt_vcpu *vcpu);	/* IRQs off, before entry */
void vtimer_flush_without_vgic(struct armvirt_vcpu *vcpu);	/* the same, no vGIC */
void vtimer_unflush(struct armvirt_vcpu *vcpu);	/* IRQs off, after exit */
void vtimer_block_start(struct armvirt_vcpu *vcpu);
void vtimer_block_end(struct armvirt_vcpu *vcpu);
u64 vtimer_host_counter(void);
ktime_t vtimer_delay(u64 now, u64 cval);	/* until the counter reaches @cval */

/* The emulated physical timer (ptimer.c); vCPU thread */
enum ptimer_reg { PTIMER_CTL, PTIMER_TVAL, PTIMER_CVAL };
void ptimer_vcpu_init(struct armvirt_vcpu *vcpu);
void ptimer_vcpu_stop(struct armvirt_vcpu *vcpu);
bool ptimer_should_fire(struct armvirt_vcpu *vcpu);
void ptimer_flush(struct armvirt_vcpu *vcpu);	/* IRQs off, before entry */
u64 ptimer_read(struct armvirt_vcpu *vcpu, enum ptimer_reg reg);
void ptimer_write(struct armvirt_vcpu *vcpu, enum ptimer_reg reg, u64 val);

#endif /* ARMVIRT_TIMER_VTIMER_H */
