/* SPDX-License-Identifier: GPL-2.0-only */
/* Timing for the benchmark tools of tests/tools (each a single static binary). */
#ifndef ARMVIRT_TOOL_TIME_H
#define ARMVIRT_TOOL_TIME_H

#include <stdio.h>
#include <stdlib.h>
#include <time.h>

static inline double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/*
 * The shortest of @rounds runs of @once(@loops, @result), in seconds; the
 * last run's result is left in *@result (a checksum, so that the work is
 * not optimised away).
 */
static inline double best_time(int rounds, long loops, void (*once)(long loops, void *result),
			       void *result)
{
	double best = -1, t;
	int i;

	for (i = 0; i < rounds; i++) {
		t = now_s();
		once(loops, result);
		t = now_s() - t;
		if (best < 0 || t < best)
			best = t;
	}
	return best;
}

/*
 * "@name [LOOPS [ROUNDS]]": *@loops (default @def_loops) and *@rounds
 * (default 3), both positive: 0, or -1 after the usage line.
 */
static inline int loops_and_rounds(int argc, char **argv, const char *name, long def_loops,
				   long *loops, int *rounds)
{
	*loops = argc > 1 ? atol(argv[1]) : def_loops;
	*rounds = argc > 2 ? atoi(argv[2]) : 3;
	if (*loops > 0 && *rounds > 0)
		return 0;
	fprintf(stderr, "usage: %s [LOOPS [ROUNDS]]\n", name);
	return -1;
}

#endif
