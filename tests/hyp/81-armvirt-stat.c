// SPDX-License-Identifier: GPL-2.0-only
/*
 * armvirt-stat (tools/) on a running VM: a guest that exits forever
 * (tests/guest/busy.S: an MMIO write to the VMM, a PSCI call) while
 * armvirt-stat samples the debugfs counters: it finds the VM of this
 * process, its vCPU, and non-zero rates for both kinds of exit; per vCPU
 * too; a process without a VM and bad options get their exit status.
 */
#define _GNU_SOURCE
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "board.h"
#include "health.h"
#include "tap.h"
#include "thread.h"
#include "vm.h"

static struct tvm vm;
static atomic_int stop;

/* Runs the guest until told to stop: every MMIO write comes back here. */
static void *run_guest(void *arg)
{
	struct ucall uc;

	while (!atomic_load(&stop)) {
		uc = tvm_run_ucall(&vm.vcpu[0]);
		if (uc.kind != UC_MMIO)
			break;
	}
	return NULL;
}

/* armvirt-stat's output and exit status. */
static int stat_run(const char *args, char *out, size_t size)
{
	char cmd[256];
	size_t len = 0, n;
	FILE *p;
	int status;

	snprintf(cmd, sizeof(cmd), "/bin/armvirt-stat %s 2>&1", args);
	p = popen(cmd, "r");
	if (!p)
		return -1;
	while (len + 1 < size && (n = fread(out + len, 1, size - 1 - len, p)) > 0)
		len += n;
	out[len] = 0;
	status = pclose(p);
	return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

/* The rate in the row of @counter, or -1. */
static double rate_of(const char *out, const char *counter)
{
	char key[40];
	const char *p;
	unsigned long long total;
	double rate;

	snprintf(key, sizeof(key), "\n  %s ", counter);
	p = strstr(out, key);
	if (!p || sscanf(p + strlen(key), "%llu %lf", &total, &rate) != 2)
		return -1;
	return rate;
}

int main(void)
{
	char out[8192], args[64], head[64];
	pthread_t t;
	int rc;

	tap_plan(13);
	if (!module_loaded("armvirt") && module_load(ARMVIRT_KO))
		tap_bail("armvirt does not load");
	if (tvm_create(&vm, "busy", 1 << 20, 1))
		tap_bail("cannot create the VM");
	thread_create_small_stack(&t, run_guest, NULL);

	snprintf(args, sizeof(args), "--once -i 1 -p %d", (int)getpid());
	rc = stat_run(args, out, sizeof(out));
	tap_eq(rc, 0, "once-exits-0");
	snprintf(head, sizeof(head), "VM %d-", (int)getpid());
	if (!tap_ok(strstr(out, head) && strstr(out, ": 1 vCPU\n"), "finds-the-vm-and-its-vcpu"))
		tap_diag("%.600s", out);
	tap_ok(rate_of(out, "mmio_write") > 0, "mmio-writes-per-second (%.1f)", rate_of(out, "mmio_write"));
	tap_ok(rate_of(out, "psci") > 0, "psci-calls-per-second (%.1f)", rate_of(out, "psci"));
	tap_ok(rate_of(out, "runs") >= rate_of(out, "mmio_write"), "runs-at-least-the-vmm-exits");

	snprintf(args, sizeof(args), "--once -i 0.5 --vcpus -p %d", (int)getpid());
	rc = stat_run(args, out, sizeof(out));
	tap_ok(rc == 0 && strstr(out, ") vCPU 0\n"), "per-vcpu-table");
	atomic_store(&stop, 1);
	pthread_join(t, NULL);
	tvm_destroy(&vm);

	rc = stat_run("--once -i 0.1 -p 1", out, sizeof(out));
	tap_ok(rc == 1 && strstr(out, "no VM of process 1"), "no-vm-of-that-process-is-status-1");
	tap_eq(stat_run("--bogus", out, sizeof(out)), 2, "bad-option-is-status-2");
	tap_eq(stat_run("-i 0", out, sizeof(out)), 2, "zero-interval-is-status-2");
	tap_eq(stat_run("--once -d /nonexistent", out, sizeof(out)), 1, "no-counters-is-status-1");
	check_kernel_healthy();
	tap_finish();
}
