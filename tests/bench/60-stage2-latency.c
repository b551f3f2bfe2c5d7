// SPDX-License-Identifier: GPL-2.0-only
/*
 * What taking a large mapped slot away costs the host CPU that does it, as
 * "bench:" lines. The guest maps 128 MiB in 4 KiB pages
 * (tests/guest/touch.S); then the VMM deletes the slot, or (mapped again)
 * discards its memory with MADV_DONTNEED, which unmaps it through the MMU
 * notifier; REPEATS times each. Meanwhile a SCHED_FIFO thread on the same CPU
 * wakes every 200 us: how late it wakes at most is how long the module
 * kept that CPU from scheduling (stage 2 under a spinlock), against the
 * same thread's lateness with the CPU idle.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <time.h>

#include "board.h"
#include "vm.h"

#define TOUCH_SLOT	0x50000000ULL	/* tests/guest/touch.S */
#define TOUCH_SIZE	(128UL << 20)
#define TOUCH_PAGES	(TOUCH_SIZE / 4096)
#define PERIOD_NS	200000L
#define BENCH_CPU	1
#define REPEATS		5

struct waker {
	atomic_bool stop;
	atomic_long max_late_ns;
};

static long long ns_between(const struct timespec *a, const struct timespec *b)
{
	return (b->tv_sec - a->tv_sec) * 1000000000LL + (b->tv_nsec - a->tv_nsec);
}

static int pin(pthread_t t)
{
	cpu_set_t set;

	CPU_ZERO(&set);
	CPU_SET(BENCH_CPU, &set);
	return pthread_setaffinity_np(t, sizeof(set), &set);
}

static void *waker_main(void *arg)
{
	struct waker *w = arg;
	struct timespec next, now;
	long long late;

	clock_gettime(CLOCK_MONOTONIC, &next);
	while (!atomic_load(&w->stop)) {
		next.tv_nsec += PERIOD_NS;
		if (next.tv_nsec >= 1000000000L) {
			next.tv_nsec -= 1000000000L;
			next.tv_sec++;
		}
		clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &next, NULL);
		clock_gettime(CLOCK_MONOTONIC, &now);
		late = ns_between(&next, &now);
		if (late > atomic_load(&w->max_late_ns))
			atomic_store(&w->max_late_ns, late);
		if (late > PERIOD_NS)
			next = now;	/* no burst to catch up */
	}
	return NULL;
}

/* Start the waker on BENCH_CPU at SCHED_FIFO; 0 or an errno. */
static int waker_start(struct waker *w, pthread_t *t)
{
	struct sched_param sp = { .sched_priority = 50 };
	pthread_attr_t attr;
	int ret;

	atomic_store(&w->stop, false);
	atomic_store(&w->max_late_ns, 0);
	pthread_attr_init(&attr);
	pthread_attr_setinheritsched(&attr, PTHREAD_EXPLICIT_SCHED);
	pthread_attr_setschedpolicy(&attr, SCHED_FIFO);
	pthread_attr_setschedparam(&attr, &sp);
	ret = pthread_create(t, &attr, waker_main, w);
	pthread_attr_destroy(&attr);
	if (!ret)
		ret = pin(*t);
	return ret;
}

static long waker_stop(struct waker *w, pthread_t t)
{
	atomic_store(&w->stop, true);
	pthread_join(t, NULL);
	return atomic_load(&w->max_late_ns);
}

static int set_slot(struct tvm *vm, void *mem, uint64_t size)
{
	struct kvm_userspace_memory_region r = {
		.slot = 1, .guest_phys_addr = TOUCH_SLOT, .memory_size = size,
		.userspace_addr = (unsigned long)mem,
	};

	return ioctl(vm->vm_fd, KVM_SET_USER_MEMORY_REGION, &r) ? -errno : 0;
}

/* Run the guest over every page of the slot; false if it did not report them all. */
static bool map_all(struct tvm *vm)
{
	struct timespec t0, t1;
	uint32_t got;

	clock_gettime(CLOCK_MONOTONIC, &t0);
	got = tvm_next_value(&vm->vcpu[0], "pages touched");
	clock_gettime(CLOCK_MONOTONIC, &t1);
	if (got != TOUCH_PAGES) {
		printf("# the guest touched %u pages, not %lu\n", got, TOUCH_PAGES);
		return false;
	}
	printf("# the guest mapped %lu pages in %.0f ms\n", TOUCH_PAGES, ns_between(&t0, &t1) / 1e6);
	return true;
}

