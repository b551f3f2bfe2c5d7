// SPDX-License-Identifier: GPL-2.0-only
/*
 * cpu-float [LOOPS [ROUNDS]]: a floating-point workload in the spirit of
 * the classic synthetic benchmarks, written for armvirt: each loop rotates
 * and scales a small vector, evaluates a polynomial, takes a square root by
 * Newton's method and by the library, and calls the library's sin, cos,
 * atan, exp and log, all in double precision (VFP). It prints the best of
 * ROUNDS (default 3) as
 *   "cpu-float: LOOPS loops in S s, X kloops/s (checksum C)".
 * Static, for tests/bench/50-study on the board and in the guest.
 */
#define _GNU_SOURCE
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "tool_time.h"

/* sqrt(@a) by five Newton steps from a rough start. */
static double newton_sqrt(double a)
{
	double x = a > 1 ? a / 2 : 1;
	int i;

	for (i = 0; i < 5; i++)
		x = 0.5 * (x + a / x);
	return x;
}

static double run(long loops)
{
	double v[4] = { 1.0, -0.5, 0.25, 2.0 };
	const double c = cos(0.01), s = sin(0.01);
	double acc = 0;
	long i;

	for (i = 0; i < loops; i++) {
		double x = v[0] * c - v[1] * s, y = v[0] * s + v[1] * c;
		double t = (double)(i & 1023) / 1024.0;
		double p = ((0.3 * t - 1.1) * t + 2.7) * t - 0.9;

		v[0] = x;
		v[1] = y;
		v[2] = 0.999 * v[2] + 0.001 * p;
		v[3] = newton_sqrt(v[3] * v[3] + t) - sqrt(t);
		acc += sin(t) * cos(p) + atan(v[2]) + exp(-t) * log(1.0 + t) + v[3] * 1e-6;
	}
	return acc + v[0] + v[1];
}

/* One run, for best_time(). */
static void run_once(long loops, void *result)
{
	*(double *)result = run(loops);
}

int main(int argc, char **argv)
{
	long loops;
	int rounds;
	double best, sum = 0;

	if (loops_and_rounds(argc, argv, "cpu-float", 200000, &loops, &rounds))
		return 2;
	best = best_time(rounds, loops, run_once, &sum);
	printf("cpu-float: %ld loops in %.3f s, %.1f kloops/s (checksum %.6f)\n",
	       loops, best, best > 0 ? loops / best / 1e3 : 0, sum);
	return 0;
}
