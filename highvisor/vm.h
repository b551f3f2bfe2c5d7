/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * VMs and vCPUs as the highvisor keeps them.
 *
 * Lock order (outermost first):
 *   armvirt_vcpu.mutex       - held across every ioctl on a vCPU fd
 *   armvirt_vm.lock          - memslots (writers), the vCPU table, the vGIC's
 *                              creation and set-up, irqfd assign/deassign
 *   armvirt_vm.s2.lock       - stage 2, MMU notifier counts, memslots (readers)
 *   armvirt_vcpu.power_lock  - a vCPU's power state and pending reset
 * A VM lives while its fd or any of its vCPU fds is open (armvirt_vm.ref).
 *
 * A vCPU enters its guest with preemption and IRQs off (run.c), and keeps
 * them off in the host until the guest exits. The timers' hrtimer callbacks
 * (timer/) and the irqfd wake-up (eventfd.c) may run in IRQ context;
 * everything else here runs in process context.
 */
#ifndef ARMVIRT_HIGHVISOR_VM_H
#define ARMVIRT_HIGHVISOR_VM_H

#include <linux/hrtimer.h>
#include <linux/kref.h>
#include <linux/mm_types.h>
#include <linux/mmu_notifier.h>
#include <linux/mutex.h>
#include <linux/spinlock.h>
#include <linux/types.h>
#include <linux/rcuwait.h>

#include "armvirt_kvm.h"
#include "regs.h"
#include "exit_stats.h"
#include "../mmu/stage2.h"
#include "../mmu/vmid.h"

#define ARMVIRT_MAX_VCPUS	8	/* the GICv2 limit, as KVM/ARM */
#define ARMVIRT_NR_MEMSLOTS	32	/* KVM_USER_MEM_SLOTS of 32-bit ARM */
#define ARMVIRT_MAX_IOEVENTFDS	1000	/* KVM's bound on an I/O bus's devices (NR_IOBUS_DEVS) */
#define ARMVIRT_VCPU_FEATURES	2	/* POWER_OFF, PSCI_0_2 */
#define ARMVIRT_IPA_BITS	40	/* stage 2 input size, as KVM/ARM */

struct armvirt_memslot {
	u64 base_gfn;
	u64 npages;		/* 0: slot unused */
	unsigned long userspace_addr;
	u32 flags;		/* KVM_MEM_READONLY, KVM_MEM_LOG_DIRTY_PAGES */
	unsigned long *dirty_bitmap;	/* while logging; bits set under s2.lock */
	bool hidden;		/* being deleted or moved: faults do not find it */
};

struct armvirt_vcpu;
struct vgic_dist;

struct armvirt_vm {
	struct kref ref;
	struct mm_struct *mm;	/* the VMM's; only it may use the VM */

	u32 psci_version;	/* 0: the default; READ_ONCE/WRITE_ONCE */
	unsigned int debug_id;	/* names its vCPUs in debugfs */

	struct mutex lock;	/* protects the fields below */
	struct armvirt_memslot slots[ARMVIRT_NR_MEMSLOTS];	/* also s2.lock */
	struct armvirt_vcpu *vcpus[ARMVIRT_MAX_VCPUS];	/* by vCPU id; set once */
	unsigned int nr_vcpus;	/* only grows; read without the lock (READ_ONCE) */

	struct stage2 s2;	/* s2.lock also protects mn_seq and mn_active */
	struct mmu_notifier mn;
	bool mn_registered;
	unsigned long mn_seq;	/* bumped when an invalidation ends */
	int mn_active;		/* invalidations in progress */
	struct armvirt_vmid vmid;
	int __percpu *last_vcpu_ran;	/* per host CPU; preemption off */

	struct vgic_dist *vgic;	/* set once, under lock (vgic_ready() to use it) */
	spinlock_t irqfd_lock;	/* protects irqfds (eventfd.c) */
	struct list_head irqfds;
	struct list_head ioeventfds;	/* changed under lock; read under RCU */
	unsigned int nr_ioeventfds;	/* under lock; at most ARMVIRT_MAX_IOEVENTFDS */
	bool gicv_mapped;	/* under lock */
	u64 cntvoff;		/* the virtual counter's offset, every vCPU's */
	bool manual_dirty_protect;	/* KVM_CAP_MANUAL_DIRTY_LOG_PROTECT2; under lock */
};

