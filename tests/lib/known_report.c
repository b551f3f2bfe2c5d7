// SPDX-License-Identifier: GPL-2.0-only
/*
 * Recognises the 6.1 kernel's own khugepaged report in a kernel log. Plain
 * C with no board access, so that tests/host/ can check it on the build
 * machine.
 */
#define _GNU_SOURCE
#include <string.h>

#include "known_report.h"

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

int known_kernel_reports(const char *buf, size_t len, bool *partial)
{
	const char *p, *end, *stop, *other;
	bool cut;
	int n = 0;

	*partial = false;
	for (p = buf; (p = strstr(p, KNOWN_KERNEL_HEADER)); p = end) {
		end = p + strlen(KNOWN_KERNEL_HEADER);
		/* the report ends where the next one starts, or a page on */
		cut = (size_t)(buf + len - end) <= KNOWN_REPORT_MAX;
		stop = cut ? buf + len : end + KNOWN_REPORT_MAX;
		other = memmem(end, (size_t)(stop - end), "BUG:", 4);
		if (other) {
			stop = other;
			cut = false;
		}
		other = memmem(end, (size_t)(stop - end), "WARNING:", 8);
		if (other) {
			stop = other;
			cut = false;
		}
		if (known_kernel_frame(end, (size_t)(stop - end)))
			n++;
		else if (cut)
			*partial = true;
	}
	return n;
}
