// SPDX-License-Identifier: GPL-2.0-only
/*
 * The emulated distributor (ARM IHI 0048B, 4.3): a table of register
 * regions, each with its width per interrupt and its accessors, and one
 * dispatcher. Words everywhere; bytes where the architecture allows them
 * (priorities, targets, SGI pending). Anything else reads as zero and
 * ignores writes. Runs in the vCPU's thread; takes vgic_dist.lock.
 */
#include <linux/kernel.h>

#include "vgic.h"
#include "vgic-regs.h"
#include "../highvisor/armvirt.h"
#include "../highvisor/run.h"
#include "../highvisor/vm.h"

#define GICD_IIDR_VALUE		0x4b00043b	/* KVM's: product 0x4b, implementer ARM */
#define GICD_PIDR2_VALUE	0x20		/* architecture version 2 */

struct dist_access {
	struct armvirt_vcpu *vcpu;
	struct vgic_dist *d;
	u32 intid;		/* first interrupt of the access, for per-IRQ regions */
	unsigned int nr;	/* interrupts covered */
	unsigned int bits;	/* bits per interrupt */
	u8 kick;		/* vCPUs (by id) to look again after a write */
};

/* A per-interrupt field; reads assemble the register, writes take it apart. */
typedef u32 (*irq_read_fn)(struct dist_access *a, struct vgic_irq *irq, u32 intid);
typedef void (*irq_write_fn)(struct dist_access *a, struct vgic_irq *irq, u32 intid,
			     u32 field);

struct dist_region {
	u32 offset, len;
	u8 bits_per_irq;	/* 0: not a per-interrupt register */
	bool byte_ok;
	irq_read_fn read;
	irq_write_fn write;
	u32 (*read_reg)(struct dist_access *a, u32 offset);
	void (*write_reg)(struct dist_access *a, u32 offset, u32 val);
};

static struct armvirt_vcpu *vcpu_of(struct dist_access *a, unsigned int id)
{
	return id < ARMVIRT_MAX_VCPUS && a->d->cpus[id] ? READ_ONCE(a->vcpu->vm->vcpus[id]) : NULL;
}

static u32 read_enabled(struct dist_access *a, struct vgic_irq *irq, u32 intid)
{
	return irq->enabled;
}

static void set_enabled(struct dist_access *a, struct vgic_irq *irq, u32 intid, u32 bit)
{
	if (bit)
		irq->enabled = true;
}

static void clear_enabled(struct dist_access *a, struct vgic_irq *irq, u32 intid, u32 bit)
{
	if (bit && intid >= VGIC_NR_SGIS)
		irq->enabled = false;
}

static u32 read_pending(struct dist_access *a, struct vgic_irq *irq, u32 intid)
{
	return vgic_irq_pending(intid, irq);
}

static void set_pending(struct dist_access *a, struct vgic_irq *irq, u32 intid, u32 bit)
{
	if (bit && intid >= VGIC_NR_SGIS)
		irq->pending_latch = true;
}

static void clear_pending(struct dist_access *a, struct vgic_irq *irq, u32 intid, u32 bit)
{
	if (bit && intid >= VGIC_NR_SGIS)
		irq->pending_latch = false;
}

static u32 read_active(struct dist_access *a, struct vgic_irq *irq, u32 intid)
{
	return irq->active;
}

static void set_active(struct dist_access *a, struct vgic_irq *irq, u32 intid, u32 bit)
{
	if (bit)
		irq->active = true;
}

static void clear_active(struct dist_access *a, struct vgic_irq *irq, u32 intid, u32 bit)
{
	if (bit && irq->lr_vcpu < 0)
		irq->active = false;
}

static u32 read_priority(struct dist_access *a, struct vgic_irq *irq, u32 intid)
{
	return irq->priority;
}

/* Five priority bits, as many as a list register holds */
static void write_priority(struct dist_access *a, struct vgic_irq *irq, u32 intid, u32 prio)
{
	irq->priority = prio & 0xf8;
}

static u32 read_targets(struct dist_access *a, struct vgic_irq *irq, u32 intid)
{
	return irq->targets;
}

