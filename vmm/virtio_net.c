// SPDX-License-Identifier: GPL-2.0-only
/*
 * virtio-net (virtio 1.1 section 5.1) on a host tap device. The tap and
 * the guest speak the same 12-byte virtio_net_hdr before each frame
 * (tap.c), so frames go between the guest's buffers and the tap with no
 * copy, header included, and the offloads pass through: the guest sends
 * frames with a checksum left to complete and TCP segments of up to 64
 * KiB (CSUM, HOST_TSO4/6: the host's stack, which checks the header,
 * finishes them), and takes the same (GUEST_CSUM, GUEST_TSO4/6: the tap
 * is told what the driver accepted). With mergeable receive buffers
 * (MRG_RXBUF) a frame spreads over as many of the driver's buffers as it
 * needs (num_buffers in its header says how many); without, a driver that
 * takes 64 KiB segments posts buffers that hold one.
 * Queue 0 receives, queue 1 transmits. When the guest has no receive
 * buffer, the tap is left unread until it posts some.
 *
 * With vhost-net (vhost_net.c, default where /dev/vhost-net is there) the
 * host kernel serves both queues from the first kick after they are
 * ready, and the VMM stays off the data path: its I/O thread stops
 * watching the kicks and the tap. It takes the queues back on every
 * quiesce (reset, a queue's (un)readying, pause, save) and serves them
 * itself while the migration's dirty log is on; vhost takes them again
 * at the next kick after that.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "virtio.h"

#define VIRTIO_NET_F_CSUM	0
#define VIRTIO_NET_F_GUEST_CSUM	1
#define VIRTIO_NET_F_MAC	5
#define VIRTIO_NET_F_GUEST_TSO4	7
#define VIRTIO_NET_F_GUEST_TSO6	8
#define VIRTIO_NET_F_HOST_TSO4	11
#define VIRTIO_NET_F_HOST_TSO6	12
#define VIRTIO_NET_F_MRG_RXBUF	15
#define VIRTIO_NET_F_STATUS	16
#define VIRTIO_NET_S_LINK_UP	1

#define NET_HDR_LEN		TAP_VNET_HDR_LEN
#define NET_HDR_FLAGS		0	/* its flags byte */
#define NET_HDR_NUM_BUFFERS	10	/* its num_buffers, little-endian */
#define RXQ			0
#define TXQ			1
/* The longest frame after the header: with GSO a 64 KiB IP packet, else 1500 bytes; an Ethernet header and a VLAN tag. */
#define NET_GSO_FRAME_MAX	(65536 + 18)
#define NET_FRAME_MAX		(1500 + 18)

#define NET_FEATURES \
	((1ULL << VIRTIO_NET_F_MAC) | (1ULL << VIRTIO_NET_F_STATUS) | \
	 (1ULL << VIRTIO_NET_F_CSUM) | (1ULL << VIRTIO_NET_F_HOST_TSO4) | \
	 (1ULL << VIRTIO_NET_F_HOST_TSO6) | (1ULL << VIRTIO_NET_F_GUEST_CSUM) | \
	 (1ULL << VIRTIO_NET_F_GUEST_TSO4) | (1ULL << VIRTIO_NET_F_GUEST_TSO6) | \
	 (1ULL << VIRTIO_NET_F_MRG_RXBUF))

struct virtio_net_config {
	uint8_t mac[6];
	uint16_t status;
} __attribute__((packed));

/*
 * The receive chains taken for one frame: one, or with mergeable buffers
 * as many as the longest frame needs; their writable buffers in one
 * iovec array, and a byte past them (tap_read_frame).
 */
struct rx_bufs {
	int nr_chains, nr_iov;
	uint64_t cap;			/* bytes the chains hold */
	struct {
		uint16_t head;
		int first, nr;		/* its buffers in iov[] */
		uint64_t len;
	} chain[VIRTQ_MAX_SIZE];
	struct iovec iov[VIRTQ_MAX_SEGS + 1];
};

struct virtio_net {
	int tap_fd;
	char tap_what[32];		/* its name in the log */
	int vhost_fd;		/* /dev/vhost-net, or -1: the VMM serves the queues */
	bool vhost_running;
	bool tap_paused;
	bool tx_error_told, offload_error_told;	/* one message each, not one per frame */
	bool rx_truncated_told;
	uint8_t rx_overflow;	/* read past a chain's buffers: the frame did not fit */
	struct rx_bufs rx;	/* net_receive's, device lock held */
	struct virtio_net_config config;
	struct virtio_dev_ops ops;
	struct virtio_mmio *vdev;
};

/*
 * What rx_gather() must take for one frame: with mergeable buffers, room
 * for the longest frame the driver accepts (a tap read cannot be told how
 * long the next frame is); without, one chain, whatever it holds.
 */
