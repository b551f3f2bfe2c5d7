// SPDX-License-Identifier: GPL-2.0-only
/*
 * The in-kernel part of a VM's state, to and from stream sections: each
 * vCPU's registers (every id KVM_GET_REG_LIST gives, through ONE_REG) and
 * MP state, and the vGIC (KVM_DEV_ARM_VGIC_GRP_DIST_REGS and CPU_REGS).
 * The VM is stopped (no vCPU thread runs) whenever these are called.
 *
 * Order on restore: the virtual counter (TIMER_CNT) sets the VM's CNTVOFF,
 * so it is written once, last but one, just before the guest resumes, and
 * the timers' CTL and CVAL after it: a timer compared against a counter
 * that was not yet moved would fire at the wrong time (vm_timers_restore).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>

#include "stream.h"
#include "vmm.h"
/* GICv2's register offsets (architecture facts, shared with the vGIC) */
#include "../vgic/vgic-regs.h"

#define MAX_REGS		1024	/* the board lists about 250 */

static bool is_vtimer_reg(uint64_t id)
{
	return id == KVM_REG_ARM_TIMER_CTL || id == KVM_REG_ARM_TIMER_CNT ||
	       id == KVM_REG_ARM_TIMER_CVAL;
}

static unsigned int reg_size(uint64_t id)
{
	return 1U << ((id & KVM_REG_SIZE_MASK) >> KVM_REG_SIZE_SHIFT);
}

/* vCPU @v's register ids, malloc'ed; their count in *n, or -1. */
static uint64_t *reg_list(struct vmm_vcpu *v, uint64_t *n)
{
	struct kvm_reg_list probe = { .n = 0 }, *list;
	uint64_t *ids;

	if (!ioctl(v->fd, KVM_GET_REG_LIST, &probe) || errno != E2BIG || probe.n > MAX_REGS) {
		vmm_err("vCPU %d: KVM_GET_REG_LIST: %s", v->id, strerror(errno));
		return NULL;
	}
	list = malloc(sizeof(*list) + probe.n * sizeof(uint64_t));
	if (!list)
		return NULL;
	list->n = probe.n;
	if (ioctl(v->fd, KVM_GET_REG_LIST, list)) {
		vmm_err("vCPU %d: KVM_GET_REG_LIST: %s", v->id, strerror(errno));
		free(list);
		return NULL;
	}
	*n = list->n;
	ids = malloc(*n * sizeof(uint64_t));
	if (ids)
		memcpy(ids, list->reg, *n * sizeof(uint64_t));
	free(list);
	return ids;
}

static int one_reg(struct vmm_vcpu *v, unsigned long req, uint64_t id, void *val)
{
	struct kvm_one_reg r = { .id = id, .addr = (uint64_t)(uintptr_t)val };

	return ioctl(v->fd, req, &r);
}

/* u32 MP state, u32 count, then per register: u64 id, its 4 or 8 bytes. */
int vcpu_state_save(struct vmm_vcpu *v, struct sbuf *b)
{
	struct kvm_mp_state mp;
	uint64_t *ids, n, i, val;
	int ret = -1;

	if (ioctl(v->fd, KVM_GET_MP_STATE, &mp)) {
		vmm_err("vCPU %d: KVM_GET_MP_STATE: %s", v->id, strerror(errno));
		return -1;
	}
	ids = reg_list(v, &n);
	if (!ids)
		return -1;
	sbuf_u32(b, mp.mp_state);
	sbuf_u32(b, (uint32_t)n);
	for (i = 0; i < n; i++) {
		unsigned int size = reg_size(ids[i]);

		val = 0;
		if (size != 4 && size != 8) {
			vmm_err("vCPU %d: register %#llx has %u bytes; only 4 and 8 are saved",
				v->id, (unsigned long long)ids[i], size);
			goto out;
		}
		if (one_reg(v, KVM_GET_ONE_REG, ids[i], &val)) {
			vmm_err("vCPU %d: reading register %#llx: %s", v->id,
				(unsigned long long)ids[i], strerror(errno));
			goto out;
		}
		sbuf_u64(b, ids[i]);
		sbuf_put(b, &val, size);
	}
	ret = 0;
out:
	free(ids);
	return ret;
}

