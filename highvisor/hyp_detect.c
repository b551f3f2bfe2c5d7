// SPDX-License-Identifier: GPL-2.0-only
/*
 * Decide, without ever executing hvc, whether this host can run armvirt.
 *
 * "hvc" on a kernel that was not booted in HYP mode is an undefined
 * instruction, and the kernel's own record of its boot mode
 * (__boot_cpu_mode) is not exported. So we look at state that is safe to
 * read and that the kernel derived from the boot mode: the GIC driver puts
 * the CPU interface in split EOI/deactivate mode (GICC_CTLR.EOImodeNS) only
 * when is_hyp_mode_available() said yes.
 */
#include <linux/io.h>
#include <linux/mm.h>
#include <linux/of.h>
#include <linux/of_address.h>
#include <linux/sizes.h>
#include <asm/arch_timer.h>
#include <asm/cputype.h>

#include "armvirt.h"

#define ID_PFR1_VIRT_SHIFT	12
#define ID_PFR1_GENTIMER_SHIFT	16
#define GICC_CTLR		0x0000
#define GICC_CTLR_EOIMODENS	BIT(9)

/* GICv2 implementations with the virtualization extensions */
static const struct of_device_id gic_with_virt_ids[] = {
	{ .compatible = "arm,gic-400" },
	{ .compatible = "arm,cortex-a15-gic" },
	{ .compatible = "arm,cortex-a7-gic" },
	{ }
};

/* The host's GIC node (the caller puts it), or NULL. */
struct device_node *armvirt_gic_node(void)
{
	return of_find_matching_node(NULL, gic_with_virt_ids);
}

static int check_cpu(struct armvirt_platform *plat)
{
	plat->id_pfr1 = read_cpuid_ext(CPUID_EXT_PFR1);

	if (((plat->id_pfr1 >> ID_PFR1_VIRT_SHIFT) & 0xf) != 1) {
		pr_err(ARMVIRT_NAME ": CPU lacks the Virtualization Extensions (ID_PFR1 %#x); armvirt needs a Cortex-A7, A15 or A17\n",
		       plat->id_pfr1);
		return -ENODEV;
	}
	if (((plat->id_pfr1 >> ID_PFR1_GENTIMER_SHIFT) & 0xf) != 1) {
		pr_err(ARMVIRT_NAME ": CPU lacks the Generic Timer (ID_PFR1 %#x)\n",
		       plat->id_pfr1);
		return -ENODEV;
	}
	/*
	 * Guests read CNTFRQ as the firmware left it (the kernel itself may
	 * take the frequency from the device tree instead). Read once: the
	 * timer arithmetic divides by it.
	 */
	plat->cntfrq = arch_timer_get_cntfrq();
	if (!plat->cntfrq) {
		pr_err(ARMVIRT_NAME ": CNTFRQ is 0: the firmware did not set the counter frequency, which guests read\n");
		return -ENODEV;
	}
	return 0;
}

static int check_gic(struct armvirt_platform *plat)
{
	struct device_node *np;
	int ret = -ENODEV;

	np = of_find_matching_node(NULL, gic_with_virt_ids);
	if (!np) {
		pr_err(ARMVIRT_NAME ": no GICv2 with virtualization extensions in the device tree\n");
		return -ENODEV;
	}
	if (of_address_to_resource(np, 1, &plat->gicc)) {
		pr_err(ARMVIRT_NAME ": %pOF: no GIC CPU interface in the device tree\n", np);
		goto out;
	}
	if (of_address_to_resource(np, 2, &plat->gich) ||
	    of_address_to_resource(np, 3, &plat->gicv)) {
		pr_err(ARMVIRT_NAME ": %pOF: no GIC virtual interface (GICH/GICV) in the device tree; the firmware must describe it\n",
		       np);
		goto out;
	}
	/* Every guest gets 8 KiB from GICV's start: nothing of the host's may follow. */
	if (!PAGE_ALIGNED(plat->gicv.start) || resource_size(&plat->gicv) < SZ_8K) {
		pr_err(ARMVIRT_NAME ": %pOF: the GIC virtual CPU interface %pR is not a page-aligned 8 KiB frame\n",
		       np, &plat->gicv);
		goto out;
	}
	ret = 0;
out:
	of_node_put(np);
	return ret;
}

static int check_hyp_boot(struct armvirt_platform *plat)
{
	void __iomem *gicc;
	u32 ctlr;

	gicc = ioremap(plat->gicc.start, SZ_4K);
	if (!gicc)
		return -ENOMEM;
	ctlr = readl_relaxed(gicc + GICC_CTLR);
	iounmap(gicc);

	if (!(ctlr & GICC_CTLR_EOIMODENS)) {
		pr_err(ARMVIRT_NAME ": kernel not booted in HYP mode (GIC not in split EOI mode, GICC_CTLR %#x); boot it in HYP mode, and describe the GIC CPU interface as 8 KiB in the device tree\n",
		       ctlr);
		return -ENODEV;
	}
	return 0;
}

int armvirt_detect_platform(struct armvirt_platform *plat)
{
	int ret;

	ret = check_cpu(plat);
	if (!ret)
		ret = check_gic(plat);
	if (!ret)
		ret = check_hyp_boot(plat);
	return ret;
}
