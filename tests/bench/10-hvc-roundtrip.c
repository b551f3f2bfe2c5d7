// SPDX-License-Identifier: GPL-2.0-only
/*
 * Benchmarks of the foundation, reported as "bench:" lines:
 *  - the round trip of a null hvc into the lowvisor on each CPU, against a
 *    plain function call measured the same way (median of 9 runs);
 *  - module load and unload times (median of 9).
 */
#define _GNU_SOURCE
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "board.h"

#define RUNS 9
#define BENCH_HVC "/sys/kernel/debug/armvirt/bench_hvc"

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

static double median(double *v, int n)
{
	qsort(v, n, sizeof(*v), cmp_double);
	return v[n / 2];
}

static double now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static int bench_cpu(int cpu)
{
	double hvc[RUNS], call[RUNS], h, c;
	char buf[256], *p;
	cpu_set_t set;
	int i;

	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	if (sched_setaffinity(0, sizeof(set), &set))
		return -1;
	for (i = 0; i < RUNS; i++) {
		int ret = read_file(BENCH_HVC, buf, sizeof(buf));

		if (ret < 0) {
			fprintf(stderr, "bench: reading %s: %s\n", BENCH_HVC, strerror(-ret));
			return -1;
		}
		p = strstr(buf, "hvc_null_ps=");
		hvc[i] = p ? strtod(p + 12, NULL) / 1000 : 0;
		p = strstr(buf, "call_null_ps=");
		call[i] = p ? strtod(p + 13, NULL) / 1000 : 0;
	}
	h = median(hvc, RUNS);
	c = median(call, RUNS);
	printf("bench: hvc-null-roundtrip cpu%d %.1f ns (plain call %.1f ns, %.0fx)\n",
	       cpu, h, c, c > 0 ? h / c : 0);
	return 0;
}

int main(void)
{
	double load[RUNS], unload[RUNS], t;
	int cpu, i;

	if (module_loaded("armvirt"))
		module_unload("armvirt");
	for (i = 0; i < RUNS; i++) {
		t = now_ms();
		if (module_load(ARMVIRT_KO))
			return 1;
		load[i] = now_ms() - t;
		t = now_ms();
		if (module_unload("armvirt"))
			return 1;
		unload[i] = now_ms() - t;
	}
	printf("bench: module-load %.1f ms, module-unload %.1f ms (medians of %d)\n",
	       median(load, RUNS), median(unload, RUNS), RUNS);

	if (module_load(ARMVIRT_KO))
		return 1;
	for (cpu = 0; cpu < nr_possible_cpus(); cpu++)
		if (cpu_is_online(cpu) && bench_cpu(cpu))
			return 1;
	return 0;
}