static uint64_t rx_need(const struct virtio_mmio *vdev)
{
	uint64_t f = vdev->drv_features;

	if (!(f & (1ULL << VIRTIO_NET_F_MRG_RXBUF)))
		return 0;
	return NET_HDR_LEN + (f & ((1ULL << VIRTIO_NET_F_GUEST_TSO4) |
				   (1ULL << VIRTIO_NET_F_GUEST_TSO6)) ? NET_GSO_FRAME_MAX : NET_FRAME_MAX);
}

/*
 * Take receive chains into n->rx until they hold @need bytes, at least
 * one: 1 if they do (or a chain that does not fit the array ends them
 * early: it is given back), 0 if the queue ran out first (every chain is
 * given back), -1 if the driver broke it. A chain a driver cannot have
 * meant (no writable buffer, or a first one shorter than the header)
 * goes back used and empty when it comes first, else ends the taking.
 * Device lock held.
 */
static int rx_gather(struct virtio_net *n, struct virtq *vq, uint64_t need)
{
	struct rx_bufs *b = &n->rx;
	struct virtq_chain c;
	int r;

	b->nr_chains = b->nr_iov = 0;
	b->cap = 0;
	for (;;) {
		r = virtq_pop(vq, &c);
		if (r <= 0) {
			if (r == 0)
				vq->last_avail -= (uint16_t)b->nr_chains;
			return r;
		}
		if (!c.nr_in || c.in_len < NET_HDR_LEN || c.in[0].iov_len < NET_HDR_LEN ||
		    b->nr_iov + c.nr_in > VIRTQ_MAX_SEGS) {
			if (b->nr_chains) {
				vq->last_avail--;
				return 1;
			}
			virtq_push(vq, &c, 0);
			continue;
		}
		b->chain[b->nr_chains].head = c.head;
		b->chain[b->nr_chains].first = b->nr_iov;
		b->chain[b->nr_chains].nr = c.nr_in;
		b->chain[b->nr_chains].len = c.in_len;
		memcpy(b->iov + b->nr_iov, c.in, c.nr_in * sizeof(c.in[0]));
		b->nr_iov += c.nr_in;
		b->cap += c.in_len;
		if (++b->nr_chains == VIRTQ_MAX_SIZE || b->cap >= need)
			return 1;
	}
}

/*
 * The tap's header, then its frame, straight into the chains' buffers, and
 * one byte more: a read returns at most what its buffers hold, the rest of
 * a longer frame is lost, so a read that reaches the extra byte tells the
 * frame did not fit. Device lock held.
 */
static ssize_t tap_read_frame(struct virtio_net *n)
{
	struct rx_bufs *b = &n->rx;

	b->iov[b->nr_iov].iov_base = &n->rx_overflow;
	b->iov[b->nr_iov].iov_len = 1;
	return readv(n->tap_fd, b->iov, b->nr_iov + 1);
}

/* How many of n->rx's chains @len bytes fill (the last one in part): at least one. */
static int rx_chains_for(const struct virtio_net *n, uint64_t len)
{
	int i = 0;

	do
		len -= len < n->rx.chain[i].len ? len : n->rx.chain[i].len;
	while (len && ++i < n->rx.nr_chains);
	return i < n->rx.nr_chains ? i + 1 : i;
}

/*
 * Return the first of n->rx's chains that @len bytes filled, the last one
 * with the rest, and give back the others; @len 0 returns the first one
 * empty.
 */
static void rx_push(struct virtio_net *n, struct virtq *vq, uint64_t len)
{
	struct rx_bufs *b = &n->rx;
	struct virtq_chain c;
	int i = 0;

	do {
		uint64_t part = len < b->chain[i].len ? len : b->chain[i].len;

		c.head = b->chain[i].head;
		c.nr_out = 0;
		c.nr_in = b->chain[i].nr;
		memcpy(c.in, b->iov + b->chain[i].first, c.nr_in * sizeof(c.in[0]));
		c.in_len = b->chain[i].len;
		virtq_push(vq, &c, (uint32_t)part);
		len -= part;
		i++;
	} while (len && i < b->nr_chains);
	vq->last_avail -= (uint16_t)(b->nr_chains - i);
}