/* Why a vCPU must stop before (re-)entering its guest: bits of vcpu->requests */
enum armvirt_request {
	REQ_SLEEP,		/* powered off: block until powered on */
	REQ_RESET,		/* PSCI CPU_ON: reset to vcpu->reset_state */
	REQ_KICK,		/* just leave the guest and look again */
};

/* What PSCI CPU_ON asks of a vCPU, applied by the vCPU itself. */
struct armvirt_reset_state {
	u32 pc;
	u32 r0;
	bool thumb;
	bool big_endian;
};

/* The access of a pending MMIO read, finished at the next KVM_RUN. */
struct armvirt_mmio_access {
	bool is_write;
	bool sign_extend;
	bool big_endian;
	u8 len;			/* 1, 2, 4 or 8 (a pair of registers) */
	u8 rt, rt2;		/* registers read or written */
	bool writeback;		/* the base register changes too */
	u8 rn;
	u32 rn_value;		/* its new value */
	bool thumb32;		/* the instruction's length: 4 or 2 bytes */
};

enum vcpu_mode { OUTSIDE_GUEST_MODE, IN_GUEST_MODE };

struct armvirt_vcpu {
	struct armvirt_vm *vm;	/* holds a reference */
	unsigned int id;
	struct kvm_run *run;	/* one page, shared with the VMM by mmap */

	struct lv_vcpu *hyp;	/* registers and trap state: one page, mapped in HYP */

	struct mutex mutex;	/* protects the fields below, and *hyp */
	bool initialized;	/* KVM_ARM_VCPU_INIT done; set (release) after the reset */
	u32 target;
	unsigned long features;	/* KVM_ARM_VCPU_* bits */
	bool has_run;		/* KVM_RUN got past its first checks; set under vm->lock */
	bool mmio_pending;	/* a KVM_EXIT_MMIO read waits for its data */
	struct hrtimer wfi_timer;	/* wakes it in WFI when its timer fires */
	bool vtimer_held;	/* the physical PPI held active for the guest */
	u32 ptimer_ctl;		/* the emulated physical timer (timer/ptimer.c) */
	u64 ptimer_cval;
	struct hrtimer ptimer_hrtimer;
	struct armvirt_mmio_access mmio;
	struct armvirt_exit_stats stats;	/* read locklessly by debugfs */
	struct dentry *debugfs;

	/* Set by other vCPUs and the VM: */
	unsigned long requests;	/* enum armvirt_request bits (atomic bitops) */
	/* Without a vGIC: KVM_ARM_IRQ_CPU_IRQ/FIQ inputs (atomic bitops; irq_line.c) */
	unsigned long irq_lines;
	int mode;		/* enum vcpu_mode, READ_ONCE/WRITE_ONCE */
	int cpu;		/* where it runs while IN_GUEST_MODE */
	struct rcuwait wait;	/* its thread, blocked in WFI or powered off (vcpu->mutex held) */
	spinlock_t power_lock;	/* protects the fields below */
	bool power_off;		/* KVM_MP_STATE_STOPPED */
	struct armvirt_reset_state reset_state;	/* with REQ_RESET */
};

/* vm.c */
int armvirt_create_vm(unsigned long type);
void armvirt_vm_put(struct armvirt_vm *vm);
long armvirt_check_extension(struct armvirt_vm *vm, unsigned long cap);
int armvirt_preferred_target(void);

