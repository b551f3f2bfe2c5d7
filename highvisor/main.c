// SPDX-License-Identifier: GPL-2.0-only
/*
 * armvirt: KVM-compatible hardware virtualization for 32-bit ARM, as an
 * out-of-tree module. Load order: check the platform, take the GIC's
 * virtual interface, install the lowvisor on every CPU, then open
 * /dev/armvirt; unload in reverse.
 */
#include <linux/cpumask.h>
#include <linux/module.h>

#include "armvirt.h"
#include "regs.h"
#include "vm.h"
#include "../vgic/vgic.h"

struct armvirt_platform armvirt_platform;

static int __init armvirt_init(void)
{
	int ret;

	ret = armvirt_detect_platform(&armvirt_platform);
	if (ret)
		return ret;
	armvirt_read_host_id_regs();
	ret = armvirt_read_host_vfp_ids();
	if (ret)
		return ret;
	ret = armvirt_eventfd_init();
	if (ret)
		return ret;
	ret = armvirt_vcpu_kick_init();
	if (ret)
		goto err_eventfd;
	ret = vgic_hw_init();
	if (ret)
		goto err_kick;
	ret = lowvisor_init();
	if (ret) {
		pr_err(ARMVIRT_NAME ": could not install the lowvisor (%d)\n", ret);
		goto err_vgic;
	}
	ret = armvirt_dev_init();
	if (ret) {
		pr_err(ARMVIRT_NAME ": could not register /dev/armvirt (%d)\n", ret);
		goto err_lowvisor;
	}
	armvirt_debugfs_init();
	pr_info(ARMVIRT_NAME ": lowvisor installed on %u online CPUs, /dev/armvirt ready\n",
		num_online_cpus());
	return 0;

err_lowvisor:
	lowvisor_exit();
err_vgic:
	vgic_hw_exit();
err_kick:
	armvirt_vcpu_kick_exit();
err_eventfd:
	armvirt_eventfd_exit();
	return ret;
}

static void __exit armvirt_exit(void)
{
	armvirt_debugfs_exit();
	armvirt_dev_exit();
	armvirt_vcpu_kick_exit();
	lowvisor_exit();
	vgic_hw_exit();
	armvirt_eventfd_exit();
}

module_init(armvirt_init);
module_exit(armvirt_exit);

MODULE_DESCRIPTION("KVM-compatible hypervisor for ARMv7 with the Virtualization Extensions");
MODULE_LICENSE("GPL");
