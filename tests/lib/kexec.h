/* SPDX-License-Identifier: GPL-2.0-only */
#ifndef ARMVIRT_TESTS_KEXEC_H
#define ARMVIRT_TESTS_KEXEC_H

#include <stdbool.h>

#define KEXEC_PAYLOAD "/tests/data/kexec-payload.bin"

/*
 * The common part of the kexec and kdump tests: three TAP checks (armvirt
 * loaded, the lowvisor everywhere, the payload loaded with kexec_load at
 * @dest, as a crash kernel if @on_crash). The payload reports check 4.
 */
bool kexec_prepare_payload(unsigned long dest, bool on_crash);

#endif
