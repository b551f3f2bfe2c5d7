// SPDX-License-Identifier: GPL-2.0-only
/*
 * What a guest exit costs (tests/guest/exits.S), as "bench:" lines:
 *  - an exit the highvisor handles and returns from (hvc PSCI_VERSION);
 *  - an exit to the VMM and back (an MMIO write), per KVM_RUN;
 * each less the guest's empty loop, and the exit counters of the run.
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <time.h>

#include "board.h"
#include "vm.h"

#define ROUNDS	20000

static double now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e6 + ts.tv_nsec / 1e3;
}

int main(void)
{
	double t0, t_loop, t_hvc, t_mmio;
	struct ucall uc;
	struct tvm vm;

	if (!module_loaded("armvirt") && module_load(ARMVIRT_KO))
		return 1;
	if (tvm_create(&vm, "exits", 1 << 20, 1))
		return 1;
	tvm_set_core_reg(&vm.vcpu[0], 0, ROUNDS);

	t0 = now_us();
	uc = tvm_run_ucall(&vm.vcpu[0]);
	t_loop = now_us() - t0;
	t0 = now_us();
	uc = tvm_run_ucall(&vm.vcpu[0]);
	t_hvc = now_us() - t0;
	t0 = now_us();
	do
		uc = tvm_run_ucall(&vm.vcpu[0]);
	while (uc.kind == UC_MMIO);
	t_mmio = now_us() - t0;
	if (uc.kind != UC_VALUE)
		return 1;

	printf("bench: guest exit handled in the kernel (hvc): %.2f us per exit (%d exits)\n",
	       (t_hvc - t_loop) / ROUNDS, ROUNDS);
	printf("bench: guest exit to the VMM and back (MMIO write, KVM_RUN each): %.2f us per exit\n",
	       (t_mmio - t_loop) / ROUNDS);
	printf("bench: exit counters: runs %ld psci %ld mmio_write %ld irq %ld mem_fault %ld\n",
	       tvm_exit_count(0, "runs"), tvm_exit_count(0, "psci"),
	       tvm_exit_count(0, "mmio_write"), tvm_exit_count(0, "irq"),
	       tvm_exit_count(0, "mem_fault"));
	tvm_destroy(&vm);
	return 0;
}
