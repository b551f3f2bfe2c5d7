// SPDX-License-Identifier: GPL-2.0-only
/*
 * Random guest code for the fuzzer. The RAM slot gets:
 *   +0x0000  exception vectors (each returns past what raised it, or acks
 *            the GIC for an IRQ), VBAR points here
 *   +0x0100  the ARM block: a prologue that loads interesting addresses
 *            into r0-r12, random instructions, then PSCI SYSTEM_OFF
 *   +0x4000  the Thumb block, the same in Thumb-2
 *   +0x8000  data that the loads and stores may hit (so may anything else)
 *   +0x10000 a section table for the guest's own MMU, if the slot is that big
 * The encodings are the ARMv7-A ARM's, built from templates with random
 * fields: coprocessor accesses, hvc/smc, WFI/WFE, every load/store form,
 * VFP/NEON, mode changes, SETEND, undefined encodings.
 */
#include <string.h>

#include "fuzz_gen.h"
#include "guest_abi.h"

#define ARM_OFF		0x0100
#define ARM_END		0x3f00
#define THUMB_OFF	0x4000
#define THUMB_END	0x7f00
#define DATA_OFF	0x8000

struct em {
	struct gen_ctx *g;
	uint32_t off, end;
};

static void put32(struct em *e, uint32_t insn)
{
	if (e->off + 4 > e->end + 64)
		return;
	memcpy(e->g->ram + e->off, &insn, 4);
	e->off += 4;
}

static void put16(struct em *e, uint16_t hw)
{
	if (e->off + 2 > e->end + 64)
		return;
	memcpy(e->g->ram + e->off, &hw, 2);
	e->off += 2;
}

/* A guest address worth touching: RAM, its edges, other slots, the GIC, MMIO, nothing. */
static uint32_t gen_addr(struct gen_ctx *g)
{
	struct rng *r = g->rng;
	uint32_t a;

	switch (below(r, 12)) {
	case 0:
	case 1:
		return g->ram_gpa + DATA_OFF + (rnd32(r) & 0x7fff);
	case 2:
		return g->ram_gpa + g->ram_size - 16 + below(r, 32);	/* across the slot's end */
	case 3:
		a = g->extra_gpa[below(r, 4)];
		return a ? a + (rnd32(r) & 0x1fff) : g->ram_gpa - 8 + below(r, 16);
	case 4:
		return g->gicd + (rnd32(r) & 0xfff);
	case 5:
		return g->gicc + (rnd32(r) & 0x1fff);
	case 6:
		return UCALL_BASE + (rnd32(r) & 0xfff);
	case 7:
		return TESTDEV_BASE + (rnd32(r) & 0xffff);
	case 8:
		return rnd32(r) & ~3u;
	case 9:
		return (uint32_t)-(int32_t)below(r, 32);
	case 10:
		return below(r, 0x100);
	default:
		return rnd32(r);
	}
}

/* ---- ARM ---------------------------------------------------------- */

static uint32_t cond(struct rng *r)
{
	return (chance(r, 90) ? 0xeu : below(r, 15)) << 28;
}

static void a_mov32(struct em *e, unsigned int rd, uint32_t v)
{
	put32(e, 0xe3000000 | (v >> 12 & 0xf) << 16 | rd << 12 | (v & 0xfff));
	put32(e, 0xe3400000 | (v >> 28) << 16 | rd << 12 | (v >> 16 & 0xfff));
}

/* A base register, pointed at an interesting address most of the time */
static unsigned int a_base(struct em *e)
{
	struct rng *r = e->g->rng;
	unsigned int rn = chance(r, 95) ? below(r, 13) : 13 + below(r, 3);

	if (rn < 13 && chance(r, 60))
		a_mov32(e, rn, gen_addr(e->g));
	return rn;
}

static unsigned int rt_of(struct rng *r)
{
	return chance(r, 95) ? below(r, 13) : below(r, 16);
}

