// SPDX-License-Identifier: GPL-2.0-only
#define _GNU_SOURCE
#include <stdio.h>

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
	unsigned long taint = kernel_taint();
	int i, found = 0;

	for (i = 0; i < (int)(sizeof(bad) / sizeof(bad[0])); i++) {
		if (dmesg_count(bad[i]) > 0) {
			tap_diag("the kernel log contains \"%s\"", bad[i]);
			found++;
		}
	}
	tap_eq(found, 0, "kernel-log-has-no-oops-bug-or-warning");
	tap_eq(taint & (TAINT_DIE | TAINT_WARN), 0, "kernel-not-tainted-by-oops-or-warn");
	tap_ok(host_can_fork_exec(), "host-still-runs-programs");
}
