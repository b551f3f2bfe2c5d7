// SPDX-License-Identifier: GPL-2.0-only
/* virtio-blk on a 64 KiB image in a temporary file, emptied before each input. */
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "fuzz.h"

#define IMAGE_SIZE	0x10000

static char path[] = "/tmp/fuzz-vmm-blk-XXXXXX";
static int image_fd = -1;

static struct mmio_dev *blk_create(struct vmm *vmm)
{
	struct mmio_dev *d;

	image_fd = mkstemp(path);
	if (image_fd < 0 || ftruncate(image_fd, IMAGE_SIZE))
		return NULL;
	d = virtio_blk_create(vmm, path, false);
	unlink(path);
	return d;
}

static void blk_reset(void)
{
	if (ftruncate(image_fd, 0) || ftruncate(image_fd, IMAGE_SIZE))
		abort();
}

const struct fuzz_target fuzz_target = {
	.virtio = true, .create = blk_create, .reset = blk_reset,
};
