// SPDX-License-Identifier: GPL-2.0-only
/* virtio-console: its output discarded, its input from the fuzzer. */
#include "fuzz.h"

static struct mmio_dev *console_create(struct vmm *vmm)
{
	return virtio_console_create(vmm, &fuzz_console);
}

const struct fuzz_target fuzz_target = { .virtio = true, .create = console_create };
