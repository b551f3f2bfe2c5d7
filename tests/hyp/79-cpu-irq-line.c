// SPDX-License-Identifier: GPL-2.0-only
/*
 * KVM_IRQ_LINE with KVM_ARM_IRQ_TYPE_CPU: a VM without a vGIC, whose VMM
 * drives each vCPU's IRQ and FIQ inputs itself (tests/guest/cpu_irq.S).
 * The guest takes each line while it is up and unmasked, a line raised
 * while it sleeps in WFI wakes it, a line up ends WFI even when masked;
 * bad lines and vCPUs are EINVAL, and with a vGIC the lines are its (ENXIO).
 * A guest whose virtual timer expired (nothing delivers it without a
 * vGIC) still runs (tests/guest/expired_timer.S).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "board.h"
#include "health.h"
#include "tap.h"
#include "thread.h"
#include "vm.h"

#define IRQ_TAKEN	0x1001
#define FIQ_TAKEN	0x1002
#define EXPIRED_TIMER_ROUNDS	1000000

static int cpu_line(int vm_fd, uint32_t vcpu, uint32_t line, int level)
{
	struct kvm_irq_level irq = {
		.irq = (KVM_ARM_IRQ_TYPE_CPU << KVM_ARM_IRQ_TYPE_SHIFT) |
		       (vcpu << KVM_ARM_IRQ_VCPU_SHIFT) | line,
		.level = level,
	};

	return ioctl(vm_fd, KVM_IRQ_LINE, &irq) ? errno : 0;
}

static int vm_fd_for_thread;

/* Raises the FIQ line once the vCPU has had time to block in WFI. */
static void *raise_fiq_later(void *arg)
{
	usleep(200 * 1000);
	cpu_line(vm_fd_for_thread, 0, KVM_ARM_IRQ_CPU_FIQ, 1);
	return NULL;
}

static void on_alarm(int sig)
{
}

static void check_guest(void)
{
	struct tvm vm;
	pthread_t t;
	long wfi_before;

	if (tvm_create(&vm, "cpu_irq", 1 << 20, 1))
		tap_bail("cannot create the VM");
	tap_eq(tvm_next_value(&vm.vcpu[0], "start"), 1, "guest-starts");
	tap_eq(cpu_line(vm.vm_fd, 0, KVM_ARM_IRQ_CPU_IRQ, 1), 0, "irq-line-up");
	tap_eq(tvm_next_value(&vm.vcpu[0], "irq"), IRQ_TAKEN, "guest-takes-the-irq");
	tap_eq(cpu_line(vm.vm_fd, 0, KVM_ARM_IRQ_CPU_IRQ, 0), 0, "irq-line-down");
	tap_eq(tvm_next_value(&vm.vcpu[0], "after irq"), 2, "guest-returns-from-the-irq");

	/* the FIQ comes while the vCPU sleeps in WFI: the kick must wake it */
	vm_fd_for_thread = vm.vm_fd;
	wfi_before = tvm_exit_count(0, "wfi");
	thread_create_small_stack(&t, raise_fiq_later, NULL);
	alarm(10);	/* a vCPU that sleeps on: KVM_RUN ends with EINTR */
	tap_eq(tvm_next_value(&vm.vcpu[0], "fiq"), FIQ_TAKEN, "fiq-raised-during-wfi-is-taken");
	pthread_join(t, NULL);
	tap_ok(tvm_exit_count(0, "wfi") > wfi_before, "the-vcpu-was-in-wfi");
	tap_eq(cpu_line(vm.vm_fd, 0, KVM_ARM_IRQ_CPU_FIQ, 0), 0, "fiq-line-down");
	tap_eq(tvm_next_value(&vm.vcpu[0], "after fiq"), 3, "guest-returns-from-the-fiq");

	/* masked: the line ends WFI, nothing is taken until the guest unmasks */
	cpu_line(vm.vm_fd, 0, KVM_ARM_IRQ_CPU_IRQ, 1);
	tap_eq(tvm_next_value(&vm.vcpu[0], "masked wfi"), 4, "masked-irq-ends-wfi-untaken");
	tap_eq(tvm_next_value(&vm.vcpu[0], "unmask"), IRQ_TAKEN, "unmasked-irq-is-taken");
	cpu_line(vm.vm_fd, 0, KVM_ARM_IRQ_CPU_IRQ, 0);
	tap_eq(tvm_next_value(&vm.vcpu[0], "end"), 5, "guest-ends");
	alarm(0);
	tvm_destroy(&vm);
}

/*
 * Before, the expired timer's PPI ended every entry at once: the guest
 * never ran another instruction, and KVM_RUN went on until a signal.
 */
static void check_expired_timer(void)
{
	struct tvm vm;
	long irqs;

	if (tvm_create(&vm, "expired_timer", 1 << 20, 1))
		tap_bail("cannot create the VM");
	tvm_set_core_reg(&vm.vcpu[0], 0, EXPIRED_TIMER_ROUNDS);
	alarm(30);	/* a guest that never gets to report: KVM_RUN ends with EINTR */
	tap_eq(tvm_next_value(&vm.vcpu[0], "expired timer"), 1,
	       "guest-runs-with-its-timer-expired-and-no-vgic");
	alarm(0);
	irqs = tvm_exit_count(0, "irq");
	if (!tap_ok(irqs >= 0 && irqs < EXPIRED_TIMER_ROUNDS / 1000,
		    "expired-timer-does-not-end-every-entry"))
		tap_diag("%ld IRQ exits in %d rounds", irqs, EXPIRED_TIMER_ROUNDS);
	tvm_destroy(&vm);
}

static void check_bad_input(void)
{
	struct kvm_irq_level spi = {
		.irq = (KVM_ARM_IRQ_TYPE_SPI << KVM_ARM_IRQ_TYPE_SHIFT) | 40, .level = 1,
	};
	struct tvm vm;

	if (tvm_create(&vm, NULL, 1 << 20, 1))
		tap_bail("cannot create the VM");
	tap_eq(cpu_line(vm.vm_fd, 0, 2, 1), EINVAL, "line-2-is-einval");
	tap_eq(cpu_line(vm.vm_fd, 0, 0xffff, 1), EINVAL, "line-0xffff-is-einval");
	tap_eq(cpu_line(vm.vm_fd, 1, KVM_ARM_IRQ_CPU_IRQ, 1), EINVAL, "absent-vcpu-is-einval");
	tap_eq(cpu_line(vm.vm_fd, 255, KVM_ARM_IRQ_CPU_IRQ, 1), EINVAL, "vcpu-255-is-einval");
	tap_eq(ioctl(vm.vm_fd, KVM_IRQ_LINE, &spi) ? errno : 0, ENXIO, "spi-without-a-vgic-is-enxio");
	if (tvm_create_vgic(&vm, 64) < 0)
		tap_bail("cannot create a vGIC");
	tap_eq(cpu_line(vm.vm_fd, 0, KVM_ARM_IRQ_CPU_IRQ, 1), ENXIO, "cpu-line-with-a-vgic-is-enxio");
	tvm_destroy(&vm);
}

int main(void)
{
	struct sigaction sa = { .sa_handler = on_alarm };

	tap_plan(23);
	if (!module_loaded("armvirt") && module_load(ARMVIRT_KO))
		tap_bail("armvirt does not load");
	sigaction(SIGALRM, &sa, NULL);
	check_guest();
	check_expired_timer();
	check_bad_input();
	check_kernel_healthy();
	tap_finish();
}
