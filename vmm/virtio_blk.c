// SPDX-License-Identifier: GPL-2.0-only
/*
 * virtio-blk (virtio 1.1 section 5.2) on a raw image file. Requests are
 * served synchronously on the I/O thread; a flush request is an
 * fdatasync() of the image, so what the guest flushed is on the host's
 * disk when the guest hears it is. Every write is marked in the disk's
 * dirty map (struct vmm_disk) for a migration that streams the image.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "virtio.h"

#define VIRTIO_BLK_F_RO		5
#define VIRTIO_BLK_F_FLUSH	9

#define VIRTIO_BLK_T_IN		0
#define VIRTIO_BLK_T_OUT	1
#define VIRTIO_BLK_T_FLUSH	4
#define VIRTIO_BLK_T_GET_ID	8

#define VIRTIO_BLK_S_OK		0
#define VIRTIO_BLK_S_IOERR	1
#define VIRTIO_BLK_S_UNSUPP	2

#define SECTOR_SIZE		512
#define BLK_ID_BYTES		20

struct virtio_blk_config {
	uint64_t capacity;		/* in 512-byte sectors */
} __attribute__((packed));

struct virtio_blk_req_hdr {
	uint32_t type;
	uint32_t reserved;
	uint64_t sector;
};

struct virtio_blk {
	int fd;
	bool ro;
	const char *path;
	struct vmm_disk *disk;		/* its entry in vmm->disks */
	struct virtio_blk_config config;
	struct virtio_dev_ops ops;
};

/* Read or write the chain's data buffers from @sector: a status byte. */
static uint8_t blk_rw(struct virtio_blk *b, struct virtq_chain *c, uint64_t sector,
		      bool write, uint32_t *written)
{
	const struct iovec *iov = write ? c->out : c->in;
	int i, n = write ? c->nr_out : c->nr_in - 1;	/* in: minus the status byte */
	uint64_t disk_bytes = b->config.capacity * SECTOR_SIZE, offset;
	ssize_t done;

	/* a sector past the end, not one whose offset wraps around to the start */
	if (sector > b->config.capacity)
		return VIRTIO_BLK_S_IOERR;
	offset = sector * SECTOR_SIZE;
	for (i = write ? 1 : 0; i < n; i++) {	/* out: after the header */
		size_t len = iov[i].iov_len;

		if (len > disk_bytes - offset)
			return VIRTIO_BLK_S_IOERR;
		done = write ? pwrite(b->fd, iov[i].iov_base, len, (off_t)offset)
			     : pread(b->fd, iov[i].iov_base, len, (off_t)offset);
		/* marked after the write, failed or not: a part may have landed */
		if (write)
			disk_dirty_mark(b->disk, offset, len);
		if (done != (ssize_t)len)
			return VIRTIO_BLK_S_IOERR;
		offset += len;
		if (!write)
			*written += (uint32_t)len;
	}
	return VIRTIO_BLK_S_OK;
}

static uint8_t blk_request(struct virtio_blk *b, struct virtq_chain *c, uint32_t *written)
{
	struct virtio_blk_req_hdr hdr;
	char id[BLK_ID_BYTES];
	const char *name;

	if (iov_to_buf(c->out, c->nr_out, 0, &hdr, sizeof(hdr)) != sizeof(hdr) ||
	    c->out[0].iov_len != sizeof(hdr))
		return VIRTIO_BLK_S_IOERR;
	switch (hdr.type) {
	case VIRTIO_BLK_T_IN:
		return blk_rw(b, c, hdr.sector, false, written);
	case VIRTIO_BLK_T_OUT:
		if (b->ro)
			return VIRTIO_BLK_S_IOERR;
		return blk_rw(b, c, hdr.sector, true, written);
	case VIRTIO_BLK_T_FLUSH:
		return fdatasync(b->fd) ? VIRTIO_BLK_S_IOERR : VIRTIO_BLK_S_OK;
	case VIRTIO_BLK_T_GET_ID:
		/* the image's file name, as the disk's serial number */
		name = strrchr(b->path, '/') ? strrchr(b->path, '/') + 1 : b->path;
		memset(id, 0, sizeof(id));
		memcpy(id, name, strnlen(name, sizeof(id)));
		*written += (uint32_t)buf_to_iov(c->in, c->nr_in - 1, 0, id, sizeof(id));
		return VIRTIO_BLK_S_OK;
	default:
		return VIRTIO_BLK_S_UNSUPP;
	}
}

