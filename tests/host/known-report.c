// SPDX-License-Identifier: GPL-2.0-only
/*
 * Build-machine check of tests/lib/known_report.c: which kernel logs hold
 * the 6.1 kernel's known report, and when a log ends inside one still being
 * printed (a board's last health check once read the log at that moment
 * and failed the debug fuzz board).
 */
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "known_report.h"

#define FRAME " __might_resched from hpage_collapse_scan_pmd+0x346c/0x4444\n"
#define HEAD KNOWN_KERNEL_HEADER "\nin_atomic(): 1, irqs_disabled(): 0\n" \
	" dump_stack_lvl from __might_resched+0x38c/0x5a8\n"

static int failed;

static void expect(const char *name, const char *log, int reports, bool partial)
{
	bool got_partial;
	int got = known_kernel_reports(log, strlen(log), &got_partial);

	if (got != reports || got_partial != partial) {
		printf("known-report: %s: %d report(s), partial %d; expected %d, %d\n",
		       name, got, got_partial, reports, partial);
		failed++;
	}
}

int main(void)
{
	static char frame_too_far[8192], late_report[8192];

	/* the header, then over a page of other lines before any frame */
	strcpy(frame_too_far, HEAD);
	memset(frame_too_far + strlen(HEAD), 'x', 5000);
	strcat(frame_too_far, FRAME);
	/* a whole report in the last bytes of a long log */
	memset(late_report, 'x', 5000);
	strcat(late_report, HEAD FRAME);

	expect("no-report", "armvirt: loaded\n", 0, false);
	expect("whole-report", HEAD FRAME " khugepaged from kthread\n", 1, false);
	expect("still-printing", "x\n" HEAD, 0, true);
	expect("other-report-follows", HEAD "BUG: scheduling while atomic\n", 0, false);
	expect("warning-follows", HEAD "WARNING: CPU: 0 PID: 1\n", 0, false);
	expect("frame-after-a-page", frame_too_far, 0, false);
	expect("one-whole-one-printing", HEAD FRAME HEAD, 1, true);
	expect("whole-then-whole", HEAD FRAME HEAD FRAME, 2, false);
	expect("report-at-the-log-end", late_report, 1, false);
	if (!known_kernel_frame(FRAME, strlen(FRAME)) ||
	    known_kernel_frame(" __might_resched from do_page_fault+0x1\n", 40)) {
		printf("known-report: known_kernel_frame() is wrong\n");
		failed++;
	}
	printf("known-report: %s\n", failed ? "FAILED" : "10 cases pass");
	return failed != 0;
}
