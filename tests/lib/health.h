/* SPDX-License-Identifier: GPL-2.0-only */
#ifndef ARMVIRT_TESTS_HEALTH_H
#define ARMVIRT_TESTS_HEALTH_H

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

/* Checks that the kernel took no oops, BUG or WARN. Three TAP checks. */
void check_kernel_healthy(void);

#endif
