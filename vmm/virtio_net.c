// SPDX-License-Identifier: GPL-2.0-only
/*
 * virtio-net (virtio 1.1 section 5.1) on a host tap device. No offloads:
 * every packet carries the 12-byte virtio_net_hdr (all zero, one buffer).
 * Queue 0 receives, queue 1 transmits. When the guest has no receive
 * buffer, the tap is left unread until it posts some.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "virtio.h"

#define VIRTIO_NET_F_MAC	5
#define VIRTIO_NET_F_STATUS	16
#define VIRTIO_NET_S_LINK_UP	1

#define NET_HDR_LEN		12	/* struct virtio_net_hdr with num_buffers */
#define RXQ			0
#define TXQ			1
#define MAX_FRAME		(65536 + NET_HDR_LEN)

struct virtio_net_config {
	uint8_t mac[6];
	uint16_t status;
} __attribute__((packed));

struct virtio_net {
	int tap_fd;
	bool tap_paused;
	struct virtio_net_config config;
	struct virtio_dev_ops ops;
	struct virtio_mmio *vdev;
	uint8_t frame[MAX_FRAME];	/* one transmitted frame, gathered */
};

/* Move packets from the tap into receive buffers. Device lock held. */
static void net_receive(struct virtio_net *n, struct virtio_mmio *vdev)
{
	struct virtq *vq = &vdev->vq[RXQ];
	uint8_t hdr[NET_HDR_LEN] = { 0 };
	struct virtq_chain c;
	struct iovec iov[VIRTQ_MAX_SEGS + 1];
	uint16_t old_used = vq->next_used;
	ssize_t len;
	int r, i, k;

	hdr[10] = 1;			/* num_buffers */
	for (;;) {
		r = virtq_pop(vq, &c);
		if (r <= 0) {
			/* no buffer: leave packets in the tap until the guest posts one */
			if (r == 0 && !n->tap_paused) {
				n->tap_paused = true;
				io_watch_pause(n->tap_fd, true);
			}
			break;
		}
		if (c.in_len < NET_HDR_LEN || c.in[0].iov_len < NET_HDR_LEN) {
			virtq_push(vq, &c, 0);
			continue;
		}
		/* the frame goes after the header, in the same buffers */
		k = 0;
		if (c.in[0].iov_len > NET_HDR_LEN) {
			iov[k].iov_base = (uint8_t *)c.in[0].iov_base + NET_HDR_LEN;
			iov[k++].iov_len = c.in[0].iov_len - NET_HDR_LEN;
		}
		for (i = 1; i < c.nr_in; i++)
			iov[k++] = c.in[i];
		len = readv(n->tap_fd, iov, k);
		if (len < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
			/* nothing to read after all: give the chain back unused */
			vq->last_avail--;
			break;
		}
		if (len < 0) {
			/* buffers the tap refuses (one over SSIZE_MAX: EFAULT): returned empty */
			virtq_push(vq, &c, 0);
			continue;
		}
		memcpy(c.in[0].iov_base, hdr, NET_HDR_LEN);
		virtq_push(vq, &c, (uint32_t)len + NET_HDR_LEN);
	}
	virtq_notify(vq, old_used);
}

/* One transmitted frame, after its header, to the tap. */
static uint32_t net_send(struct virtio_mmio *vdev, struct virtq_chain *c)
{
	struct virtio_net *n = vdev->dev;
	size_t len = iov_to_buf(c->out, c->nr_out, NET_HDR_LEN, n->frame, sizeof(n->frame));

	if (len && write(n->tap_fd, n->frame, len) < 0 && errno != EAGAIN)
		vmm_err("virtio-net: writing to the tap: %s", strerror(errno));
	return 0;
}

static void net_notify(struct virtio_mmio *vdev, struct virtq *vq)
{
	struct virtio_net *n = vdev->dev;

	if (vq->index == TXQ) {
		virtq_serve(vq, net_send);
	} else if (n->tap_paused) {
		/* new receive buffers: read the tap again */
		n->tap_paused = false;
		io_watch_pause(n->tap_fd, false);
	}
}