/* Move packets from the tap into receive buffers. Device lock held. */
static void net_receive(struct virtio_net *n, struct virtio_mmio *vdev)
{
	struct virtq *vq = &vdev->vq[RXQ];
	uint16_t old_used = vq->next_used;
	uint64_t need = rx_need(vdev);
	uint8_t *hdr;
	ssize_t len;
	int r, used;

	for (;;) {
		r = rx_gather(n, vq, need);
		if (r <= 0) {
			/* no room: leave packets in the tap until the guest posts more */
			if (r == 0 && !n->tap_paused) {
				n->tap_paused = true;
				io_watch_pause(n->tap_fd, true);
			}
			break;
		}
		len = tap_read_frame(n);
		if (len < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
			/* nothing to read after all: give the chains back unused */
			vq->last_avail -= (uint16_t)n->rx.nr_chains;
			break;
		}
		/*
		 * Buffers the tap refuses (one over SSIZE_MAX: EFAULT), or a
		 * frame longer than the buffers (a tap or bridge with a larger
		 * MTU than the guest's, a driver that took GUEST_TSO and posted
		 * small buffers): returned empty, which a driver drops as a
		 * length error, rather than as a cut frame.
		 */
		if (len < NET_HDR_LEN || (uint64_t)len > n->rx.cap) {
			if (len >= NET_HDR_LEN && !n->rx_truncated_told) {	/* did not fit */
				n->rx_truncated_told = true;
				vmm_err("virtio-net: a frame longer than the guest's receive buffers (%llu bytes) dropped (so are the next, silently)",
					(unsigned long long)n->rx.cap);
			}
			rx_push(n, vq, 0);
			continue;
		}
		/* the header before the used ring entries that publish it */
		hdr = n->rx.iov[0].iov_base;
		used = rx_chains_for(n, (uint64_t)len);
		/* the tap leaves num_buffers as it was: the buffers used, one without MRG_RXBUF */
		hdr[NET_HDR_NUM_BUFFERS] = (uint8_t)used;
		hdr[NET_HDR_NUM_BUFFERS + 1] = (uint8_t)(used >> 8);
		/* DATA_VALID and the like only for a driver that asked (5.1.6.3.1) */
		if (!(vdev->drv_features & (1ULL << VIRTIO_NET_F_GUEST_CSUM)))
			hdr[NET_HDR_FLAGS] = 0;
		rx_push(n, vq, (uint64_t)len);
	}
	virtq_notify(vq, old_used);
}

/*
 * One transmitted frame, its header first, to the tap: the host's stack
 * checks the header (a bad one is refused, EINVAL) and finishes what it
 * asks (a checksum, segmentation).
 */
static uint32_t net_send(struct virtio_mmio *vdev, struct virtq_chain *c)
{
	struct virtio_net *n = vdev->dev;

	if (c->nr_out && writev(n->tap_fd, c->out, c->nr_out) < 0 && errno != EAGAIN &&
	    !n->tx_error_told) {
		n->tx_error_told = true;
		vmm_err("virtio-net: writing to the tap: %s (frames refused so are dropped)",
			strerror(errno));
	}
	return 0;
}

/* The I/O thread's watches on the kicks and the tap: off while vhost serves them. */
static void net_watch(struct virtio_net *n, bool on)
{
	int i;

	for (i = 0; i < n->vdev->ops->nr_queues; i++)
		io_watch_pause(n->vdev->vq[i].notify_fd, !on);
	n->tap_paused = !on;
	io_watch_pause(n->tap_fd, !on);
}

/*
 * Hand both queues to vhost, if they are ready and no dirty log is on:
 * true if it serves them now. A failure is told once, and the VMM serves
 * them from then on.
 */
static bool vhost_take_queues(struct virtio_net *n)
{
	struct virtio_mmio *vdev = n->vdev;
	int i;

	if (n->vhost_fd < 0 || !vdev->vq[RXQ].ready || !vdev->vq[TXQ].ready ||
	    __atomic_load_n(&vdev->vmm->dirty_logging, __ATOMIC_ACQUIRE))
		return false;
	if (vhost_net_start(n->vhost_fd, vdev, n->tap_fd)) {
		vmm_err("virtio-net: vhost-net cannot serve the queues (%s): the VMM serves them",
			strerror(errno));
		close(n->vhost_fd);
		n->vhost_fd = -1;
		return false;
	}
	n->vhost_running = true;
	vdev->int_status |= VIRTIO_INT_USED;	/* vhost interrupts unseen */
	net_watch(n, false);
	/* kicks the I/O thread read before its watch went off: vhost's to see */
	for (i = 0; i < vdev->ops->nr_queues; i++)
		virtq_kick_again(&vdev->vq[i]);
	return true;
}

/* Take the queues back from vhost, their indexes with them. */
static void net_quiesce(struct virtio_mmio *vdev)
{
	struct virtio_net *n = vdev->dev;

	if (!n->vhost_running)
		return;
	vhost_net_stop(n->vhost_fd, vdev);
	n->vhost_running = false;
	net_watch(n, true);
}

