/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * HCR, the Hyp Configuration Register (ARM ARM B4.1.65): the bits the
 * highvisor sets in a vCPU's saved HCR (vcpu->hyp->hcr), which the
 * lowvisor loads at every entry. The virtual abort bit is LV_HCR_VA
 * (lowvisor.h), since the lowvisor tests it too.
 */
#ifndef ARMVIRT_HCR_H
#define ARMVIRT_HCR_H

#include <linux/bits.h>

#define HCR_VM		BIT(0)		/* stage 2 on */
#define HCR_SWIO	BIT(1)		/* set/way invalidate as clean+invalidate */
#define HCR_FMO		BIT(3)		/* physical FIQs to HYP, virtual FIQs to the guest */
#define HCR_IMO		BIT(4)		/* the same for IRQs */
#define HCR_AMO		BIT(5)		/* the same for asynchronous aborts */
#define HCR_VF		BIT(6)		/* a virtual FIQ is pending */
#define HCR_VI		BIT(7)		/* a virtual IRQ is pending */
#define HCR_FB		BIT(9)		/* TLB and BP maintenance broadcast */
#define HCR_BSU_IS	(1 << 10)	/* barriers: inner shareable */
#define HCR_TWI		BIT(13)		/* trap WFI */
#define HCR_TWE		BIT(14)		/* trap WFE */
#define HCR_TSC		BIT(19)		/* trap SMC */
#define HCR_TIDCP	BIT(20)		/* trap implementation defined CP15 c9-c11 */
#define HCR_TAC		BIT(21)		/* trap ACTLR */
#define HCR_TSW		BIT(22)		/* trap cache maintenance by set/way */
#define HCR_TVM		BIT(26)		/* trap writes to the VM control registers */

#endif
