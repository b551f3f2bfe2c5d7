// SPDX-License-Identifier: GPL-2.0-only
/*
 * The virtual GICv2's state and its delivery through the list registers.
 *
 * Before each guest entry (IRQs off, on the CPU that will run it) the
 * vCPU's active interrupts, then its pending enabled ones by priority, go
 * into the GICH list registers; after the exit their state comes back.
 * More interrupts than list registers: the underflow maintenance interrupt
 * brings the guest out when they run low, and the rest go in then. Level
 * interrupts carry the EOI maintenance bit, so their line is looked at
 * again when the guest is done with them.
 */
#include <linux/eventfd.h>
#include <linux/slab.h>
#include <linux/uaccess.h>

#include "vgic.h"
#include "vgic-regs.h"
#include "../highvisor/armvirt.h"
#include "../highvisor/compat.h"
#include "../highvisor/run.h"
#include "../highvisor/trace.h"
#include "../highvisor/vm.h"
#include "../timer/vtimer.h"

#define VGIC_ADDR_UNSET		(~0ULL)

struct vgic_irq *vgic_get_irq(struct vgic_dist *d, struct armvirt_vcpu *vcpu, u32 intid)
{
	if (intid < VGIC_NR_PRIVATE)
		return vcpu ? &d->cpus[vcpu->id]->private[intid] : NULL;
	if (intid < d->nr_irqs)
		return &d->spis[intid - VGIC_NR_PRIVATE];
	return NULL;
}

/* The vCPU an SPI goes to: the lowest-numbered target, as KVM/ARM did. */
static struct armvirt_vcpu *spi_target(struct armvirt_vm *vm, const struct vgic_irq *irq)
{
	unsigned int id;

	if (!irq->targets)
		return NULL;
	id = __ffs(irq->targets);
	return id < ARMVIRT_MAX_VCPUS ? READ_ONCE(vm->vcpus[id]) : NULL;
}

/* After an interrupt became pending: make its vCPU look (process context). */
void vgic_kick_target(struct armvirt_vm *vm, u32 intid, struct vgic_irq *irq,
		      struct armvirt_vcpu *vcpu)
{
	struct armvirt_vcpu *target = intid < VGIC_NR_PRIVATE ? vcpu : spi_target(vm, irq);

	if (target)
		armvirt_vcpu_request(target, REQ_KICK);
}

/* Can a vGIC still be added? Caller holds vm->lock. */
int vgic_may_create(struct armvirt_vm *vm)
{
	unsigned int i;

	lockdep_assert_held(&vm->lock);
	if (vm->vgic)
		return -EEXIST;
	for (i = 0; i < ARMVIRT_MAX_VCPUS; i++)
		if (vm->vcpus[i] && vm->vcpus[i]->has_run)
			return -EBUSY;
	return 0;
}

struct vgic_dist *vgic_alloc(void)
{
	struct vgic_dist *d = kzalloc(sizeof(*d), GFP_KERNEL_ACCOUNT);

	if (!d)
		return NULL;
	raw_spin_lock_init(&d->lock);
	mutex_init(&d->resample_lock);
	d->dist_base = VGIC_ADDR_UNSET;
	d->cpu_base = VGIC_ADDR_UNSET;
	return d;
}

/* Publish @d as the VM's vGIC. Caller holds vm->lock, checked vgic_may_create(). */
void vgic_publish(struct armvirt_vm *vm, struct vgic_dist *d)
{
	smp_store_release(&vm->vgic, d);	/* lockless readers see it set up */
}

int vgic_create(struct armvirt_vm *vm)
{
	struct vgic_dist *d;
	int ret;

	ret = vgic_may_create(vm);
	if (ret)
		return ret;
	d = vgic_alloc();
	if (!d)
		return -ENOMEM;
	vgic_publish(vm, d);
	return 0;
}

static void free_cpus(struct vgic_cpu **cpus)
{
	unsigned int i;

	for (i = 0; i < ARMVIRT_MAX_VCPUS; i++) {
		kfree(cpus[i]);
		cpus[i] = NULL;
	}
}

void vgic_destroy(struct armvirt_vm *vm)
{
	struct vgic_dist *d = vm->vgic;

	if (!d)
		return;
	free_cpus(d->cpus);
	kfree(d->spis);
	kfree(d);
	vm->vgic = NULL;
}

