/* SPDX-License-Identifier: GPL-2.0-only */
/* GICv2 register offsets and fields (ARM IHI 0048B) the vGIC uses. */
#ifndef ARMVIRT_VGIC_REGS_H
#define ARMVIRT_VGIC_REGS_H

/* Virtual interface control (GICH), chapter 5.3 */
#define GICH_HCR		0x000
#define GICH_HCR_EN		(1U << 0)
#define GICH_HCR_UIE		(1U << 1)	/* maintenance IRQ when at most one LR is valid */
#define GICH_VTR		0x004
#define GICH_VTR_LISTREGS	0x3f
#define GICH_VMCR		0x008
#define GICH_MISR		0x010
#define GICH_ELRSR0		0x030
#define GICH_APR		0x0f0
#define GICH_LR(n)		(0x100 + 4 * (n))
#define GICH_LR_VIRTUALID	0x3ff
#define GICH_LR_CPUID_SHIFT	10		/* SGIs: the source vCPU */
#define GICH_LR_EOI		(1U << 19)	/* maintenance IRQ on EOI */
#define GICH_LR_PHYSID_SHIFT	10		/* HW: the physical INTID */
#define GICH_LR_PRIO_SHIFT	23		/* priority[7:3] */
#define GICH_LR_PENDING		(1U << 28)
#define GICH_LR_ACTIVE		(1U << 29)
#define GICH_LR_HW		(1U << 31)	/* EOI deactivates PhysicalID */

/* Distributor (GICD), chapter 4.3 */
#define GICD_CTLR		0x000
#define GICD_TYPER		0x004
#define GICD_IIDR		0x008
#define GICD_IGROUPR		0x080
#define GICD_ISENABLER		0x100
#define GICD_ICENABLER		0x180
#define GICD_ISPENDR		0x200
#define GICD_ICPENDR		0x280
#define GICD_ISACTIVER		0x300
#define GICD_ICACTIVER		0x380
#define GICD_IPRIORITYR		0x400
#define GICD_ITARGETSR		0x800
#define GICD_ICFGR		0xc00
#define GICD_SGIR		0xf00
#define GICD_CPENDSGIR		0xf10
#define GICD_SPENDSGIR		0xf20
#define GICD_ICPIDR2		0xfe8

#endif /* ARMVIRT_VGIC_REGS_H */
