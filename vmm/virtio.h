/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * virtio-mmio (version 2, virtio 1.1 section 4.2.2) and split virtqueues
 * (section 2.6), shared by the virtio devices. A device fills in struct
 * virtio_dev_ops; the transport owns the registers, the queues, the
 * interrupt (an irqfd, edge-triggered) and the notifications (one
 * ioeventfd per queue, served on the I/O thread).
 */
#ifndef ARMVIRT_VMM_VIRTIO_H
#define ARMVIRT_VMM_VIRTIO_H

#include "vmm.h"

#define VIRTIO_ID_NET		1
#define VIRTIO_ID_BLOCK		2
#define VIRTIO_ID_CONSOLE	3
#define VIRTIO_ID_RNG		4

#define VIRTIO_RING_F_INDIRECT_DESC	28
#define VIRTIO_RING_F_EVENT_IDX	29
#define VIRTIO_F_VERSION_1	32

#define VIRTQ_MAX_SIZE		256
/* InterruptStatus and InterruptACK: used buffers, a configuration change */
#define VIRTIO_INT_USED		1
#define VIRTIO_INT_CONFIG	2

#define VIRTIO_MAX_QUEUES	VMM_MAX_VCPUS	/* virtio-blk's ,mq: one a vCPU */
#define VIRTQ_MAX_SEGS		(VIRTQ_MAX_SIZE)

struct virtio_mmio;

/*
 * One split virtqueue as the driver set it up. Its size and ring addresses
 * are the guest's word: checked when it becomes ready, and again, against
 * guest RAM, each time the device uses them (virtq.c).
 */
struct virtq {
	uint32_t num;			/* QueueNum */
	bool ready;
	uint64_t desc_gpa, avail_gpa, used_gpa;
	uint16_t last_avail;		/* the next available entry to take */
	uint16_t next_used;		/* the next used entry to fill */
	int notify_fd;			/* the ioeventfd on QueueNotify */
	struct virtio_mmio *vdev;
	int index;
};

/*
 * A descriptor chain taken from a queue: readable then writable buffers,
 * one per descriptor, at most VIRTQ_MAX_SEGS (a chain of the ring has at
 * most num <= VIRTQ_MAX_SIZE descriptors, and an indirect table is held
 * to VIRTQ_MAX_SEGS in all).
 */
struct virtq_chain {
	uint16_t head;
	int nr_out, nr_in;
	struct iovec out[VIRTQ_MAX_SEGS], in[VIRTQ_MAX_SEGS];
	uint64_t in_len;		/* bytes the device may write */
};

struct virtio_dev_ops {
	uint32_t device_id;
	uint64_t features;		/* besides VIRTIO_F_VERSION_1 */
	int nr_queues;
	/* Bytes of config space, and where it is; read under the lock. */
	size_t config_size;
	void *config;
	/* A queue was notified (on the I/O thread, device lock held). */
	void (*queue_notify)(struct virtio_mmio *vdev, struct virtq *vq);
	/* The driver reset the device (device lock held). */
	void (*reset)(struct virtio_mmio *vdev);
	/*
	 * The driver's features are final (it set FEATURES_OK, or a state
	 * was loaded): vdev->drv_features (device lock held; optional).
	 */
	void (*features_set)(struct virtio_mmio *vdev);
	/*
	 * A device that serves requests off the I/O thread (virtio-blk's
	 * workers): return once none is in flight, taking no new one
	 * meanwhile. Called with the device lock held, which it may drop
	 * while it waits: before a reset, a queue's (un)readying, a save, a
	 * load and at exit, and at the end of a drain (optional).
	 */
	void (*quiesce)(struct virtio_mmio *vdev);
	/* Free the device's own state (at exit). */
	void (*destroy)(void *dev);
	/* The device's own state, after the transport's in its section (optional). */
	void (*save)(struct virtio_mmio *vdev, struct sbuf *b);
	int (*load)(struct virtio_mmio *vdev, struct scur *c);
};