/* The tap has a packet (I/O thread). */
static void tap_readable(int fd, void *opaque)
{
	struct virtio_net *n = opaque;
	struct virtio_mmio *vdev = n->vdev;
	char drop[2048];

	pthread_mutex_lock(&vdev->lock);
	if (vdev->vq[RXQ].ready) {
		net_receive(n, vdev);
	} else if (read(fd, drop, sizeof(drop)) < 0) {
		/* no driver yet: the packet is dropped, as by an unplugged NIC */
	}
	pthread_mutex_unlock(&vdev->lock);
}

static void net_reset(struct virtio_mmio *vdev)
{
	struct virtio_net *n = vdev->dev;

	if (n->tap_paused) {
		n->tap_paused = false;
		io_watch_pause(n->tap_fd, false);
	}
}

static void net_destroy(void *dev)
{
	struct virtio_net *n = dev;

	close(n->tap_fd);
	free(n);
}

/* "a.b.c.d/len" on the host side of the tap, and the link up. */
static int parse_mac(const char *s, uint8_t mac[6])
{
	unsigned int b[6];
	int i;

	if (sscanf(s, "%x:%x:%x:%x:%x:%x", &b[0], &b[1], &b[2], &b[3], &b[4], &b[5]) != 6)
		return -1;
	for (i = 0; i < 6; i++) {
		if (b[i] > 0xff)
			return -1;
		mac[i] = (uint8_t)b[i];
	}
	return 0;
}

/*
 * A locally administered unicast address (52:54:00, as QEMU's) whose last
 * three bytes hash the VM's name and the NIC's number (FNV-1a): the same
 * for the same VM from boot to boot and host to host.
 */
static void mac_from_name(const char *name, int index, uint8_t mac[6])
{
	uint32_t h = 2166136261u;
	const char *p;

	for (p = name; *p; p++)
		h = (h ^ (uint8_t)*p) * 16777619u;
	h = (h ^ (uint32_t)index) * 16777619u;
	mac[0] = 0x52;
	mac[1] = 0x54;
	mac[2] = 0x00;
	mac[3] = (uint8_t)(h >> 16);
	mac[4] = (uint8_t)(h >> 8);
	mac[5] = (uint8_t)h;
}

struct mmio_dev *virtio_net_create_fd(struct vmm *vmm, int fd, const char *mac, int index)
{
	struct virtio_net *n = calloc(1, sizeof(*n));

	if (!n) {
		close(fd);
		return NULL;
	}
	n->tap_fd = fd;
	mac_from_name(vmm->cfg.name ? vmm->cfg.name : "", index, n->config.mac);
	if (mac && parse_mac(mac, n->config.mac)) {
		vmm_err("network: bad MAC address %s", mac);
		goto fail;
	}
	n->config.status = VIRTIO_NET_S_LINK_UP;
	n->ops = (struct virtio_dev_ops) {
		.device_id = VIRTIO_ID_NET,
		.features = (1ULL << VIRTIO_NET_F_MAC) | (1ULL << VIRTIO_NET_F_STATUS),
		.nr_queues = 2, .config = &n->config, .config_size = sizeof(n->config),
		.queue_notify = net_notify, .reset = net_reset, .destroy = net_destroy,
	};
	n->vdev = virtio_mmio_create(vmm, "virtio-net", &n->ops, n);
	if (!n->vdev)
		goto fail;
	if (io_watch(n->tap_fd, tap_readable, n))
		return NULL;	/* the device is on the bus: freed with it */
	return &n->vdev->mmio;
fail:
	close(fd);
	free(n);
	return NULL;
}

struct mmio_dev *virtio_net_create(struct vmm *vmm, int index)
{
	const struct vmm_nic_config *nic = &vmm->cfg.nics[index];
	int fd = tap_open(nic->tap, nic->host_ip, nic->bridge);

	return fd < 0 ? NULL : virtio_net_create_fd(vmm, fd, nic->mac, index);
}