/* Set/way cache maintenance (DCISW, DCCSW, DCCISW): a known bug under --avoid-known */
static bool is_set_way(unsigned int opc1, unsigned int crn, unsigned int crm, unsigned int opc2)
{
	return opc1 == 0 && crn == 7 && (crm == 6 || crm == 10 || crm == 14) && opc2 == 2;
}

static void coproc_fields(struct gen_ctx *g, unsigned int *cp, unsigned int *opc1,
			  unsigned int *crn, unsigned int *crm, unsigned int *opc2)
{
	static const unsigned int cps[] = { 15, 15, 15, 15, 14, 14, 10, 11, 0, 7, 13 };
	struct rng *r = g->rng;

	*cp = PICK(r, cps);
	*opc1 = chance(r, 70) ? 0 : below(r, 8);
	*crn = below(r, 16);
	*crm = below(r, 16);
	*opc2 = below(r, 8);
	if (g->avoid_known && *cp == 15 && is_set_way(*opc1, *crn, *crm, *opc2))
		*opc2 = 1;
}

static void a_coproc(struct em *e)
{
	struct rng *r = e->g->rng;
	unsigned int cp, opc1, crn, crm, opc2, l = below(r, 2);

	coproc_fields(e->g, &cp, &opc1, &crn, &crm, &opc2);
	if (chance(r, 20)) {	/* MCRR / MRRC */
		put32(e, cond(r) | 0x0c400000 | l << 20 | rt_of(r) << 16 | rt_of(r) << 12 |
			 cp << 8 | (opc1 & 0xf) << 4 | crm);
		return;
	}
	if (!l && chance(r, 50))
		a_mov32(e, 1, rnd32(r));
	put32(e, cond(r) | 0x0e000010 | (opc1 & 7) << 21 | l << 20 | crn << 16 |
		 (chance(r, 50) ? 1u : rt_of(r)) << 12 | cp << 8 | opc2 << 5 | crm);
}

static uint32_t psci_fn(struct rng *r)
{
	static const uint32_t fns[] = {
		0x84000000, 0x84000001, 0x84000002, 0x84000003, 0x84000004,
		0x84000005, 0x84000006, 0x84000007, 0x84000009, 0x8400000a,
		0x8400000e, 0x84000012, 0xc4000001, 0xc4000003, 0x95c1ba5e,
		0x95c1ba5f, 0x80000000, 0x80000001, 0x80008000, 0x80007fff,
		0x00000000, 0xffffffff, 0x84000008,
	};

	return chance(r, 80) ? PICK(r, fns) : rnd32(r);
}

static void a_call(struct em *e)
{
	struct rng *r = e->g->rng;

	a_mov32(e, 0, psci_fn(r));
	if (chance(r, 70))
		a_mov32(e, 1, chance(r, 70) ? below(r, 10) : rnd32(r));	/* MPIDR */
	if (chance(r, 70))
		a_mov32(e, 2, chance(r, 70) ? e->g->ram_gpa + ARM_OFF + 4 * below(r, 64) : gen_addr(e->g));
	if (chance(r, 30))
		a_mov32(e, 3, rnd32(r));
	if (chance(r, 85))
		put32(e, 0xe1400070 | (rnd32(r) & 0xfff) << 8 | below(r, 16));	/* hvc */
	else
		put32(e, 0xe1600070 | below(r, 16));				/* smc */
}

static void a_hint(struct em *e)
{
	static const uint32_t hints[] = {
		0xe320f003, 0xe320f003, 0xe320f002, 0xe320f004, 0xe320f001, 0xe320f000,
		0xe320f005,
	};

	put32(e, PICK(e->g->rng, hints));
}

