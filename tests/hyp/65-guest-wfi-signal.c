// SPDX-License-Identifier: GPL-2.0-only
/*
 * WFI blocks the vCPU thread (no busy loop), a signal interrupts KVM_RUN
 * both while the guest sleeps in WFI and while it runs, and the guest then
 * carries on where it was (tests/guest/wfi.S). The VM's virtual count set
 * while the vCPU runs holds for it. A guest that spins does not hold up the
 * host's RCU-Tasks grace periods (stopping an ftrace tracer waits for one).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <sys/mount.h>
#include <sys/stat.h>
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
 * A function tracer started and stopped in a trace instance: on PREEMPT_RT
 * kernels stopping it waits for an RCU-Tasks grace period (ftrace_shutdown()
 * of a dynamic ftrace_ops), which every task must end by a voluntary switch
 * or a return to user space. A vCPU thread in its guest must count as one.
 */
#define TRACEFS		"/sys/kernel/tracing"
#define FTRACE_WAIT_MS	20000

static char instance[96];	/* a trace instance of this test's own */

static atomic_int ftrace_done;
static int ftrace_err = -1;
static double ftrace_s = -1;

/* Whether this kernel has tracefs with the function tracer: mounted, an instance made. */
static bool ftrace_instance_ready(void)
{
	char tracers[512];

	mkdir(TRACEFS, 0755);
	if (access(TRACEFS "/trace", F_OK))
		mount("nodev", TRACEFS, "tracefs", 0, NULL);
	if (read_file(TRACEFS "/available_tracers", tracers, sizeof(tracers)) <= 0 ||
	    !strstr(tracers, "function"))
		return false;
	snprintf(instance, sizeof(instance), TRACEFS "/instances/armvirt-rcu-tasks-%d", (int)getpid());
	return !mkdir(instance, 0755);
}

static int instance_write(const char *file, const char *text)
{
	char path[160];

	snprintf(path, sizeof(path), "%s/%s", instance, file);
	return write_file(path, text);
}

static void *ftrace_toggle_thread(void *arg)
{
	int err;

	/*
	 * One function the board never calls; if this kernel has no such
	 * function, all of them for a moment (slower, the same wait).
	 */
	if (instance_write("set_ftrace_filter", "ksys_sync"))
		tap_diag("no ksys_sync to filter on: the tracer traces every function");
	err = instance_write("current_tracer", "function");
	if (!err)
		err = instance_write("current_tracer", "nop");
	ftrace_err = err;
	atomic_store(&ftrace_done, 1);
	return NULL;
}

static pthread_t ftrace_thread;

/* Stop a tracer while the vCPU spins: how long it took, up to FTRACE_WAIT_MS. */
static void stop_a_tracer_meanwhile(void)
{
	struct timespec t0, t1;
	int ms;

	clock_gettime(CLOCK_MONOTONIC, &t0);
	thread_create_small_stack(&ftrace_thread, ftrace_toggle_thread, NULL);
	for (ms = 0; ms < FTRACE_WAIT_MS && !atomic_load(&ftrace_done); ms += 10)
		usleep(10 * 1000);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	if (atomic_load(&ftrace_done))
		ftrace_s = t1.tv_sec - t0.tv_sec + (t1.tv_nsec - t0.tv_nsec) / 1e9;
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

	tap_plan(13);
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

	if (ftrace_instance_ready()) {
		/* the guest spins (it used the CPU) while the tracer stops */
		cpu = run_then_signal(100, &t, stop_a_tracer_meanwhile);
		pthread_join(ftrace_thread, NULL);	/* ends once the guest stopped, if not before */
		rmdir(instance);
		tap_ok(ftrace_err == 0 && ftrace_s >= 0 && cpu > 0.05,
		       "a-spinning-guest-does-not-hold-up-rcu-tasks (a tracer stopped in %.1f s, %d; at most %d s; guest %.2f s of CPU)",
		       ftrace_s, ftrace_err, FTRACE_WAIT_MS / 1000, cpu);
	} else {
		tap_skip("this kernel has no tracefs or no function tracer",
			 "a-spinning-guest-does-not-hold-up-rcu-tasks");
	}

	*(volatile uint32_t *)tvm_gpa(&vm, FLAG_GPA) = 1;
	uc = tvm_run_ucall(&vm.vcpu[0]);
	tap_ok(uc.kind == UC_VALUE && uc.value == 3, "guest-sees-the-vmm-write-and-carries-on");
	uc = tvm_run_ucall(&vm.vcpu[0]);
	tap_ok(uc.kind == UC_SYSTEM_EVENT, "guest-powers-off");
	tap_ok(tvm_exit_count(0, "signal") >= 2, "debugfs-counts-signal-exits");
	tvm_destroy(&vm);
	tap_finish();
}
