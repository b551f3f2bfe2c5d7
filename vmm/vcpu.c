// SPDX-License-Identifier: GPL-2.0-only
/*
 * One host thread per vCPU, each looping on KVM_RUN and serving its exits.
 * Stopping: the main thread sets immediate_exit in every kvm_run and sends
 * the threads SIG_VCPU_KICK, so that a thread in KVM_RUN (even in a guest WFI or
 * powered off) comes back with EINTR, and one about to enter does not go in.
 * A vCPU thread that sees the guest power off, reset, or fail asks the main
 * thread to stop everything (vmm_request_stop): it never stops the others
 * itself. SIGUSR1 and SIGUSR2 are the user's (save, migrate): the VMM's
 * own signals are real-time ones.
 *
 * Auto-converge (vcpus_throttle): a ticker thread kicks every vCPU out of
 * the guest every THROTTLE_PERIOD_US, and each vCPU thread, back with
 * EINTR, sleeps the throttled share of that period before going in again.
 * A vCPU that writes memory as fast as it can so runs (100 - percent)% of
 * the time, and dirties that much less.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "vmm.h"

#define SIG_VCPU_KICK	SIGRTMIN
#define SIG_STOP_REQ	(SIGRTMIN + 1)	/* to the main thread, which waits for it */
#define THROTTLE_PERIOD_US 20000

/* the throttled share of each period, in percent; the ticker runs while non-zero */
static unsigned int throttle_percent;
static pthread_t throttle_ticker;
static bool ticker_running;

/* protects stop_reason */
static pthread_mutex_t stop_lock = PTHREAD_MUTEX_INITIALIZER;
static enum vmm_stop stop_reason;
static volatile sig_atomic_t stopping;
/* the vCPU threads exist (started, not yet joined); main thread only */
static bool vcpus_running;

void vmm_request_stop(struct vmm *vmm, enum vmm_stop why)
{
	bool first;

	pthread_mutex_lock(&stop_lock);
	first = stop_reason == STOP_NONE;
	if (first)
		stop_reason = why;
	pthread_mutex_unlock(&stop_lock);
	if (first)
		pthread_kill(vmm->main_thread, SIG_STOP_REQ);
}

int vmm_stop_signal(void)
{
	return SIG_STOP_REQ;
}

enum vmm_stop vmm_stop_reason(void)
{
	enum vmm_stop why;

	pthread_mutex_lock(&stop_lock);
	why = stop_reason;
	pthread_mutex_unlock(&stop_lock);
	return why;
}

void vmm_clear_stop(void)
{
	pthread_mutex_lock(&stop_lock);
	stop_reason = STOP_NONE;
	pthread_mutex_unlock(&stop_lock);
}

static void report_exit(struct vmm_vcpu *v, const char *what)
{
	struct kvm_run *run = v->run;
	unsigned int i;

	vmm_err("vCPU %d: %s (exit reason %u)", v->id, what, run->exit_reason);
	if (run->exit_reason == KVM_EXIT_INTERNAL_ERROR)
		for (i = 0; i < run->internal.ndata && i < 16; i++)
			vmm_err("vCPU %d:   data[%u] = %#llx", v->id, i,
				(unsigned long long)run->internal.data[i]);
}

/* Serve one exit; false when the vCPU should stop. */
static bool handle_exit(struct vmm_vcpu *v)
{
	struct kvm_run *run = v->run;

	switch (run->exit_reason) {
	case KVM_EXIT_MMIO:
		mmio_bus_access(v->vmm, run);
		return true;
	case KVM_EXIT_SYSTEM_EVENT:
		switch (run->system_event.type) {
		case KVM_SYSTEM_EVENT_SHUTDOWN:
			vmm_request_stop(v->vmm, STOP_POWEROFF);
			return false;
		case KVM_SYSTEM_EVENT_RESET:
			vmm_request_stop(v->vmm, STOP_RESET);
			return false;
		default:
			report_exit(v, "the guest crashed (system event)");
			vmm_request_stop(v->vmm, STOP_ERROR);
			return false;
		}
	case KVM_EXIT_INTR:
		return true;
	case KVM_EXIT_INTERNAL_ERROR:
		report_exit(v, "the hypervisor could not emulate a guest access");
		break;
	case KVM_EXIT_FAIL_ENTRY:
		report_exit(v, "the guest could not be entered");
		break;
	default:
		report_exit(v, "unexpected exit");
		break;
	}
	vmm_request_stop(v->vmm, STOP_ERROR);
	return false;
}