int vcpu_state_load(struct vmm_vcpu *v, struct scur *c)
{
	struct kvm_mp_state mp = { .mp_state = scur_u32(c) };
	uint32_t n = scur_u32(c), i;
	uint64_t id, val;
	const uint8_t *p;

	if (c->bad || n > MAX_REGS || (mp.mp_state != KVM_MP_STATE_RUNNABLE &&
				       mp.mp_state != KVM_MP_STATE_STOPPED)) {
		vmm_err("vCPU %d: corrupt state (MP state %u, %u registers)", v->id, mp.mp_state, n);
		return -1;
	}
	v->timer_saved = 0;
	for (i = 0; i < n; i++) {
		unsigned int size;

		id = scur_u64(c);
		size = reg_size(id);
		p = size == 4 || size == 8 ? scur_bytes(c, size) : NULL;
		if (!p) {
			vmm_err("vCPU %d: corrupt state (register %u of %u)", v->id, i, n);
			return -1;
		}
		val = 0;
		memcpy(&val, p, size);
		if (is_vtimer_reg(id)) {	/* after the counter: vm_timers_restore() */
			if (id == KVM_REG_ARM_TIMER_CTL)
				v->timer_ctl = val;
			else if (id == KVM_REG_ARM_TIMER_CNT)
				v->timer_cnt = val;
			else
				v->timer_cval = val;
			v->timer_saved++;
			continue;
		}
		if (one_reg(v, KVM_SET_ONE_REG, id, &val)) {
			vmm_err("vCPU %d: register %#llx = %#llx refused: %s%s", v->id,
				(unsigned long long)id, (unsigned long long)val, strerror(errno),
				errno == EINVAL ? " (saved on another CPU or kernel?)" : "");
			return -1;
		}
	}
	if (!scur_done(c) || v->timer_saved != 3) {
		vmm_err("vCPU %d: corrupt state (%s)", v->id,
			v->timer_saved != 3 ? "its virtual timer is missing" : "trailing bytes");
		return -1;
	}
	if (ioctl(v->fd, KVM_SET_MP_STATE, &mp)) {
		vmm_err("vCPU %d: KVM_SET_MP_STATE: %s", v->id, strerror(errno));
		return -1;
	}
	return 0;
}

int vm_timers_restore(struct vmm *vmm)
{
	int i;

	/* one VM-wide offset: vCPU 0's count, then every vCPU's timer */
	if (one_reg(&vmm->vcpu[0], KVM_SET_ONE_REG, KVM_REG_ARM_TIMER_CNT, &vmm->vcpu[0].timer_cnt))
		goto fail;
	for (i = 0; i < vmm->nr_vcpus; i++) {
		struct vmm_vcpu *v = &vmm->vcpu[i];

		if (one_reg(v, KVM_SET_ONE_REG, KVM_REG_ARM_TIMER_CVAL, &v->timer_cval) ||
		    one_reg(v, KVM_SET_ONE_REG, KVM_REG_ARM_TIMER_CTL, &v->timer_ctl))
			goto fail;
	}
	return 0;
fail:
	vmm_err("restoring the virtual timer: %s", strerror(errno));
	return -1;
}

/* ---- the vGIC ---- */

/* The CPU interface registers the ABI offers (GICv2 offsets). */
static const uint32_t gicc_regs[] = { 0x00, 0x04, 0x08, 0x1c, 0xd0 };

/*
 * A distributor register bank saved: its offset, bytes for the VM's
 * interrupts, and the bytes banked per vCPU (SGIs and PPIs). Restored
 * in this order, the distributor's enable last.
 */
struct dist_bank {
	uint32_t offset, bits_per_irq, banked_bytes;
	uint32_t clear;		/* the register that clears what this one sets, or 0 */
};

static const struct dist_bank dist_banks[] = {
	{ GICD_ICFGR, 2, 8, 0 },
	{ GICD_IPRIORITYR, 8, 32, 0 },
	{ GICD_ITARGETSR, 8, 32, 0 },
	{ GICD_ISENABLER, 1, 4, GICD_ICENABLER },
	{ GICD_ISPENDR, 1, 4, GICD_ICPENDR },
	{ GICD_ISACTIVER, 1, 4, GICD_ICACTIVER },
	{ GICD_SPENDSGIR, 8, 16, GICD_CPENDSGIR },
};

static int vgic_reg(struct vmm *vmm, bool set, uint32_t group, uint32_t cpu, uint32_t off,
		    uint32_t *val)
{
	struct kvm_device_attr a = {
		.group = group,
		.attr = (uint64_t)cpu << KVM_DEV_ARM_VGIC_CPUID_SHIFT | off,
		.addr = (uint64_t)(uintptr_t)val,
	};

	if (!ioctl(vmm->vgic_fd, set ? KVM_SET_DEVICE_ATTR : KVM_GET_DEVICE_ATTR, &a))
		return 0;
	vmm_err("vGIC: %s %s register %#x of vCPU %u: %s", set ? "writing" : "reading",
		group == KVM_DEV_ARM_VGIC_GRP_CPU_REGS ? "CPU interface" : "distributor",
		off, cpu, strerror(errno));
	return -1;
}

