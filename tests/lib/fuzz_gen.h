/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * For the fuzzer (tests/fuzz/): a seeded random source, and guest code
 * generated at run time, ARM and Thumb-2 encodings from templates with
 * random fields (no assembler on the board).
 */
#ifndef ARMVIRT_TESTS_FUZZ_GEN_H
#define ARMVIRT_TESTS_FUZZ_GEN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* splitmix64: every random choice comes from one of these, seeded from --seed */
struct rng {
	uint64_t s;
};

static inline uint64_t rnd64(struct rng *r)
{
	uint64_t z = (r->s += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

static inline uint32_t rnd32(struct rng *r)
{
	return (uint32_t)(rnd64(r) >> 32);
}

/* 0 .. n-1 (n > 0) */
static inline uint32_t below(struct rng *r, uint32_t n)
{
	return (uint32_t)(((rnd64(r) >> 32) * n) >> 32);
}

/* true with probability pct % */
static inline bool chance(struct rng *r, unsigned int pct)
{
	return below(r, 100) < pct;
}

#define ARRAY_LEN(a)	(sizeof(a) / sizeof((a)[0]))
#define PICK(r, a)	((a)[below((r), ARRAY_LEN(a))])

struct gen_ctx {
	struct rng *rng;
	uint8_t *ram;		/* the VMM's view of the RAM slot */
	uint32_t ram_gpa, ram_size;
	uint32_t extra_gpa[4];	/* other slots' guest addresses, 0: none */
	uint32_t gicd, gicc;	/* the vGIC's addresses (the defaults if none) */
	bool avoid_known;	/* no set/way cache maintenance (fuzz --avoid-known) */
};

/*
 * Fills the RAM with exception vectors, an ARM block and a Thumb block of
 * random instructions; returns the entry point (bit 0 set: Thumb).
 */
uint32_t gen_guest(struct gen_ctx *g);

#endif