/* One request: the bytes written into it, its status byte included. */
static uint32_t blk_serve(struct virtio_mmio *vdev, struct virtq_chain *c)
{
	const struct iovec *last;
	uint32_t written = 0;
	uint8_t status;

	/* the status byte ends the last writable buffer */
	if (c->nr_in < 1 || c->in[c->nr_in - 1].iov_len < 1)
		return 0;	/* nowhere to put a status: returned unanswered */
	last = &c->in[c->nr_in - 1];
	/* and a readable header comes first */
	status = c->nr_out < 1 ? VIRTIO_BLK_S_IOERR : blk_request(vdev->dev, c, &written);
	((uint8_t *)last->iov_base)[last->iov_len - 1] = status;
	return written + 1;
}

static void blk_notify(struct virtio_mmio *vdev, struct virtq *vq)
{
	virtq_serve(vq, blk_serve);
}

static void blk_forget_disk(struct virtio_blk *b)
{
	if (!b->disk)
		return;
	free(b->disk->dirty);
	free(b->disk->pending);
	*b->disk = (struct vmm_disk){ .fd = -1 };
}

static void blk_destroy(void *dev)
{
	struct virtio_blk *b = dev;

	blk_forget_disk(b);
	close(b->fd);
	free(b);
}

/* The image in vmm->disks, with its dirty map if writable: 0, or -1. */
static int blk_register_disk(struct vmm *vmm, struct virtio_blk *b, uint64_t size)
{
	struct vmm_disk *d;
	size_t longs;

	if (vmm->nr_disks == VMM_MAX_DISKS) {
		vmm_err("disk %s: at most %d disks", b->path, VMM_MAX_DISKS);
		return -1;
	}
	d = &vmm->disks[vmm->nr_disks];
	*d = (struct vmm_disk){
		.path = b->path, .fd = b->fd, .size = size, .ro = b->ro,
		.nr_blocks = (size + DISK_BLOCK - 1) >> DISK_BLOCK_SHIFT,
	};
	b->disk = d;
	if (!b->ro) {
		longs = (size_t)((d->nr_blocks + 8 * sizeof(long) - 1) / (8 * sizeof(long)));
		d->dirty = calloc(longs, sizeof(unsigned long));
		d->pending = calloc(longs, sizeof(unsigned long));
		if (!d->dirty || !d->pending) {
			vmm_err("disk %s: no memory for its dirty map", b->path);
			blk_forget_disk(b);
			return -1;
		}
	}
	vmm->nr_disks++;
	return 0;
}

struct mmio_dev *virtio_blk_create(struct vmm *vmm, const char *path, bool ro)
{
	struct virtio_blk *b = calloc(1, sizeof(*b));
	struct virtio_mmio *v;
	struct stat st;

	if (!b)
		return NULL;
	b->path = path;
	b->ro = ro;
	b->fd = open(path, (ro ? O_RDONLY : O_RDWR) | O_CLOEXEC);
	if (b->fd < 0 || fstat(b->fd, &st)) {
		vmm_err("disk %s: %s", path, strerror(errno));
		goto fail;
	}
	if (st.st_size < SECTOR_SIZE) {
		vmm_err("disk %s: smaller than one sector", path);
		goto fail;
	}
	b->config.capacity = (uint64_t)st.st_size / SECTOR_SIZE;
	if (blk_register_disk(vmm, b, b->config.capacity * SECTOR_SIZE))
		goto fail;
	b->ops = (struct virtio_dev_ops) {
		.device_id = VIRTIO_ID_BLOCK,
		.features = (1ULL << VIRTIO_BLK_F_FLUSH) | (ro ? 1ULL << VIRTIO_BLK_F_RO : 0),
		.nr_queues = 1, .config = &b->config, .config_size = sizeof(b->config),
		.queue_notify = blk_notify, .destroy = blk_destroy,
	};
	v = virtio_mmio_create(vmm, "virtio-blk", &b->ops, b);
	if (!v)
		goto fail;
	return &v->mmio;
fail:
	if (b->disk) {
		blk_forget_disk(b);
		vmm->nr_disks--;
	}
	if (b->fd >= 0)
		close(b->fd);
	free(b);
	return NULL;
}
