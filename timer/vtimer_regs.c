// SPDX-License-Identifier: GPL-2.0-only
/*
 * The timers through ONE_REG, in KVM/ARM's IDs and list place (after the
 * firmware registers): CNTV_CTL, the virtual count, CNTV_CVAL. Setting the
 * count moves the VM's CNTVOFF, for every vCPU, as KVM/ARM did: a VM
 * restored on another host keeps a continuous virtual counter. Then the
 * emulated physical timer's CTL, count and CVAL, which KVM/ARM 5.6 did not
 * list on 32-bit ARM (its state was hidden); its count is the host's and
 * cannot be set (a write is accepted and ignored, so a restore succeeds).
 * Caller holds vcpu->mutex.
 */
#include <linux/uaccess.h>

#include "vtimer.h"
#include "../highvisor/regs.h"
#include "../highvisor/vm.h"

static const u64 timer_reg_ids[] = {
	KVM_REG_ARM_TIMER_CTL,
	KVM_REG_ARM_TIMER_CNT,
	KVM_REG_ARM_TIMER_CVAL,
	KVM_REG_ARM_PTIMER_CTL,
	KVM_REG_ARM_PTIMER_CNT,
	KVM_REG_ARM_PTIMER_CVAL,
};

static bool timer_owns(u64 id)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(timer_reg_ids); i++)
		if (id == timer_reg_ids[i])
			return true;
	return false;
}

static int timer_get(struct armvirt_vcpu *vcpu, u64 id, void __user *uaddr)
{
	struct lv_timer *t = &vcpu->hyp->ctxt.timer;
	u64 val;

	switch (id) {
	case KVM_REG_ARM_TIMER_CTL:
		val = t->cntv_ctl;
		break;
	case KVM_REG_ARM_TIMER_CNT:
		val = vtimer_host_counter() - t->cntvoff;
		break;
	case KVM_REG_ARM_TIMER_CVAL:
		val = t->cntv_cval;
		break;
	case KVM_REG_ARM_PTIMER_CTL:
		val = vcpu->ptimer_ctl;
		break;
	case KVM_REG_ARM_PTIMER_CNT:
		val = vtimer_host_counter();
		break;
	case KVM_REG_ARM_PTIMER_CVAL:
		val = vcpu->ptimer_cval;
		break;
	default:
		return -ENOENT;
	}
	return reg_to_user(uaddr, &val, id);
}

/*
 * Every vCPU of the VM gets the new offset at its next entry: one running
 * meanwhile does not save CNTVOFF at its exit (the guest cannot change
 * it), so does not write the old one back.
 */
static void set_vm_cntvoff(struct armvirt_vm *vm, u64 cntvoff)
{
	unsigned int i;

	mutex_lock(&vm->lock);
	vm->cntvoff = cntvoff;
	for (i = 0; i < ARMVIRT_MAX_VCPUS; i++)
		if (vm->vcpus[i])
			WRITE_ONCE(vm->vcpus[i]->hyp->ctxt.timer.cntvoff, cntvoff);
	mutex_unlock(&vm->lock);
}

static int timer_set(struct armvirt_vcpu *vcpu, u64 id, const void __user *uaddr)
{
	struct lv_timer *t = &vcpu->hyp->ctxt.timer;
	u64 val = 0;

	if (!timer_owns(id))
		return -ENOENT;
	if (reg_from_user(&val, uaddr, id))
		return -EFAULT;
	switch (id) {
	case KVM_REG_ARM_TIMER_CTL:
		t->cntv_ctl = val & 3;	/* ISTATUS is the hardware's to say */
		break;
	case KVM_REG_ARM_TIMER_CNT:
		set_vm_cntvoff(vcpu->vm, vtimer_host_counter() - val);
		break;
	case KVM_REG_ARM_TIMER_CVAL:
		t->cntv_cval = val;
		break;
	case KVM_REG_ARM_PTIMER_CTL:
		ptimer_write(vcpu, PTIMER_CTL, val);
		break;
	case KVM_REG_ARM_PTIMER_CVAL:
		ptimer_write(vcpu, PTIMER_CVAL, val);
		break;
	default:	/* PTIMER_CNT: the host's counter */
		break;
	}
	return 0;
}

static int timer_list(struct armvirt_vcpu *vcpu, u64 __user *uids)
{
	return reg_ids_to_user(timer_reg_ids, ARRAY_SIZE(timer_reg_ids), uids);
}

const struct reg_group timer_reg_group = {
	.coproc = 15ULL << KVM_REG_ARM_COPROC_SHIFT,	/* CP15 */
	.owns = timer_owns,
	.get = timer_get,
	.set = timer_set,
	.list = timer_list,
};