/* memslot.c; caller holds vm->lock */
/* Dirty logging (dirty_log.c); vm->lock held */
unsigned long armvirt_dirty_bitmap_bytes(u64 npages);
unsigned long *armvirt_dirty_bitmap_alloc(struct armvirt_vm *vm, u64 npages);
void armvirt_dirty_bitmap_free(struct armvirt_vm *vm, unsigned long *bitmap, u64 npages);
void armvirt_wrprotect_slot(struct armvirt_vm *vm, const struct armvirt_memslot *slot);
int armvirt_get_dirty_log(struct armvirt_vm *vm, const struct kvm_dirty_log *log);
int armvirt_clear_dirty_log(struct armvirt_vm *vm, const struct kvm_clear_dirty_log *log);
int armvirt_vm_enable_cap(struct armvirt_vm *vm, const struct kvm_enable_cap *cap);

int armvirt_set_memory_region(struct armvirt_vm *vm,
			      const struct kvm_userspace_memory_region *mem);

/* vcpu.c; caller holds vm->lock */
int armvirt_create_vcpu(struct armvirt_vm *vm, unsigned long id);
/* When the VM goes */
void armvirt_vcpu_free(struct armvirt_vcpu *vcpu);
/* Ask a vCPU to stop and look at its requests: wakes or IPIs it. */
void armvirt_vcpu_request(struct armvirt_vcpu *vcpu, enum armvirt_request req);
int armvirt_vcpu_kick_init(void);
void armvirt_vcpu_kick_exit(void);
bool armvirt_vcpu_powered_off(struct armvirt_vcpu *vcpu);
void armvirt_vcpu_set_power_off(struct armvirt_vcpu *vcpu, bool off);

/* irq_line.c: KVM_IRQ_LINE; the lines into HCR at entry (IRQs off) */
int armvirt_irq_line(struct armvirt_vm *vm, const struct kvm_irq_level *irq);
void armvirt_vcpu_load_irq_lines(struct armvirt_vcpu *vcpu);

/* guest_mem.c */
int armvirt_guest_mem_init(struct armvirt_vm *vm);
void armvirt_guest_mem_destroy(struct armvirt_vm *vm);
struct armvirt_memslot *armvirt_find_slot(struct armvirt_vm *vm, u64 gfn);
void armvirt_unmap_slot(struct armvirt_vm *vm, struct armvirt_memslot *slot);
u64 armvirt_vttbr(struct armvirt_vm *vm);
void armvirt_vm_flush_tlb(struct armvirt_vm *vm);
int armvirt_stage2_fault(struct armvirt_vcpu *vcpu, u64 ipa, bool write_fault);
int armvirt_read_guest(struct armvirt_vm *vm, u64 ipa, void *buf, size_t len);
int armvirt_map_device(struct armvirt_vm *vm, u64 ipa, phys_addr_t pa, u64 size);
void armvirt_flush_guest_dcache(struct armvirt_vm *vm);
bool armvirt_stage2_in_chunks(struct armvirt_vm *vm, u64 ipa, u64 end,
			      bool (*fn)(struct stage2 *s2, u64 ipa, u64 size),
			      bool clears);

/* eventfd.c */
struct kvm_irqfd;
struct kvm_ioeventfd;
int armvirt_eventfd_init(void);
void armvirt_eventfd_exit(void);
int armvirt_irqfd(struct armvirt_vm *vm, const struct kvm_irqfd *args);
void armvirt_irqfds_release(struct armvirt_vm *vm);
int armvirt_ioeventfd(struct armvirt_vm *vm, const struct kvm_ioeventfd *args);
bool armvirt_ioeventfd_write(struct armvirt_vm *vm, u64 addr, u32 len, u64 value);
void armvirt_ioeventfds_release(struct armvirt_vm *vm);

/* run.c; caller holds vcpu->mutex */
int armvirt_vcpu_run(struct armvirt_vcpu *vcpu);

/* one_reg.c; caller holds vcpu->mutex */
int armvirt_get_one_reg(struct armvirt_vcpu *vcpu, const struct kvm_one_reg *reg);
int armvirt_set_one_reg(struct armvirt_vcpu *vcpu, const struct kvm_one_reg *reg);
unsigned long armvirt_num_regs(struct armvirt_vcpu *vcpu);
int armvirt_copy_reg_indices(struct armvirt_vcpu *vcpu, u64 __user *uindices);

#endif /* ARMVIRT_HIGHVISOR_VM_H */
