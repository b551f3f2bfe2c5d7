/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * VMs and vCPUs as the highvisor keeps them.
 *
 * Lock order (outermost first):
 *   armvirt_vcpu.mutex  - held across every ioctl on a vCPU fd
 *   armvirt_vm.lock     - memslots and the vCPU table
 * A VM lives while its fd or any of its vCPU fds is open (armvirt_vm.ref).
 */
#ifndef ARMVIRT_HIGHVISOR_VM_H
#define ARMVIRT_HIGHVISOR_VM_H

#include <linux/kref.h>
#include <linux/mm_types.h>
#include <linux/mutex.h>
#include <linux/types.h>

#include "armvirt_kvm.h"
#include "regs.h"

#define ARMVIRT_MAX_VCPUS	8	/* the GICv2 limit, as KVM/ARM */
#define ARMVIRT_NR_MEMSLOTS	32	/* KVM_USER_MEM_SLOTS of 32-bit ARM */
#define ARMVIRT_VCPU_FEATURES	2	/* POWER_OFF, PSCI_0_2 */
#define ARMVIRT_IPA_BITS	40	/* stage 2 input size, as KVM/ARM */

struct armvirt_memslot {
	u64 base_gfn;
	u64 npages;		/* 0: slot unused */
	unsigned long userspace_addr;
	u32 flags;		/* KVM_MEM_READONLY */
};

struct armvirt_vcpu;

struct armvirt_vm {
	struct kref ref;
	struct mm_struct *mm;	/* the VMM's; only it may use the VM */

	u32 psci_version;	/* 0: the default; READ_ONCE/WRITE_ONCE */

	struct mutex lock;	/* protects the fields below */
	struct armvirt_memslot slots[ARMVIRT_NR_MEMSLOTS];
	struct armvirt_vcpu *vcpus[ARMVIRT_MAX_VCPUS];	/* by vCPU id */
	unsigned int nr_vcpus;	/* only grows; read without the lock (READ_ONCE) */
};

struct armvirt_vcpu {
	struct armvirt_vm *vm;	/* holds a reference */
	unsigned int id;
	struct kvm_run *run;	/* one page, shared with the VMM by mmap */

	struct mutex mutex;	/* protects the fields below */
	bool initialized;	/* KVM_ARM_VCPU_INIT done */
	u32 target;
	unsigned long features;	/* KVM_ARM_VCPU_* bits */
	bool power_off;		/* KVM_MP_STATE_STOPPED */
	struct kvm_regs regs;	/* core registers, by ONE_REG index */
	u32 cp15[NR_CP15_REGS];	/* CP15 registers, by enum cp15_index */
	struct armvirt_vfp vfp;	/* VFP/NEON registers */
};

/* vm.c */
int armvirt_create_vm(unsigned long type);
void armvirt_vm_put(struct armvirt_vm *vm);
long armvirt_check_extension(struct armvirt_vm *vm, unsigned long cap);
int armvirt_preferred_target(void);

/* memslot.c; caller holds vm->lock */
int armvirt_set_memory_region(struct armvirt_vm *vm,
			      const struct kvm_userspace_memory_region *mem);

/* vcpu.c; caller holds vm->lock */
int armvirt_create_vcpu(struct armvirt_vm *vm, unsigned long id);
/* When the VM goes */
void armvirt_vcpu_free(struct armvirt_vcpu *vcpu);

/* one_reg.c; caller holds vcpu->mutex */
int armvirt_get_one_reg(struct armvirt_vcpu *vcpu, const struct kvm_one_reg *reg);
int armvirt_set_one_reg(struct armvirt_vcpu *vcpu, const struct kvm_one_reg *reg);
unsigned long armvirt_num_regs(struct armvirt_vcpu *vcpu);
int armvirt_copy_reg_indices(struct armvirt_vcpu *vcpu, u64 __user *uindices);

#endif /* ARMVIRT_HIGHVISOR_VM_H */