static void reset_irq(struct vgic_irq *irq, u32 intid, unsigned int vcpu_id)
{
	memset(irq, 0, sizeof(*irq));
	irq->lr_vcpu = -1;
	if (intid < VGIC_NR_SGIS) {
		irq->enabled = true;	/* SGIs are always enabled in GICv2 */
		irq->edge = true;
	}
	if (intid < VGIC_NR_PRIVATE)
		irq->targets = BIT(vcpu_id);
}

/*
 * Allocate the interrupts for the VM's vCPUs, by vCPU id (KVM allows any id
 * below the maximum, in any order). All or nothing: a failed attempt leaves
 * nothing behind and may be retried. Caller holds vm->lock.
 */
int vgic_init(struct armvirt_vm *vm)
{
	struct vgic_dist *d = vm->vgic;
	struct vgic_cpu *cpus[ARMVIRT_MAX_VCPUS] = { };
	u32 nr_irqs = d->nr_irqs ? d->nr_irqs : VGIC_DEFAULT_IRQS;
	struct vgic_irq *spis;
	unsigned int i, j;
	u8 mask = 0;

	lockdep_assert_held(&vm->lock);
	if (d->initialized)
		return 0;
	for (i = 0; i < ARMVIRT_MAX_VCPUS; i++)
		if (vm->vcpus[i])
			mask |= BIT(i);
	if (!mask)
		return -EBUSY;
	spis = kcalloc(nr_irqs - VGIC_NR_PRIVATE, sizeof(*spis), GFP_KERNEL_ACCOUNT);
	if (!spis)
		return -ENOMEM;
	for (i = 0; i < nr_irqs - VGIC_NR_PRIVATE; i++)
		reset_irq(&spis[i], i + VGIC_NR_PRIVATE, 0);
	for (i = 0; i < ARMVIRT_MAX_VCPUS; i++) {
		if (!(mask & BIT(i)))
			continue;
		cpus[i] = kzalloc(sizeof(*cpus[i]), GFP_KERNEL_ACCOUNT);
		if (!cpus[i])
			goto err;
		for (j = 0; j < VGIC_NR_PRIVATE; j++)
			reset_irq(&cpus[i]->private[j], j, i);
	}
	d->nr_irqs = nr_irqs;
	d->spis = spis;
	memcpy(d->cpus, cpus, sizeof(cpus));
	d->vcpu_mask = mask;
	smp_store_release(&d->initialized, true);	/* after all of the above */
	return 0;

err:
	free_cpus(cpus);
	kfree(spis);
	return -ENOMEM;
}

/* First KVM_RUN with a vGIC: initialise it and map the GICV frame. Caller holds vm->lock. */
int vgic_init_for_run(struct armvirt_vcpu *vcpu)
{
	struct armvirt_vm *vm = vcpu->vm;
	struct vgic_dist *d = vm->vgic;
	int ret;

	lockdep_assert_held(&vm->lock);
	if (d->dist_base == VGIC_ADDR_UNSET || d->cpu_base == VGIC_ADDR_UNSET) {
		pr_warn_ratelimited(ARMVIRT_NAME ": the vGIC's distributor and CPU interface addresses must be set before KVM_RUN\n");
		return -ENXIO;
	}
	ret = vgic_init(vm);
	if (!ret && !vm->gicv_mapped) {
		ret = armvirt_map_device(vm, d->cpu_base, vgic_hw_gicv_base(),
					 KVM_VGIC_V2_CPU_SIZE);
		vm->gicv_mapped = !ret;
	}
	return ret;
}

