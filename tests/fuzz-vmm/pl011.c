// SPDX-License-Identifier: GPL-2.0-only
/* The PL011: its registers, and input from the fuzzer as from stdin. */
#include "fuzz.h"

static struct mmio_dev *uart_create(struct vmm *vmm)
{
	return pl011_create(vmm, &fuzz_console);
}

const struct fuzz_target fuzz_target = { .create = uart_create };
