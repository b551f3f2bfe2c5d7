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
 */
#define LATE_BOUND_US	50000
#include <stdio.h>

#include "board.h"
#include "tap.h"
#include "vm.h"

static struct tvm vm;

int main(void)
{
	uint32_t us;

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
	us = tvm_next_value(&vm.vcpu[0], "wfi");
	tap_ok(us < LATE_BOUND_US, "timer-fires-on-time-in-wfi (%u us late)", us);
	tap_eq(tvm_next_value(&vm.vcpu[0], "physical ctl"), 1, "emulated-physical-timer-reads-back-enabled-not-expired");
	us = tvm_next_value(&vm.vcpu[0], "physical");
	tap_ok(us < LATE_BOUND_US, "emulated-physical-timer-fires-on-time-in-wfi (%u us late)", us);
	tap_ok(tvm_run_ucall(&vm.vcpu[0]).kind == UC_SYSTEM_EVENT, "guest-powers-off");
	tvm_diag_exit_counts(0);
	tvm_destroy(&vm);
	tap_finish();
}