/* KVM_IRQ_LINE: the line of an SPI, or of a vCPU's PPI, goes up or down. */
int vgic_irq_line(struct armvirt_vm *vm, u32 irq_field, bool level)
{
	u32 type = (irq_field >> KVM_ARM_IRQ_TYPE_SHIFT) & KVM_ARM_IRQ_TYPE_MASK;
	u32 vcpu_id = (irq_field >> KVM_ARM_IRQ_VCPU_SHIFT) & KVM_ARM_IRQ_VCPU_MASK;
	u32 intid = (irq_field >> KVM_ARM_IRQ_NUM_SHIFT) & KVM_ARM_IRQ_NUM_MASK;
	struct vgic_dist *d = vgic_ready(vm);
	struct armvirt_vcpu *vcpu = NULL;
	struct vgic_irq *irq;
	unsigned long flags;
	bool pending;

	if (!d)	/* as KVM: no vGIC at all, or one not initialised yet */
		return READ_ONCE(vm->vgic) ? -ENODEV : -ENXIO;
	switch (type) {
	case KVM_ARM_IRQ_TYPE_SPI:
		if (intid < VGIC_NR_PRIVATE)
			return -EINVAL;
		break;
	case KVM_ARM_IRQ_TYPE_PPI:
		if (intid < VGIC_NR_SGIS || intid >= VGIC_NR_PRIVATE ||
		    vcpu_id >= ARMVIRT_MAX_VCPUS || !d->cpus[vcpu_id])
			return -EINVAL;
		vcpu = vm->vcpus[vcpu_id];
		break;
	default:
		return -EINVAL;	/* the vCPU's own IRQ line only exists without a vGIC */
	}
	irq = vgic_get_irq(d, vcpu, intid);
	if (!irq)
		return -EINVAL;

	raw_spin_lock_irqsave(&d->lock, flags);
	if (irq->edge && level && !irq->line_level)
		irq->pending_latch = true;
	irq->line_level = level;
	vgic_note_live(d, vcpu ? vcpu->id : 0, intid, irq);
	pending = vgic_irq_pending(intid, irq) && irq->enabled;
	raw_spin_unlock_irqrestore(&d->lock, flags);
	if (pending)
		vgic_kick_target(vm, intid, irq, vcpu);
	return 0;
}

/* The timer's line, set by the vCPU itself. Under no lock; IRQs may be off. */
void vgic_set_ppi_level(struct armvirt_vcpu *vcpu, u32 intid, bool level)
{
	struct vgic_dist *d = vgic_ready(vcpu->vm);
	unsigned long flags;

	if (!d)
		return;
	raw_spin_lock_irqsave(&d->lock, flags);
	d->cpus[vcpu->id]->private[intid].line_level = level;
	vgic_note_live(d, vcpu->id, intid, &d->cpus[vcpu->id]->private[intid]);
	raw_spin_unlock_irqrestore(&d->lock, flags);
}

/*
 * A resampling irqfd's SPI: on EOI its line drops and the eventfd is
 * signalled. An SPI has one: @new replaces @old only if @old is the one
 * it has, so an irqfd clears only its own. Returns whether it did.
 */
bool vgic_swap_resample(struct armvirt_vm *vm, u32 intid, struct eventfd_ctx *old,
			struct eventfd_ctx *new)
{
	struct vgic_irq *irq = &vm->vgic->spis[intid - VGIC_NR_PRIVATE];
	struct vgic_dist *d = vm->vgic;
	unsigned long flags;
	bool swapped;

	mutex_lock(&d->resample_lock);
	raw_spin_lock_irqsave(&d->lock, flags);
	swapped = irq->resample == old;
	if (swapped)
		irq->resample = new;
	raw_spin_unlock_irqrestore(&d->lock, flags);
	mutex_unlock(&d->resample_lock);
	return swapped;
}

/*
 * The resampling irqfds whose SPI the guest EOIed at the last exit hear of
 * it: process context, IRQs on (an eventfd's lock may sleep on PREEMPT_RT).
 */
void vgic_signal_resamples(struct armvirt_vcpu *vcpu)
{
	struct vgic_dist *d = vgic_ready(vcpu->vm);
	struct vgic_cpu *c;
	struct eventfd_ctx *ctx;
	int i;

	if (!d)
		return;
	c = d->cpus[vcpu->id];
	if (!c->nr_resamples)
		return;
	mutex_lock(&d->resample_lock);
	for (i = 0; i < c->nr_resamples; i++) {
		ctx = d->spis[c->resample_intids[i] - VGIC_NR_PRIVATE].resample;
		if (ctx)
			armvirt_eventfd_signal(ctx);
	}
	mutex_unlock(&d->resample_lock);
	c->nr_resamples = 0;
}

/* Under d->lock: the first live interrupt @vcpu may see from @intid on, or nr_irqs. */
static u32 next_live(struct vgic_dist *d, const struct vgic_cpu *c, u32 intid)
{
	if (intid < VGIC_NR_PRIVATE) {
		u32 rest = c->live & GENMASK(VGIC_NR_PRIVATE - 1, intid);

		if (rest)
			return __ffs(rest);
		intid = VGIC_NR_PRIVATE;
	}
	return find_next_bit(d->live, d->nr_irqs, intid);
}

#define for_each_live_irq(d, c, i) \
	for ((i) = next_live(d, c, 0); (i) < (d)->nr_irqs; (i) = next_live(d, c, (i) + 1))

