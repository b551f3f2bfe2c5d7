// SPDX-License-Identifier: GPL-2.0-only
/*
 * Registers a guest sees with the host's values, read once at load: the
 * invariant CP15 ID registers (in the CP15 group) and the cache size ID
 * registers, one CCSIDR per cache that CLIDR describes (the "demux" group,
 * indexed by the CSSELR value). Writing them is allowed only with the value
 * they already have, as in KVM: a VM can move only to an identical CPU.
 */
#include <linux/irqflags.h>
#include <linux/kernel.h>
#include <linux/uaccess.h>
#include <asm/barrier.h>

#include "armvirt.h"
#include "regs.h"
#include "vm.h"

#define DEFINE_ID_READER(name, op1, crn, crm, op2)			\
	static u32 read_##name(void)					\
	{								\
		u32 val;						\
									\
		asm volatile("mrc p15, " #op1 ", %0, c" #crn ", c" #crm ", " #op2 \
			     : "=r" (val));				\
		return val;						\
	}

DEFINE_ID_READER(midr, 0, 0, 0, 0)
DEFINE_ID_READER(ctr, 0, 0, 0, 1)
DEFINE_ID_READER(tcmtr, 0, 0, 0, 2)
DEFINE_ID_READER(tlbtr, 0, 0, 0, 3)
DEFINE_ID_READER(revidr, 0, 0, 0, 6)
DEFINE_ID_READER(clidr, 1, 0, 0, 1)
DEFINE_ID_READER(aidr, 1, 0, 0, 7)
DEFINE_ID_READER(id_pfr0, 0, 0, 1, 0)
DEFINE_ID_READER(id_pfr1, 0, 0, 1, 1)
DEFINE_ID_READER(id_dfr0, 0, 0, 1, 2)
DEFINE_ID_READER(id_afr0, 0, 0, 1, 3)
DEFINE_ID_READER(id_mmfr0, 0, 0, 1, 4)
DEFINE_ID_READER(id_mmfr1, 0, 0, 1, 5)
DEFINE_ID_READER(id_mmfr2, 0, 0, 1, 6)
DEFINE_ID_READER(id_mmfr3, 0, 0, 1, 7)
DEFINE_ID_READER(id_isar0, 0, 0, 2, 0)
DEFINE_ID_READER(id_isar1, 0, 0, 2, 1)
DEFINE_ID_READER(id_isar2, 0, 0, 2, 2)
DEFINE_ID_READER(id_isar3, 0, 0, 2, 3)
DEFINE_ID_READER(id_isar4, 0, 0, 2, 4)
DEFINE_ID_READER(id_isar5, 0, 0, 2, 5)

struct id_reg {
	struct cp15_key key;
	u32 (*read)(void);
	u32 val;		/* the host's, read at load */
};

