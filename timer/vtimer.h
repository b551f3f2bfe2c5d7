/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The guest's virtual timer (ARM ARM B8): its registers are switched with
 * the guest (lowvisor), its interrupt (PPI 27) is a level the vGIC
 * delivers, and a host hrtimer wakes a vCPU that waits for it in WFI.
 * All of it runs in the vCPU's thread.
 */
#ifndef ARMVIRT_TIMER_VTIMER_H
#define ARMVIRT_TIMER_VTIMER_H

#include <linux/types.h>

struct armvirt_vcpu;

void vtimer_vcpu_init(struct armvirt_vcpu *vcpu);
bool vtimer_should_fire(struct armvirt_vcpu *vcpu);
void vtimer_flush(struct armvirt_vcpu *vcpu);	/* IRQs off, before entry */
void vtimer_unflush(struct armvirt_vcpu *vcpu);	/* IRQs off, after exit */
void vtimer_block_start(struct armvirt_vcpu *vcpu);
void vtimer_block_end(struct armvirt_vcpu *vcpu);
u64 vtimer_host_counter(void);

#endif /* ARMVIRT_TIMER_VTIMER_H */
