// SPDX-License-Identifier: GPL-2.0-only
/*
 * The VM file descriptor: KVM_CREATE_VM makes one; it owns the memory slots
 * and the vCPUs, and answers KVM_CHECK_EXTENSION for its VM.
 */
#include <linux/anon_inodes.h>
#include <linux/cpumask.h>
#include <linux/file.h>
#include <linux/fs.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/sched/mm.h>
#include <linux/slab.h>
#include <linux/uaccess.h>
#include <asm/cputype.h>

#include "armvirt.h"
#include "run.h"
#include "vm.h"
#include "../timer/vtimer.h"
#include "../vgic/vgic.h"

/* KVM_CHECK_EXTENSION, on the system fd (vm == NULL) and on VM fds. */
long armvirt_check_extension(struct armvirt_vm *vm, unsigned long cap)
{
	switch (cap) {
	case KVM_CAP_USER_MEMORY:
	case KVM_CAP_DESTROY_MEMORY_REGION_WORKS:
	case KVM_CAP_JOIN_MEMORY_REGIONS_WORKS:
	case KVM_CAP_READONLY_MEM:
	case KVM_CAP_ONE_REG:
	case KVM_CAP_MP_STATE:
	case KVM_CAP_SYNC_MMU:
	case KVM_CAP_IMMEDIATE_EXIT:
	case KVM_CAP_ARM_PSCI:
	case KVM_CAP_ARM_PSCI_0_2:
	case KVM_CAP_IRQCHIP:
	case KVM_CAP_DEVICE_CTRL:
	case KVM_CAP_ARM_SET_DEVICE_ADDR:
	case KVM_CAP_IRQFD:
	case KVM_CAP_IRQFD_RESAMPLE:
	case KVM_CAP_IOEVENTFD:
	case KVM_CAP_CHECK_EXTENSION_VM:
	case KVM_CAP_ENABLE_CAP_VM:
	case KVM_CAP_MANUAL_DIRTY_LOG_PROTECT2:
		return 1;
	case KVM_CAP_NR_MEMSLOTS:
		return ARMVIRT_NR_MEMSLOTS;
	case KVM_CAP_NR_VCPUS:
		return min_t(unsigned int, num_online_cpus(), ARMVIRT_MAX_VCPUS);
	case KVM_CAP_MAX_VCPUS:
	case KVM_CAP_MAX_VCPU_ID:
		return ARMVIRT_MAX_VCPUS;
	default:
		return 0;
	}
}

/* The KVM_ARM_TARGET_* of this host's CPUs, or -ENODEV. */
int armvirt_preferred_target(void)
{
	switch (read_cpuid_part()) {
	case ARM_CPU_PART_CORTEX_A7:
		return KVM_ARM_TARGET_CORTEX_A7;
	case ARM_CPU_PART_CORTEX_A15:
		return KVM_ARM_TARGET_CORTEX_A15;
	default:
		return -ENODEV;
	}
}

static void armvirt_vm_free(struct kref *ref)
{
	struct armvirt_vm *vm = container_of(ref, struct armvirt_vm, ref);
	unsigned int i;

	/*
	 * A debugfs self-test write (debugfs_vcpu.c) may be at work on any
	 * vCPU and reach the others: kicked out of a WFI, then waited for by
	 * the removal of the files, before any vCPU goes.
	 */
	for (i = 0; i < ARMVIRT_MAX_VCPUS; i++)
		if (vm->vcpus[i])
			armvirt_vcpu_request(vm->vcpus[i], REQ_KICK);
	for (i = 0; i < ARMVIRT_MAX_VCPUS; i++)
		if (vm->vcpus[i])
			armvirt_debugfs_vcpu_remove(vm->vcpus[i]);
	/* No irqfd injection may run once vCPUs start to go. */
	armvirt_irqfds_release(vm);
	armvirt_ioeventfds_release(vm);
	for (i = 0; i < ARMVIRT_MAX_VCPUS; i++)
		if (vm->vcpus[i])
			armvirt_vcpu_free(vm->vcpus[i]);
	vgic_destroy(vm);
	armvirt_guest_mem_destroy(vm);
	for (i = 0; i < ARMVIRT_NR_MEMSLOTS; i++)
		armvirt_dirty_bitmap_free(vm, vm->slots[i].dirty_bitmap, vm->slots[i].npages);
	mmdrop(vm->mm);
	kfree(vm);
}

void armvirt_vm_put(struct armvirt_vm *vm)
{
	kref_put(&vm->ref, armvirt_vm_free);
}

static int armvirt_vm_release(struct inode *inode, struct file *filp)
{
	armvirt_vm_put(filp->private_data);
	return 0;
}

