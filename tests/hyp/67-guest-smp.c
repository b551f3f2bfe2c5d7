// SPDX-License-Identifier: GPL-2.0-only
/*
 * Two VMs of two vCPUs each running at once (tests/guest/smp.S: PSCI
 * CPU_ON, CPU_OFF, AFFINITY_INFO), one vCPU thread moved between host CPUs
 * all along; a VMM's reset of a vCPU that overtakes the guest's CPU_ON of
 * it; then a VMM killed with SIGKILL while its guest runs, after which the
 * module unloads.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <string.h>
#include <time.h>
#include <sys/ioctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "board.h"
#include "tap.h"
#include "thread.h"
#include "vm.h"

#define COUNT	20000000

struct vm_run {
	struct tvm vm;
	pthread_t thread[2];
	atomic_int tid0;
	atomic_int running0;
	uint32_t values[8];
	int nr_values;
	struct ucall last;
	int err1;
};

static void on_signal(int sig)
{
}

/* This thread's scheduling policy (what a later fork or thread inherits). */
static void sched_set(int policy, int prio)
{
	struct sched_param sp = { .sched_priority = prio };

	if (sched_setscheduler(0, policy, &sp))
		tap_diag("sched_setscheduler(%d, %d): %s", policy, prio, strerror(errno));
}

static void *run_vcpu0(void *arg)
{
	struct vm_run *r = arg;
	struct ucall uc;

	atomic_store(&r->tid0, (int)syscall(SYS_gettid));
	for (;;) {
		uc = tvm_run_ucall(&r->vm.vcpu[0]);
		if (uc.kind != UC_VALUE || r->nr_values == 8)
			break;
		r->values[r->nr_values++] = uc.value;
	}
	r->last = uc;
	atomic_store(&r->running0, 0);
	return NULL;
}

/* vCPU 1 runs until it powers off; its KVM_RUN then sleeps until a signal. */
static void *run_vcpu1(void *arg)
{
	struct vm_run *r = arg;

	r->err1 = tvm_run_once(&r->vm.vcpu[1]);
	return NULL;
}

static void start(struct vm_run *r, uint32_t mode)
{
	if (tvm_create(&r->vm, "smp", 1 << 20, 2))
		tap_bail("cannot create a 2-vCPU VM");
	tvm_set_core_reg(&r->vm.vcpu[0], 0, mode);
	atomic_store(&r->running0, 1);
	thread_create_small_stack(&r->thread[0], run_vcpu0, r);
	thread_create_small_stack(&r->thread[1], run_vcpu1, r);
}

static void finish(struct vm_run *r)
{
	pthread_join(r->thread[0], NULL);
	pthread_kill(r->thread[1], SIGUSR1);
	pthread_join(r->thread[1], NULL);
}

static void check(struct vm_run *r, const char *vm)
{
	static const uint32_t expected[8] = { 0, (uint32_t)-4, 0x5ec0, 0, COUNT, COUNT, 0, 1 };
	int i, bad = 0;

	for (i = 0; i < 8; i++) {
		uint32_t got = i == 3 ? r->values[i] & 0xff : r->values[i];
		uint32_t want = i == 3 ? 1 : expected[i];

		if (i >= r->nr_values || got != want) {
			tap_diag("%s: value %d: expected %#x, got %#x", vm, i + 1, want,
				 i < r->nr_values ? got : 0);
			bad++;
		}
	}
	tap_ok(!bad, "%s-cpu-on-count-cpu-off-affinity-info-all-as-expected", vm);
	tap_ok(r->last.kind == UC_SYSTEM_EVENT, "%s-powers-off", vm);
	tap_eq(r->err1, EINTR, "%s-powered-off-vcpu-sleeps-until-a-signal", vm);
}

static void *run_vcpu1_ucall(void *arg)
{
	struct vm_run *r = arg;

	r->last = tvm_run_ucall(&r->vm.vcpu[1]);
	return NULL;
}

/*
 * The VMM resets vCPU 1 (KVM_ARM_VCPU_INIT) after the guest's CPU_ON for
 * it, before the vCPU ran: the registers the VMM sets next are what it
 * runs, not the CPU_ON's entry point (secondary, which would count, then
 * sleep powered off). Started at _start with r0 = 0, vCPU 1's own CPU_ON
 * of itself reports INVALID_PARAMETERS (-2).
 */
