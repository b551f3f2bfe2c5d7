// SPDX-License-Identifier: GPL-2.0-only
/*
 * The host's side of the virtual GIC: the GICH registers (banked per CPU:
 * one mapping serves every CPU), the GICV frame guests get mapped, and two
 * per-CPU interrupts whose only job is to make a running guest exit: the
 * GIC's maintenance interrupt (list registers ran low, a level interrupt
 * was EOIed) and the virtual timer's (the guest's timer fired). By the time
 * the host takes either, the guest's state is saved and the line is quiet.
 */
#include <linux/interrupt.h>
#include <linux/io.h>
#include <linux/irq.h>
#include <linux/of.h>
#include <linux/of_irq.h>
#include <linux/percpu.h>

#include "vgic.h"
#include "vgic-regs.h"
#include "../highvisor/armvirt.h"

static struct {
	void __iomem *gich;
	int nr_lrs;		/* those the flush uses, at most VGIC_MAX_LRS */
	int nr_hw_lrs;		/* those the hardware has (GICH_VTR) */
	int maint_irq, timer_irq;	/* 0 when not requested */
	u32 timer_intid;	/* the GIC's number for timer_irq, for GICH_LR.HW */
} hw;

static DEFINE_PER_CPU(u8, vgic_irq_cookie);	/* request_percpu_irq wants one */

static irqreturn_t vgic_exit_irq_handler(int irq, void *cookie)
{
	return IRQ_HANDLED;	/* the guest exited: nothing else to do */
}

static int request_exit_irq(struct device_node *np, int index, const char *name)
{
	int irq, ret;

	irq = np ? irq_of_parse_and_map(np, index) : 0;
	if (irq <= 0) {
		pr_warn(ARMVIRT_NAME ": no %s interrupt in the device tree (%pOF); guests see it late\n",
			name, np);
		return 0;
	}
	ret = request_percpu_irq(irq, vgic_exit_irq_handler, name, &vgic_irq_cookie);
	if (ret) {
		pr_warn(ARMVIRT_NAME ": cannot request %s interrupt %d (%d); guests see it late\n",
			name, irq, ret);
		return 0;
	}
	return irq;
}

int vgic_hw_init(void)
{
	struct resource *gich = &armvirt_platform.gich;
	struct device_node *np;

	hw.gich = ioremap(gich->start, resource_size(gich));
	if (!hw.gich)
		return -ENOMEM;
	hw.nr_hw_lrs = (readl_relaxed(hw.gich + GICH_VTR) & GICH_VTR_LISTREGS) + 1;
	hw.nr_lrs = min(hw.nr_hw_lrs, VGIC_MAX_LRS);
	writel_relaxed(0, hw.gich + GICH_HCR);

	np = armvirt_gic_node();
	hw.maint_irq = request_exit_irq(np, 0, "armvirt-vgic-maint");
	of_node_put(np);
	np = of_find_compatible_node(NULL, NULL, "arm,armv7-timer");
	hw.timer_irq = request_exit_irq(np, 2, "armvirt-vtimer");	/* the virtual timer */
	of_node_put(np);
	if (hw.timer_irq)
		hw.timer_intid = irqd_to_hwirq(irq_get_irq_data(hw.timer_irq));
	pr_info(ARMVIRT_NAME ": vGIC: %d list registers, maintenance interrupt %d, virtual timer interrupt %d\n",
		hw.nr_lrs, hw.maint_irq, hw.timer_irq);
	return 0;
}

void vgic_hw_exit(void)
{
	if (hw.timer_irq)
		free_percpu_irq(hw.timer_irq, &vgic_irq_cookie);
	if (hw.maint_irq)
		free_percpu_irq(hw.maint_irq, &vgic_irq_cookie);
	iounmap(hw.gich);
}

/*
 * On each CPU as it comes online, IRQs off. The list registers are
 * cleared, all of them the hardware has: whatever ran in HYP before (a
 * kexec'd kernel's hypervisor, the firmware) may have left entries that
 * the first guest would see, and one with the HW bit would let its EOI
 * deactivate a host interrupt. The flush writes only those it uses.
 */
void vgic_hw_cpu_online(void)
{
	int i;

	writel_relaxed(0, hw.gich + GICH_HCR);
	for (i = 0; i < hw.nr_hw_lrs; i++)
		writel_relaxed(0, hw.gich + GICH_LR(i));
	writel_relaxed(0, hw.gich + GICH_APR);
	if (hw.maint_irq)
		enable_percpu_irq(hw.maint_irq, IRQ_TYPE_NONE);
	if (hw.timer_irq)
		enable_percpu_irq(hw.timer_irq, IRQ_TYPE_NONE);
}

void vgic_hw_cpu_offline(void)
{
	if (hw.maint_irq)
		disable_percpu_irq(hw.maint_irq);
	if (hw.timer_irq)
		disable_percpu_irq(hw.timer_irq);
}

int vgic_hw_nr_lrs(void)
{
	return hw.nr_lrs;
}

u32 vgic_hw_read(unsigned int off)
{
	return readl_relaxed(hw.gich + off);
}

void vgic_hw_write(u32 val, unsigned int off)
{
	writel_relaxed(val, hw.gich + off);
}

phys_addr_t vgic_hw_gicv_base(void)
{
	return armvirt_platform.gicv.start;
}

int vgic_hw_timer_irq(void)
{
	return hw.timer_irq;
}

/*
 * The GIC's number for the virtual timer's PPI (vgic_hw_timer_irq() != 0),
 * looked up once at load: the list-register flush runs with IRQs off.
 */
u32 vgic_hw_timer_intid(void)
{
	return hw.timer_intid;
}
