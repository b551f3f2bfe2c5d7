// SPDX-License-Identifier: GPL-2.0-only
/*
 * armvirt's tracepoints (highvisor/trace.h) through tracefs, as trace-cmd
 * and perf use them: with events/armvirt enabled, a guest with a vGIC and
 * its timer (tests/guest/timer.S) and one driven by KVM_IRQ_LINE
 * (tests/guest/cpu_irq.S) leave entry, exit, MMIO, stage-2 fault,
 * list-register injection and IRQ line events with the right fields; with
 * them disabled, nothing. A kernel without tracefs (the debug board's)
 * skips the checks.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#include "board.h"
#include "health.h"
#include "tap.h"
#include "vm.h"

#define TRACEFS		"/sys/kernel/tracing"
#define NR_CHECKS	10
#define TRACE_MAX	(4 << 20)

static char *trace_buf;

static int tracefs_write(const char *file, const char *text)
{
	char path[128];

	snprintf(path, sizeof(path), TRACEFS "/%s", file);
	return write_file(path, text);
}

/* The trace buffer's text (its first TRACE_MAX bytes). */
static const char *trace_read(void)
{
	if (read_file(TRACEFS "/trace", trace_buf, TRACE_MAX) < 0)
		trace_buf[0] = 0;
	return trace_buf;
}

/* The timer guest to its end: a vGIC, timer interrupts, MMIO reports. */
static void run_timer_guest(void)
{
	struct tvm vm;
	struct ucall uc;
	int i;

	if (tvm_create(&vm, "timer", 1 << 20, 1) || tvm_create_vgic(&vm, 64) < 0)
		tap_bail("cannot create the timer VM");
	for (i = 0; i < 100; i++) {
		uc = tvm_run_ucall(&vm.vcpu[0]);
		if (uc.kind != UC_VALUE)
			break;
	}
	tvm_destroy(&vm);
}

/* The cpu_irq guest until it has taken the IRQ the VMM raised. */
static void run_cpu_irq_guest(void)
{
	struct kvm_irq_level up = {
		.irq = KVM_ARM_IRQ_TYPE_CPU << KVM_ARM_IRQ_TYPE_SHIFT | KVM_ARM_IRQ_CPU_IRQ,
		.level = 1,
	};
	struct tvm vm;

	if (tvm_create(&vm, "cpu_irq", 1 << 20, 1))
		tap_bail("cannot create the cpu_irq VM");
	tvm_next_value(&vm.vcpu[0], "start");
	ioctl(vm.vm_fd, KVM_IRQ_LINE, &up);
	tvm_next_value(&vm.vcpu[0], "irq");
	tvm_destroy(&vm);
}

int main(void)
{
	char size_kb[32] = "";
	const char *t;
	int before;

	tap_plan(NR_CHECKS + 3);
	if (!module_loaded("armvirt") && module_load(ARMVIRT_KO))
		tap_bail("armvirt does not load");
	trace_buf = malloc(TRACE_MAX);
	if (!trace_buf)
		tap_bail("out of memory");
	mkdir(TRACEFS, 0755);
	if (access(TRACEFS "/trace", F_OK) && mount("nodev", TRACEFS, "tracefs", 0, NULL) &&
	    errno == ENODEV) {
		for (int i = 0; i < NR_CHECKS; i++)
			tap_skip("this kernel has no tracefs (CONFIG_TRACING)", "tracepoint-check-%d", i + 1);
		check_kernel_healthy();
		tap_finish();
	}
	if (!tap_ok(access(TRACEFS "/events/armvirt/armvirt_exit", F_OK) == 0,
		    "tracefs-lists-the-armvirt-events"))
		tap_bail("no events/armvirt in " TRACEFS);
	read_file(TRACEFS "/buffer_size_kb", size_kb, sizeof(size_kb));
	tracefs_write("buffer_size_kb", "2048");
	tracefs_write("trace", "");
	tracefs_write("events/armvirt/enable", "1");
	tracefs_write("tracing_on", "1");
	run_timer_guest();
	run_cpu_irq_guest();
	tracefs_write("events/armvirt/enable", "0");
	t = trace_read();

	tap_ok(strstr(t, "armvirt_entry: vcpu 0 pc 0x40000000") != NULL, "entry-at-the-guest-start");
	/* the ucall page's reports: data aborts (EC 0x24) handled by the VMM */
	tap_ok(strstr(t, "armvirt_exit: vcpu 0 trap ec 0x24") != NULL, "exit-with-its-reason");
	tap_ok(strstr(t, "armvirt_mmio: vcpu 0 write ipa 0x") && strstr(t, "by vmm"),
	       "mmio-to-the-vmm");
	tap_ok(strstr(t, "by kernel") != NULL, "mmio-to-the-vgic-distributor");
	tap_ok(strstr(t, "armvirt_s2_fault: vcpu 0 ipa 0x40000000 read") != NULL,
	       "stage-2-fault-on-the-first-instruction");
	tap_ok(strstr(t, "armvirt_vgic_inject: vcpu 0 intid 27") != NULL,
	       "timer-interrupt-injected-into-a-list-register");
	tap_ok(strstr(t, "armvirt_irq_line: type 0 vcpu 0 num 0 level 1") != NULL,
	       "irq-line-of-the-vcpu");
	if (!tap_ok(count_occurrences(t, "armvirt_entry:") >= 10, "entries-counted (%d)",
		    count_occurrences(t, "armvirt_entry:")))
		tap_diag("trace starts: %.400s", t);

	before = count_occurrences(t, "armvirt_");
	run_cpu_irq_guest();
	tap_eq(count_occurrences(trace_read(), "armvirt_"), before, "disabled-events-record-nothing");
	tracefs_write("trace", "");
	if (atoi(size_kb) > 0)
		tracefs_write("buffer_size_kb", size_kb);
	check_kernel_healthy();
	free(trace_buf);
	tap_finish();
}