enum op { OP_IDLE, OP_DELETE, OP_DISCARD };

/* @op on BENCH_CPU beside the waker: its time and the waker's worst lateness (us). */
static int measure(struct tvm *vm, void *mem, enum op op, double *op_ms, long *late_us)
{
	struct timespec t0, t1, idle = { 0, 100000000L };
	struct waker w;
	pthread_t t;
	int ret;

	ret = waker_start(&w, &t);
	if (ret) {
		printf("# the SCHED_FIFO waker: %s\n", strerror(ret));
		return -ret;
	}
	nanosleep(&(struct timespec){ 0, 20000000L }, NULL);	/* the waker settles */
	clock_gettime(CLOCK_MONOTONIC, &t0);
	if (op == OP_IDLE)
		nanosleep(&idle, NULL);
	else if (op == OP_DELETE)
		ret = set_slot(vm, mem, 0);
	else if (madvise(mem, TOUCH_SIZE, MADV_DONTNEED))
		ret = -errno;
	clock_gettime(CLOCK_MONOTONIC, &t1);
	*late_us = waker_stop(&w, t) / 1000;
	*op_ms = ns_between(&t0, &t1) / 1e6;
	return ret;
}

static int cmp_long(const void *a, const void *b)
{
	long x = *(const long *)a, y = *(const long *)b;

	return (x > y) - (x < y);
}

/* "median / max" of @n values, sorted in place. */
static void print_spread(const char *what, long *late_us, double *op_ms, int n)
{
	double ms = 0;
	int i;

	for (i = 0; i < n; i++)
		ms += op_ms[i] / n;
	qsort(late_us, n, sizeof(*late_us), cmp_long);
	printf("bench:   %s (%.1f ms on average): %ld / %ld us\n", what, ms,
	       late_us[n / 2], late_us[n - 1]);
}

int main(void)
{
	long late[3][REPEATS];
	double ms[3][REPEATS];
	struct tvm vm;
	void *mem;
	int i, ret = 1;

	if (!module_loaded("armvirt") && module_load(ARMVIRT_KO))
		return 1;
	if (pin(pthread_self()))
		return 1;
	if (tvm_create(&vm, "touch", 1 << 20, 1))
		return 1;
	mem = mmap(NULL, TOUCH_SIZE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (mem == MAP_FAILED)
		goto out_vm;
	madvise(mem, TOUCH_SIZE, MADV_NOHUGEPAGE);	/* 4 KiB pages: the most entries */
	tvm_set_core_reg(&vm.vcpu[0], 0, TOUCH_PAGES);
	for (i = 0; i < REPEATS; i++) {
		if (measure(&vm, mem, OP_IDLE, &ms[OP_IDLE][i], &late[OP_IDLE][i]))
			goto out_mem;
		if (set_slot(&vm, mem, TOUCH_SIZE) || !map_all(&vm) ||
		    measure(&vm, mem, OP_DELETE, &ms[OP_DELETE][i], &late[OP_DELETE][i]))
			goto out_mem;
		if (set_slot(&vm, mem, TOUCH_SIZE) || !map_all(&vm) ||
		    measure(&vm, mem, OP_DISCARD, &ms[OP_DISCARD][i], &late[OP_DISCARD][i]) ||
		    set_slot(&vm, mem, 0))
			goto out_mem;
	}
	printf("bench: a SCHED_FIFO thread waking every %ld us on the CPU of the VMM's thread, worst lateness, median / max of %d:\n",
	       PERIOD_NS / 1000, REPEATS);
	print_spread("CPU idle", late[OP_IDLE], ms[OP_IDLE], REPEATS);
	print_spread("deleting a slot of 128 MiB mapped in 4 KiB pages", late[OP_DELETE],
		     ms[OP_DELETE], REPEATS);
	print_spread("MADV_DONTNEED over all of it", late[OP_DISCARD], ms[OP_DISCARD], REPEATS);
	ret = 0;
out_mem:
	munmap(mem, TOUCH_SIZE);
out_vm:
	tvm_destroy(&vm);
	return ret;
}
