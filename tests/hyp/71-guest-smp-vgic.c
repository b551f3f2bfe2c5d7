// SPDX-License-Identifier: GPL-2.0-only
/*
 * SMP guests on the vGIC (tests/guest/ipi.S): IPI ping-pong between every
 * pair of 4 vCPUs, many rounds; 8 vCPUs on the board's 2 CPUs contending
 * for a spinlock around a counter, to the exact total; the legacy
 * KVM_CREATE_IRQCHIP and KVM_ARM_SET_DEVICE_ADDR path; and an SGI wakes its
 * target alone: two vCPUs ping-pong while two others sleep in WFI, and
 * those wake (count WFI exits) only a few times, not once per SGI.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <string.h>
#include <sys/ioctl.h>
#include <time.h>

#include "board.h"
#include "tap.h"
#include "thread.h"
#include "vm.h"

#define DATA_GPA	(GUEST_RAM_BASE + 0x20000)
#define SLEEPER_ROUNDS	1000u

struct smp_run {
	struct tvm vm;
	pthread_t threads[TVM_MAX_VCPUS];
	int errs[TVM_MAX_VCPUS];
};

static void on_signal(int sig)
{
}

static void *run_secondary(void *arg)
{
	struct tvm_vcpu *v = arg;

	while (tvm_run_once(v) == 0)
		;	/* until the signal after the guest is done */
	return NULL;
}

static int legacy_vgic(struct tvm *vm)
{
	struct kvm_arm_device_addr dist = {
		(KVM_ARM_DEVICE_VGIC_V2 << KVM_ARM_DEVICE_ID_SHIFT) | KVM_VGIC_V2_ADDR_TYPE_DIST,
		0x08000000 };
	struct kvm_arm_device_addr cpu = {
		(KVM_ARM_DEVICE_VGIC_V2 << KVM_ARM_DEVICE_ID_SHIFT) | KVM_VGIC_V2_ADDR_TYPE_CPU,
		0x08010000 };

	if (ioctl(vm->vm_fd, KVM_CREATE_IRQCHIP, 0) ||
	    ioctl(vm->vm_fd, KVM_ARM_SET_DEVICE_ADDR, &dist) ||
	    ioctl(vm->vm_fd, KVM_ARM_SET_DEVICE_ADDR, &cpu))
		return errno;
	return 0;
}

/*
 * Run the guest in @mode on @n vCPUs: what vCPU 0 reports, the time taken,
 * and each vCPU's WFI exits in @wfi.
 */
static struct ucall run_guest(int n, uint32_t mode, uint32_t rounds, double *secs,
			      long wfi[TVM_MAX_VCPUS])
{
	static struct smp_run r;
	struct timespec t0, t1;
	uint32_t *data;
	struct ucall uc;
	int i;

	if (tvm_create(&r.vm, "ipi", 1 << 20, n))
		tap_bail("cannot create a %d-vCPU VM", n);
	if (legacy_vgic(&r.vm))
		tap_bail("KVM_CREATE_IRQCHIP and KVM_ARM_SET_DEVICE_ADDR");
	data = tvm_gpa(&r.vm, DATA_GPA);
	data[0] = n;
	data[1] = mode;
	data[2] = rounds;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (i = 1; i < n; i++)
		thread_create_small_stack(&r.threads[i], run_secondary, &r.vm.vcpu[i]);
	uc = tvm_run_ucall(&r.vm.vcpu[0]);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	for (i = 1; i < n; i++) {
		pthread_kill(r.threads[i], SIGUSR1);
		pthread_join(r.threads[i], NULL);
	}
	for (i = 0; i < n; i++) {
		wfi[i] = tvm_exit_count(i, "wfi");
		if (i < 2 || mode == 2)
			tvm_diag_exit_counts(i);
	}
	*secs = (t1.tv_sec - t0.tv_sec) + (t1.tv_nsec - t0.tv_nsec) / 1e9;
	tvm_destroy(&r.vm);
	return uc;
}

int main(void)
{
	struct sigaction sa;
	long wfi[TVM_MAX_VCPUS];
	struct ucall uc;
	double secs;

	tap_plan(5);
	if (!module_loaded("armvirt") && module_load(ARMVIRT_KO))
		tap_bail("armvirt does not load");
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigaction(SIGUSR1, &sa, NULL);

	uc = run_guest(4, 0, 100, &secs, wfi);
	tap_ok(uc.kind == UC_VALUE && uc.value == 4 * 3 * 100,
	       "ipi-ping-pong-every-pair-of-4-vcpus-100-rounds (%u of %u pongs, %.2f s)",
	       uc.value, 4 * 3 * 100, secs);
	uc = run_guest(8, 1, 20000, &secs, wfi);
	tap_ok(uc.kind == UC_VALUE && uc.value == 8 * 20000,
	       "8-vcpus-on-2-cpus-lock-and-counter-reach-the-exact-total (%u of %u, %.2f s)",
	       uc.value, 8 * 20000, secs);
	uc = run_guest(4, 2, SLEEPER_ROUNDS, &secs, wfi);
	tap_ok(uc.kind == UC_VALUE && uc.value == SLEEPER_ROUNDS,
	       "ping-pong-of-vcpus-0-and-1 (%u of %u pongs, %.2f s)",
	       uc.value, SLEEPER_ROUNDS, secs);
	/* each of the 2 * ROUNDS SGIs woke both sleepers when every write kicked all */
	tap_ok(wfi[2] >= 0 && wfi[3] >= 0 && wfi[2] + wfi[3] < (long)SLEEPER_ROUNDS / 10,
	       "sgis-do-not-wake-vcpus-they-do-not-target (sleepers' WFI exits %ld and %ld, "
	       "vCPU 1's %ld, for %u SGIs)", wfi[2], wfi[3], wfi[1], 2 * SLEEPER_ROUNDS);
	tap_ok(host_can_fork_exec(), "host-still-works");
	tap_finish();
}
