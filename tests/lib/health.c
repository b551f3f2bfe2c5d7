// SPDX-License-Identifier: GPL-2.0-only
#define _GNU_SOURCE
#include <stdio.h>
#include <string.h>

#include "board.h"
#include "health.h"
#include "tap.h"

#define TAINT_DIE	(1ul << 7)	/* 'D': an oops happened */
#define TAINT_WARN	(1ul << 9)	/* 'W': a WARN fired */

#define KNOWN_REPORT_MAX 4096	/* how far its frame may be from its header */

bool known_kernel_frame(const char *text, size_t len)
{
	static const char * const frames[] = {
		"__might_resched from hpage_collapse_scan_pmd+",
		"__might_resched from collapse_huge_page+",
	};
	size_t i;

	for (i = 0; i < sizeof(frames) / sizeof(frames[0]); i++)
		if (memmem(text, len, frames[i], strlen(frames[i])))
			return true;
	return false;
}

/* How many reports in the kernel log are that one. */
static int known_kernel_reports(void)
{
	static char buf[1 << 17];
	const char *p, *end, *stop, *other;
	int n = 0, len = dmesg_read(buf, sizeof(buf));

	if (len < 0)
		return 0;
	for (p = buf; (p = strstr(p, KNOWN_KERNEL_HEADER)); p = end) {
		end = p + strlen(KNOWN_KERNEL_HEADER);
		/* the report ends where the next one starts, or a page on */
		stop = buf + len - end > KNOWN_REPORT_MAX ? end + KNOWN_REPORT_MAX : buf + len;
		other = memmem(end, (size_t)(stop - end), "BUG:", 4);
		if (other)
			stop = other;
		other = memmem(end, (size_t)(stop - end), "WARNING:", 8);
		if (other)
			stop = other;
		n += known_kernel_frame(end, (size_t)(stop - end));
	}
	return n;
}

void check_kernel_healthy(void)
{
	static const char * const bad[] = {
		"Oops", "BUG:", "WARNING:", "Internal error", "Unable to handle",
		"Unbalanced",
	};
	unsigned long taint = kernel_taint();
	int i, n, found = 0, known = known_kernel_reports();

	for (i = 0; i < (int)(sizeof(bad) / sizeof(bad[0])); i++) {
		n = dmesg_count(bad[i]);
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
