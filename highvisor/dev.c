// SPDX-License-Identifier: GPL-2.0-only
/*
 * /dev/armvirt: the system file descriptor of the KVM ABI.
 */
#include <linux/fs.h>
#include <linux/miscdevice.h>
#include <linux/module.h>

#include "armvirt.h"
#include "vm.h"

static long armvirt_dev_ioctl(struct file *filp, unsigned int ioctl,
			      unsigned long arg)
{
	switch (ioctl) {
	case KVM_GET_API_VERSION:
		if (arg) {
			pr_warn_ratelimited(ARMVIRT_NAME ": KVM_GET_API_VERSION takes no argument (got %#lx)\n",
					    arg);
			return -EINVAL;
		}
		return KVM_API_VERSION;
	case KVM_CHECK_EXTENSION:
		return armvirt_check_extension(NULL, arg);
	case KVM_CREATE_VM:
		return armvirt_create_vm(arg);
	case KVM_GET_VCPU_MMAP_SIZE:
		if (arg)
			return -EINVAL;
		return PAGE_SIZE;	/* kvm_run only: no coalesced MMIO page */
	default:
		pr_debug_ratelimited(ARMVIRT_NAME ": unknown ioctl %#x on /dev/armvirt\n",
				     ioctl);
		return -ENOTTY;
	}
}

static const struct file_operations armvirt_dev_fops = {
	.owner		= THIS_MODULE,
	.unlocked_ioctl	= armvirt_dev_ioctl,
	.llseek		= noop_llseek,
};

static struct miscdevice armvirt_misc = {
	.minor	= MISC_DYNAMIC_MINOR,
	.name	= ARMVIRT_NAME,
	.fops	= &armvirt_dev_fops,
	.mode	= 0660,	/* group kvm comes from scripts/65-armvirt.rules */
};

int armvirt_dev_init(void)
{
	return misc_register(&armvirt_misc);
}

void armvirt_dev_exit(void)
{
	misc_deregister(&armvirt_misc);
}
