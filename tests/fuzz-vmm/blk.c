// SPDX-License-Identifier: GPL-2.0-only
/*
 * virtio-blk on a 64 KiB image in a temporary file, emptied before each
 * input; opened ,direct too where the file system has O_DIRECT, so that
 * the requests split between the direct and the buffered descriptors, and
 * ,mq for two vCPUs: two request queues, as the harness drives two.
 */
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "fuzz.h"

#define IMAGE_SIZE	0x10000

static char path[] = "/tmp/fuzz-vmm-blk-XXXXXX";
static int image_fd = -1;

static struct mmio_dev *blk_create(struct vmm *vmm)
{
	struct vmm_disk_config dc = { .path = path, .direct = true, .mq = true };
	struct mmio_dev *d;

	vmm->cfg.nr_vcpus = 2;
	image_fd = mkstemp(path);
	if (image_fd < 0 || ftruncate(image_fd, IMAGE_SIZE))
		return NULL;
	d = virtio_blk_create(vmm, &dc);
	if (!d) {
		dc.direct = false;
		d = virtio_blk_create(vmm, &dc);
	}
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
