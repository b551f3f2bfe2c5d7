// SPDX-License-Identifier: GPL-2.0-only
#define _GNU_SOURCE
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "board.h"
#include "health.h"
#include "tap.h"

#define TAINT_DIE	(1ul << 7)	/* 'D': an oops happened */
#define TAINT_WARN	(1ul << 9)	/* 'W': a WARN fired */

void check_kernel_healthy(void)
{
	static const char * const bad[] = {
		"Oops", "BUG:", "WARNING:", "Internal error", "Unable to handle",
		"Unbalanced",
	};
	static char buf[1 << 17];
	unsigned long taint;
	int i, n, len, tries, found = 0, known = 0;
	bool partial = false;

	/*
	 * One read of the log for every count. A report the kernel is still
	 * printing (khugepaged runs on its own) is read again, up to 5 s on.
	 */
	for (tries = 0; tries < 25; tries++) {
		if (tries)
			usleep(200000);
		len = dmesg_read(buf, sizeof(buf));
		if (len < 0) {
			tap_diag("cannot read the kernel log: %s", strerror(-len));
			buf[0] = 0;
			len = 0;
		}
		known = known_kernel_reports(buf, (size_t)len, &partial);
		if (!partial)
			break;
	}
	taint = kernel_taint();
	for (i = 0; i < (int)(sizeof(bad) / sizeof(bad[0])); i++) {
		n = count_occurrences(buf, bad[i]);
		if (!strcmp(bad[i], "BUG:"))
			n -= known;
		if (n > 0) {
			tap_diag("the kernel log contains \"%s\"", bad[i]);
			found++;
		}
	}
	if (known > 0) {
		tap_diag("set aside %d report(s) of the 6.1 kernel's own khugepaged bug (README)", known);
		if (!found)
			taint &= ~TAINT_WARN;	/* those reports taint W; nothing else did */
	}
	tap_eq(found, 0, "kernel-log-has-no-oops-bug-or-warning");
	tap_eq(taint & (TAINT_DIE | TAINT_WARN), 0, "kernel-not-tainted-by-oops-or-warn");
	tap_ok(host_can_fork_exec(), "host-still-runs-programs");
}
