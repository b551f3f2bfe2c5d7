// SPDX-License-Identifier: GPL-2.0-only
/*
 * The vCPU file descriptor: its shared kvm_run page, KVM_ARM_VCPU_INIT, the
 * register and MP-state ioctls, KVM_RUN (run.c); and how other vCPUs and
 * the VM reach a vCPU: requests, kicks and its power state.
 */
#include <linux/anon_inodes.h>
#include <linux/fs.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/sched.h>
#include <linux/slab.h>
#include <linux/smp.h>
#include <linux/uaccess.h>

#include "armvirt.h"
#include "run.h"
#include "vm.h"
#include "../timer/vtimer.h"
#include "../vgic/vgic.h"

static vm_fault_t vcpu_run_fault(struct vm_fault *vmf)
{
	struct armvirt_vcpu *vcpu = vmf->vma->vm_file->private_data;
	struct page *page;

	if (vmf->pgoff != 0)
		return VM_FAULT_SIGBUS;
	page = virt_to_page(vcpu->run);
	get_page(page);
	vmf->page = page;
	return 0;
}

static const struct vm_operations_struct vcpu_run_vm_ops = {
	.fault = vcpu_run_fault,
};

static int armvirt_vcpu_mmap(struct file *filp, struct vm_area_struct *vma)
{
	vma->vm_ops = &vcpu_run_vm_ops;
	return 0;
}

/* As in KVM, a vCPU lives as long as its VM: closing its fd only drops a VM reference. */
static int armvirt_vcpu_release(struct inode *inode, struct file *filp)
{
	struct armvirt_vcpu *vcpu = filp->private_data;

	armvirt_vm_put(vcpu->vm);
	return 0;
}

void armvirt_vcpu_free(struct armvirt_vcpu *vcpu)
{
	armvirt_debugfs_vcpu_remove(vcpu);
	ptimer_vcpu_stop(vcpu);
	lowvisor_unmap_vcpu(vcpu->hyp);
	free_page((unsigned long)vcpu->hyp);
	free_page((unsigned long)vcpu->run);
	kfree(vcpu);
}

static void vcpu_kick_ipi(void *unused)
{
	/* The IPI itself made the guest exit. */
}

/*
 * The kick IPIs, one call-data per (sending CPU, target CPU): the async
 * call needs no lock nor sleep, so a kick may come with IRQs off, from an
 * irqfd's wake-up under its eventfd's lock (eventfd.c). A call-data still
 * in flight (-EBUSY) means an IPI from here to that CPU is on its way: the
 * guest there will exit without another. Used with IRQs off on this CPU,
 * so that an interrupt handler's kick does not share one in use.
 */
static call_single_data_t __percpu *kick_csd;	/* nr_cpu_ids on each CPU */

int armvirt_vcpu_kick_init(void)
{
	unsigned int src, dst;

	kick_csd = __alloc_percpu(nr_cpu_ids * sizeof(*kick_csd), __alignof__(*kick_csd));
	if (!kick_csd)
		return -ENOMEM;
	for_each_possible_cpu(src)
		for (dst = 0; dst < nr_cpu_ids; dst++)
			per_cpu_ptr(kick_csd, src)[dst].func = vcpu_kick_ipi;
	return 0;
}

/* At module exit: no kick of ours (our text, our per-CPU data) in flight. */
void armvirt_vcpu_kick_exit(void)
{
	kick_all_cpus_sync();	/* every CPU took its queued calls */
	synchronize_rcu();	/* and left the IPI handler running them */
	free_percpu(kick_csd);
}

/*
 * Ask @vcpu to look at its requests before it next enters its guest: wake
 * it if it sleeps, and make it leave its guest if it is in one. Paired with
 * the check run.c makes with IRQs off after setting IN_GUEST_MODE. Any
 * context, hard IRQ included on PREEMPT_RT: the wake-up takes no sleeping
 * lock (rcuwait, as KVM's: the vCPU's own thread is the only waiter).
 */
void armvirt_vcpu_request(struct armvirt_vcpu *vcpu, enum armvirt_request req)
{
	unsigned long flags;
	int cpu;

	set_bit(req, &vcpu->requests);
	smp_mb__after_atomic();	/* the request before the mode */
	if (READ_ONCE(vcpu->mode) == IN_GUEST_MODE) {
		cpu = READ_ONCE(vcpu->cpu);
		local_irq_save(flags);
		if (cpu != smp_processor_id() && cpu >= 0 && cpu < nr_cpu_ids)
			smp_call_function_single_async(cpu, this_cpu_ptr(kick_csd) + cpu);
		local_irq_restore(flags);
	}
	rcuwait_wake_up(&vcpu->wait);
}

bool armvirt_vcpu_powered_off(struct armvirt_vcpu *vcpu)
{
	bool off;

	spin_lock(&vcpu->power_lock);
	off = vcpu->power_off;
	spin_unlock(&vcpu->power_lock);
	return off;
}