/*
 * Is something pending for @vcpu that its CPU interface would signal (a
 * reason to leave WFI)? As KVM/ARM: enabled, pending, not active, above
 * the guest's priority mask.
 */
bool vgic_vcpu_pending(struct armvirt_vcpu *vcpu)
{
	struct armvirt_vm *vm = vcpu->vm;
	struct vgic_dist *d = vgic_ready(vm);
	struct vgic_irq *irq;
	unsigned long flags;
	bool found = false;
	u32 i, pmr;

	if (!d)
		return false;
	pmr = (d->cpus[vcpu->id]->vmcr >> 27) << 3;
	raw_spin_lock_irqsave(&d->lock, flags);
	for_each_live_irq(d, d->cpus[vcpu->id], i) {
		irq = vgic_get_irq(d, vcpu, i);
		if (i >= VGIC_NR_PRIVATE && spi_target(vm, irq) != vcpu)
			continue;
		found = d->enabled && irq->enabled && vgic_irq_pending(i, irq) &&
			!irq->active && irq->priority < pmr;
		if (found)
			break;
	}
	raw_spin_unlock_irqrestore(&d->lock, flags);
	return found;
}

/* Active first (the guest must be able to finish them), then by priority. */
static int cmp_candidates(const void *a, const void *b)
{
	const struct lr_candidate *x = a, *y = b;

	if (x->active != y->active)
		return x->active ? -1 : 1;
	if (x->priority != y->priority)
		return x->priority - y->priority;
	return x->intid - y->intid;
}

/*
 * Keep @x among the @max best candidates in @best (@n of them, best first).
 * A guest chooses how many interrupts are live (up to 1024) and their
 * priorities: keeping only the best costs at most @max (VGIC_MAX_LRS)
 * moves per live interrupt with IRQs off, and no buffer of nr_irqs.
 */
static void keep_best(struct lr_candidate *best, int *n, int max,
		      const struct lr_candidate *x)
{
	int i = *n;

	if (i == max) {
		if (cmp_candidates(x, &best[max - 1]) >= 0)
			return;
		i--;
	} else {
		(*n)++;
	}
	for (; i > 0 && cmp_candidates(x, &best[i - 1]) < 0; i--)
		best[i] = best[i - 1];
	best[i] = *x;
}

/*
 * Under d->lock: what this vCPU should see, from the live interrupts (those
 * found dead are no longer live). Returns how many there are; the best
 * @max of them are in @best, best first.
 */
static int collect_candidates(struct armvirt_vcpu *vcpu, struct lr_candidate *best,
			      int max)
{
	struct armvirt_vm *vm = vcpu->vm;
	struct vgic_dist *d = vm->vgic;
	struct vgic_cpu *c = d->cpus[vcpu->id];
	struct lr_candidate cand;
	struct vgic_irq *irq;
	int n = 0, kept = 0;
	u32 i;

	for_each_live_irq(d, c, i) {
		irq = vgic_get_irq(d, vcpu, i);
		if (irq->lr_vcpu >= 0 && irq->lr_vcpu != vcpu->id)
			continue;	/* active on another vCPU */
		if (irq->lr_vcpu < 0 && !vgic_irq_live(irq)) {
			if (i < VGIC_NR_PRIVATE)
				c->live &= ~BIT(i);
			else
				__clear_bit(i, d->live);
			continue;
		}
		/* An SPI nobody holds goes to its target, active or pending. */
		if (i >= VGIC_NR_PRIVATE && irq->lr_vcpu < 0 && spi_target(vm, irq) != vcpu)
			continue;
		if (!irq->active && (!d->enabled || !irq->enabled || !vgic_irq_pending(i, irq)))
			continue;
		cand.intid = i;
		cand.priority = irq->priority;
		cand.active = irq->active;
		if (i >= VGIC_NR_SGIS)
			cand.source = 0;
		else if (irq->active)
			cand.source = irq->active_source;
		else
			cand.source = __ffs(irq->sgi_sources);
		keep_best(best, &kept, max, &cand);
		n++;
	}
	return n;
}