static void a_ldst(struct em *e)
{
	struct rng *r = e->g->rng;
	unsigned int rn = a_base(e), rt = rt_of(r);
	unsigned int p = chance(r, 70), u = below(r, 2), w = chance(r, 25), l = below(r, 2);
	uint32_t x;

	switch (below(r, 5)) {
	case 0:	/* LDR/STR{B} immediate */
		x = 0x04000000 | p << 24 | u << 23 | below(r, 2) << 22 | w << 21 | l << 20 |
		    rn << 16 | rt << 12 | (chance(r, 50) ? below(r, 16) : rnd32(r) & 0xfff);
		break;
	case 1:	/* register offset, shifted */
		x = 0x06000000 | p << 24 | u << 23 | below(r, 2) << 22 | w << 21 | l << 20 |
		    rn << 16 | rt << 12 | below(r, 32) << 7 | below(r, 4) << 5 | below(r, 13);
		break;
	case 2:	/* halfword, signed, doubleword: immediate or register */
		x = 0x00000090 | p << 24 | u << 23 | (chance(r, 70) ? 1u : 0u) << 22 | w << 21 |
		    l << 20 | rn << 16 | (rt & ~(chance(r, 80) ? 1u : 0u)) << 12 |
		    below(r, 16) << 8 | (1 + below(r, 3)) << 5 | below(r, 16);
		break;
	case 3:	/* LDM/STM, every addressing mode, sometimes the user bank */
		x = 0x08000000 | below(r, 2) << 24 | u << 23 | (chance(r, 10) ? 1u : 0u) << 22 |
		    w << 21 | l << 20 | rn << 16 | (rnd32(r) & (chance(r, 90) ? 0x7fff : 0xffff));
		break;
	default: /* exclusives: word, doubleword, byte, halfword */
		if (l)
			x = 0x01900f9f | below(r, 4) << 21 | rn << 16 | (rt & ~1u) << 12;
		else
			x = 0x01800f90 | below(r, 4) << 21 | rn << 16 | rt_of(r) << 12 | (rt & ~1u);
		break;
	}
	put32(e, cond(r) | x);
}

static void a_vfp(struct em *e)
{
	struct rng *r = e->g->rng;
	unsigned int rn;

	switch (below(r, 7)) {
	case 0:	/* CPACR full access to cp10/11, FPEXC.EN */
		a_mov32(e, 1, 0x00f00000);
		put32(e, 0xee011f50);			/* mcr p15, 0, r1, c1, c0, 2 */
		put32(e, 0xf57ff06f);			/* isb */
		a_mov32(e, 1, chance(r, 80) ? 0x40000000 : rnd32(r));
		put32(e, 0xeee81a10);			/* vmsr fpexc, r1 */
		break;
	case 1:	/* VLDR/VSTR single or double, to anywhere */
		rn = a_base(e);
		put32(e, cond(r) | 0x0d000a00 | below(r, 2) << 23 | below(r, 2) << 22 |
			 below(r, 2) << 20 | rn << 16 | below(r, 16) << 12 | below(r, 2) << 8 |
			 below(r, 256));
		break;
	case 2:	/* VLDM/VSTM */
		rn = a_base(e);
		put32(e, cond(r) | 0x0c800a00 | below(r, 2) << 21 | below(r, 2) << 20 | rn << 16 |
			 below(r, 16) << 12 | below(r, 2) << 8 | (1 + below(r, 8)));
		break;
	case 3:	/* VMRS/VMSR on every VFP system register */
		put32(e, cond(r) | 0x0ee00a10 | below(r, 2) << 20 | below(r, 16) << 16 | rt_of(r) << 12);
		break;
	case 4:	/* NEON data processing: random fields */
		put32(e, 0xf2000000 | (rnd32(r) & 0x01ffffff));
		break;
	case 5:	/* NEON VLD1/VST1 ... */
		rn = a_base(e);
		put32(e, 0xf4000000 | below(r, 2) << 23 | below(r, 2) << 21 | rn << 16 |
			 (rnd32(r) & 0xfff0) | 0xf);
		break;
	default: /* VFP data processing, random fields */
		put32(e, cond(r) | 0x0e000a00 | (rnd32(r) & 0x00f0f1ef));
		break;
	}
}

