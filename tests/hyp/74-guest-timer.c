// SPDX-License-Identifier: GPL-2.0-only
/*
 * The virtual timer's interrupt (tests/guest/timer.S): never while disabled
 * or masked, at once when unmasked, on time while the guest runs and while
 * it sleeps in WFI.
 *
 * Tolerance: never early, and late by less than 50 ms. The delivery path
 * is an exit forced by the timer's physical interrupt (running) or a host
 * hrtimer waking the vCPU thread (WFI): on an idle board about 0.1 to 2 ms
 * (figures in the test names). But the board is emulated (QEMU TCG) on a
 * build machine that may be busy, where one guest millisecond can take
 * many host ones; 50 ms still tells a delivered interrupt from one that
 * only an unrelated exit (a host tick, a report) would have brought in.
 *
 * The two timers in WFI are checked with the vCPU's thread real-time
 * (SCHED_FIFO 10) on CPU 1, beside a busy real-time thread below it
 * (SCHED_FIFO 5): on PREEMPT_RT an hrtimer not marked _HARD expires in
 * the lowest real-time thread (ktimers, SCHED_FIFO 1), which the busy one
 * starves, and the vCPU would sleep on until it stopped (BUSY_MS).
 */
#define LATE_BOUND_US	50000
#define BUSY_MS		1500
#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "board.h"
#include "tap.h"
#include "vm.h"

static struct tvm vm;

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* Spins for BUSY_MS of wall time from its start, or until told to stop. */
static atomic_int busy_stop;

static void *busy_thread(void *arg)
{
	double end = now_s() + BUSY_MS / 1e3;

	while (!atomic_load(&busy_stop) && now_s() < end)
		;
	return NULL;
}

/* This thread (the vCPU's) or a new one: SCHED_FIFO @prio on CPU 1. 0 or an errno. */
static int fifo_on_cpu1(pthread_attr_t *attr, int prio)
{
	struct sched_param sp = { .sched_priority = prio };
	cpu_set_t cpus;
	int err;

	CPU_ZERO(&cpus);
	CPU_SET(1, &cpus);
	if (!attr) {
		err = pthread_setaffinity_np(pthread_self(), sizeof(cpus), &cpus);
		return err ? err : pthread_setschedparam(pthread_self(), SCHED_FIFO, &sp);
	}
	err = pthread_attr_setaffinity_np(attr, sizeof(cpus), &cpus);
	if (!err)
		err = pthread_attr_setinheritsched(attr, PTHREAD_EXPLICIT_SCHED);
	if (!err)
		err = pthread_attr_setschedpolicy(attr, SCHED_FIFO);
	return err ? err : pthread_attr_setschedparam(attr, &sp);
}

/* The vCPU at SCHED_FIFO 10 on CPU 1, a busy thread at 5 beside it. 0 or an errno. */
static int start_busy_below(pthread_t *t)
{
	pthread_attr_t attr;
	int err;

	err = fifo_on_cpu1(NULL, 10);
	if (err)
		return err;
	pthread_attr_init(&attr);
	err = fifo_on_cpu1(&attr, 5);
	if (!err)
		err = pthread_create(t, &attr, busy_thread, NULL);
	pthread_attr_destroy(&attr);
	return err;
}

static void stop_busy(pthread_t t)
{
	struct sched_param sp = { .sched_priority = 0 };
	cpu_set_t cpus;
	int cpu;

	atomic_store(&busy_stop, 1);
	pthread_join(t, NULL);
	atomic_store(&busy_stop, 0);
	pthread_setschedparam(pthread_self(), SCHED_OTHER, &sp);
	CPU_ZERO(&cpus);
	for (cpu = 0; cpu < CPU_SETSIZE; cpu++)
		CPU_SET(cpu, &cpus);
	pthread_setaffinity_np(pthread_self(), sizeof(cpus), &cpus);
}

/*
 * The guest's next @n reports (in @values), a busy real-time thread below
 * the vCPU beside it: from before the guest arms its timer (the hrtimer is
 * armed on the vCPU's CPU) until it reports.
 */
static void next_values_beside_busy(const char *step, uint32_t *values, int n)
{
	pthread_t busy;
	int err, i;

	err = nr_possible_cpus() > 1 ? start_busy_below(&busy) : ENODEV;
	if (err)
		tap_diag("%s: no busy real-time thread beside the vCPU: %s", step, strerror(err));
	for (i = 0; i < n; i++)
		values[i] = tvm_next_value(&vm.vcpu[0], step);
	if (!err)
		stop_busy(busy);
}

int main(void)
{
	uint32_t us, physical[2];

	tap_plan(9);
	if (!module_loaded("armvirt") && module_load(ARMVIRT_KO))
		tap_bail("armvirt does not load");
	if (tvm_create(&vm, "timer", 1 << 20, 1) || tvm_create_vgic(&vm, 64) < 0)
		tap_bail("cannot create the VM");
	tap_eq(tvm_next_value(&vm.vcpu[0], "disabled"), 0, "disabled-timer-past-its-deadline-never-interrupts");
	tap_eq(tvm_next_value(&vm.vcpu[0], "masked"), 0, "masked-timer-past-its-deadline-never-interrupts");
	tap_eq(tvm_next_value(&vm.vcpu[0], "istatus"), 4, "masked-timer-shows-istatus");
	us = tvm_next_value(&vm.vcpu[0], "unmask");
	tap_ok(us < LATE_BOUND_US, "unmasked-timer-interrupts-at-once (%u us)", us);
	us = tvm_next_value(&vm.vcpu[0], "running");
	tap_ok(us < LATE_BOUND_US, "timer-fires-on-time-while-the-guest-runs (%u us late)", us);
	next_values_beside_busy("wfi", &us, 1);
	tap_ok(us < LATE_BOUND_US,
	       "timer-fires-on-time-in-wfi-beside-a-lower-real-time-task (%u us late)", us);
	next_values_beside_busy("physical", physical, 2);
	tap_eq(physical[0], 1, "emulated-physical-timer-reads-back-enabled-not-expired");
	tap_ok(physical[1] < LATE_BOUND_US,
	       "emulated-physical-timer-fires-on-time-in-wfi-beside-a-lower-real-time-task (%u us late)",
	       physical[1]);
	tap_ok(tvm_run_ucall(&vm.vcpu[0]).kind == UC_SYSTEM_EVENT, "guest-powers-off");
	tvm_diag_exit_counts(0);
	tvm_destroy(&vm);
	tap_finish();
}
