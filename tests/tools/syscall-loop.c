// SPDX-License-Identifier: GPL-2.0-only
/*
 * syscall-loop [N]: time N getppid() system calls, three rounds, and print
 * the best round as "syscall-loop: N calls, X ns per call". Static, so the
 * same binary runs on the board and in the Linux guest (both initramfs
 * images carry it as /bin/syscall-loop), for tests/bench/40-syscall.
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

static double now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e9 + ts.tv_nsec;
}

int main(int argc, char **argv)
{
	long n = argc > 1 ? atol(argv[1]) : 100000;
	double best = -1;
	int round;

	for (round = 0; round < 3; round++) {
		double t = now_ns();
		long i;

		for (i = 0; i < n; i++)
			syscall(SYS_getppid);	/* not cached by the C library */
		t = now_ns() - t;
		if (best < 0 || t < best)
			best = t;
	}
	printf("syscall-loop: %ld calls, %.0f ns per call\n", n, n ? best / n : 0);
	return 0;
}
