// SPDX-License-Identifier: GPL-2.0-only
/*
 * A guest runs: it computes a sum, reports it over MMIO and powers off
 * with PSCI; KVM_RUN's entry conditions (before INIT, immediate_exit) and
 * the debugfs exit counters of that run.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "board.h"
#include "tap.h"
#include "vm.h"

static void check_run_before_init(void)
{
	struct tvm vm;
	int fd;

	if (tvm_create(&vm, NULL, 1 << 20, 0))
		tap_bail("cannot create a VM");
	fd = ioctl(vm.vm_fd, KVM_CREATE_VCPU, 0);
	tap_eq(ioctl(fd, KVM_RUN, 0) ? errno : 0, ENOEXEC, "run-before-vcpu-init-is-enoexec");
	tap_ok(ioctl(vm.vm_fd, KVM_RUN, 0) && errno == ENOTTY &&
	       ioctl(vm.sys_fd, KVM_RUN, 0) && errno == ENOTTY,
	       "kvm-run-on-a-vm-or-system-fd-is-enotty");
	close(fd);
	tvm_destroy(&vm);
}

int main(void)
{
	struct tvm vm;
	struct ucall uc;

	tap_plan(13);
	if (!module_loaded("armvirt") && module_load(ARMVIRT_KO))
		tap_bail("armvirt does not load");

	check_run_before_init();

	if (tvm_create(&vm, "basic", 1 << 20, 1))
		tap_bail("cannot create the VM");
	vm.vcpu[0].run->immediate_exit = 1;
	tap_eq(tvm_run_once(&vm.vcpu[0]), EINTR, "immediate-exit-returns-eintr");
	tap_eq(vm.vcpu[0].run->exit_reason, KVM_EXIT_INTR, "immediate-exit-reason-is-intr");
	tap_eq(tvm_core_reg(&vm.vcpu[0], 15), GUEST_RAM_BASE, "immediate-exit-runs-nothing");
	vm.vcpu[0].run->immediate_exit = 0;
	tap_eq(ioctl(vm.vcpu[0].fd, KVM_RUN, 1) ? errno : 0, EINVAL, "run-with-an-argument-is-einval");

	uc = tvm_run_ucall(&vm.vcpu[0]);
	tap_eq(uc.kind, UC_VALUE, "guest-reports-over-mmio");
	tap_eq(uc.value, 5050, "guest-computes-the-sum");
	uc = tvm_run_ucall(&vm.vcpu[0]);
	tap_eq(uc.kind, UC_SYSTEM_EVENT, "psci-system-off-exits");
	tap_eq(uc.value, KVM_SYSTEM_EVENT_SHUTDOWN, "system-off-is-a-shutdown-event");

	tap_eq(tvm_exit_count(0, "mmio_write"), 1, "debugfs-counts-one-mmio-write");
	tap_eq(tvm_exit_count(0, "psci"), 1, "debugfs-counts-one-psci-call");
	tap_ok(tvm_exit_count(0, "runs") >= 2, "debugfs-counts-guest-entries (%ld)",
	       tvm_exit_count(0, "runs"));
	tvm_diag_exit_counts(0);
	tvm_destroy(&vm);
	tap_finish();
}