/* @drop_cpu_on: a guest's CPU_ON not applied yet is forgotten, atomically. */
static void set_power(struct armvirt_vcpu *vcpu, bool off, bool drop_cpu_on)
{
	spin_lock(&vcpu->power_lock);
	if (drop_cpu_on)
		clear_bit(REQ_RESET, &vcpu->requests);
	vcpu->power_off = off;
	spin_unlock(&vcpu->power_lock);
	armvirt_vcpu_request(vcpu, off ? REQ_SLEEP : REQ_KICK);
}

void armvirt_vcpu_set_power_off(struct armvirt_vcpu *vcpu, bool off)
{
	set_power(vcpu, off, false);
}

/* KVM_ARM_VCPU_INIT: the target must be this host's; features are checked as KVM did. */
static int vcpu_init(struct armvirt_vcpu *vcpu, const struct kvm_vcpu_init *init)
{
	int target = armvirt_preferred_target();
	unsigned int i;
	bool set;

	if (target < 0 || init->target != (u32)target) {
		pr_warn_ratelimited(ARMVIRT_NAME ": KVM_ARM_VCPU_INIT target %u; this host runs target %d\n",
				    init->target, target);
		return -EINVAL;
	}
	for (i = 0; i < sizeof(init->features) * 8; i++) {
		set = init->features[i / 32] & (1U << (i % 32));
		if (set && i >= ARMVIRT_VCPU_FEATURES) {
			pr_warn_ratelimited(ARMVIRT_NAME ": KVM_ARM_VCPU_INIT: unknown feature %u\n", i);
			return -ENOENT;
		}
		/* Later calls must ask for the same features as the first. */
		if (vcpu->initialized && i < ARMVIRT_VCPU_FEATURES &&
		    test_bit(i, &vcpu->features) != set)
			return -EINVAL;
	}
	vcpu->features = init->features[0] & (BIT(ARMVIRT_VCPU_FEATURES) - 1);
	vcpu->target = target;
	armvirt_reset_core_regs(vcpu);
	armvirt_reset_cp15_regs(vcpu);
	armvirt_reset_vfp_regs(vcpu);
	armvirt_reset_thumbee_regs(vcpu);
	armvirt_vcpu_init_traps(vcpu);
	vcpu->hyp->ctxt.timer.cntv_ctl = 0;
	vcpu->hyp->ctxt.timer.cntv_cval = 0;
	vcpu->hyp->ctxt.timer.cntvoff = vcpu->vm->cntvoff;
	ptimer_write(vcpu, PTIMER_CTL, 0);
	vcpu->mmio_pending = false;
	/*
	 * A guest's CPU_ON of this vCPU made before the reset is undone by it:
	 * its entry point, applied at the next KVM_RUN, would override the
	 * registers the VMM sets after the reset. One made after it
	 * (power_lock orders the two) turns the reset vCPU on.
	 */
	set_power(vcpu, test_bit(KVM_ARM_VCPU_POWER_OFF, &vcpu->features), true);
	/* Last: another vCPU's PSCI call may then find this one, reset. */
	smp_store_release(&vcpu->initialized, true);
	return 0;
}

static int vcpu_reg_list(struct armvirt_vcpu *vcpu, struct kvm_reg_list __user *ulist)
{
	struct kvm_reg_list list;
	u64 room;

	if (copy_from_user(&list, ulist, sizeof(list)))
		return -EFAULT;
	room = list.n;
	list.n = armvirt_num_regs(vcpu);
	if (copy_to_user(ulist, &list, sizeof(list)))
		return -EFAULT;
	if (room < list.n)
		return -E2BIG;
	return armvirt_copy_reg_indices(vcpu, ulist->reg);
}