struct virtio_mmio {
	struct mmio_dev mmio;
	const struct virtio_dev_ops *ops;
	void *dev;			/* the device's own state */
	struct vmm *vmm;
	unsigned int spi;
	int irq_fd;
	int ack_fd;			/* the ioeventfd of InterruptACK = 1, never read */
	/* protects every field below and the device's own state */
	pthread_mutex_t lock;
	/*
	 * int_status: "used buffers" stays set from the first used-buffer
	 * interrupt (the VMM's or vhost's, which the VMM cannot see) to the
	 * next reset; a driver that finds no used buffer returns, as after
	 * any spurious notification. So acknowledging it alone changes
	 * nothing, and ack_fd takes that write in the hypervisor: an
	 * interrupt costs one exit to the VMM (the InterruptStatus read), not
	 * two. An acknowledgement of a configuration change still comes here.
	 */
	uint32_t status, int_status, queue_sel, config_gen;
	uint32_t dev_features_sel, drv_features_sel;
	uint64_t drv_features;
	struct virtq vq[VIRTIO_MAX_QUEUES];
};

/* Register a virtio device on the next virtio-mmio slot. */
struct virtio_mmio *virtio_mmio_create(struct vmm *vmm, const char *name,
				       const struct virtio_dev_ops *ops, void *dev);

/*
 * Whether @vq's size is a power of two up to VIRTQ_MAX_SIZE and its rings
 * are aligned and in guest RAM: 0, or -1.
 */
int virtq_check(const struct virtq *vq);
/*
 * Take the next available chain: 1 and *c filled, 0 if none, -1 if the
 * driver broke the queue (the device is then marked as needing a reset).
 */
int virtq_pop(struct virtq *vq, struct virtq_chain *c);
/*
 * Return a chain with @len bytes written into its writable buffers (marked
 * dirty for a migration: call it after writing them).
 */
void virtq_push(struct virtq *vq, const struct virtq_chain *c, uint32_t len);
/*
 * After returning the chains used since the used index was @old_used (read
 * from vq->next_used before the first virtq_push): interrupt the driver,
 * unless it negotiated VIRTIO_RING_F_EVENT_IDX and its used_event says it
 * does not want to hear of them yet, or did not and set
 * VIRTQ_AVAIL_F_NO_INTERRUPT (virtio 1.1 section 2.6.7.2).
 * Device lock held.
 */
void virtq_notify(struct virtq *vq, uint16_t old_used);
/*
 * Serve the available chains of @vq, at most a ring's worth (then the
 * queue is kicked again: other queues' turn): @serve handles one and
 * returns the bytes it wrote into it; then virtq_notify(). Device lock held.
 */
void virtq_serve(struct virtq *vq,
		 uint32_t (*serve)(struct virtio_mmio *vdev, struct virtq_chain *c));
/*
 * As if the driver notified @vq: its ioeventfd is signalled, and whoever
 * serves it (the I/O thread, or vhost-net) looks at it. Any thread.
 */
void virtq_kick_again(struct virtq *vq);
/* Wait until no request of the device is in flight (ops->quiesce), if it can have any. */
void virtio_mmio_quiesce(struct virtio_mmio *vdev);
/* Interrupt the driver: used buffers are there. Device lock held. */
void virtio_notify_used(struct virtio_mmio *vdev);
/*
 * The driver broke the rules (@why, for the log): the device stops its
 * queues and sets DEVICE_NEEDS_RESET until the driver resets it. Device
 * lock held.
 */
void virtio_mmio_broken(struct virtio_mmio *vdev, const char *why, ...)
	__attribute__((format(printf, 2, 3)));
/*
 * vhost-net (vhost_net.c). vhost_net_open: /dev/vhost-net, owned by this
 * process: its fd, or -1 (errno). vhost_net_start: serve @v's queues in the
 * kernel from their ioeventfds to its irqfd, on @tap_fd: 0, or -1 (errno),
 * nothing started. vhost_net_stop: take them back, with their indexes.
 * Device lock held.
 */
int vhost_net_open(void);
int vhost_net_start(int fd, struct virtio_mmio *v, int tap_fd);
void vhost_net_stop(int fd, struct virtio_mmio *v);

/* Copy into / out of a chain's iovecs; return bytes copied. */
size_t iov_to_buf(const struct iovec *iov, int n, size_t skip, void *buf, size_t len);
size_t buf_to_iov(const struct iovec *iov, int n, size_t skip, const void *buf, size_t len);

#endif
