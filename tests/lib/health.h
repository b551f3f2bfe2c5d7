/* SPDX-License-Identifier: GPL-2.0-only */
#ifndef ARMVIRT_TESTS_HEALTH_H
#define ARMVIRT_TESTS_HEALTH_H

#include "known_report.h"

/* Checks that the kernel took no oops, BUG or WARN. Three TAP checks. */
void check_kernel_healthy(void);

#endif