/* Entries of u32 group, vCPU, offset, value; the loader checks each against this list. */
static bool vgic_entry_known(uint32_t group, uint32_t off)
{
	unsigned int i;

	if (group == KVM_DEV_ARM_VGIC_GRP_CPU_REGS) {
		for (i = 0; i < sizeof(gicc_regs) / sizeof(gicc_regs[0]); i++)
			if (off == gicc_regs[i])
				return true;
		return false;
	}
	if (group != KVM_DEV_ARM_VGIC_GRP_DIST_REGS || off % 4)
		return false;
	if (off == GICD_CTLR)
		return true;
	for (i = 0; i < sizeof(dist_banks) / sizeof(dist_banks[0]); i++) {
		uint32_t len = dist_banks[i].offset == GICD_SPENDSGIR ? 16 :
			       GUEST_NR_IRQS * dist_banks[i].bits_per_irq / 8;

		if (off >= dist_banks[i].offset && off < dist_banks[i].offset + len)
			return true;
	}
	return false;
}

static void vgic_put(struct sbuf *b, uint32_t group, uint32_t cpu, uint32_t off, uint32_t val)
{
	sbuf_u32(b, group);
	sbuf_u32(b, cpu);
	sbuf_u32(b, off);
	sbuf_u32(b, val);
}

int vgic_state_save(struct vmm *vmm, struct sbuf *b)
{
	const uint32_t dist = KVM_DEV_ARM_VGIC_GRP_DIST_REGS;
	uint32_t cpu, off, val, len;
	unsigned int i;

	for (i = 0; i < sizeof(dist_banks) / sizeof(dist_banks[0]); i++) {
		const struct dist_bank *bank = &dist_banks[i];

		for (cpu = 0; cpu < (uint32_t)vmm->nr_vcpus; cpu++) {
			/* the shared part once, from vCPU 0; each vCPU's banked part */
			len = cpu == 0 && bank->offset != GICD_SPENDSGIR ?
				GUEST_NR_IRQS * bank->bits_per_irq / 8 : bank->banked_bytes;
			for (off = bank->offset; off < bank->offset + len; off += 4) {
				if (vgic_reg(vmm, false, dist, cpu, off, &val))
					return -1;
				vgic_put(b, dist, cpu, off, val);
			}
		}
	}
	for (cpu = 0; cpu < (uint32_t)vmm->nr_vcpus; cpu++) {
		for (i = 0; i < sizeof(gicc_regs) / sizeof(gicc_regs[0]); i++) {
			if (vgic_reg(vmm, false, KVM_DEV_ARM_VGIC_GRP_CPU_REGS, cpu, gicc_regs[i], &val))
				return -1;
			vgic_put(b, KVM_DEV_ARM_VGIC_GRP_CPU_REGS, cpu, gicc_regs[i], val);
		}
	}
	if (vgic_reg(vmm, false, dist, 0, GICD_CTLR, &val))
		return -1;
	vgic_put(b, dist, 0, GICD_CTLR, val);
	return 0;
}

int vgic_state_load(struct vmm *vmm, struct scur *c)
{
	uint32_t group, cpu, off, val, all = ~0U;
	unsigned int i;

	while (c->left && !c->bad) {
		group = scur_u32(c);
		cpu = scur_u32(c);
		off = scur_u32(c);
		val = scur_u32(c);
		if (c->bad || cpu >= (uint32_t)vmm->nr_vcpus || !vgic_entry_known(group, off)) {
			vmm_err("vGIC: corrupt state (group %u, vCPU %u, offset %#x)", group, cpu, off);
			return -1;
		}
		/* a set-register bank: clear what the new VM has first */
		for (i = 0; group == KVM_DEV_ARM_VGIC_GRP_DIST_REGS &&
			    i < sizeof(dist_banks) / sizeof(dist_banks[0]); i++) {
			const struct dist_bank *bank = &dist_banks[i];

			if (bank->clear && off >= bank->offset && off < bank->offset + 0x80 &&
			    vgic_reg(vmm, true, group, cpu, bank->clear + (off - bank->offset), &all))
				return -1;
		}
		if (vgic_reg(vmm, true, group, cpu, off, &val))
			return -1;
	}
	return c->bad ? -1 : 0;
}
