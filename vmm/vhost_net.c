// SPDX-License-Identifier: GPL-2.0-only
/*
 * virtio-net's queues served in the host kernel by vhost-net
 * (/dev/vhost-net, driven by the ioctls of <linux/vhost.h>). A guest's
 * kick reaches vhost through the
 * queue's ioeventfd, vhost moves frames between the rings and the tap
 * itself and interrupts the guest through the device's irqfd: no exit to
 * the VMM and no VMM thread on the data path.
 *
 * The VMM keeps the device's registers and takes the queues back (their
 * ring indexes) when it stops vhost: before a reset, a pause, a save, and
 * for a migration, whose dirty log does not see what vhost writes into
 * guest RAM (it writes through the VMM's mapping, not the guest's).
 * Everything here runs with the device lock held.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>
#include <linux/vhost.h>

#include "virtio.h"

/*
 * The features vhost honours itself: the rings', and mergeable receive
 * buffers (VIRTIO_NET_F_MRG_RXBUF: it fills num_buffers); the offloads
 * are the tap's.
 */
#define VHOST_FEATURES \
	((1ULL << VIRTIO_RING_F_INDIRECT_DESC) | (1ULL << VIRTIO_RING_F_EVENT_IDX) | \
	 (1ULL << VIRTIO_F_VERSION_1) | (1ULL << 15))

int vhost_net_open(void)
{
	int fd = open("/dev/vhost-net", O_RDWR | O_CLOEXEC);

	if (fd < 0)
		return -1;
	/* vhost works in this process's memory, from its own worker */
	if (ioctl(fd, VHOST_SET_OWNER)) {
		int err = errno;

		close(fd);
		errno = err;
		return -1;
	}
	return fd;
}

/* One queue's size, first index, rings (VMM addresses), kick and call. */
static int vring_setup(int fd, struct virtio_mmio *v, struct virtq *vq)
{
	struct vhost_vring_state num = { .index = vq->index, .num = vq->num };
	struct vhost_vring_state base = { .index = vq->index, .num = vq->last_avail };
	struct vhost_vring_file kick = { .index = vq->index, .fd = vq->notify_fd };
	struct vhost_vring_file call = { .index = vq->index, .fd = v->irq_fd };
	struct vhost_vring_addr addr = { .index = vq->index };
	/* virtq_check() made sure, when the queue became ready, that these are in RAM */
	void *desc = gpa_to_hva(v->vmm, vq->desc_gpa, 16ULL * vq->num);
	void *avail = gpa_to_hva(v->vmm, vq->avail_gpa, 6 + 2ULL * vq->num);
	void *used = gpa_to_hva(v->vmm, vq->used_gpa, 6 + 8ULL * vq->num);

	if (!desc || !avail || !used) {
		errno = EFAULT;
		return -1;
	}
	addr.desc_user_addr = (uintptr_t)desc;
	addr.avail_user_addr = (uintptr_t)avail;
	addr.used_user_addr = (uintptr_t)used;
	if (ioctl(fd, VHOST_SET_VRING_NUM, &num) || ioctl(fd, VHOST_SET_VRING_BASE, &base) ||
	    ioctl(fd, VHOST_SET_VRING_ADDR, &addr) || ioctl(fd, VHOST_SET_VRING_KICK, &kick) ||
	    ioctl(fd, VHOST_SET_VRING_CALL, &call))
		return -1;
	return 0;
}

static void backend_set(int fd, int nr_queues, int tap_fd)
{
	struct vhost_vring_file backend = { .fd = tap_fd };

	for (backend.index = 0; backend.index < (unsigned int)nr_queues; backend.index++)
		ioctl(fd, VHOST_NET_SET_BACKEND, &backend);
}

int vhost_net_start(int fd, struct virtio_mmio *v, int tap_fd)
{
	union {
		struct vhost_memory mem;
		uint8_t bytes[sizeof(struct vhost_memory) + sizeof(struct vhost_memory_region)];
	} table;
	uint64_t have, want;
	int i;

	if (ioctl(fd, VHOST_GET_FEATURES, &have))
		return -1;
	/* the tap's 12-byte header is the driver's only with VERSION_1 */
	if (!(v->drv_features & have & (1ULL << VIRTIO_F_VERSION_1))) {
		errno = EOPNOTSUPP;
		return -1;
	}
	want = v->drv_features & have & VHOST_FEATURES;
	memset(&table, 0, sizeof(table));
	table.mem.nregions = 1;
	table.mem.regions[0] = (struct vhost_memory_region) {
		.guest_phys_addr = GUEST_RAM_BASE, .memory_size = v->vmm->ram_size,
		.userspace_addr = (uintptr_t)v->vmm->ram,
	};
	if (ioctl(fd, VHOST_SET_FEATURES, &want) || ioctl(fd, VHOST_SET_MEM_TABLE, &table.mem))
		return -1;
	for (i = 0; i < v->ops->nr_queues; i++)
		if (vring_setup(fd, v, &v->vq[i]))
			return -1;
	for (i = 0; i < v->ops->nr_queues; i++) {
		struct vhost_vring_file backend = { .index = (unsigned int)i, .fd = tap_fd };

		if (ioctl(fd, VHOST_NET_SET_BACKEND, &backend)) {
			int err = errno;

			backend_set(fd, i, -1);
			errno = err;
			return -1;
		}
	}
	return 0;
}

void vhost_net_stop(int fd, struct virtio_mmio *v)
{
	int i;

	/* no backend: vhost's worker is done with the rings when this returns */
	backend_set(fd, v->ops->nr_queues, -1);
	for (i = 0; i < v->ops->nr_queues; i++) {
		struct virtq *vq = &v->vq[i];
		struct vhost_vring_state base = { .index = (unsigned int)i };
		uint8_t *used = gpa_to_hva(v->vmm, vq->used_gpa, 4);

		if (!ioctl(fd, VHOST_GET_VRING_BASE, &base))
			vq->last_avail = (uint16_t)base.num;
		/* vhost keeps the used index in the ring itself (little-endian) */
		if (used)
			vq->next_used = (uint16_t)(used[2] | used[3] << 8);
	}
}