static void a_mode(struct em *e)
{
	static const unsigned int modes[] = { 0x10, 0x11, 0x12, 0x13, 0x16, 0x17, 0x1a, 0x1b, 0x1f };
	struct rng *r = e->g->rng;
	unsigned int mode = chance(r, 85) ? PICK(r, modes) : below(r, 32);

	switch (below(r, 6)) {
	case 0:	/* CPS, with or without a mode change */
		put32(e, 0xf1000000 | (2 + below(r, 2)) << 18 | below(r, 2) << 17 |
			 below(r, 8) << 6 | mode);
		break;
	case 1:	/* MSR CPSR_<fields>, #imm */
		put32(e, cond(r) | 0x0320f000 | (1 + below(r, 15)) << 16 | (chance(r, 70) ? mode | below(r, 8) << 5 : below(r, 256)));
		break;
	case 2:	/* MSR SPSR / CPSR from a register */
		a_mov32(e, 1, mode | (rnd32(r) & 0xfffffe00) | below(r, 16) << 5);
		put32(e, cond(r) | 0x0120f000 | below(r, 2) << 22 | (1 + below(r, 15)) << 16 | 1);
		break;
	case 3:	/* MSR/MRS (banked register) */
		put32(e, cond(r) | 0x01000200 | below(r, 2) << 22 | below(r, 2) << 21 |
			 below(r, 16) << 16 | rt_of(r) << 12 | below(r, 2) << 8 |
			 (below(r, 2) ? 0xf000u : 0u) | (below(r, 2) ? 0u : 1u));
		break;
	case 4:	/* ERET, MOVS pc, lr, SUBS pc, lr */
		put32(e, PICK(r, ((const uint32_t[]){ 0xe160006e, 0xe1b0f00e, 0xe25ef004 })));
		break;
	default: /* MRS */
		put32(e, cond(r) | 0x010f0000 | below(r, 2) << 22 | rt_of(r) << 12);
		break;
	}
}

/* The distributor and this CPU interface on, interrupts unmasked, both timers armed */
static void a_gic_timer(struct em *e)
{
	struct rng *r = e->g->rng;

	a_mov32(e, 0, e->g->gicd);
	put32(e, 0xe3a01001);			/* mov r1, #1 */
	put32(e, 0xe5801000);			/* str r1, [r0] (GICD_CTLR) */
	put32(e, 0xe3e01000);			/* mvn r1, #0 */
	put32(e, 0xe5801100);			/* str r1, [r0, #0x100] (ISENABLER0) */
	put32(e, 0xe5801104);
	put32(e, 0xe5801108);
	a_mov32(e, 0, e->g->gicc);
	put32(e, 0xe5801004);			/* str r1, [r0, #4] (PMR) */
	put32(e, 0xe3a01001);
	put32(e, 0xe5801000);			/* GICC_CTLR */
	a_mov32(e, 2, chance(r, 50) ? 0 : rnd32(r));
	a_mov32(e, 3, chance(r, 70) ? 0 : rnd32(r));
	put32(e, chance(r, 50) ? 0xec432f3e : 0xec432f2e);	/* mcrr CNTV_CVAL / CNTP_CVAL */
	a_mov32(e, 1, below(r, 4));
	put32(e, chance(r, 50) ? 0xee0e1f33 : 0xee0e1f32);	/* mcr CNTV_CTL / CNTP_CTL */
	put32(e, 0xf1080080);			/* cpsie i */
}

/*
 * The guest's own MMU on: TTBR0 at the section table gen_guest() wrote (an
 * identity map with random attributes and holes), or at anything (its
 * walks then fault in stage 2); domains and SCTLR bits random.
 */