static void *vcpu_thread(void *arg)
{
	struct vmm_vcpu *v = arg;
	sigset_t kick;

	sigemptyset(&kick);
	sigaddset(&kick, SIG_VCPU_KICK);
	pthread_sigmask(SIG_UNBLOCK, &kick, NULL);
	while (!stopping) {
		int ret = ioctl(v->fd, KVM_RUN, 0);

		__atomic_fetch_add(&v->exits, 1, __ATOMIC_RELAXED);
		if (ret) {
			if (errno == EINTR || errno == EAGAIN) {
				unsigned int pct = __atomic_load_n(&throttle_percent, __ATOMIC_RELAXED);

				v->run->immediate_exit = 0;
				if (pct && !stopping)
					usleep(THROTTLE_PERIOD_US / 100 * pct);
				continue;
			}
			vmm_err("vCPU %d: KVM_RUN: %s", v->id, strerror(errno));
			vmm_request_stop(v->vmm, STOP_ERROR);
			break;
		}
		if (!handle_exit(v))
			break;
	}
	return NULL;
}

static void kick_handler(int sig)
{
	(void)sig;	/* only there to interrupt KVM_RUN */
}

int vcpus_start(struct vmm *vmm)
{
	struct sigaction sa = { .sa_handler = kick_handler };
	char name[16];	/* a thread's name: 15 characters at most */
	int i;

	sigaction(SIG_VCPU_KICK, &sa, NULL);
	stopping = 0;
	vcpus_running = true;
	for (i = 0; i < vmm->nr_vcpus; i++) {
		if (thread_create_small_stack(&vmm->vcpu[i].thread, vcpu_thread, &vmm->vcpu[i])) {
			vmm_err("cannot start vCPU %d's thread", i);
			vmm->nr_vcpus = i;	/* vcpus_stop() joins the ones started */
			return -1;
		}
		snprintf(name, sizeof(name), "armvirt-vcpu%d", i);
		pthread_setname_np(vmm->vcpu[i].thread, name);
	}
	return 0;
}

void vcpus_stop(struct vmm *vmm)
{
	int i;

	/* a saved or migrated guest's threads are gone already */
	if (!vcpus_running)
		return;
	vcpus_running = false;
	stopping = 1;
	for (i = 0; i < vmm->nr_vcpus; i++) {
		/* immediate_exit first: a thread not yet in KVM_RUN does not enter */
		__atomic_store_n(&vmm->vcpu[i].run->immediate_exit, 1, __ATOMIC_SEQ_CST);
		pthread_kill(vmm->vcpu[i].thread, SIG_VCPU_KICK);
	}
	for (i = 0; i < vmm->nr_vcpus; i++)
		pthread_join(vmm->vcpu[i].thread, NULL);
}

int vcpus_complete_mmio(struct vmm *vmm)
{
	int i;

	/* KVM_RUN with immediate_exit finishes a pending MMIO load, enters nothing */
	for (i = 0; i < vmm->nr_vcpus; i++) {
		vmm->vcpu[i].run->immediate_exit = 1;
		if (ioctl(vmm->vcpu[i].fd, KVM_RUN, 0) == 0 || errno != EINTR) {
			vmm_err("vCPU %d: completing its MMIO access: %s", i, strerror(errno));
			return -1;
		}
		vmm->vcpu[i].run->immediate_exit = 0;
	}
	return 0;
}

static void *throttle_tick(void *arg)
{
	struct vmm *vmm = arg;
	int i;

	while (__atomic_load_n(&throttle_percent, __ATOMIC_RELAXED)) {
		usleep(THROTTLE_PERIOD_US);
		for (i = 0; i < vmm->nr_vcpus; i++)
			pthread_kill(vmm->vcpu[i].thread, SIG_VCPU_KICK);
	}
	return NULL;
}

/* Called by the thread that also starts and stops the vCPUs (never concurrently). */
void vcpus_throttle(struct vmm *vmm, unsigned int percent)
{
	__atomic_store_n(&throttle_percent, percent > 99 ? 99 : percent, __ATOMIC_RELAXED);
	if (percent && !ticker_running) {
		ticker_running = thread_create_small_stack(&throttle_ticker, throttle_tick, vmm) == 0;
	} else if (!percent && ticker_running) {
		pthread_join(throttle_ticker, NULL);
		ticker_running = false;
	}
}
