/* SPDX-License-Identifier: GPL-2.0-only */
#ifndef ARMVIRT_TESTS_KEXEC_H
#define ARMVIRT_TESTS_KEXEC_H

#include <stdbool.h>

#define KEXEC_PAYLOAD "/tests/data/kexec-payload.bin"

/*
 * The common part of the kexec tests, once armvirt is loaded (check 1): two
 * TAP checks (the lowvisor everywhere, the payload loaded with kexec_load at
 * @dest, as a crash kernel if @on_crash). The payload reports check 4.
 */
bool kexec_prepare_payload(unsigned long dest, bool on_crash);

/* Start of the "Crash kernel" region (crashkernel=), or 0. */
unsigned long kexec_crash_region(void);

#endif
