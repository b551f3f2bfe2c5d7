// SPDX-License-Identifier: GPL-2.0-only
/*
 * VMIDs run out after 255 VMs: 300 VMs, each running a guest to its
 * result, force a generation rollover, and a VM that lives across it keeps
 * running correctly. Creating and destroying them leaks nothing.
 */
#include <stdio.h>
#include <stdlib.h>
#include <sys/ioctl.h>
#include <time.h>

#include "board.h"
#include "tap.h"
#include "vm.h"

#define NR_VMS		300
#define ROLLOVERS	"/sys/kernel/debug/armvirt/vmid_rollovers"
#define LEAK_BOUND_KB	1024

static long rollovers(void)
{
	char buf[32];

	return read_file(ROLLOVERS, buf, sizeof(buf)) > 0 ? strtol(buf, NULL, 10) : -1;
}

/* The basic guest from a reset (as a VMM resets: VCPU_INIT again): 5050, then SYSTEM_OFF. */
static bool run_basic(struct tvm *vm)
{
	uint32_t pc = GUEST_RAM_BASE;
	struct kvm_vcpu_init init;
	struct ucall uc;

	if (ioctl(vm->vm_fd, KVM_ARM_PREFERRED_TARGET, &init))
		return false;
	init.features[0] = 1U << KVM_ARM_VCPU_PSCI_0_2;
	if (ioctl(vm->vcpu[0].fd, KVM_ARM_VCPU_INIT, &init) ||
	    tvm_set_reg(&vm->vcpu[0], ARMVIRT_CORE_REG_ID(15), &pc))
		return false;
	uc = tvm_run_ucall(&vm->vcpu[0]);
	if (uc.kind != UC_VALUE || uc.value != 5050)
		return false;
	return tvm_run_ucall(&vm->vcpu[0]).kind == UC_SYSTEM_EVENT;
}

int main(void)
{
	struct tvm keeper, vm;
	long before, used_before, used_after;
	int i, good = 0;
	time_t t0;

	tap_plan(5);
	if (!module_loaded("armvirt") && module_load(ARMVIRT_KO))
		tap_bail("armvirt does not load");
	before = rollovers();
	if (tvm_create(&keeper, "basic", 1 << 20, 1))
		tap_bail("cannot create the VM");
	tap_ok(run_basic(&keeper), "a-vm-runs-before-the-rollover");

	used_before = memory_in_use_kb();
	t0 = time(NULL);
	for (i = 0; i < NR_VMS; i++) {
		if (tvm_create(&vm, "basic", 1 << 20, 1) == 0 && run_basic(&vm))
			good++;
		tvm_destroy(&vm);
	}
	used_after = memory_in_use_kb();
	tap_diag("%d VMs created, run and destroyed in %ld s", NR_VMS, (long)(time(NULL) - t0));
	tap_eq(good, NR_VMS, "every-one-of-300-vms-computes-its-result");
	tap_ok(rollovers() > before, "vmids-rolled-over (%ld -> %ld)", before, rollovers());
	tap_ok(run_basic(&keeper), "a-vm-that-lived-across-the-rollover-still-runs");
	if (memory_use_is_exact())
		tap_ok(used_after - used_before < LEAK_BOUND_KB,
		       "300-vms-leak-nothing (%ld KiB, bound %d)", used_after - used_before,
		       LEAK_BOUND_KB);
	else
		tap_skip(NOT_EXACT_REASON, "300-vms-leak-nothing (%ld KiB)",
			 used_after - used_before);
	tvm_destroy(&keeper);
	tap_finish();
}
