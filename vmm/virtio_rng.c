// SPDX-License-Identifier: GPL-2.0-only
/* virtio-rng (virtio 1.1 section 5.4): the guest's entropy from getrandom(). */
#include <stdlib.h>
#include <sys/random.h>

#include "virtio.h"

static uint32_t rng_fill(struct virtio_mmio *vdev, struct virtq_chain *c)
{
	uint32_t len = 0;
	ssize_t n;
	int i;

	for (i = 0; i < c->nr_in; i++) {
		n = getrandom(c->in[i].iov_base, c->in[i].iov_len, 0);
		if (n <= 0)
			break;
		len += (uint32_t)n;
	}
	return len;
}

static void rng_notify(struct virtio_mmio *vdev, struct virtq *vq)
{
	virtq_serve(vq, rng_fill);
}

static const struct virtio_dev_ops rng_ops = {
	.device_id = VIRTIO_ID_RNG, .nr_queues = 1, .queue_notify = rng_notify,
};

struct mmio_dev *virtio_rng_create(struct vmm *vmm)
{
	struct virtio_mmio *v = virtio_mmio_create(vmm, "virtio-rng", &rng_ops, NULL);

	return v ? &v->mmio : NULL;
}
