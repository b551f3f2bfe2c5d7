/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * A test VM through the real ABI: /dev/armvirt, one memory slot of RAM at
 * GUEST_RAM_BASE, vCPUs initialised for the host's target, and a guest
 * binary (tests/guest/NAME.S, installed as /tests/data/guest-NAME.bin)
 * loaded at the start of RAM.
 */
#ifndef ARMVIRT_TESTS_VM_H
#define ARMVIRT_TESTS_VM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "armvirt_kvm.h"
#include "guest_abi.h"

#define TVM_MAX_VCPUS	8
#define TVM_TIMEOUT_S	120	/* tvm_create() sets this alarm unless one is set */

struct tvm_vcpu {
	int fd;
	struct kvm_run *run;
};

struct tvm {
	int sys_fd, vm_fd;
	void *ram;
	size_t ram_size;
	int nr_vcpus;
	struct tvm_vcpu vcpu[TVM_MAX_VCPUS];
};

/* What a guest reported through the ucall page, or why the run stopped. */
enum ucall_kind {
	UC_VALUE, UC_DONE, UC_FAIL,
	UC_MMIO,	/* another MMIO access: see run->mmio */
	UC_SYSTEM_EVENT,
	UC_OTHER_EXIT,	/* any other exit reason */
	UC_ERROR,	/* KVM_RUN failed: errno in value */
};

struct ucall {
	enum ucall_kind kind;
	uint32_t value;
};

/*
 * Create a VM with @nr_vcpus vCPUs (vCPU 0 runnable at GUEST_RAM_BASE, the
 * others powered off, all with PSCI 0.2) and @ram_size bytes of RAM holding
 * the guest @name (NULL: none). 0 or -errno; a failure is printed.
 */
int tvm_create(struct tvm *vm, const char *name, size_t ram_size, int nr_vcpus);
void tvm_destroy(struct tvm *vm);
/* vCPU @id (vm->vcpu[id]), at GUEST_RAM_BASE, PSCI 0.2: 0 or -errno. Not counted in nr_vcpus. */
int tvm_add_vcpu(struct tvm *vm, int id, bool powered_off);

/* KVM_RUN once: 0 or errno. */
int tvm_run_once(struct tvm_vcpu *v);
/*
 * Run until the guest reports through the ucall page or something else
 * stops it. MMIO reads of the ucall page return 0.
 */
struct ucall tvm_run_ucall(struct tvm_vcpu *v);

/* Run until the guest reports a value, and return it; anything else abandons the test. */
uint32_t tvm_next_value(struct tvm_vcpu *v, const char *step);

int tvm_get_reg(struct tvm_vcpu *v, uint64_t id, void *val);
int tvm_set_reg(struct tvm_vcpu *v, uint64_t id, const void *val);
uint32_t tvm_core_reg(struct tvm_vcpu *v, unsigned int index);
void tvm_set_core_reg(struct tvm_vcpu *v, unsigned int index, uint32_t val);

/*
 * An in-kernel vGIC v2 through KVM_CREATE_DEVICE: distributor at
 * GUEST_GICD, CPU interface at GUEST_GICC, @nr_irqs, initialised.
 * Returns the device fd, or -errno.
 */
int tvm_create_vgic(struct tvm *vm, uint32_t nr_irqs);

/* The VMM's view of guest RAM at @gpa */
void *tvm_gpa(struct tvm *vm, uint64_t gpa);

/* An exit counter of the vCPU from debugfs (armvirt/vcpus/<pid>-*-<id>), or -1. */
long tvm_exit_count(int vcpu_id, const char *name);
/*
 * The debugfs test interface: the stopped vCPU handles @n trap exits with
 * syndrome @hsr, fault address @far and faulting IPA @ipa, as if its guest
 * had taken them. 0 or an errno.
 */
int tvm_selftest_trap(int vcpu_id, uint32_t hsr, uint32_t far, uint64_t ipa, unsigned int n);
/* The non-zero exit counters of the vCPU, as one "name=count ..." TAP comment. */
void tvm_diag_exit_counts(int vcpu_id);

/* The exit counters of every vCPU of a VMM process, summed by kind (debugfs). */
#define VMM_EXIT_KINDS	32
struct vmm_exits {
	int nr;
	char name[VMM_EXIT_KINDS][24];
	long count[VMM_EXIT_KINDS];
};

/* Those of the VMM @pid; none if debugfs has no vCPU of it. */
void vmm_exits_read(pid_t pid, struct vmm_exits *e);
/* @after - @before, by kind, into @d (both read from the same module). */
void vmm_exits_sub(struct vmm_exits *d, const struct vmm_exits *after,
		   const struct vmm_exits *before);
/* The count of the kind @name, or -1 if there is none. */
long vmm_exits_count(const struct vmm_exits *e, const char *name);

#endif