static long armvirt_vm_ioctl(struct file *filp, unsigned int ioctl,
			     unsigned long arg)
{
	struct armvirt_vm *vm = filp->private_data;
	void __user *argp = (void __user *)arg;
	struct kvm_userspace_memory_region mem;
	struct kvm_arm_device_addr dev_addr;
	struct kvm_irq_level irq;
	struct kvm_ioeventfd ioeventfd;
	struct kvm_irqfd irqfd;
	struct kvm_vcpu_init init;
	struct kvm_dirty_log log;
	struct kvm_clear_dirty_log clear;
	struct kvm_enable_cap cap;
	long ret;

	if (vm->mm != current->mm) {
		pr_warn_ratelimited(ARMVIRT_NAME ": VM ioctl from a process other than its VMM\n");
		return -EIO;
	}

	switch (ioctl) {
	case KVM_CHECK_EXTENSION:
		return armvirt_check_extension(vm, arg);
	case KVM_SET_USER_MEMORY_REGION:
		if (copy_from_user(&mem, argp, sizeof(mem)))
			return -EFAULT;
		mutex_lock(&vm->lock);
		ret = armvirt_set_memory_region(vm, &mem);
		mutex_unlock(&vm->lock);
		return ret;
	case KVM_GET_DIRTY_LOG:
		if (copy_from_user(&log, argp, sizeof(log)))
			return -EFAULT;
		mutex_lock(&vm->lock);
		ret = armvirt_get_dirty_log(vm, &log);
		mutex_unlock(&vm->lock);
		return ret;
	case KVM_CLEAR_DIRTY_LOG:
		if (copy_from_user(&clear, argp, sizeof(clear)))
			return -EFAULT;
		mutex_lock(&vm->lock);
		ret = armvirt_clear_dirty_log(vm, &clear);
		mutex_unlock(&vm->lock);
		return ret;
	case KVM_ENABLE_CAP:
		if (copy_from_user(&cap, argp, sizeof(cap)))
			return -EFAULT;
		mutex_lock(&vm->lock);
		ret = armvirt_vm_enable_cap(vm, &cap);
		mutex_unlock(&vm->lock);
		return ret;
	case KVM_CREATE_VCPU:
		mutex_lock(&vm->lock);
		ret = armvirt_create_vcpu(vm, arg);
		mutex_unlock(&vm->lock);
		return ret;
	case KVM_CREATE_IRQCHIP:
		mutex_lock(&vm->lock);
		ret = vgic_create(vm);
		mutex_unlock(&vm->lock);
		return ret;
	case KVM_CREATE_DEVICE:
		return vgic_create_device(vm, argp);
	case KVM_ARM_SET_DEVICE_ADDR:
		if (copy_from_user(&dev_addr, argp, sizeof(dev_addr)))
			return -EFAULT;
		if ((dev_addr.id >> KVM_ARM_DEVICE_ID_SHIFT) != KVM_ARM_DEVICE_VGIC_V2)
			return -ENODEV;
		mutex_lock(&vm->lock);
		ret = vgic_set_addr(vm, dev_addr.id & 0xffff, dev_addr.addr);
		mutex_unlock(&vm->lock);
		return ret;
	case KVM_IRQFD:
		if (copy_from_user(&irqfd, argp, sizeof(irqfd)))
			return -EFAULT;
		return armvirt_irqfd(vm, &irqfd);
	case KVM_IOEVENTFD:
		if (copy_from_user(&ioeventfd, argp, sizeof(ioeventfd)))
			return -EFAULT;
		return armvirt_ioeventfd(vm, &ioeventfd);
	case KVM_IRQ_LINE:
		if (copy_from_user(&irq, argp, sizeof(irq)))
			return -EFAULT;
		return armvirt_irq_line(vm, &irq);
	case KVM_ARM_PREFERRED_TARGET:
		ret = armvirt_preferred_target();
		if (ret < 0)
			return ret;
		memset(&init, 0, sizeof(init));
		init.target = ret;
		return copy_to_user(argp, &init, sizeof(init)) ? -EFAULT : 0;
	default:
		pr_debug_ratelimited(ARMVIRT_NAME ": unknown VM ioctl %#x\n", ioctl);
		return -ENOTTY;
	}
}

static const struct file_operations armvirt_vm_fops = {
	.owner		= THIS_MODULE,
	.release	= armvirt_vm_release,
	.unlocked_ioctl	= armvirt_vm_ioctl,
	.llseek		= noop_llseek,
};

static atomic_t vm_debug_ids = ATOMIC_INIT(0);

/* KVM_CREATE_VM: returns the new VM's fd. */
int armvirt_create_vm(unsigned long type)
{
	struct armvirt_vm *vm;
	int fd, ret;

	if (type) {
		pr_warn_ratelimited(ARMVIRT_NAME ": KVM_CREATE_VM type %lu; only type 0 exists\n",
				    type);
		return -EINVAL;
	}
	vm = kzalloc(sizeof(*vm), GFP_KERNEL_ACCOUNT);
	if (!vm)
		return -ENOMEM;
	kref_init(&vm->ref);
	mutex_init(&vm->lock);
	vm->debug_id = atomic_inc_return(&vm_debug_ids);
	spin_lock_init(&vm->irqfd_lock);
	INIT_LIST_HEAD(&vm->irqfds);
	INIT_LIST_HEAD(&vm->ioeventfds);
	vm->cntvoff = vtimer_host_counter();	/* the guest's virtual counter starts at 0 */
	mmgrab(current->mm);
	vm->mm = current->mm;
	ret = armvirt_guest_mem_init(vm);
	if (ret) {
		armvirt_vm_put(vm);
		return ret;
	}

	fd = anon_inode_getfd("armvirt-vm", &armvirt_vm_fops, vm, O_RDWR | O_CLOEXEC);
	if (fd < 0)
		armvirt_vm_put(vm);
	return fd;
}
