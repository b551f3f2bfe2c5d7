// SPDX-License-Identifier: GPL-2.0-only
/*
 * What a guest's pending interrupts cost each of its exits (the list
 * registers are chosen with IRQs off at every entry), as "bench:" lines:
 * hvc round trips (PSCI_VERSION) with nothing pending, then with every SPI
 * of a 992-interrupt vGIC (the most) pending and masked by the guest
 * (tests/guest/flood.S).
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <unistd.h>

#include "board.h"
#include "guest_run.h"
#include "vm.h"

#define ROUNDS	5000

static double now_us(void)
{
	return now_s() * 1e6;
}

int main(void)
{
	double t0, t_quiet, t_flood;
	struct tvm vm;
	int gic, ret = 1;

	if (!module_loaded("armvirt") && module_load(ARMVIRT_KO))
		return 1;
	if (tvm_create(&vm, "flood", 1 << 20, 1))
		return 1;
	gic = tvm_create_vgic(&vm, 992);
	if (gic < 0)
		goto out;
	tvm_set_core_reg(&vm.vcpu[0], 0, ROUNDS);
	if (tvm_next_value(&vm.vcpu[0], "warm-up rounds"))
		goto out_gic;
	t0 = now_us();
	if (tvm_next_value(&vm.vcpu[0], "quiet rounds"))
		goto out_gic;
	t_quiet = now_us() - t0;
	if (tvm_next_value(&vm.vcpu[0], "vGIC set up") != 1)
		goto out_gic;
	t0 = now_us();
	if (tvm_next_value(&vm.vcpu[0], "flooded rounds"))
		goto out_gic;
	t_flood = now_us() - t0;
	printf("bench: guest exit handled in the kernel (hvc), nothing pending: %.2f us per exit (%d exits)\n",
	       t_quiet / ROUNDS, ROUNDS);
	printf("bench: the same with 960 SPIs pending, masked by the guest: %.2f us per exit (%.2fx)\n",
	       t_flood / ROUNDS, t_flood / t_quiet);
	ret = 0;
out_gic:
	close(gic);
out:
	tvm_destroy(&vm);
	return ret;
}
