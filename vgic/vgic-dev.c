// SPDX-License-Identifier: GPL-2.0-only
/*
 * Making the vGIC and configuring it, as KVM/ARM allowed: KVM_CREATE_DEVICE
 * (KVM_DEV_TYPE_ARM_VGIC_V2) and its attributes (ADDR, NR_IRQS, CTRL INIT),
 * or the legacy KVM_CREATE_IRQCHIP with KVM_ARM_SET_DEVICE_ADDR.
 * Configuration happens under armvirt_vm.lock, before the first KVM_RUN.
 */
#include <linux/anon_inodes.h>
#include <linux/file.h>
#include <linux/fs.h>
#include <linux/slab.h>
#include <linux/module.h>
#include <linux/uaccess.h>

#include "vgic.h"
#include "../highvisor/armvirt.h"
#include "../highvisor/vm.h"

#define VGIC_ADDR_UNSET		(~0ULL)
#define IPA_LIMIT		(1ULL << ARMVIRT_IPA_BITS)

/*
 * Does [gpa, gpa + size) meet the vGIC's CPU interface (the hardware GICV
 * frame mapped into stage 2)? No memslot may cover it. Caller holds vm->lock.
 */
bool vgic_cpu_if_overlaps(struct armvirt_vm *vm, u64 gpa, u64 size)
{
	struct vgic_dist *d = vm->vgic;

	lockdep_assert_held(&vm->lock);
	return d && d->cpu_base != VGIC_ADDR_UNSET &&
	       gpa < d->cpu_base + KVM_VGIC_V2_CPU_SIZE && d->cpu_base < gpa + size;
}

static bool covered_by_memslot(struct armvirt_vm *vm, u64 gpa, u64 size)
{
	const struct armvirt_memslot *slot;
	unsigned int i;

	for (i = 0; i < ARMVIRT_NR_MEMSLOTS; i++) {
		slot = &vm->slots[i];
		if (slot->npages && gpa < (slot->base_gfn + slot->npages) << PAGE_SHIFT &&
		    slot->base_gfn << PAGE_SHIFT < gpa + size)
			return true;
	}
	return false;
}

/*
 * KVM_VGIC_V2_ADDR_TYPE_*: 4 KiB aligned, inside the IPA space, set once, no
 * overlap (and the CPU interface on no memslot).
 */
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
	if (type == KVM_VGIC_V2_ADDR_TYPE_CPU && covered_by_memslot(vm, addr, size)) {
		pr_warn_ratelimited(ARMVIRT_NAME ": the vGIC CPU interface at %#llx would be on a memory slot\n",
				    addr);
		return -EEXIST;
	}
	*base = addr;
	return 0;
}

static int vgic_set_nr_irqs(struct vgic_dist *d, u32 nr)
{
	if (d->initialized || d->nr_irqs)
		return -EBUSY;
	if (nr < 64 || nr > VGIC_MAX_NR_IRQS || nr % 32) {
		pr_warn_ratelimited(ARMVIRT_NAME ": vGIC NR_IRQS %u: want a multiple of 32 from 64 to %u\n",
				    nr, VGIC_MAX_NR_IRQS);
		return -EINVAL;
	}
	d->nr_irqs = nr;
	return 0;
}

/* GICC registers (as the guest's GICV shows them) in and out of GICH_VMCR (IHI 0048B 5.3.4) */
#define GICC_CTLR		0x00
#define GICC_PMR		0x04
#define GICC_BPR		0x08
#define GICC_ABPR		0x1c
#define GICC_APR0		0xd0
#define VMCR_CTLR_MASK		0x21f	/* the enables, AckCtl, FIQEn, CBPR; EOImode */
#define VMCR_ABP_SHIFT		18
#define VMCR_BP_SHIFT		21
#define VMCR_PMR_SHIFT		27

static bool cpu_reg_known(u32 offset)
{
	return offset == GICC_CTLR || offset == GICC_PMR || offset == GICC_BPR ||
	       offset == GICC_ABPR || offset == GICC_APR0;
}

static int cpu_reg_access(struct vgic_cpu *c, u32 offset, bool is_write, u32 *val)
{
	u32 shift, mask;

	switch (offset) {
	case GICC_CTLR:
		shift = 0;
		mask = VMCR_CTLR_MASK;
		break;
	case GICC_PMR:
		if (is_write)
			*val >>= 3;	/* five priority bits */
		shift = VMCR_PMR_SHIFT;
		mask = 0x1f << VMCR_PMR_SHIFT;
		break;
	case GICC_BPR:
		shift = VMCR_BP_SHIFT;
		mask = 7 << VMCR_BP_SHIFT;
		break;
	case GICC_ABPR:
		shift = VMCR_ABP_SHIFT;
		mask = 7 << VMCR_ABP_SHIFT;
		break;
	case GICC_APR0:
		if (is_write)
			c->apr = *val;
		else
			*val = c->apr;
		return 0;
	default:
		return -ENXIO;
	}
	if (is_write) {
		c->vmcr = (c->vmcr & ~mask) | ((*val << shift) & mask);
	} else {
		*val = (c->vmcr & mask) >> shift;
		if (offset == GICC_PMR)
			*val <<= 3;
	}
	return 0;
}

