/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The virtual GICv2: an emulated distributor, and the guest's CPU
 * interface on the hardware's GICV, fed through the GICH list registers.
 *
 * Locking: vgic_dist.lock (a raw spinlock, taken with IRQs off, also from
 * the world switch: it stays a spinning lock on PREEMPT_RT) protects every
 * vgic_irq of the VM and the distributor's own fields. It nests inside
 * armvirt_vm.lock and vgic_dist.resample_lock, and nothing that may sleep
 * (an eventfd's wait queue lock is one on PREEMPT_RT) runs under it. The
 * per-vCPU vgic_cpu is only touched by its vCPU's thread (with
 * vcpu->mutex), except through the distributor's lock.
 *
 * Live interrupts: one bit per interrupt (vgic_cpu.live for a vCPU's
 * private ones, vgic_dist.live for SPIs), set by whatever makes it
 * pending, active or raises its line (vgic_note_live()), cleared by the
 * list-register flush once it is none of those. Entry and the WFI check
 * look at those bits only, not at every interrupt of the VM.
 */
#ifndef ARMVIRT_VGIC_H
#define ARMVIRT_VGIC_H

#include <linux/bitmap.h>
#include <linux/mutex.h>
#include <linux/spinlock.h>
#include <linux/types.h>

#include "../highvisor/vm.h"

#define VGIC_NR_PRIVATE		32	/* SGIs 0-15, PPIs 16-31 */
#define VGIC_NR_SGIS		16
#define VGIC_MAX_IRQS		1024	/* INTIDs the distributor's registers span */
/*
 * NR_IRQS at most: INTIDs 1020-1023 are the GIC's special numbers (1023
 * spurious), never a list register's. As KVM: the last whole group of 32.
 */
#define VGIC_MAX_NR_IRQS	992
#define VGIC_DEFAULT_IRQS	128	/* as KVM/ARM, when NR_IRQS is not set */
#define VGIC_MAX_LRS		16
#define VGIC_TIMER_PPI		27	/* the virtual timer */
#define VGIC_MAINT_PPI		25

struct armvirt_vm;
struct armvirt_vcpu;

/* A list register's worth of interrupt, while choosing what goes in */
struct lr_candidate {
	u32 intid;
	u8 priority;
	u8 source;
	bool active;
};

/* One interrupt as the distributor sees it (under vgic_dist.lock) */
struct vgic_irq {
	u8 priority;
	u8 targets;		/* SPIs: vCPU mask (GICD_ITARGETSR) */
	u8 sgi_sources;		/* SGIs: pending from these vCPUs */
	u8 active_source;	/* SGIs: the source of the active one */
	bool enabled;
	bool edge;		/* GICD_ICFGR: edge-triggered */
	bool line_level;	/* level-triggered: the input line */
	bool pending_latch;	/* edge, or set by GICD_ISPENDR */
	bool active;
	s8 lr_vcpu;		/* the vCPU with it in a list register, or -1 */
	/* a resampling irqfd, signalled on EOI: written under resample_lock and lock */
	struct eventfd_ctx *resample;
};

static inline bool vgic_irq_pending(u32 intid, const struct vgic_irq *irq)
{
	if (intid < VGIC_NR_SGIS)
		return irq->sgi_sources;
	return irq->pending_latch || (!irq->edge && irq->line_level);
}

/* Pending, active, or with its line up: the flush must look at it. */
static inline bool vgic_irq_live(const struct vgic_irq *irq)
{
	return irq->pending_latch || irq->line_level || irq->sgi_sources || irq->active;
}

/* The vCPUs (a mask by id) an interrupt would be signalled to: its owner's, or an SPI's lowest target. */
static inline u8 vgic_irq_target_mask(u32 intid, const struct vgic_irq *irq, unsigned int owner)
{
	if (intid < VGIC_NR_PRIVATE)
		return BIT(owner);
	return irq->targets & -irq->targets;
}

/* Per vCPU */
struct vgic_cpu {
	struct vgic_irq private[VGIC_NR_PRIVATE];
	u32 vmcr, apr;		/* GICH_VMCR and GICH_APR while not running */
	u32 lr_intid[VGIC_MAX_LRS];	/* what each LR held at entry */
	u8 lr_source[VGIC_MAX_LRS];
	int nr_lrs_used;
	/* SPIs EOIed with a resampling irqfd, signalled once IRQs are back on */
	u32 resample_intids[VGIC_MAX_LRS];
	int nr_resamples;
	u32 live;		/* private interrupts maybe live; under vgic_dist.lock */
};

