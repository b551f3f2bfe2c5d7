// SPDX-License-Identifier: GPL-2.0-only
/*
 * PSCI and SMCCC from a guest (tests/guest/psci.S): PSCI 1.0 by default,
 * 0.2 when the VMM sets the PSCI_VERSION firmware register, 0.1 (KVM's
 * function numbers only) without the PSCI_0_2 feature; unknown calls
 * return NOT_SUPPORTED; SYSTEM_RESET exits; a jump into device memory gets
 * an injected prefetch abort.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>

#include "board.h"
#include "tap.h"
#include "vm.h"

#define NOT_SUPPORTED	0xffffffffU

static uint32_t fw_reg(struct tvm_vcpu *v, uint64_t id)
{
	uint64_t val = 0;

	tvm_get_reg(v, id, &val);
	return val;
}

static void run_guest(const char *ver, uint32_t psci_version)
{
	uint32_t expected[11], got[11] = { 0 };
	bool v1_0 = psci_version >= 0x10000;
	uint64_t reg = psci_version;
	struct tvm vm;
	struct ucall uc;
	int i, n = 0;

	if (tvm_create(&vm, "psci", 1 << 20, 1))
		tap_bail("cannot create the VM");
	if (psci_version != 0x10000 &&
	    tvm_set_reg(&vm.vcpu[0], KVM_REG_ARM_PSCI_VERSION, &reg))
		tap_bail("cannot set PSCI_VERSION");
	expected[0] = psci_version;
	expected[1] = v1_0 ? 0 : NOT_SUPPORTED;
	expected[2] = NOT_SUPPORTED;
	expected[3] = v1_0 ? 0x10001 : NOT_SUPPORTED;
	expected[4] = fw_reg(&vm.vcpu[0], KVM_REG_ARM_SMCCC_ARCH_WORKAROUND_1) ==
		      KVM_REG_ARM_SMCCC_ARCH_WORKAROUND_1_AVAIL ? 0 : NOT_SUPPORTED;
	expected[5] = 2;	/* no trusted OS to migrate */
	expected[6] = NOT_SUPPORTED;
	expected[7] = 0x81;
	expected[8] = TESTDEV_BASE;
	expected[9] = 0x8;	/* IFSR: synchronous external abort, short format */
	expected[10] = 0x11;

	for (n = 0; n < 11; n++) {
		uc = tvm_run_ucall(&vm.vcpu[0]);
		if (uc.kind != UC_VALUE)
			break;
		got[n] = uc.value;
	}
	for (i = 0; i < 11; i++)
		if (got[i] != expected[i])
			tap_diag("psci %s: answer %d: expected %#x, got %#x", ver, i + 1,
				 expected[i], got[i]);
	tap_ok(n == 11 && !memcmp(got, expected, sizeof(got)),
	       "psci-%s-and-smccc-answers-as-expected", ver);
	uc = tvm_run_ucall(&vm.vcpu[0]);
	tap_ok(uc.kind == UC_SYSTEM_EVENT && uc.value == KVM_SYSTEM_EVENT_RESET,
	       "psci-%s-system-reset-is-a-reset-event", ver);
	tvm_destroy(&vm);
}

int main(void)
{
	struct kvm_vcpu_init init;
	struct tvm vm;
	struct ucall uc;
	uint32_t r0;

	tap_plan(6);
	if (!module_loaded("armvirt") && module_load(ARMVIRT_KO))
		tap_bail("armvirt does not load");
	run_guest("1.0", 0x10000);
	run_guest("0.2", 2);

	/* PSCI 0.1: the vCPU has no PSCI_0_2 feature; 0.2 numbers are unknown. */
	if (tvm_create(&vm, "psci", 1 << 20, 1) ||
	    ioctl(vm.vm_fd, KVM_ARM_PREFERRED_TARGET, &init))
		tap_bail("cannot create the VM");
	tap_eq(ioctl(vm.vcpu[0].fd, KVM_ARM_VCPU_INIT, &init) ? errno : 0, EINVAL,
	       "vcpu-init-must-keep-its-features");
	tvm_destroy(&vm);
	if (tvm_create(&vm, "psci", 1 << 20, 0))
		tap_bail("cannot create the VM");
	vm.vcpu[0].fd = ioctl(vm.vm_fd, KVM_CREATE_VCPU, 0);
	init.features[0] = 0;
	r0 = GUEST_RAM_BASE;
	vm.vcpu[0].run = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED, vm.vcpu[0].fd, 0);
	if (ioctl(vm.vcpu[0].fd, KVM_ARM_VCPU_INIT, &init) || vm.vcpu[0].run == MAP_FAILED ||
	    tvm_set_reg(&vm.vcpu[0], ARMVIRT_CORE_REG_ID(15), &r0))
		tap_bail("a vCPU without PSCI_0_2");
	/* The guest's first call is PSCI 0.2's PSCI_VERSION. */
	uc = tvm_run_ucall(&vm.vcpu[0]);
	tap_ok(uc.kind == UC_VALUE && uc.value == NOT_SUPPORTED,
	       "psci-0.1-vcpu-does-not-know-psci-0.2-calls (%d %#x)", uc.kind, uc.value);
	tvm_destroy(&vm);
	tap_finish();
}