void vgic_flush_lrs(struct armvirt_vcpu *vcpu)
{
	struct vgic_dist *d = vgic_ready(vcpu->vm);
	struct vgic_cpu *c;
	struct lr_candidate cand[VGIC_MAX_LRS];
	struct vgic_irq *irq;
	int i, n, nr_lrs = vgic_hw_nr_lrs();
	u32 lr, hcr = GICH_HCR_EN;
	bool timer_hw;

	if (!d)
		return;
	c = d->cpus[vcpu->id];
	raw_spin_lock(&d->lock);
	n = collect_candidates(vcpu, cand, nr_lrs);
	if (n > nr_lrs) {
		hcr |= GICH_HCR_UIE;
		n = nr_lrs;
	}
	for (i = 0; i < n; i++) {
		irq = vgic_get_irq(d, vcpu, cand[i].intid);
		timer_hw = cand[i].intid == VGIC_TIMER_PPI && vcpu->vtimer_held;
		lr = cand[i].intid | (u32)(irq->priority >> 3) << GICH_LR_PRIO_SHIFT;
		if (cand[i].intid < VGIC_NR_SGIS)
			lr |= (u32)cand[i].source << GICH_LR_CPUID_SHIFT;
		if (irq->active)
			lr |= GICH_LR_ACTIVE;
		/*
		 * An active interrupt goes back alone, unless an edge came
		 * meanwhile: an SGI's next one may come from elsewhere, and a
		 * level line is looked at again only once the guest EOIs.
		 */
		if (vgic_irq_pending(cand[i].intid, irq) && irq->enabled &&
		    !(irq->active && (cand[i].intid < VGIC_NR_SGIS || !irq->edge))) {
			lr |= GICH_LR_PENDING;
			if (cand[i].intid < VGIC_NR_SGIS)
				irq->sgi_sources &= ~BIT(cand[i].source);
			else
				irq->pending_latch = false;
			if (!irq->edge && !timer_hw)
				lr |= GICH_LR_EOI;	/* look at the line again after EOI */
		}
		/*
		 * The timer's PPI, held active for the guest (vtimer_flush()),
		 * goes in as a hardware interrupt: the guest's EOI deactivates
		 * the physical PPI, which fires again only if the line is still
		 * high: no maintenance exit per guest timer tick (GICH_LR.HW).
		 */
		if (timer_hw)
			lr |= GICH_LR_HW | vgic_hw_timer_intid() << GICH_LR_PHYSID_SHIFT;
		irq->lr_vcpu = vcpu->id;
		c->lr_intid[i] = cand[i].intid;
		c->lr_source[i] = cand[i].source;
		if (lr & GICH_LR_PENDING)
			trace_armvirt_vgic_inject(vcpu->id, cand[i].intid, lr);
		vgic_hw_write(lr, GICH_LR(i));
	}
	c->nr_lrs_used = n;
	raw_spin_unlock(&d->lock);
	vgic_hw_write(c->vmcr, GICH_VMCR);
	vgic_hw_write(c->apr, GICH_APR);
	vgic_hw_write(hcr, GICH_HCR);
}

void vgic_fold_lrs(struct armvirt_vcpu *vcpu)
{
	struct vgic_dist *d = vgic_ready(vcpu->vm);
	struct vgic_irq *irq;
	struct vgic_cpu *c;
	int i;
	u32 lr;

	if (!d)
		return;
	c = d->cpus[vcpu->id];
	c->vmcr = vgic_hw_read(GICH_VMCR);
	c->apr = vgic_hw_read(GICH_APR);
	vgic_hw_write(0, GICH_HCR);	/* no maintenance interrupts in the host */
	raw_spin_lock(&d->lock);
	for (i = 0; i < c->nr_lrs_used; i++) {
		lr = vgic_hw_read(GICH_LR(i));
		vgic_hw_write(0, GICH_LR(i));
		irq = vgic_get_irq(d, vcpu, c->lr_intid[i]);
		irq->active = lr & GICH_LR_ACTIVE;
		if (irq->active)
			irq->active_source = c->lr_source[i];
		if (lr & GICH_LR_PENDING) {
			if (c->lr_intid[i] < VGIC_NR_SGIS)
				irq->sgi_sources |= BIT(c->lr_source[i]);
			else if (irq->edge)
				irq->pending_latch = true;
		}
		irq->lr_vcpu = irq->active ? vcpu->id : -1;
		vgic_note_live(d, vcpu->id, c->lr_intid[i], irq);
		/* EOIed: a resampling irqfd's line drops, and its VMM hears of it. */
		if (irq->resample && !(lr & (GICH_LR_ACTIVE | GICH_LR_PENDING))) {
			irq->line_level = false;
			c->resample_intids[c->nr_resamples++] = c->lr_intid[i];
		}
	}
	c->nr_lrs_used = 0;
	raw_spin_unlock(&d->lock);
}
