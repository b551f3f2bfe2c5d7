// SPDX-License-Identifier: GPL-2.0-only
/*
 * virtio-console (virtio 1.1 section 5.3), a single port (hvc0 in a Linux
 * guest): queue 0 carries input to the guest, queue 1 its output. Its
 * output always goes to stdout; stdin comes to it when it is the console
 * (--console virtio).
 */
#include <stdlib.h>
#include <string.h>

#include "stream.h"
#include "virtio.h"

#define RXQ		0
#define TXQ		1
#define PENDING_SIZE	256
#define PRINT_MAX	(64 * 1024)	/* of one transmit chain */

struct virtio_con {
	struct console con;
	struct virtio_dev_ops ops;
	struct virtio_mmio *vdev;
	struct { uint16_t cols, rows; uint32_t max_nr_ports; } __attribute__((packed)) config;
	/* input not yet taken by the guest (device lock) */
	uint8_t pending[PENDING_SIZE];
	size_t nr_pending;
};

static struct virtio_con *con_of(struct console *con)
{
	return (struct virtio_con *)((char *)con - offsetof(struct virtio_con, con));
}

/* Hand pending input to the guest's receive buffers. Device lock held. */
static void con_deliver(struct virtio_con *vc)
{
	struct virtq *vq = &vc->vdev->vq[RXQ];
	uint16_t old_used = vq->next_used;
	struct virtq_chain c;
	size_t n;

	while (vc->nr_pending && virtq_pop(vq, &c) > 0) {
		n = buf_to_iov(c.in, c.nr_in, 0, vc->pending, vc->nr_pending);
		memmove(vc->pending, vc->pending + n, vc->nr_pending - n);
		vc->nr_pending -= n;
		virtq_push(vq, &c, (uint32_t)n);
	}
	virtq_notify(vq, old_used);
	if (vc->nr_pending < PENDING_SIZE)
		console_input_ready();
}

/*
 * Output from the guest, to stdout: at most PRINT_MAX bytes of a chain.
 * Its buffers may overlap and add up to more than a 32-bit size_t counts;
 * Linux sends at most 32 KiB at a time.
 */
static uint32_t con_print(struct virtio_mmio *vdev, struct virtq_chain *c)
{
	static bool told;
	size_t left = PRINT_MAX, n;
	int i;

	for (i = 0; i < c->nr_out && left; i++) {
		n = c->out[i].iov_len < left ? c->out[i].iov_len : left;
		console_output(c->out[i].iov_base, n);
		left -= n;
	}
	if (i < c->nr_out && !told) {
		told = true;
		vmm_info("virtio-console: the guest sent more than %u bytes in one chain: the rest is dropped",
			 PRINT_MAX);
	}
	return 0;
}

static void con_notify(struct virtio_mmio *vdev, struct virtq *vq)
{
	if (vq->index == RXQ)
		con_deliver(vdev->dev);
	else
		virtq_serve(vq, con_print);
}

static size_t con_room(struct console *con)
{
	struct virtio_con *vc = con_of(con);
	size_t room;

	pthread_mutex_lock(&vc->vdev->lock);
	room = PENDING_SIZE - vc->nr_pending;
	pthread_mutex_unlock(&vc->vdev->lock);
	return room;
}

static void con_input(struct console *con, const uint8_t *buf, size_t len)
{
	struct virtio_con *vc = con_of(con);

	pthread_mutex_lock(&vc->vdev->lock);
	if (len > PENDING_SIZE - vc->nr_pending)
		len = PENDING_SIZE - vc->nr_pending;
	memcpy(vc->pending + vc->nr_pending, buf, len);
	vc->nr_pending += len;
	if (vc->vdev->vq[RXQ].ready)
		con_deliver(vc);
	pthread_mutex_unlock(&vc->vdev->lock);
}

static void con_reset(struct virtio_mmio *vdev)
{
	struct virtio_con *vc = vdev->dev;

	vc->nr_pending = 0;
}

/* Input the guest has not taken yet. Device lock held. */
static void con_save(struct virtio_mmio *vdev, struct sbuf *b)
{
	struct virtio_con *vc = vdev->dev;

	sbuf_u32(b, (uint32_t)vc->nr_pending);
	sbuf_put(b, vc->pending, vc->nr_pending);
}

static int con_load(struct virtio_mmio *vdev, struct scur *c)
{
	struct virtio_con *vc = vdev->dev;
	uint32_t n = scur_u32(c);
	const uint8_t *p = n <= PENDING_SIZE ? scur_bytes(c, n) : NULL;

	if (!p)
		return -1;
	memcpy(vc->pending, p, n);
	vc->nr_pending = n;
	return 0;
}

struct mmio_dev *virtio_console_create(struct vmm *vmm, struct console **con)
{
	struct virtio_con *vc = calloc(1, sizeof(*vc));

	if (!vc)
		return NULL;
	vc->con.room = con_room;
	vc->con.input = con_input;
	vc->config.cols = 80;
	vc->config.rows = 25;
	vc->config.max_nr_ports = 1;
	vc->ops = (struct virtio_dev_ops) {
		.device_id = VIRTIO_ID_CONSOLE, .nr_queues = 2,
		.config = &vc->config, .config_size = sizeof(vc->config),
		.queue_notify = con_notify, .reset = con_reset, .destroy = free,
		.save = con_save, .load = con_load,
	};
	vc->vdev = virtio_mmio_create(vmm, "virtio-console", &vc->ops, vc);
	if (!vc->vdev) {
		free(vc);
		return NULL;
	}
	*con = &vc->con;
	return &vc->vdev->mmio;
}