static void a_mmu_on(struct em *e)
{
	struct rng *r = e->g->rng;
	uint32_t ttbr = chance(r, 75) && e->g->ram_size >= 0x14000 ? e->g->ram_gpa + 0x10000 : gen_addr(e->g);

	put32(e, 0xe3a01000);				/* mov r1, #0 */
	put32(e, 0xee021f50);				/* mcr p15, 0, r1, c2, c0, 2 (TTBCR) */
	a_mov32(e, 1, (ttbr & ~0x3fffu) | (chance(r, 50) ? below(r, 0x80) : 0));
	put32(e, 0xee021f10);				/* TTBR0 */
	a_mov32(e, 1, chance(r, 70) ? 0x55555555 : (chance(r, 50) ? 0xffffffff : rnd32(r)));
	put32(e, 0xee031f10);				/* DACR */
	put32(e, 0xee111f10);				/* mrc SCTLR */
	a_mov32(e, 2, 1 | (chance(r, 50) ? 0x1004u : 0u) | (chance(r, 10) ? rnd32(r) & 0x2000080 : 0u));
	put32(e, 0xe1811002);				/* orr r1, r1, r2 */
	put32(e, 0xee011f10);				/* mcr SCTLR */
	put32(e, 0xf57ff06f);				/* isb */
	if (chance(r, 50))
		put32(e, 0xee080f17);			/* TLBIALL */
}

static void a_random(struct em *e)
{
	struct rng *r = e->g->rng;

	switch (below(r, 18)) {
	case 0: case 1:
		a_coproc(e);
		break;
	case 2:
		a_call(e);
		break;
	case 3:
		a_hint(e);
		break;
	case 4: case 5: case 6: case 7:
		a_ldst(e);
		break;
	case 8: case 9:
		a_vfp(e);
		break;
	case 10:
		a_mode(e);
		break;
	case 11:
		put32(e, 0xf1010000 | below(r, 2) << 9);	/* setend */
		break;
	case 12:
		put32(e, chance(r, 50) ? 0xe7f000f0 | (rnd32(r) & 0xfff0f) : rnd32(r));
		break;
	case 13:
		put32(e, PICK(r, ((const uint32_t[]){ 0xf57ff04f, 0xf57ff05f, 0xf57ff06f, 0xf57ff01f })));
		break;
	case 14:	/* a register to something interesting */
		a_mov32(e, below(r, 13), gen_addr(e->g));
		break;
	case 15:	/* svc, bkpt */
		put32(e, chance(r, 50) ? 0xef000000 | (rnd32(r) & 0xffffff) : 0xe1200070 | (rnd32(r) & 0xfff0f));
		break;
	case 16:
		if (chance(r, 40)) {
			a_gic_timer(e);
			break;
		}
		if (chance(r, 40)) {
			a_mmu_on(e);
			break;
		}
		/* an SGI to some vCPUs, or everyone else, or itself */
		a_mov32(e, 0, e->g->gicd + 0xf00);
		a_mov32(e, 1, below(r, 4) << 24 | (rnd32(r) & 0xff) << 16 | below(r, 16));
		put32(e, 0xe5801000);			/* str r1, [r0] (GICD_SGIR) */
		break;
	default:	/* data processing with random fields, never to the pc */
		put32(e, cond(r) | (rnd32(r) & 0x03ff0fff) | below(r, 15) << 12);
		break;
	}
}

/* ---- Thumb-2 -------------------------------------------------------- */

static void t_mov32(struct em *e, unsigned int rd, uint32_t v)
{
	uint32_t lo = v & 0xffff, hi = v >> 16;

	put16(e, 0xf240 | (lo >> 11 & 1) << 10 | lo >> 12);
	put16(e, (lo >> 8 & 7) << 12 | rd << 8 | (lo & 0xff));
	put16(e, 0xf2c0 | (hi >> 11 & 1) << 10 | hi >> 12);
	put16(e, (hi >> 8 & 7) << 12 | rd << 8 | (hi & 0xff));
}

static unsigned int t_base(struct em *e, bool low)
{
	struct rng *r = e->g->rng;
	unsigned int rn = low ? below(r, 8) : below(r, 13);

	if (chance(r, 60))
		t_mov32(e, rn, gen_addr(e->g));
	return rn;
}