#define ID_REG(name, op1_, crn_, crm_, op2_) \
	{ .key = { .crn = crn_, .crm = crm_, .op1 = op1_, .op2 = op2_ }, .read = read_##name }

/* In KVM/ARM's list order. Written only by armvirt_read_host_id_regs(). */
static struct id_reg id_regs[] = {
	ID_REG(midr, 0, 0, 0, 0),	ID_REG(ctr, 0, 0, 0, 1),
	ID_REG(tcmtr, 0, 0, 0, 2),	ID_REG(tlbtr, 0, 0, 0, 3),
	ID_REG(revidr, 0, 0, 0, 6),	ID_REG(clidr, 1, 0, 0, 1),
	ID_REG(aidr, 1, 0, 0, 7),
	ID_REG(id_pfr0, 0, 0, 1, 0),	ID_REG(id_pfr1, 0, 0, 1, 1),
	ID_REG(id_dfr0, 0, 0, 1, 2),	ID_REG(id_afr0, 0, 0, 1, 3),
	ID_REG(id_mmfr0, 0, 0, 1, 4),	ID_REG(id_mmfr1, 0, 0, 1, 5),
	ID_REG(id_mmfr2, 0, 0, 1, 6),	ID_REG(id_mmfr3, 0, 0, 1, 7),
	ID_REG(id_isar0, 0, 0, 2, 0),	ID_REG(id_isar1, 0, 0, 2, 1),
	ID_REG(id_isar2, 0, 0, 2, 2),	ID_REG(id_isar3, 0, 0, 2, 3),
	ID_REG(id_isar4, 0, 0, 2, 4),	ID_REG(id_isar5, 0, 0, 2, 5),
};

#define ID_PFR0_STATE3_SHIFT	12	/* ThumbEE: 1 if implemented */

/* CSSELR values 0 to 13: levels 1 to 7, data/unified (even) or instruction (odd). */
#define NR_CSSELR	14
static u32 ccsidr[NR_CSSELR];
static u16 valid_csselr;	/* bit n: CSSELR n names a cache CLIDR describes */
static bool host_thumbee;	/* ID_PFR0 says ThumbEE */

/* IRQs off: CSSELR is shared with the host's own cache maintenance. */
static u32 read_ccsidr(u32 csselr)
{
	unsigned long flags;
	u32 saved, val;

	local_irq_save(flags);
	asm volatile("mrc p15, 2, %0, c0, c0, 0" : "=r" (saved));
	asm volatile("mcr p15, 2, %0, c0, c0, 0" : : "r" (csselr));
	isb();
	asm volatile("mrc p15, 1, %0, c0, c0, 0" : "=r" (val));
	asm volatile("mcr p15, 2, %0, c0, c0, 0" : : "r" (saved));
	isb();
	local_irq_restore(flags);
	return val;
}

void armvirt_read_host_id_regs(void)
{
	unsigned int i, level;
	u32 clidr, ctype;

	for (i = 0; i < ARRAY_SIZE(id_regs); i++)
		id_regs[i].val = id_regs[i].read();
	host_thumbee = ((read_id_pfr0() >> ID_PFR0_STATE3_SHIFT) & 0xf) == 1;

	/* CLIDR: 3 bits per level; the first level without a cache ends the list. */
	clidr = read_clidr();
	valid_csselr = 0;
	for (level = 0; level < NR_CSSELR / 2; level++) {
		ctype = (clidr >> (level * 3)) & 7;
		if (!ctype)
			break;
		if (ctype == 2 || ctype == 3 || ctype == 4)	/* data or unified */
			valid_csselr |= BIT(level * 2);
		if (ctype == 1 || ctype == 3)			/* instruction */
			valid_csselr |= BIT(level * 2 + 1);
	}
	for (i = 0; i < NR_CSSELR; i++)
		if (valid_csselr & BIT(i))
			ccsidr[i] = read_ccsidr(i);
}

bool armvirt_host_has_thumbee(void)
{
	return host_thumbee;
}

static struct id_reg *find_id_reg(u64 id)
{
	struct cp15_key key;
	unsigned int i;

	if (!cp15_key_from_id(id, &key) || key.is_64)
		return NULL;
	for (i = 0; i < ARRAY_SIZE(id_regs); i++)
		if (cp15_key_equal(&id_regs[i].key, &key))
			return &id_regs[i];
	return NULL;
}

int id_reg_get(u64 id, void __user *uaddr)
{
	struct id_reg *r = find_id_reg(id);

	return r ? reg_to_user(uaddr, &r->val, id) : -ENOENT;
}

int id_reg_set(u64 id, const void __user *uaddr)
{
	struct id_reg *r = find_id_reg(id);
	u32 val;

	if (!r)
		return -ENOENT;
	if (reg_from_user(&val, uaddr, id))
		return -EFAULT;
	return val == r->val ? 0 : -EINVAL;	/* invariant */
}

int id_reg_list(u64 __user *uids)
{
	unsigned int i;

	for (i = 0; uids && i < ARRAY_SIZE(id_regs); i++)
		if (put_user(cp15_key_to_id(&id_regs[i].key), uids + i))
			return -EFAULT;
	return ARRAY_SIZE(id_regs);
}

/* The CSSELR value a demux ID names, or -ENOENT. */
static int demux_csselr(u64 id)
{
	u64 csselr = id & KVM_REG_ARM_DEMUX_VAL_MASK;

	if (id & ~(KVM_REG_ARCH_MASK | KVM_REG_SIZE_MASK | KVM_REG_ARM_COPROC_MASK |
		   KVM_REG_ARM_DEMUX_ID_MASK | KVM_REG_ARM_DEMUX_VAL_MASK) ||
	    (id & KVM_REG_ARM_DEMUX_ID_MASK) != KVM_REG_ARM_DEMUX_ID_CCSIDR ||
	    KVM_REG_SIZE(id) != 4 || csselr >= NR_CSSELR ||
	    !(valid_csselr & BIT(csselr)))
		return -ENOENT;
	return csselr;
}

static int demux_get(struct armvirt_vcpu *vcpu, u64 id, void __user *uaddr)
{
	int csselr = demux_csselr(id);

	return csselr < 0 ? csselr : put_user(ccsidr[csselr], (u32 __user *)uaddr);
}

static int demux_set(struct armvirt_vcpu *vcpu, u64 id, const void __user *uaddr)
{
	int csselr = demux_csselr(id);
	u32 val;

	if (csselr < 0)
		return csselr;
	if (get_user(val, (const u32 __user *)uaddr))
		return -EFAULT;
	return val == ccsidr[csselr] ? 0 : -EINVAL;	/* invariant */
}

static int demux_list(struct armvirt_vcpu *vcpu, u64 __user *uids)
{
	u64 base = KVM_REG_ARM | KVM_REG_SIZE_U32 | KVM_REG_ARM_DEMUX |
		   KVM_REG_ARM_DEMUX_ID_CCSIDR;
	unsigned int i;
	int n = 0;

	for (i = 0; i < NR_CSSELR; i++) {
		if (!(valid_csselr & BIT(i)))
			continue;
		if (uids && put_user(base | i, uids + n))
			return -EFAULT;
		n++;
	}
	return n;
}

const struct reg_group demux_reg_group = {
	.coproc = KVM_REG_ARM_DEMUX,
	.get = demux_get,
	.set = demux_set,
	.list = demux_list,
};
