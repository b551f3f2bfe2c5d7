// SPDX-License-Identifier: GPL-2.0-only
/*
 * Decoding a load or store whose data abort carried no valid syndrome
 * (HSR.ISV = 0): the base-register writeback forms, LDRD/STRD, and
 * whatever else an implementation chooses not to describe.
 *
 * Handled: ARM single loads and stores (word, byte; immediate and shifted
 * register offsets; pre-, post-indexed, writeback, the unprivileged T
 * forms), ARM halfword, signed and dual forms; Thumb-2 single loads and
 * stores (imm12, imm8 with index and writeback, register) and LDRD/STRD.
 * Anything else (LDM/STM, exclusives, PC-relative or PC-writing forms,
 * 16-bit Thumb without a syndrome) is refused, never guessed. The address
 * the decode computes must equal the faulting address, or it is refused.
 */
#include <linux/errno.h>

#include "run.h"

struct ls_insn {
	bool load, sign, pre_index, add, writeback;
	u8 len, rn, rt, rt2;
	u32 offset;
};

/* DecodeImmShift and Shift (A8.4.3) for a register offset */
static u32 shifted_reg(struct armvirt_vcpu *vcpu, u32 rm_val, u32 type, u32 imm5)
{
	bool carry = *vcpu_cpsr(vcpu) & BIT(29);

	switch (type) {
	case 0:					/* LSL */
		return rm_val << imm5;
	case 1:					/* LSR; #0 means #32 */
		return imm5 ? rm_val >> imm5 : 0;
	case 2:					/* ASR; #0 means #32 */
		return (u32)((s32)rm_val >> (imm5 ? imm5 : 31));
	default:				/* ROR; #0 means RRX */
		if (!imm5)
			return (rm_val >> 1) | ((u32)carry << 31);
		return (rm_val >> imm5) | (rm_val << (32 - imm5));
	}
}

/* ARM A5.3: LDR, STR, LDRB, STRB (and the T forms) */
static int decode_arm_word_byte(struct armvirt_vcpu *vcpu, u32 insn, struct ls_insn *d)
{
	bool reg_offset = insn & BIT(25);

	if (reg_offset && (insn & BIT(4)))
		return -EINVAL;			/* media instructions */
	d->load = insn & BIT(20);
	d->len = (insn & BIT(22)) ? 1 : 4;
	d->offset = reg_offset ?
		shifted_reg(vcpu, *vcpu_reg(vcpu, insn & 15), (insn >> 5) & 3,
			    (insn >> 7) & 31) :
		insn & 0xfff;
	return 0;
}

/* ARM A5.2.8: LDRH, STRH, LDRSB, LDRSH, LDRD, STRD */
static int decode_arm_extra(struct armvirt_vcpu *vcpu, u32 insn, struct ls_insn *d)
{
	u32 op2 = (insn >> 5) & 3;
	bool load_bit = insn & BIT(20);

	d->offset = (insn & BIT(22)) ? ((insn >> 4) & 0xf0) | (insn & 0xf) :
				       *vcpu_reg(vcpu, insn & 15);
	if (load_bit) {
		d->load = true;
		d->len = op2 == 2 ? 1 : 2;	/* LDRH, LDRSB, LDRSH */
		d->sign = op2 != 1;
		return 0;
	}
	if (op2 == 1) {				/* STRH */
		d->len = 2;
		return 0;
	}
	/* LDRD (op2 2), STRD (op2 3): an even Rt, not lr; Rt2 is Rt + 1 */
	if ((d->rt & 1) || d->rt == 14)
		return -EINVAL;
	d->load = op2 == 2;
	d->len = 8;
	d->rt2 = d->rt + 1;
	return 0;
}

static int decode_arm(struct armvirt_vcpu *vcpu, u32 insn, struct ls_insn *d)
{
	int ret;

	if ((insn >> 28) == 0xf)
		return -EINVAL;			/* unconditional space */
	d->rn = (insn >> 16) & 15;
	d->rt = (insn >> 12) & 15;
	d->pre_index = insn & BIT(24);
	d->add = insn & BIT(23);
	d->writeback = !d->pre_index || (insn & BIT(21));

	if ((insn & 0x0c000000) == 0x04000000)
		ret = decode_arm_word_byte(vcpu, insn, d);
	else if ((insn & 0x0e000090) == 0x00000090 && (insn & 0x60))
		ret = decode_arm_extra(vcpu, insn, d);
	else
		ret = -EINVAL;
	return ret;
}

