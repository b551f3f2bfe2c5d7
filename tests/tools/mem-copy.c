// SPDX-License-Identifier: GPL-2.0-only
/*
 * mem-copy [MIB [ROUNDS]]: memcpy() of a MIB MiB buffer (default 16) into
 * another, ROUNDS times (default 5), both touched first so that no page
 * fault is timed. Prints the best and the median round as
 *   "mem-copy: MIB MiB x ROUNDS, best X MiB/s, median Y MiB/s".
 * Static, for tests/bench/50-study on the board and in the guest.
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "tool_time.h"

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

int main(int argc, char **argv)
{
	long mib = argc > 1 ? atol(argv[1]) : 16;
	int rounds = argc > 2 ? atoi(argv[2]) : 5, i, rc = 1;
	size_t size = (size_t)mib << 20;
	double *rate = NULL;
	char *src = NULL, *dst = NULL;

	if (mib <= 0 || mib > 1024 || rounds <= 0 || rounds > 1000) {
		fprintf(stderr, "usage: mem-copy [MIB (1-1024) [ROUNDS (1-1000)]]\n");
		return 2;
	}
	src = malloc(size);
	dst = malloc(size);
	rate = calloc((size_t)rounds, sizeof(*rate));
	if (!src || !dst || !rate) {
		perror("mem-copy");
		goto out;
	}
	memset(src, 0x5a, size);
	memset(dst, 0, size);
	for (i = 0; i < rounds; i++) {
		double t = now_s();

		memcpy(dst, src, size);
		t = now_s() - t;
		rate[i] = t > 0 ? mib / t : 0;
		src[(size_t)i * 4099 % size]++;	/* each round copies something new */
	}
	if (dst[size - 1] != src[size - 1]) {
		fprintf(stderr, "mem-copy: the copy differs\n");
		goto out;
	}
	qsort(rate, (size_t)rounds, sizeof(*rate), cmp_double);
	printf("mem-copy: %ld MiB x %d, best %.1f MiB/s, median %.1f MiB/s\n",
	       mib, rounds, rate[rounds - 1], rate[rounds / 2]);
	rc = 0;
out:
	free(src);
	free(dst);
	free(rate);
	return rc;
}
