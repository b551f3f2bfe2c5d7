// SPDX-License-Identifier: GPL-2.0-only
/*
 * cpu-int [LOOPS [ROUNDS]]: an integer workload in the spirit of the
 * classic synthetic benchmarks, written for armvirt: each loop formats a
 * number into a record's name, compares and copies names between records
 * of a small ring, walks the ring's links, and mixes integer arithmetic
 * (multiply, divide, shifts, a switch) into a checksum. It prints the best
 * of ROUNDS (default 3) as
 *   "cpu-int: LOOPS loops in S s, X kloops/s (checksum C)".
 * Static, so the board and the Linux guest run the same binary
 * (tests/bench/50-study).
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "tool_time.h"

#define RING	8

struct rec {
	struct rec *next;
	unsigned int id;
	unsigned int kind;
	unsigned int acc;
	char name[32];
};

/* "rec-" and @n in decimal into @buf; its length. */
static int format_name(char *buf, unsigned int n)
{
	char digits[12];
	int len = 0, i = 0;

	memcpy(buf, "rec-", 4);
	len = 4;
	do {
		digits[i++] = (char)('0' + n % 10);
		n /= 10;
	} while (n);
	while (i)
		buf[len++] = digits[--i];
	buf[len] = 0;
	return len;
}

static unsigned int step(struct rec *r, unsigned int seed)
{
	struct rec *other = r->next->next;
	unsigned int x = seed * 1103515245u + 12345u;
	int len = format_name(r->name, x >> 16);

	switch ((r->kind + x) & 3) {
	case 0:
		r->acc += (unsigned int)len * 7u;
		break;
	case 1:
		r->acc ^= x / (r->id + 3u);
		break;
	case 2:
		r->acc = (r->acc << 3) | (r->acc >> 29);
		break;
	default:
		r->acc -= x % 1009u;
		break;
	}
	if (strcmp(r->name, other->name) > 0) {
		strcpy(other->name, r->name);
		other->kind = (other->kind + 1) & 7;
	} else {
		r->kind = (r->kind + (unsigned int)len) & 7;
	}
	return x ^ r->acc;
}

static unsigned int run(long loops)
{
	struct rec ring[RING];
	unsigned int seed = 1, sum = 0;
	struct rec *r;
	long i;
	int k;

	for (k = 0; k < RING; k++) {
		ring[k].next = &ring[(k + 1) % RING];
		ring[k].id = (unsigned int)k;
		ring[k].kind = (unsigned int)k & 3;
		ring[k].acc = (unsigned int)k * 31u;
		format_name(ring[k].name, (unsigned int)k);
	}
	r = ring;
	for (i = 0; i < loops; i++) {
		seed = step(r, seed);
		r = r->next;
	}
	for (k = 0; k < RING; k++)
		sum += ring[k].acc + (unsigned int)strlen(ring[k].name);
	return sum ^ seed;
}

/* One run, for best_time(). */
static void run_once(long loops, void *result)
{
	*(unsigned int *)result = run(loops);
}

int main(int argc, char **argv)
{
	long loops;
	int rounds;
	double best;
	unsigned int sum = 0;

	if (loops_and_rounds(argc, argv, "cpu-int", 1000000, &loops, &rounds))
		return 2;
	best = best_time(rounds, loops, run_once, &sum);
	printf("cpu-int: %ld loops in %.3f s, %.1f kloops/s (checksum %08x)\n",
	       loops, best, best > 0 ? loops / best / 1e3 : 0, sum);
	return 0;
}
