// SPDX-License-Identifier: GPL-2.0-only
/* virtio-rng: no backend to feed (getrandom). */
#include "fuzz.h"

const struct fuzz_target fuzz_target = {
	.virtio = true, .create = virtio_rng_create,
};