static void write_targets(struct dist_access *a, struct vgic_irq *irq, u32 intid, u32 t)
{
	if (intid >= VGIC_NR_PRIVATE)
		irq->targets = t & a->d->vcpu_mask;
}

static u32 read_config(struct dist_access *a, struct vgic_irq *irq, u32 intid)
{
	return irq->edge ? 2 : 0;
}

/* SGIs are edge, PPIs level; only SPIs can change (as KVM/ARM). */
static void write_config(struct dist_access *a, struct vgic_irq *irq, u32 intid, u32 cfg)
{
	if (intid >= VGIC_NR_PRIVATE)
		irq->edge = cfg & 2;
}

static u32 read_sgi_pending(struct dist_access *a, struct vgic_irq *irq, u32 intid)
{
	return irq->sgi_sources;
}

static void set_sgi_pending(struct dist_access *a, struct vgic_irq *irq, u32 intid, u32 src)
{
	irq->sgi_sources |= src;
}

static void clear_sgi_pending(struct dist_access *a, struct vgic_irq *irq, u32 intid, u32 src)
{
	irq->sgi_sources &= ~src;
}

static u32 read_ctlr(struct dist_access *a, u32 offset)
{
	return a->d->enabled;
}

static void write_ctlr(struct dist_access *a, u32 offset, u32 val)
{
	a->d->enabled = val & 1;
	if (a->d->enabled)
		a->kick = a->d->vcpu_mask;
}

static u32 read_typer(struct dist_access *a, u32 offset)
{
	return (a->d->nr_irqs / 32 - 1) | (fls(a->d->vcpu_mask) - 1) << 5;
}

static u32 read_iidr(struct dist_access *a, u32 offset)
{
	return GICD_IIDR_VALUE;
}

static u32 read_pidr2(struct dist_access *a, u32 offset)
{
	return GICD_PIDR2_VALUE;
}

/* GICD_SGIR: the target list, everyone else, or oneself (4.3.15) */
static void write_sgir(struct dist_access *a, u32 offset, u32 val)
{
	u32 filter = (val >> 24) & 3, list = (val >> 16) & 0xff, sgi = val & 0xf;
	unsigned int id, self = a->vcpu->id;

	if (filter == 1)
		list = a->d->vcpu_mask & ~BIT(self);
	else if (filter == 2)
		list = BIT(self);
	else if (filter == 3)
		return;
	for_each_set_bit(id, (unsigned long *)&list, 8) {
		if (vcpu_of(a, id)) {
			a->d->cpus[id]->private[sgi].sgi_sources |= BIT(self);
			vgic_note_live(a->d, id, sgi, &a->d->cpus[id]->private[sgi]);
			a->kick |= BIT(id);
		}
	}
}

#define IRQ_REGION(off, bits, byte, rd, wr) \
	{ .offset = off, .len = VGIC_MAX_IRQS * (bits) / 8, .bits_per_irq = bits, \
	  .byte_ok = byte, .read = rd, .write = wr }
#define REG(off, rd, wr) \
	{ .offset = off, .len = 4, .read_reg = rd, .write_reg = wr }

static const struct dist_region dist_regions[] = {
	REG(GICD_CTLR, read_ctlr, write_ctlr),
	REG(GICD_TYPER, read_typer, NULL),
	REG(GICD_IIDR, read_iidr, NULL),
	IRQ_REGION(GICD_ISENABLER, 1, false, read_enabled, set_enabled),
	IRQ_REGION(GICD_ICENABLER, 1, false, read_enabled, clear_enabled),
	IRQ_REGION(GICD_ISPENDR, 1, false, read_pending, set_pending),
	IRQ_REGION(GICD_ICPENDR, 1, false, read_pending, clear_pending),
	IRQ_REGION(GICD_ISACTIVER, 1, false, read_active, set_active),
	IRQ_REGION(GICD_ICACTIVER, 1, false, read_active, clear_active),
	IRQ_REGION(GICD_IPRIORITYR, 8, true, read_priority, write_priority),
	IRQ_REGION(GICD_ITARGETSR, 8, true, read_targets, write_targets),
	IRQ_REGION(GICD_ICFGR, 2, false, read_config, write_config),
	REG(GICD_SGIR, NULL, write_sgir),
	{ .offset = GICD_CPENDSGIR, .len = 16, .bits_per_irq = 8, .byte_ok = true,
	  .read = read_sgi_pending, .write = clear_sgi_pending },
	{ .offset = GICD_SPENDSGIR, .len = 16, .bits_per_irq = 8, .byte_ok = true,
	  .read = read_sgi_pending, .write = set_sgi_pending },
	REG(GICD_ICPIDR2, read_pidr2, NULL),
};