static long vcpu_ioctl_locked(struct armvirt_vcpu *vcpu, unsigned int ioctl,
			      unsigned long arg)
{
	void __user *argp = (void __user *)arg;
	struct kvm_vcpu_init init;
	struct kvm_mp_state mp;
	struct kvm_one_reg reg;

	switch (ioctl) {
	case KVM_ARM_VCPU_INIT:
		if (copy_from_user(&init, argp, sizeof(init)))
			return -EFAULT;
		return vcpu_init(vcpu, &init);
	case KVM_GET_ONE_REG:
	case KVM_SET_ONE_REG:
		if (!vcpu->initialized)
			return -ENOEXEC;
		if (copy_from_user(&reg, argp, sizeof(reg)))
			return -EFAULT;
		return ioctl == KVM_GET_ONE_REG ? armvirt_get_one_reg(vcpu, &reg) :
						  armvirt_set_one_reg(vcpu, &reg);
	case KVM_GET_REG_LIST:
		if (!vcpu->initialized)
			return -ENOEXEC;
		return vcpu_reg_list(vcpu, argp);
	case KVM_RUN:
		if (arg)
			return -EINVAL;	/* as KVM */
		return armvirt_vcpu_run(vcpu);
	case KVM_GET_MP_STATE:
		mp.mp_state = armvirt_vcpu_powered_off(vcpu) ? KVM_MP_STATE_STOPPED :
							       KVM_MP_STATE_RUNNABLE;
		return copy_to_user(argp, &mp, sizeof(mp)) ? -EFAULT : 0;
	case KVM_SET_MP_STATE:
		if (copy_from_user(&mp, argp, sizeof(mp)))
			return -EFAULT;
		if (mp.mp_state != KVM_MP_STATE_RUNNABLE &&
		    mp.mp_state != KVM_MP_STATE_STOPPED)
			return -EINVAL;
		armvirt_vcpu_set_power_off(vcpu, mp.mp_state == KVM_MP_STATE_STOPPED);
		return 0;
	case KVM_GET_REGS:
	case KVM_SET_REGS:
		return -EINVAL;	/* 32-bit ARM uses ONE_REG, as in KVM */
	default:
		pr_debug_ratelimited(ARMVIRT_NAME ": unknown vCPU ioctl %#x\n", ioctl);
		return -ENOTTY;
	}
}

static long armvirt_vcpu_ioctl(struct file *filp, unsigned int ioctl,
			       unsigned long arg)
{
	struct armvirt_vcpu *vcpu = filp->private_data;
	long ret;

	if (vcpu->vm->mm != current->mm) {
		pr_warn_ratelimited(ARMVIRT_NAME ": vCPU ioctl from a process other than its VMM\n");
		return -EIO;
	}
	if (mutex_lock_killable(&vcpu->mutex))
		return -EINTR;
	ret = vcpu_ioctl_locked(vcpu, ioctl, arg);
	mutex_unlock(&vcpu->mutex);
	return ret;
}

static const struct file_operations armvirt_vcpu_fops = {
	.owner		= THIS_MODULE,
	.release	= armvirt_vcpu_release,
	.unlocked_ioctl	= armvirt_vcpu_ioctl,
	.mmap		= armvirt_vcpu_mmap,
	.llseek		= noop_llseek,
};

/* KVM_CREATE_VCPU: returns the new vCPU's fd. Caller holds vm->lock. */
int armvirt_create_vcpu(struct armvirt_vm *vm, unsigned long id)
{
	struct armvirt_vcpu *vcpu;
	char name[24];
	int fd;

	if (id >= ARMVIRT_MAX_VCPUS) {
		pr_warn_ratelimited(ARMVIRT_NAME ": KVM_CREATE_VCPU id %lu; at most %d vCPUs\n",
				    id, ARMVIRT_MAX_VCPUS);
		return -EINVAL;
	}
	if (vm->vcpus[id])
		return -EEXIST;
	if (vm->vgic && vm->vgic->initialized)
		return -EBUSY;	/* the vGIC was sized for the vCPUs it saw */

	vcpu = kzalloc(sizeof(*vcpu), GFP_KERNEL_ACCOUNT);
	if (!vcpu)
		return -ENOMEM;
	vcpu->run = (struct kvm_run *)get_zeroed_page(GFP_KERNEL_ACCOUNT);
	vcpu->hyp = (struct lv_vcpu *)get_zeroed_page(GFP_KERNEL_ACCOUNT);
	if (!vcpu->run || !vcpu->hyp || lowvisor_map_vcpu(vcpu->hyp)) {
		free_page((unsigned long)vcpu->hyp);
		free_page((unsigned long)vcpu->run);
		kfree(vcpu);
		return -ENOMEM;
	}
	vcpu->vm = vm;
	vcpu->id = id;
	mutex_init(&vcpu->mutex);
	spin_lock_init(&vcpu->power_lock);
	rcuwait_init(&vcpu->wait);
	vcpu->mode = OUTSIDE_GUEST_MODE;
	vtimer_vcpu_init(vcpu);
	ptimer_vcpu_init(vcpu);
	armvirt_debugfs_vcpu_add(vcpu);

	kref_get(&vm->ref);
	snprintf(name, sizeof(name), "armvirt-vcpu:%lu", id);
	fd = anon_inode_getfd(name, &armvirt_vcpu_fops, vcpu, O_RDWR | O_CLOEXEC);
	if (fd < 0) {
		armvirt_vcpu_free(vcpu);
		armvirt_vm_put(vm);	/* not the last reference: the caller's fd holds one */
		return fd;
	}
	/* Lockless readers (PSCI, vGIC kicks) see it whole: pairs with READ_ONCE. */
	smp_store_release(&vm->vcpus[id], vcpu);
	WRITE_ONCE(vm->nr_vcpus, vm->nr_vcpus + 1);
	return fd;
}
