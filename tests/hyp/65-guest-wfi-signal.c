// SPDX-License-Identifier: GPL-2.0-only
/*
 * WFI blocks the vCPU thread (no busy loop), a signal interrupts KVM_RUN
 * both while the guest sleeps in WFI and while it runs, and the guest then
 * carries on where it was (tests/guest/wfi.S). The VM's virtual count set
 * while the vCPU runs holds for it.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "board.h"
#include "tap.h"
#include "thread.h"
#include "vm.h"

#define FLAG_GPA	(GUEST_RAM_BASE + 0x10000)
#define WAKE_GPA	(GUEST_RAM_BASE + 0x10004)

static struct tvm vm;
static atomic_int run_done;
static int run_err;

static void on_signal(int sig)
{
}

static void *run_once_thread(void *arg)
{
	run_err = tvm_run_once(&vm.vcpu[0]);
	atomic_store(&run_done, 1);
	return NULL;
}

static double thread_cpu_s(pthread_t t)
{
	struct timespec ts;
	clockid_t clk;

	if (pthread_getcpuclockid(t, &clk) || clock_gettime(clk, &ts))
		return -1;
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/*
 * The VM's virtual count, set through the other vCPU while vCPU 0 runs: its
 * next entries must use the new offset (the exits in between not writing
 * the old one back). The guest's counter jumps about 200 days ahead.
 */
#define COUNT_SET	(1ULL << 50)
static int count_set_err;

static void set_count_meanwhile(void)
{
	uint64_t count = COUNT_SET;

	count_set_err = tvm_set_reg(&vm.vcpu[1], KVM_REG_ARM_TIMER_CNT, &count);
}

/*
 * Start KVM_RUN in a thread, wait @ms (calling @during, if any, once 50 ms
 * have passed), signal it: its CPU time meanwhile.
 */
static double run_then_signal(int ms, pthread_t *t, void (*during)(void))
{
	double cpu0, cpu1;

	atomic_store(&run_done, 0);
	thread_create_small_stack(t, run_once_thread, NULL);
	usleep(50 * 1000);
	cpu0 = thread_cpu_s(*t);
	if (during)
		during();
	usleep(ms * 1000);
	cpu1 = thread_cpu_s(*t);
	pthread_kill(*t, SIGUSR1);
	pthread_join(*t, NULL);
	return cpu1 - cpu0;
}

int main(void)
{
	struct sigaction sa;
	uint64_t count;
	struct ucall uc;
	pthread_t t;
	double cpu;

	tap_plan(12);
	if (!module_loaded("armvirt") && module_load(ARMVIRT_KO))
		tap_bail("armvirt does not load");
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;	/* no SA_RESTART: KVM_RUN returns EINTR */
	sigaction(SIGUSR1, &sa, NULL);
	if (tvm_create(&vm, "wfi", 1 << 20, 2))	/* vCPU 1 stays off */
		tap_bail("cannot create the VM");

	uc = tvm_run_ucall(&vm.vcpu[0]);
	tap_ok(uc.kind == UC_VALUE && uc.value == 1, "guest-starts");

	cpu = run_then_signal(1000, &t, NULL);
	tap_ok(cpu >= 0 && cpu < 0.05, "vcpu-in-wfi-for-1s-uses-under-5-percent-of-a-cpu (%.3f s)", cpu);
	tap_eq(run_err, EINTR, "signal-interrupts-kvm-run-in-wfi");
	tap_eq(vm.vcpu[0].run->exit_reason, KVM_EXIT_INTR, "exit-reason-is-intr");
	tap_ok(tvm_exit_count(0, "wfi") >= 1, "debugfs-counts-the-wfi");

	*(volatile uint32_t *)tvm_gpa(&vm, WAKE_GPA) = 1;
	uc = tvm_run_ucall(&vm.vcpu[0]);
	tap_ok(uc.kind == UC_VALUE && uc.value == 2, "guest-resumes-after-wfi");

	cpu = run_then_signal(300, &t, set_count_meanwhile);
	tap_eq(run_err, EINTR, "signal-interrupts-a-running-guest");
	tap_ok(cpu > 0.1, "the-running-guest-did-use-the-cpu (%.3f s)", cpu);
	count = 0;
	tvm_get_reg(&vm.vcpu[0], KVM_REG_ARM_TIMER_CNT, &count);
	tap_ok(count_set_err == 0 && count >= COUNT_SET && count - COUNT_SET < 1ULL << 32,
	       "virtual-count-set-while-a-vcpu-runs-holds-for-it (set %d, %#llx)", count_set_err,
	       (unsigned long long)count);

	*(volatile uint32_t *)tvm_gpa(&vm, FLAG_GPA) = 1;
	uc = tvm_run_ucall(&vm.vcpu[0]);
	tap_ok(uc.kind == UC_VALUE && uc.value == 3, "guest-sees-the-vmm-write-and-carries-on");
	uc = tvm_run_ucall(&vm.vcpu[0]);
	tap_ok(uc.kind == UC_SYSTEM_EVENT, "guest-powers-off");
	tap_ok(tvm_exit_count(0, "signal") >= 2, "debugfs-counts-signal-exits");
	tvm_destroy(&vm);
	tap_finish();
}
