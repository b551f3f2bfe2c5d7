// SPDX-License-Identifier: GPL-2.0-only
/*
 * A guest with its own MMU, caches, exception vectors and user mode
 * (tests/guest/mmu.S): every step reports a value, checked here in order.
 * Its exceptions are its own: the hypervisor injects none of them.
 */
#include <stdio.h>

#include "board.h"
#include "tap.h"
#include "vm.h"

struct step {
	uint32_t value, mask;
	const char *name;
};

static const struct step steps[] = {
	{ 0x1005, 0x1005, "guest-turns-on-its-mmu-and-caches" },
	{ 0xcafe0001, ~0U, "guest-stage1-alias-reaches-the-same-ram" },
	{ 42, ~0U, "user-mode-svc-reaches-the-guest-handler" },
	{ 0x10, ~0U, "svc-returns-to-user-mode" },
	{ 0x13, ~0U, "svc-can-return-to-svc-mode" },
	{ 0xdd, ~0U, "undefined-instruction-reaches-the-guest-handler" },
	{ 0x600, ~0U, "execution-resumes-after-the-undefined-instruction" },
	{ 0x30000123, ~0U, "guest-data-abort-reports-dfar" },
	{ 0x5, 0x40f, "guest-data-abort-is-a-section-translation-fault" },
	{ 0x900, ~0U, "execution-resumes-after-the-data-abort" },
};

#define NR_STEPS	(sizeof(steps) / sizeof(steps[0]))

int main(void)
{
	struct tvm vm;
	struct ucall uc;
	unsigned int i;

	tap_plan(NR_STEPS + 4);
	if (!module_loaded("armvirt") && module_load(ARMVIRT_KO))
		tap_bail("armvirt does not load");
	if (tvm_create(&vm, "mmu", 2 << 20, 1))
		tap_bail("cannot create the VM");

	for (i = 0; i < NR_STEPS; i++) {
		uc = tvm_run_ucall(&vm.vcpu[0]);
		if (uc.kind != UC_VALUE) {
			tap_diag("exit kind %d value %#x pc %#x", uc.kind, uc.value,
				 tvm_core_reg(&vm.vcpu[0], 15));
			tap_bail("%s: the guest did not report", steps[i].name);
		}
		tap_eq(uc.value & steps[i].mask, steps[i].value, "%s", steps[i].name);
	}
	uc = tvm_run_ucall(&vm.vcpu[0]);
	tap_ok(uc.kind == UC_DONE && uc.value == 0, "guest-reports-done");
	uc = tvm_run_ucall(&vm.vcpu[0]);
	tap_ok(uc.kind == UC_SYSTEM_EVENT, "guest-powers-off");
	tap_eq(tvm_exit_count(0, "undef_injected"), 0, "no-exception-was-injected-by-the-hypervisor");
	tap_eq(tvm_exit_count(0, "abort_injected"), 0, "no-abort-was-injected-by-the-hypervisor");
	tvm_destroy(&vm);
	tap_finish();
}