/* No vCPU of the VM may run while its GIC state is read or written. */
static bool lock_all_vcpus(struct armvirt_vm *vm)
{
	int i, j;

	for (i = 0; i < ARMVIRT_MAX_VCPUS; i++) {
		if (vm->vcpus[i] && !mutex_trylock(&vm->vcpus[i]->mutex)) {
			for (j = 0; j < i; j++)
				if (vm->vcpus[j])
					mutex_unlock(&vm->vcpus[j]->mutex);
			return false;
		}
	}
	return true;
}

static void unlock_all_vcpus(struct armvirt_vm *vm)
{
	int i;

	for (i = 0; i < ARMVIRT_MAX_VCPUS; i++)
		if (vm->vcpus[i])
			mutex_unlock(&vm->vcpus[i]->mutex);
}

/*
 * KVM_DEV_ARM_VGIC_GRP_DIST_REGS and CPU_REGS: one 32-bit register, at
 * an offset, as a vCPU sees it, for saving and restoring a VM.
 */
static int vgic_regs_attr(struct armvirt_vm *vm, unsigned int ioctl,
			  const struct kvm_device_attr *attr)
{
	u32 __user *uaddr = u64_to_user_ptr(attr->addr);
	u32 cpuid = (attr->attr & KVM_DEV_ARM_VGIC_CPUID_MASK) >> KVM_DEV_ARM_VGIC_CPUID_SHIFT;
	u32 offset = attr->attr & KVM_DEV_ARM_VGIC_OFFSET_MASK;
	bool is_write = ioctl == KVM_SET_DEVICE_ATTR, dist;
	struct vgic_dist *d = vm->vgic;
	struct armvirt_vcpu *vcpu;
	u32 val = 0;
	int ret = 0;

	dist = attr->group == KVM_DEV_ARM_VGIC_GRP_DIST_REGS;
	if (cpuid >= ARMVIRT_MAX_VCPUS || !vm->vcpus[cpuid])
		return -EINVAL;
	if (dist ? offset >= KVM_VGIC_V2_DIST_SIZE || (offset & 3) || offset == 0xf00 :
		   !cpu_reg_known(offset))
		return -ENXIO;
	if (ioctl == KVM_HAS_DEVICE_ATTR)
		return 0;
	ret = vgic_init(vm);
	if (ret)
		return ret;
	if (is_write && get_user(val, uaddr))
		return -EFAULT;
	if (!lock_all_vcpus(vm))
		return -EBUSY;
	vcpu = vm->vcpus[cpuid];
	if (dist)
		vgic_dist_access(vcpu, offset, 4, is_write, &val);
	else
		ret = cpu_reg_access(d->cpus[cpuid], offset, is_write, &val);
	unlock_all_vcpus(vm);
	if (!ret && !is_write)
		ret = put_user(val, uaddr);
	return ret;
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
	case KVM_DEV_ARM_VGIC_GRP_DIST_REGS:
	case KVM_DEV_ARM_VGIC_GRP_CPU_REGS:
		return vgic_regs_attr(vm, ioctl, attr);
	default:
		return -ENXIO;
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

/*
 * KVM_CREATE_DEVICE on a VM fd, @argp its struct kvm_create_device. The
 * vGIC and its fd become visible only once the fd number has been written
 * back: a failed copy leaves nothing behind, and a retry may succeed.
 */
int vgic_create_device(struct armvirt_vm *vm, void __user *argp)
{
	struct kvm_create_device cd;
	struct vgic_dist *d;
	struct file *file;
	int ret, fd;

	if (copy_from_user(&cd, argp, sizeof(cd)))
		return -EFAULT;
	if (cd.type != KVM_DEV_TYPE_ARM_VGIC_V2)
		return -ENODEV;
	if (cd.flags & ~KVM_CREATE_DEVICE_TEST)
		return -EINVAL;
	if (cd.flags & KVM_CREATE_DEVICE_TEST)
		return 0;

	d = vgic_alloc();
	if (!d)
		return -ENOMEM;
	fd = get_unused_fd_flags(O_RDWR | O_CLOEXEC);
	if (fd < 0) {
		ret = fd;
		goto err_free;
	}
	kref_get(&vm->ref);	/* the device fd's */
	file = anon_inode_getfile("armvirt-vgic-v2", &vgic_dev_fops, vm, O_RDWR | O_CLOEXEC);
	if (IS_ERR(file)) {
		armvirt_vm_put(vm);	/* the caller's fd holds another */
		ret = PTR_ERR(file);
		goto err_fd;
	}
	cd.fd = fd;
	if (copy_to_user(argp, &cd, sizeof(cd))) {
		ret = -EFAULT;
		goto err_file;
	}
	mutex_lock(&vm->lock);
	ret = vgic_may_create(vm);
	if (!ret)
		vgic_publish(vm, d);
	mutex_unlock(&vm->lock);
	if (ret)
		goto err_file;
	fd_install(fd, file);
	return 0;

err_file:
	fput(file);	/* its release drops the VM reference */
err_fd:
	put_unused_fd(fd);
err_free:
	kfree(d);
	return ret;
}
