/* SPDX-License-Identifier: GPL-2.0-only */
#ifndef ARMVIRT_TESTS_LOWVISOR_CHECK_H
#define ARMVIRT_TESTS_LOWVISOR_CHECK_H

#include <stdbool.h>
#include <stddef.h>

/*
 * True if every online CPU answers from a lowvisor that runs in HYP mode with
 * its MMU and caches on, at its own vectors; if not, why in @why.
 */
bool lowvisor_everywhere(char *why, size_t size);

#endif