static void t_random(struct em *e)
{
	static const uint16_t ldst16[] = { 0x6000, 0x6800, 0x7000, 0x7800, 0x8000, 0x8800 };
	static const uint16_t ldst32[] = { 0xf8c0, 0xf8d0, 0xf880, 0xf890, 0xf8a0, 0xf8b0, 0xf990, 0xf9b0 };
	struct rng *r = e->g->rng;
	unsigned int rn, cp, opc1, crn, crm, opc2, p;

	switch (below(r, 14)) {
	case 0:
		put16(e, PICK(r, ((const uint16_t[]){ 0xbf30, 0xbf20, 0xbf00, 0xbf40 })));
		break;
	case 1:	/* 16-bit loads and stores */
		rn = t_base(e, true);
		put16(e, PICK(r, ldst16) | below(r, 32) << 6 | rn << 3 | below(r, 8));
		break;
	case 2:	/* 32-bit, 12-bit immediate */
		rn = t_base(e, false);
		put16(e, PICK(r, ldst32) | rn);
		put16(e, below(r, 13) << 12 | (rnd32(r) & 0xfff));
		break;
	case 3:	/* 32-bit, 8-bit immediate with pre/post-index and writeback */
		rn = t_base(e, false);
		put16(e, (PICK(r, ldst32) & ~0x0080) | rn);
		put16(e, below(r, 13) << 12 | 1u << 11 | below(r, 8) << 8 | below(r, 256));
		break;
	case 4:	/* LDRD/STRD */
		rn = t_base(e, false);
		p = below(r, 2);
		put16(e, 0xe840 | p << 8 | below(r, 2) << 7 | (p ? below(r, 2) : 1u) << 5 | below(r, 2) << 4 | rn);
		put16(e, below(r, 13) << 12 | below(r, 13) << 8 | below(r, 256));
		break;
	case 5:	/* LDREX/STREX, LDM/STM */
		rn = t_base(e, false);
		switch (below(r, 3)) {
		case 0:
			put16(e, 0xe850 | rn);
			put16(e, below(r, 13) << 12 | 0xf00 | below(r, 256));
			break;
		case 1:
			put16(e, 0xe840 | rn);
			put16(e, below(r, 13) << 12 | below(r, 13) << 8 | below(r, 256));
			break;
		default:
			put16(e, (below(r, 2) ? 0xe880 : 0xe890) | below(r, 2) << 5 | rn);
			put16(e, rnd32(r) & 0x5fff);
			break;
		}
		break;
	case 6: case 7:	/* MRC/MCR */
		coproc_fields(e->g, &cp, &opc1, &crn, &crm, &opc2);
		put16(e, 0xee00 | (opc1 & 7) << 5 | below(r, 2) << 4 | crn);
		put16(e, below(r, 13) << 12 | cp << 8 | opc2 << 5 | 1u << 4 | crm);
		break;
	case 8:	/* hvc / smc */
		t_mov32(e, 0, psci_fn(r));
		if (chance(r, 85)) {
			put16(e, 0xf7e0 | below(r, 16));
			put16(e, 0x8000 | (rnd32(r) & 0xfff));
		} else {
			put16(e, 0xf7f0 | below(r, 16));
			put16(e, 0x8000);
		}
		break;
	case 9:	/* cps, setend */
		put16(e, chance(r, 50) ? 0xb660 | below(r, 2) << 4 | below(r, 8) : 0xb650 | below(r, 2) << 3);
		break;
	case 10:	/* svc, bkpt, udf */
		put16(e, PICK(r, ((const uint16_t[]){ 0xdf00, 0xbe00, 0xde00 })) | below(r, 256));
		break;
	case 11:	/* random halfwords */
		put16(e, rnd32(r));
		if (chance(r, 50))
			put16(e, rnd32(r));
		break;
	case 12:
		t_mov32(e, below(r, 13), gen_addr(e->g));
		break;
	default:	/* VFP/NEON loads and stores */
		rn = t_base(e, false);
		put16(e, 0xed00 | below(r, 2) << 7 | below(r, 2) << 6 | below(r, 2) << 4 | rn);
		put16(e, below(r, 16) << 12 | 0xa00 | below(r, 2) << 8 | below(r, 256));
		break;
	}
}

/* ---- Layout ----------------------------------------------------------- */

