// SPDX-License-Identifier: GPL-2.0-only
/* virtio-rng (virtio 1.1 section 5.4): the guest's entropy from getrandom(). */
#include <stdlib.h>
#include <sys/random.h>

#include "virtio.h"

#define FILL_MAX	(64 * 1024)	/* of one chain */

/*
 * At most FILL_MAX bytes a chain (the used length says how many): its
 * buffers may add up to gigabytes, and the device serves one chain at a
 * time. A Linux guest asks for far less.
 */
static uint32_t rng_fill(struct virtio_mmio *vdev, struct virtq_chain *c)
{
	size_t len = 0, want;
	ssize_t n;
	int i;

	for (i = 0; i < c->nr_in && len < FILL_MAX; i++) {
		want = c->in[i].iov_len < FILL_MAX - len ? c->in[i].iov_len : FILL_MAX - len;
		n = getrandom(c->in[i].iov_base, want, 0);
		if (n <= 0)
			break;
		len += (size_t)n;
	}
	return (uint32_t)len;
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
