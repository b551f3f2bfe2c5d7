/* SPDX-License-Identifier: GPL-2.0-only */
#ifndef ARMVIRT_TESTS_KNOWN_REPORT_H
#define ARMVIRT_TESTS_KNOWN_REPORT_H

#include <stdbool.h>
#include <stddef.h>

/*
 * The 6.1 kernel's own report (README, the fuzz suite): collapse_huge_page()
 * holds a CONFIG_HIGHPTE kmap_atomic() across
 * mmu_notifier_invalidate_range_end(), whose might_sleep() fires for any mm
 * with a notifier (and taints W). Known by this exact header and, within
 * the report, the frame that calls __might_resched (known_kernel_frame()).
 */
#define KNOWN_KERNEL_HEADER \
	"BUG: sleeping function called from invalid context at include/linux/mmu_notifier.h:482"
/* Whether @len bytes of kernel log at @text hold that report's frame. */
bool known_kernel_frame(const char *text, size_t len);

/*
 * How many reports in @len bytes of kernel log at @log are that one. Sets
 * *@partial when the log ends inside such a report before its frame: the
 * kernel is still printing it, and the caller should read the log again.
 */
int known_kernel_reports(const char *log, size_t len, bool *partial);

#endif