static const struct dist_region *find_region(u32 offset)
{
	const struct dist_region *r;

	for (r = dist_regions; r < dist_regions + ARRAY_SIZE(dist_regions); r++)
		if (offset >= r->offset && offset < r->offset + r->len)
			return r;
	return NULL;
}

/* Under d->lock. */
static u32 irq_region_access(struct dist_access *a, const struct dist_region *r,
			     u32 offset, unsigned int len, bool is_write, u32 val)
{
	unsigned int per = r->bits_per_irq, i;
	u32 mask = (per == 32 ? ~0U : BIT(per) - 1), result = 0;
	struct vgic_irq *irq;
	u32 intid;

	intid = (offset - r->offset) * 8 / per;
	if (r->offset == GICD_CPENDSGIR || r->offset == GICD_SPENDSGIR)
		intid = offset - r->offset;	/* one byte per SGI */
	for (i = 0; i < len * 8 / per; i++, intid++) {
		irq = vgic_get_irq(a->d, a->vcpu, intid);
		if (!irq)
			break;	/* beyond the VM's interrupts: RAZ/WI */
		if (is_write) {
			r->write(a, irq, intid, (val >> (i * per)) & mask);
			vgic_note_live(a->d, a->vcpu->id, intid, irq);
			/* now deliverable (enabled, targeted...): its vCPU looks again */
			if ((irq->enabled && vgic_irq_pending(intid, irq)) || irq->active)
				a->kick |= vgic_irq_target_mask(intid, irq, a->vcpu->id);
		} else {
			result |= (r->read(a, irq, intid) & mask) << (i * per);
		}
	}
	return result;
}

bool vgic_dist_mmio(struct armvirt_vcpu *vcpu, u64 ipa, unsigned int len,
		    bool is_write, u32 *val)
{
	struct vgic_dist *d = vgic_ready(vcpu->vm);

	if (!d || ipa < d->dist_base ||
	    ipa >= d->dist_base + KVM_VGIC_V2_DIST_SIZE)
		return false;
	vgic_dist_access(vcpu, ipa - d->dist_base, len, is_write, val);
	return true;
}

/* A distributor register as @vcpu sees it; also for KVM_DEV_ARM_VGIC_GRP_DIST_REGS. */
void vgic_dist_access(struct armvirt_vcpu *vcpu, u32 offset, unsigned int len,
		      bool is_write, u32 *val)
{
	struct vgic_dist *d = vcpu->vm->vgic;
	struct dist_access a = { .vcpu = vcpu, .d = d };
	const struct dist_region *r;
	unsigned long flags, kick;
	unsigned int i;

	r = find_region(offset);
	if (!is_write)
		*val = 0;
	if (!r || (offset & (len - 1)) || !(len == 4 || (len == 1 && r->byte_ok)))
		return;	/* RAZ/WI */

	raw_spin_lock_irqsave(&d->lock, flags);
	if (r->bits_per_irq) {
		u32 res = irq_region_access(&a, r, offset, len, is_write, *val);

		if (!is_write)
			*val = res;
	} else if (is_write && r->write_reg) {
		r->write_reg(&a, offset, *val);
	} else if (!is_write && r->read_reg) {
		*val = r->read_reg(&a, offset);
	}
	kick = a.kick;
	raw_spin_unlock_irqrestore(&d->lock, flags);
	/*
	 * Only the vCPUs with something new to deliver look again: an SGI
	 * wakes its targets, not every vCPU of the VM. Our own vCPU is
	 * included, as the VMM may write through the device attributes.
	 */
	for_each_set_bit(i, &kick, ARMVIRT_MAX_VCPUS)
		if (vcpu_of(&a, i))
			armvirt_vcpu_request(vcpu_of(&a, i), REQ_KICK);
}
