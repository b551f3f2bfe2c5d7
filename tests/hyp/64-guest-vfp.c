// SPDX-License-Identifier: GPL-2.0-only
/*
 * VFP/NEON state is the guest's own: two guests (tests/guest/vfp.S) fill
 * all 32 D registers and FPSCR with different patterns and check them
 * after every exit, while a host thread does the same with its own
 * pattern, all at once on the board's CPUs.
 */
#define _GNU_SOURCE
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdio.h>

#include "board.h"
#include "tap.h"
#include "thread.h"
#include "vm.h"

#define ROUNDS	200

struct guest_run {
	struct tvm vm;
	uint32_t seed;
	int rounds, failed_reg;
	struct ucall last;
};

static atomic_int guests_running;
/*
 * The guests start only once the host thread has started its first round:
 * otherwise a scheduler that runs the new threads first (seen on the
 * PREEMPT_RT 6.12 kernel) lets both guests finish before the host thread
 * runs at all, and nothing is tested alongside.
 */
static atomic_int host_started;

static void *run_guest(void *arg)
{
	struct guest_run *g = arg;
	struct ucall uc;

	while (!atomic_load(&host_started))
		sched_yield();
	g->failed_reg = -1;
	for (;;) {
		uc = tvm_run_ucall(&g->vm.vcpu[0]);
		if (uc.kind == UC_VALUE && uc.value == (uint32_t)g->rounds) {
			g->rounds++;
			continue;
		}
		if (uc.kind == UC_FAIL)
			g->failed_reg = uc.value;
		g->last = uc;
		break;
	}
	atomic_fetch_sub(&guests_running, 1);
	return NULL;
}

/*
 * Fill d0-d31 from @seed, spin long enough to be preempted by the vCPU
 * threads, check: the number of registers changed. One asm statement, so
 * that the compiler cannot use a D register in between.
 */
static int host_neon_round(uint32_t seed)
{
	uint64_t in[32], out[32];
	int i, bad = 0;

	for (i = 0; i < 32; i++)
		in[i] = ((uint64_t)(seed ^ 0xa5a50000) << 32) | (seed + i);
	__asm__ volatile(".fpu neon\n"
			 "vldmia %[in], {d0-d15}\n"
			 "add ip, %[in], #128\n"
			 "vldmia ip, {d16-d31}\n"
			 "ldr ip, =200000\n"
			 "1: subs ip, ip, #1\n"
			 "bne 1b\n"
			 "vstmia %[out], {d0-d15}\n"
			 "add ip, %[out], #128\n"
			 "vstmia ip, {d16-d31}\n"
			 : : [in] "r"(in), [out] "r"(out)
			 : "ip", "cc", "memory", "d0", "d1", "d2", "d3", "d4", "d5",
			   "d6", "d7", "d8", "d9", "d10", "d11", "d12", "d13", "d14", "d15");
	for (i = 0; i < 32; i++)
		bad += in[i] != out[i];
	return bad;
}

int main(void)
{
	struct guest_run g[2] = { { .seed = 0x10000000 }, { .seed = 0x20000000 } };
	pthread_t threads[2];
	long host_rounds = 0, host_bad = 0;
	int i;

	tap_plan(7);
	if (!module_loaded("armvirt") && module_load(ARMVIRT_KO))
		tap_bail("armvirt does not load");
	for (i = 0; i < 2; i++) {
		if (tvm_create(&g[i].vm, "vfp", 1 << 20, 1))
			tap_bail("cannot create VM %d", i);
		tvm_set_core_reg(&g[i].vm.vcpu[0], 0, g[i].seed);
	}
	atomic_store(&guests_running, 2);
	for (i = 0; i < 2; i++)
		thread_create_small_stack(&threads[i], run_guest, &g[i]);
	while (atomic_load(&guests_running)) {
		atomic_store(&host_started, 1);
		host_bad += host_neon_round(0x30000000 + host_rounds);
		host_rounds++;
	}
	for (i = 0; i < 2; i++)
		pthread_join(threads[i], NULL);

	for (i = 0; i < 2; i++) {
		if (g[i].failed_reg >= 0)
			tap_diag("guest %d: register %d changed in round %d", i,
				 g[i].failed_reg, g[i].rounds);
		tap_eq(g[i].rounds, ROUNDS, "guest-%d-vfp-registers-survive-every-exit", i);
		tap_ok(g[i].last.kind == UC_DONE, "guest-%d-finishes", i);
	}
	tap_eq(host_bad, 0, "host-neon-registers-survive-the-guests (%ld rounds)", host_rounds);
	tap_ok(host_rounds > 0, "host-thread-ran-alongside");
	tvm_destroy(&g[0].vm);
	tap_ok(tvm_create(&g[0].vm, "basic", 1 << 20, 1) == 0 &&
	       tvm_run_ucall(&g[0].vm.vcpu[0]).value == 5050,
	       "a-guest-that-never-used-vfp-still-runs");
	tvm_destroy(&g[0].vm);
	tvm_destroy(&g[1].vm);
	tap_finish();
}