static void net_notify(struct virtio_mmio *vdev, struct virtq *vq)
{
	struct virtio_net *n = vdev->dev;

	if (n->vhost_running) {
		if (__atomic_load_n(&vdev->vmm->dirty_logging, __ATOMIC_ACQUIRE)) {
			net_quiesce(vdev);	/* a migration began: the VMM's turn */
		} else {
			virtq_kick_again(vq);	/* read just before the watch went off */
			return;
		}
	} else if (vhost_take_queues(n)) {
		return;
	}
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
	char drop[2048];	/* a frame cut short: dropped all the same */

	pthread_mutex_lock(&vdev->lock);
	if (n->vhost_running) {
		/* vhost reads the tap: a wake-up from before its watch went off */
	} else if (vdev->vq[RXQ].ready) {
		net_receive(n, vdev);
	} else if (read(fd, drop, sizeof(drop)) < 0) {
		/* no driver yet: the packet is dropped, as by an unplugged NIC */
	}
	pthread_mutex_unlock(&vdev->lock);
}

/* What the driver accepted, the tap hands it (it takes what it offered). */
static void net_features_set(struct virtio_mmio *vdev)
{
	struct virtio_net *n = vdev->dev;
	uint64_t f = vdev->drv_features;

	if (tap_set_offload(n->tap_fd, f & (1ULL << VIRTIO_NET_F_GUEST_CSUM),
			    f & (1ULL << VIRTIO_NET_F_GUEST_TSO4),
			    f & (1ULL << VIRTIO_NET_F_GUEST_TSO6)) && !n->offload_error_told) {
		/* the tap then completes checksums and segments itself: slower, as correct */
		n->offload_error_told = true;
		vmm_err("virtio-net: the tap's offloads: %s", strerror(errno));
	}
}

static void net_reset(struct virtio_mmio *vdev)
{
	struct virtio_net *n = vdev->dev;

	net_features_set(vdev);		/* none, after a reset */
	if (n->tap_paused) {
		n->tap_paused = false;
		io_watch_pause(n->tap_fd, false);
	}
}

static void net_destroy(void *dev)
{
	struct virtio_net *n = dev;

	/* the transport quiesced the device: vhost no longer uses the tap */
	if (n->vhost_fd >= 0)
		close(n->vhost_fd);
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

struct mmio_dev *virtio_net_create_fd(struct vmm *vmm, int fd, int vhost_fd, const char *mac,
				     int index)
{
	struct virtio_net *n = calloc(1, sizeof(*n));

	if (!n) {
		close(fd);
		if (vhost_fd >= 0)
			close(vhost_fd);
		return NULL;
	}
	n->tap_fd = fd;
	n->vhost_fd = vhost_fd;
	mac_from_name(vmm->cfg.name ? vmm->cfg.name : "", index, n->config.mac);
	if (mac && parse_mac(mac, n->config.mac)) {
		vmm_err("network: bad MAC address %s", mac);
		goto fail;
	}
	n->config.status = VIRTIO_NET_S_LINK_UP;
	n->ops = (struct virtio_dev_ops) {
		.device_id = VIRTIO_ID_NET,
		.features = NET_FEATURES,
		.nr_queues = 2, .config = &n->config, .config_size = sizeof(n->config),
		.queue_notify = net_notify, .reset = net_reset, .quiesce = net_quiesce,
		.features_set = net_features_set, .destroy = net_destroy,
	};
	n->vdev = virtio_mmio_create(vmm, "virtio-net", &n->ops, n);
	if (!n->vdev)
		goto fail;
	snprintf(n->tap_what, sizeof(n->tap_what), "network: NIC %d's tap", index);
	if (io_watch(n->tap_fd, n->tap_what, tap_readable, n))
		return NULL;	/* the device is on the bus: freed with it */
	return &n->vdev->mmio;
fail:
	close(fd);
	if (vhost_fd >= 0)
		close(vhost_fd);
	free(n);
	return NULL;
}

struct mmio_dev *virtio_net_create(struct vmm *vmm, int index)
{
	const struct vmm_nic_config *nic = &vmm->cfg.nics[index];
	int fd = tap_open(nic->tap, nic->host_ip, nic->bridge);
	int vhost_fd = -1;

	if (fd < 0)
		return NULL;
	if (nic->vhost) {
		vhost_fd = vhost_net_open();
		if (vhost_fd >= 0)
			vmm_info("virtio-net: vhost-net serves the queues");
		else if (nic->vhost > 0)	/* asked for: an error */
			vmm_err("virtio-net: no vhost-net (/dev/vhost-net: %s): the VMM serves the queues",
				strerror(errno));
		else
			vmm_info("virtio-net: no vhost-net (/dev/vhost-net: %s): the VMM serves the queues",
				 strerror(errno));
	}
	return virtio_net_create_fd(vmm, fd, vhost_fd, nic->mac, index);
}