/* Thumb-2 A6.3.10-A6.3.12: LDR{B,H,SB,SH}, STR{B,H} with 32-bit encodings */
static int decode_thumb_single(struct armvirt_vcpu *vcpu, u32 hw1, u32 hw2,
			       struct ls_insn *d)
{
	u32 size = (hw1 >> 5) & 3;

	if (size == 3)
		return -EINVAL;
	d->load = hw1 & BIT(4);
	d->sign = hw1 & BIT(8);
	if (d->sign && !d->load)
		return -EINVAL;
	d->len = 1 << size;
	d->rn = hw1 & 15;
	d->rt = hw2 >> 12;
	if (hw1 & BIT(7)) {			/* Rn, #imm12 */
		d->pre_index = d->add = true;
		d->offset = hw2 & 0xfff;
	} else if (hw2 & BIT(11)) {		/* Rn, #+/-imm8, with index and writeback */
		d->pre_index = hw2 & BIT(10);
		d->add = hw2 & BIT(9);
		d->writeback = hw2 & BIT(8);
		d->offset = hw2 & 0xff;
		if (!d->pre_index && !d->writeback)
			return -EINVAL;
	} else if (!(hw2 & 0xfc0)) {		/* Rn, Rm, LSL #imm2 */
		d->pre_index = d->add = true;
		d->offset = *vcpu_reg(vcpu, hw2 & 15) << ((hw2 >> 4) & 3);
	} else {
		return -EINVAL;
	}
	return 0;
}

/* Thumb-2 A6.3.6: LDRD, STRD (immediate) */
static int decode_thumb_dual(u32 hw1, u32 hw2, struct ls_insn *d)
{
	d->pre_index = hw1 & BIT(8);
	d->add = hw1 & BIT(7);
	d->writeback = hw1 & BIT(5);
	if (!d->pre_index && !d->writeback)
		return -EINVAL;			/* exclusives and table branches */
	d->load = hw1 & BIT(4);
	d->rn = hw1 & 15;
	d->rt = hw2 >> 12;
	d->rt2 = (hw2 >> 8) & 15;
	d->len = 8;
	d->offset = (hw2 & 0xff) << 2;
	return 0;
}

static int decode_thumb32(struct armvirt_vcpu *vcpu, u32 insn, struct ls_insn *d)
{
	u32 hw1 = insn >> 16, hw2 = insn & 0xffff;

	if ((hw1 & 0xfe00) == 0xf800)
		return decode_thumb_single(vcpu, hw1, hw2, d);
	if ((hw1 & 0xfe40) == 0xe840)
		return decode_thumb_dual(hw1, hw2, d);
	return -EINVAL;
}

int armvirt_decode_mmio_insn(struct armvirt_vcpu *vcpu, u32 insn, bool thumb32,
			     bool thumb, u32 fault_va, struct armvirt_mmio_access *a)
{
	struct ls_insn d = { .rt2 = 0xff };
	u32 base, offset_addr, addr;
	int ret;

	if (thumb && !thumb32)
		return -EINVAL;	/* 16-bit Thumb loads and stores report a syndrome */
	ret = thumb ? decode_thumb32(vcpu, insn, &d) : decode_arm(vcpu, insn, &d);
	if (ret)
		return ret;
	/* PC-relative, PC-loading and UNPREDICTABLE writeback forms */
	if (d.rn == 15 || d.rt == 15 || d.rt2 == 15)
		return -EINVAL;
	if (d.writeback && (d.rn == d.rt || d.rn == d.rt2))
		return -EINVAL;
	if (d.len == 8 && d.load && d.rt == d.rt2)
		return -EINVAL;

	base = *vcpu_reg(vcpu, d.rn);
	offset_addr = d.add ? base + d.offset : base - d.offset;
	addr = d.pre_index ? offset_addr : base;
	if (addr != fault_va)
		return -EINVAL;	/* the decode does not describe this fault */

	a->is_write = !d.load;
	a->sign_extend = d.sign;
	a->len = d.len;
	a->rt = d.rt;
	a->rt2 = d.rt2;
	a->writeback = d.writeback;
	a->rn = d.rn;
	a->rn_value = offset_addr;
	return 0;
}
