// SPDX-License-Identifier: GPL-2.0-only
/*
 * CPUs that go offline and come back, and CPUs that lose their HYP state in
 * a low-power state, get the lowvisor back; TLB maintenance asked for on a
 * CPU that has given its stub back is made by another; a guest runs on
 * while the CPUs go offline and come back; a CPU offline while the module
 * loads or unloads is handled too.
 */
#define _GNU_SOURCE
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>

#include "board.h"
#include "lowvisor_check.h"
#include "tap.h"
#include "thread.h"
#include "vm.h"

#define ROUNDS 20

/*
 * A guest that exits all the time (tests/guest/busy.S) runs through the
 * offline-online rounds: its thread may be on the CPU going offline after
 * the lowvisor has left it (5.10 lets it run there until the CPU dies).
 */
static struct tvm vm;
static atomic_int stop_guest;
static struct ucall guest_end;

static void *run_guest(void *arg)
{
	struct ucall uc = { UC_MMIO, 0 };

	while (!atomic_load(&stop_guest) && uc.kind == UC_MMIO)
		uc = tvm_run_ucall(&vm.vcpu[0]);
	guest_end = uc;
	return NULL;
}

static const char *cpu_state(int cpu)
{
	static struct lowvisor_cpu cpus[MAX_CPUS];
	struct lowvisor_info info;

	if (lowvisor_read(&info, cpus) || !cpus[cpu].present)
		return "unreadable";
	return cpus[cpu].state;
}

static bool everywhere(const char *what)
{
	char why[256] = "";
	bool ok = lowvisor_everywhere(why, sizeof(why));

	if (!ok)
		tap_diag("%s: %s", what, why);
	return ok;
}

int main(void)
{
	int n = nr_possible_cpus(), cpu, i, good;
	pthread_t guest;
	char num[16];

	tap_plan(13);
	if (n < 2) {
		for (i = 0; i < 13; i++)
			tap_skip("the board has one CPU", "hotplug-check-%d", i);
		tap_finish();
	}
	if (!module_loaded("armvirt") && module_load(ARMVIRT_KO))
		tap_bail("armvirt does not load");

	tap_eq(cpu_set_online(1, false), 0, "cpu1-goes-offline");
	tap_ok(!strcmp(cpu_state(1), "offline") && everywhere("cpu1 offline"),
	       "offline-cpu-reported-others-keep-lowvisor");
	tap_eq(cpu_set_online(1, true), 0, "cpu1-comes-back");
	tap_ok(everywhere("cpu1 back"), "returning-cpu-gets-lowvisor");

	if (tvm_create(&vm, "busy", 1 << 20, 1))
		tap_bail("cannot create the VM");
	thread_create_small_stack(&guest, run_guest, NULL);
	for (i = 0, good = 0; i < ROUNDS; i++) {
		if (cpu_set_online(1, false) || cpu_set_online(1, true))
			break;
		good += everywhere("hotplug round");
	}
	atomic_store(&stop_guest, 1);
	pthread_join(guest, NULL);
	tvm_destroy(&vm);
	tap_eq(good, ROUNDS, "lowvisor-after-each-of-%d-offline-online-rounds", ROUNDS);
	tap_ok(guest_end.kind == UC_MMIO,
	       "a-guest-runs-on-through-the-rounds (its last exit: kind %d, value %u)",
	       guest_end.kind, guest_end.value);

	for (cpu = 0, good = 0; cpu < n; cpu++) {
		snprintf(num, sizeof(num), "%d", cpu);
		good += write_file(SIMULATE_PM_DEBUGFS, num) == 0;
	}
	tap_eq(good, n, "cpu-pm-exit-reinstalls-after-lost-state");
	tap_ok(everywhere("after cpu pm"), "lowvisor-everywhere-after-cpu-pm");

	/*
	 * A task pinned to a CPU going offline (a spinlock_t holder on
	 * PREEMPT_RT) flushes after the CPU gave its stub back: another
	 * CPU's lowvisor makes the flush (before, the stub ignored it).
	 */
	for (cpu = 0, good = 0; cpu < n; cpu++) {
		snprintf(num, sizeof(num), "%d", cpu);
		good += write_file(SIMULATE_FLUSH_DEBUGFS, num) == 0;
	}
	tap_eq(good, n, "tlb-flush-on-a-cpu-without-lowvisor-is-made-by-another");
	tap_ok(everywhere("after a flush without the lowvisor"),
	       "lowvisor-everywhere-after-flush-without-it");

	/* Unload with CPU1 offline: it must come back with the stub, so a load works. */
	cpu_set_online(1, false);
	tap_eq(module_unload("armvirt"), 0, "unload-with-a-cpu-offline");
	cpu_set_online(1, true);
	tap_eq(module_load(ARMVIRT_KO), 0, "load-after-cpu-returned-without-module");

	/* Load with CPU1 offline: it gets the lowvisor when it comes online. */
	module_unload("armvirt");
	cpu_set_online(1, false);
	i = module_load(ARMVIRT_KO);
	cpu_set_online(1, true);
	tap_ok(i == 0 && everywhere("loaded while cpu1 offline"),
	       "cpu-offline-at-load-gets-lowvisor-when-online");
	tap_finish();
}
