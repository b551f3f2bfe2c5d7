// SPDX-License-Identifier: GPL-2.0-only
/*
 * Making the vGIC and configuring it, as KVM/ARM allowed: KVM_CREATE_DEVICE
 * (KVM_DEV_TYPE_ARM_VGIC_V2) and its attributes (ADDR, NR_IRQS, CTRL INIT),
 * or the legacy KVM_CREATE_IRQCHIP with KVM_ARM_SET_DEVICE_ADDR.
 * Configuration happens under armvirt_vm.lock, before the first KVM_RUN.
 */
#include <linux/anon_inodes.h>
#include <linux/fs.h>
#include <linux/module.h>
#include <linux/uaccess.h>

#include "vgic.h"
#include "../highvisor/armvirt.h"
#include "../highvisor/vm.h"

#define VGIC_ADDR_UNSET		(~0ULL)
#define IPA_LIMIT		(1ULL << ARMVIRT_IPA_BITS)

/* KVM_VGIC_V2_ADDR_TYPE_*: 4 KiB aligned, inside the IPA space, set once, no overlap. */
int vgic_set_addr(struct armvirt_vm *vm, u32 type, u64 addr)
{
	struct vgic_dist *d = vm->vgic;
	u64 *base, size, other, other_size;

	lockdep_assert_held(&vm->lock);
	if (!d)
		return -ENXIO;
	if (type == KVM_VGIC_V2_ADDR_TYPE_DIST) {
		base = &d->dist_base;
		size = KVM_VGIC_V2_DIST_SIZE;
		other = d->cpu_base;
		other_size = KVM_VGIC_V2_CPU_SIZE;
	} else if (type == KVM_VGIC_V2_ADDR_TYPE_CPU) {
		base = &d->cpu_base;
		size = KVM_VGIC_V2_CPU_SIZE;
		other = d->dist_base;
		other_size = KVM_VGIC_V2_DIST_SIZE;
	} else {
		return -ENODEV;
	}
	if (addr & (SZ_4K - 1))
		return -EINVAL;
	if (addr + size > IPA_LIMIT || addr + size < addr)
		return -E2BIG;
	if (*base != VGIC_ADDR_UNSET)
		return -EEXIST;
	if (other != VGIC_ADDR_UNSET && addr < other + other_size && other < addr + size)
		return -EINVAL;
	*base = addr;
	return 0;
}

static int vgic_set_nr_irqs(struct vgic_dist *d, u32 nr)
{
	if (d->initialized || d->nr_irqs)
		return -EBUSY;
	if (nr < 64 || nr > VGIC_MAX_IRQS || nr % 32)
		return -EINVAL;
	d->nr_irqs = nr;
	return 0;
}

static int vgic_attr(struct armvirt_vm *vm, unsigned int ioctl, const struct kvm_device_attr *attr)
{
	void __user *uaddr = u64_to_user_ptr(attr->addr);
	struct vgic_dist *d = vm->vgic;
	u64 addr;
	u32 nr;

	lockdep_assert_held(&vm->lock);
	switch (attr->group) {
	case KVM_DEV_ARM_VGIC_GRP_ADDR:
		if (attr->attr != KVM_VGIC_V2_ADDR_TYPE_DIST && attr->attr != KVM_VGIC_V2_ADDR_TYPE_CPU)
			return -ENXIO;
		if (ioctl == KVM_HAS_DEVICE_ATTR)
			return 0;
		if (ioctl == KVM_GET_DEVICE_ATTR) {
			addr = attr->attr == KVM_VGIC_V2_ADDR_TYPE_DIST ? d->dist_base : d->cpu_base;
			return put_user(addr, (u64 __user *)uaddr);
		}
		if (get_user(addr, (u64 __user *)uaddr))
			return -EFAULT;
		return vgic_set_addr(vm, attr->attr, addr);
	case KVM_DEV_ARM_VGIC_GRP_NR_IRQS:
		if (ioctl == KVM_HAS_DEVICE_ATTR)
			return 0;
		if (ioctl == KVM_GET_DEVICE_ATTR)
			return put_user(d->nr_irqs, (u32 __user *)uaddr);
		if (get_user(nr, (u32 __user *)uaddr))
			return -EFAULT;
		return vgic_set_nr_irqs(d, nr);
	case KVM_DEV_ARM_VGIC_GRP_CTRL:
		if (attr->attr != KVM_DEV_ARM_VGIC_CTRL_INIT || ioctl == KVM_GET_DEVICE_ATTR)
			return -ENXIO;
		if (ioctl == KVM_HAS_DEVICE_ATTR)
			return 0;
		return vgic_init(vm);
	default:
		return -ENXIO;	/* DIST_REGS and CPU_REGS: not yet */
	}
}

static long vgic_dev_ioctl(struct file *filp, unsigned int ioctl, unsigned long arg)
{
	struct armvirt_vm *vm = filp->private_data;
	struct kvm_device_attr attr;
	long ret;

	if (vm->mm != current->mm)
		return -EIO;
	switch (ioctl) {
	case KVM_SET_DEVICE_ATTR:
	case KVM_GET_DEVICE_ATTR:
	case KVM_HAS_DEVICE_ATTR:
		if (copy_from_user(&attr, (void __user *)arg, sizeof(attr)))
			return -EFAULT;
		mutex_lock(&vm->lock);
		ret = vgic_attr(vm, ioctl, &attr);
		mutex_unlock(&vm->lock);
		return ret;
	default:
		return -ENOTTY;
	}
}

static int vgic_dev_release(struct inode *inode, struct file *filp)
{
	armvirt_vm_put(filp->private_data);
	return 0;
}

static const struct file_operations vgic_dev_fops = {
	.owner		= THIS_MODULE,
	.release	= vgic_dev_release,
	.unlocked_ioctl	= vgic_dev_ioctl,
	.llseek		= noop_llseek,
};

/* KVM_CREATE_DEVICE on a VM fd */
int vgic_create_device(struct armvirt_vm *vm, struct kvm_create_device *cd)
{
	int ret, fd;

	if (cd->type != KVM_DEV_TYPE_ARM_VGIC_V2)
		return -ENODEV;
	if (cd->flags & ~KVM_CREATE_DEVICE_TEST)
		return -EINVAL;
	if (cd->flags & KVM_CREATE_DEVICE_TEST)
		return 0;
	mutex_lock(&vm->lock);
	ret = vgic_create(vm);
	mutex_unlock(&vm->lock);
	if (ret)
		return ret;
	kref_get(&vm->ref);
	fd = anon_inode_getfd("armvirt-vgic-v2", &vgic_dev_fops, vm, O_RDWR | O_CLOEXEC);
	if (fd < 0) {
		armvirt_vm_put(vm);	/* the caller's fd holds another */
		return fd;
	}
	cd->fd = fd;
	return 0;
}