struct vgic_dist {
	raw_spinlock_t lock;
	/* vgic_irq.resample: held while signalling one, so it cannot go meanwhile */
	struct mutex resample_lock;
	/*
	 * Set once (KVM_DEV_ARM_VGIC_CTRL_INIT or the first KVM_RUN), under
	 * armvirt_vm.lock, with a release: whoever reads it true with
	 * vgic_ready() sees spis, cpus and vcpu_mask, which never change again.
	 */
	bool initialized;
	bool enabled;		/* GICD_CTLR */
	u32 nr_irqs;		/* including the private ones */
	u64 dist_base, cpu_base;	/* guest IPAs; ~0 until set */
	struct vgic_irq *spis;	/* nr_irqs - 32 */
	struct vgic_cpu *cpus[8];	/* by vCPU id (ids may have gaps) */
	u8 vcpu_mask;		/* the ids of the VM's vCPUs: targets, SGI lists */
	DECLARE_BITMAP(live, VGIC_MAX_IRQS);	/* SPIs maybe live; under lock */
};

/*
 * Under vgic_dist.lock, after @irq (@intid, private to vCPU @owner if below
 * 32) changed: if it is live, the flush must look at it.
 */
static inline void vgic_note_live(struct vgic_dist *d, unsigned int owner, u32 intid,
				  const struct vgic_irq *irq)
{
	if (!vgic_irq_live(irq))
		return;
	if (intid < VGIC_NR_PRIVATE)
		d->cpus[owner]->live |= BIT(intid);
	else
		__set_bit(intid, d->live);
}

/* The VM's vGIC if it is initialised, else NULL. Any context. */
static inline struct vgic_dist *vgic_ready(const struct armvirt_vm *vm)
{
	struct vgic_dist *d = READ_ONCE(vm->vgic);

	/* pairs with the release in vgic_init(): the allocations before it */
	return d && smp_load_acquire(&d->initialized) ? d : NULL;
}

/* vgic-hw.c: the host's GICH, its maintenance and virtual timer interrupts */
int vgic_hw_init(void);
void vgic_hw_exit(void);
void vgic_hw_cpu_online(void);
void vgic_hw_cpu_offline(void);
int vgic_hw_nr_lrs(void);
u32 vgic_hw_read(unsigned int off);
void vgic_hw_write(u32 val, unsigned int off);
phys_addr_t vgic_hw_gicv_base(void);
int vgic_hw_timer_irq(void);
u32 vgic_hw_timer_intid(void);

/* vgic.c */
int vgic_may_create(struct armvirt_vm *vm);	/* caller holds vm->lock */
struct vgic_dist *vgic_alloc(void);
void vgic_publish(struct armvirt_vm *vm, struct vgic_dist *d);	/* vm->lock */
int vgic_create(struct armvirt_vm *vm);	/* caller holds vm->lock */
int vgic_init(struct armvirt_vm *vm);	/* caller holds vm->lock */
int vgic_create_device(struct armvirt_vm *vm, void __user *argp);
void vgic_destroy(struct armvirt_vm *vm);
int vgic_set_addr(struct armvirt_vm *vm, u32 type, u64 addr);
bool vgic_cpu_if_overlaps(struct armvirt_vm *vm, u64 gpa, u64 size);
int vgic_irq_line(struct armvirt_vm *vm, u32 irq, bool level);
int vgic_init_for_run(struct armvirt_vcpu *vcpu);	/* caller holds vm->lock */
void vgic_flush_lrs(struct armvirt_vcpu *vcpu);	/* IRQs off, before entry */
void vgic_fold_lrs(struct armvirt_vcpu *vcpu);	/* IRQs off, after exit */
void vgic_signal_resamples(struct armvirt_vcpu *vcpu);	/* after that, IRQs on */
bool vgic_vcpu_pending(struct armvirt_vcpu *vcpu);
void vgic_set_ppi_level(struct armvirt_vcpu *vcpu, u32 intid, bool level);
struct eventfd_ctx;
bool vgic_swap_resample(struct armvirt_vm *vm, u32 intid, struct eventfd_ctx *old,
			struct eventfd_ctx *new);
struct vgic_irq *vgic_get_irq(struct vgic_dist *d, struct armvirt_vcpu *vcpu, u32 intid);
void vgic_kick_target(struct armvirt_vm *vm, u32 intid, struct vgic_irq *irq,
		      struct armvirt_vcpu *vcpu);

/* vgic-dist.c: guest accesses to the distributor; true if @ipa is its */
bool vgic_dist_mmio(struct armvirt_vcpu *vcpu, u64 ipa, unsigned int len,
		    bool is_write, u32 *val);
void vgic_dist_access(struct armvirt_vcpu *vcpu, u32 offset, unsigned int len,
		      bool is_write, u32 *val);

#endif /* ARMVIRT_VGIC_H */