static void init_overtakes_cpu_on(void)
{
	struct kvm_mp_state on = { .mp_state = KVM_MP_STATE_RUNNABLE };
	struct kvm_vcpu_init init;
	struct timespec until;
	static struct vm_run r;
	bool reset = false;

	if (tvm_create(&r.vm, "smp", 1 << 20, 2))
		tap_bail("cannot create a 2-vCPU VM");
	tvm_set_core_reg(&r.vm.vcpu[0], 0, 1);	/* vCPU 0 spins after its reports */
	if (tvm_next_value(&r.vm.vcpu[0], "cpu-on") == 0 &&
	    !ioctl(r.vm.vm_fd, KVM_ARM_PREFERRED_TARGET, &init)) {
		init.features[0] = 1U << KVM_ARM_VCPU_PSCI_0_2 | 1U << KVM_ARM_VCPU_POWER_OFF;
		reset = !ioctl(r.vm.vcpu[1].fd, KVM_ARM_VCPU_INIT, &init) &&
			!ioctl(r.vm.vcpu[1].fd, KVM_SET_MP_STATE, &on);
	}
	if (!reset)
		tap_diag("the reset of vCPU 1: %s", strerror(errno));
	tvm_set_core_reg(&r.vm.vcpu[1], 15, GUEST_RAM_BASE);
	tvm_set_core_reg(&r.vm.vcpu[1], 0, 0);
	thread_create_small_stack(&r.thread[1], run_vcpu1_ucall, &r);
	clock_gettime(CLOCK_REALTIME, &until);
	until.tv_sec += 20;
	if (pthread_timedjoin_np(r.thread[1], NULL, &until)) {
		tap_diag("vCPU 1 made no report in 20 s (asleep after CPU_OFF?)");
		pthread_kill(r.thread[1], SIGUSR1);
		pthread_join(r.thread[1], NULL);
	}
	tap_ok(reset && r.last.kind == UC_VALUE && r.last.value == (uint32_t)-2,
	       "vcpu-init-after-a-guest-cpu-on-runs-the-vmm-registers (report %d %#x)",
	       r.last.kind, r.last.value);
	tvm_destroy(&r.vm);
}

/* The child VMM: a 2-vCPU guest spinning forever; tells the parent when it runs. */
static void child_vmm(int ready_fd)
{
	static struct vm_run r;
	struct ucall uc;

	if (tvm_create(&r.vm, "smp", 1 << 20, 2))
		_exit(2);
	tvm_set_core_reg(&r.vm.vcpu[0], 0, 1);
	thread_create_small_stack(&r.thread[1], run_vcpu1, &r);
	uc = tvm_run_ucall(&r.vm.vcpu[0]);
	if (uc.kind != UC_VALUE || write(ready_fd, "r", 1) != 1)
		_exit(3);
	tvm_run_ucall(&r.vm.vcpu[0]);	/* the second report, then it spins */
	tvm_run_ucall(&r.vm.vcpu[0]);
	_exit(4);
}

int main(void)
{
	static struct vm_run a, b;
	struct sigaction sa;
	int moves = 0, status, pipefd[2];
	cpu_set_t cpus;
	pid_t pid;
	char c;

	tap_plan(13);
	if (!module_loaded("armvirt") && module_load(ARMVIRT_KO))
		tap_bail("armvirt does not load");
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigaction(SIGUSR1, &sa, NULL);

	start(&a, 0);
	start(&b, 0);
	/*
	 * Real-time while it moves the thread: four spinning vCPU threads on
	 * two CPUs would otherwise delay each of its wake-ups by their time
	 * slices (a loaded debug board made 6 moves in the guests' run).
	 */
	sched_set(SCHED_FIFO, 1);
	while (atomic_load(&a.running0) || atomic_load(&b.running0)) {
		if (atomic_load(&a.running0) && atomic_load(&a.tid0)) {
			CPU_ZERO(&cpus);
			CPU_SET(moves % 2, &cpus);
			moves += sched_setaffinity(atomic_load(&a.tid0), sizeof(cpus), &cpus) == 0;
		}
		usleep(2000);
	}
	sched_set(SCHED_OTHER, 0);
	finish(&a);
	finish(&b);
	check(&a, "vm-a");
	check(&b, "vm-b");
	tap_ok(moves >= 10, "a-vcpu-thread-was-moved-between-cpus-while-running (%d times)", moves);
	tvm_destroy(&a.vm);
	tvm_destroy(&b.vm);
	init_overtakes_cpu_on();

	if (pipe(pipefd))
		tap_bail("pipe");
	pid = fork();
	if (pid == 0) {
		close(pipefd[0]);
		child_vmm(pipefd[1]);
	}
	close(pipefd[1]);
	tap_ok(read(pipefd[0], &c, 1) == 1, "child-vmm-guest-runs");
	usleep(300 * 1000);
	kill(pid, SIGKILL);
	waitpid(pid, &status, 0);
	tap_ok(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL, "vmm-killed-with-sigkill-while-guest-runs");
	tap_eq(module_unload("armvirt"), 0, "module-unloads-after-the-killed-vmm");
	tap_eq(module_load(ARMVIRT_KO), 0, "module-loads-again");
	tap_ok(host_can_fork_exec(), "host-still-works");
	tap_finish();
}