static void vectors(struct gen_ctx *g)
{
	struct rng *r = g->rng;
	uint32_t v[8] = {
		0xea000000 | ((ARM_OFF - 8) / 4),	/* reset: b arm block */
		0xe1b0f00e,				/* undef: movs pc, lr */
		0xe1b0f00e,				/* svc */
		0xe1b0f00e,				/* prefetch abort: past it */
		0xe25ef004,				/* data abort: past it */
		0xe1b0f00e,
		0xea000000 | ((0x40 - 0x18 - 8) / 4),	/* irq: b +0x40 */
		0xe25ef004,				/* fiq */
	};
	struct em e = { g, 0x40, 0x80 };
	int i;

	for (i = 0; i < 8; i++) {
		if (i && chance(r, 3))
			v[i] = rnd32(r);
		memcpy(g->ram + 4 * i, &v[i], 4);
	}
	/* IRQ: acknowledge at the GIC (the interrupt stays active), return */
	a_mov32(&e, 13, g->gicc);
	put32(&e, 0xe59dd00c);			/* ldr sp, [sp, #0xc] (GICC_IAR) */
	put32(&e, 0xe25ef004);			/* subs pc, lr, #4 */
}

static void prologue_arm(struct em *e)
{
	unsigned int i;

	a_mov32(e, 0, e->g->ram_gpa);
	put32(e, 0xee0c0f10);			/* mcr p15, 0, r0, c12, c0, 0 (VBAR) */
	for (i = 0; i < 13; i++)
		a_mov32(e, i, gen_addr(e->g));
}

static void prologue_thumb(struct em *e)
{
	unsigned int i;

	t_mov32(e, 0, e->g->ram_gpa);
	put16(e, 0xee0c);			/* mcr p15, 0, r0, c12, c0, 0 */
	put16(e, 0x0f10);
	for (i = 0; i < 13; i++)
		t_mov32(e, i, gen_addr(e->g));
}

uint32_t gen_guest(struct gen_ctx *g)
{
	struct rng *r = g->rng;
	struct em a = { g, ARM_OFF, ARM_END }, t = { g, THUMB_OFF, THUMB_END };
	unsigned int n, i;

	if (!g->gicd)
		g->gicd = GUEST_GICD;
	if (!g->gicc)
		g->gicc = GUEST_GICC;
	memset(g->ram, 0, DATA_OFF);
	for (i = DATA_OFF; i + 4 <= 0x10000 && i + 4 <= g->ram_size; i += 4) {
		uint32_t w = rnd32(r);

		memcpy(g->ram + i, &w, 4);
	}
	vectors(g);
	/* a short-descriptor section table at +0x10000: identity, random attributes */
	if (g->ram_size >= 0x14000) {
		for (i = 0; i < 4096; i++) {
			uint32_t d = i << 20 | 0xc02 | (rnd32(r) & 0x701c);	/* AP=11, TEX, C, B, XN */

			if (chance(r, 3))
				d = chance(r, 50) ? 0 : rnd32(r);
			if (i == g->ram_gpa >> 20 && chance(r, 80))	/* the code, mostly runnable */
				d = (i << 20 | 0xc02 | (rnd32(r) & 0x700c));
			memcpy(g->ram + 0x10000 + 4 * i, &d, 4);
		}
	}

	prologue_arm(&a);
	n = 4 + below(r, 200);
	for (i = 0; i < n && a.off < a.end; i++)
		a_random(&a);
	a_mov32(&a, 0, 0x84000008);		/* PSCI SYSTEM_OFF */
	put32(&a, 0xe1400070);			/* hvc #0 */
	put32(&a, 0xeafffffe);			/* b . */

	prologue_thumb(&t);
	n = 4 + below(r, 200);
	for (i = 0; i < n && t.off < t.end; i++)
		t_random(&t);
	t_mov32(&t, 0, 0x84000008);
	put16(&t, 0xf7e0);
	put16(&t, 0x8000);
	put16(&t, 0xe7fe);			/* b . */

	return chance(r, 30) ? g->ram_gpa + THUMB_OFF + 1 : g->ram_gpa + ARM_OFF;
}
