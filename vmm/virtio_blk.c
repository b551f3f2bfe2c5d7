// SPDX-License-Identifier: GPL-2.0-only
/*
 * virtio-blk (virtio 1.1 section 5.2) on a raw image file. The I/O thread
 * takes requests off the queue and hands them to a pool of workers, which
 * serve several at once (one preadv/pwritev each) and return them in the
 * order they finish. A flush request is an fdatasync() of the image: it
 * covers every write that completed before it, which is all the driver
 * may count on (it sends a flush only after the writes it orders), so
 * what the guest flushed is on the host's disk when the guest hears it
 * is. Every write is marked in the disk's dirty map (struct vmm_disk) for
 * a migration that streams the image. With --disk FILE,mq the device has a
 * queue per vCPU (VIRTIO_BLK_F_MQ), all served by the same workers.
 *
 * With --disk FILE,direct, requests aligned for O_DIRECT bypass the host's
 * page cache through a second descriptor; the rest (a guest may send a
 * 512-byte request anywhere, from any address) go through the page cache,
 * which Linux keeps coherent with direct I/O to the same file. A flush is
 * the same fdatasync() of the file either way.
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <unistd.h>

#include "virtio.h"

#define VIRTIO_BLK_F_SEG_MAX	2
#define VIRTIO_BLK_F_RO		5
#define VIRTIO_BLK_F_FLUSH	9
#define VIRTIO_BLK_F_MQ		12

#define VIRTIO_BLK_T_IN		0
#define VIRTIO_BLK_T_OUT	1
#define VIRTIO_BLK_T_FLUSH	4
#define VIRTIO_BLK_T_GET_ID	8

#define VIRTIO_BLK_S_OK		0
#define VIRTIO_BLK_S_IOERR	1
#define VIRTIO_BLK_S_UNSUPP	2

#define SECTOR_SIZE		512
#define BLK_ID_BYTES		20

/*
 * What a request needs to go direct: its file offset, its length and each
 * buffer's address and length multiples of this. 4 KiB covers what every
 * Linux file system and block device of up to 4 KiB sectors asks for
 * O_DIRECT; a Linux guest's page-sized requests meet it.
 */
#define DIRECT_ALIGN		4096

/*
 * Requests served at once, and requests taken off the queue at most: more
 * than a driver's queue can hold (a request takes at least three of its
 * 256 descriptors), so only a driver that reuses descriptors still in
 * flight waits for a free slot.
 */
#define BLK_WORKERS		4
#define BLK_SLOTS		128

/*
 * Data buffers a request may carry: all a chain holds but its header and
 * status. Without it a driver sends one buffer per request (Linux: a page,
 * so 256 requests per MiB).
 */
#define BLK_SEG_MAX		(VIRTQ_MAX_SEGS - 2)

/* Up to num_queues; the fields between, of features not offered, read 0. */
struct virtio_blk_config {
	uint64_t capacity;		/* in 512-byte sectors */
	uint32_t size_max;		/* not offered */
	uint32_t seg_max;		/* VIRTIO_BLK_F_SEG_MAX */
	uint8_t unoffered[18];		/* geometry, blk_size, topology, writeback */
	uint16_t num_queues;		/* VIRTIO_BLK_F_MQ */
} __attribute__((packed));

struct virtio_blk_req_hdr {
	uint32_t type;
	uint32_t reserved;
	uint64_t sector;
};

/* A request from the time it is taken off a queue until it is returned. */
struct blk_req {
	struct virtq_chain chain;
	struct virtq *vq;
	struct blk_req *next;		/* in the free list or the work list */
};

/* A queue's own state, under vdev->lock. */
struct blk_queue {
	bool starved;			/* chains wait: for a free slot, or a quiesce's end */
	bool unnotified;		/* returned since notify_from, no interrupt yet */
	uint16_t notify_from;
};

/*
 * Locks: vdev->lock (the transport's) protects the queues and the fields
 * marked so; work_lock protects the work list and is taken inside
 * vdev->lock, never around it. Workers serve a request with neither held.
 */
struct virtio_blk {
	int fd;
	int direct_fd;			/* the image opened O_DIRECT, or -1 */
	bool ro;
	const char *path;
	struct vmm_disk *disk;		/* its entry in vmm->disks */
	struct virtio_blk_config config;
	uint64_t sectors;		/* the image's: what a request may reach */
	struct virtio_dev_ops ops;

	/* under vdev->lock */
	struct blk_req *free;
	unsigned int in_flight;		/* taken off a queue, not yet returned */
	unsigned int quiescing;		/* blk_quiesce() callers: take nothing */
	struct blk_queue queues[VIRTIO_MAX_QUEUES];
	pthread_cond_t idle;		/* in_flight fell to 0 */
	/* workers done serving, about to take vdev->lock (atomic) */
	unsigned int completing;

	/* under work_lock */
	pthread_mutex_t work_lock;
	pthread_cond_t work;
	struct blk_req *work_head, **work_tail;
	bool stop;

	pthread_t workers[BLK_WORKERS];
	int nr_workers;
	struct blk_req slots[BLK_SLOTS];
};

/* Whether @n buffers of @len bytes in all, at file offset @offset, may go direct. */
static bool blk_direct_aligned(const struct iovec *iov, int n, uint64_t offset, uint64_t len)
{
	int i;

	if ((offset | len) % DIRECT_ALIGN)
		return false;
	for (i = 0; i < n; i++)
		if (((uintptr_t)iov[i].iov_base | iov[i].iov_len) % DIRECT_ALIGN)
			return false;
	return true;
}

/* One preadv or pwritev, direct when it may: what it returned. */
static ssize_t blk_io(struct virtio_blk *b, const struct iovec *iov, int n, uint64_t offset,
		      uint64_t len, bool write)
{
	ssize_t done;

	if (b->direct_fd >= 0 && blk_direct_aligned(iov, n, offset, len)) {
		done = write ? pwritev(b->direct_fd, iov, n, (off_t)offset) :
			       preadv(b->direct_fd, iov, n, (off_t)offset);
		/* an alignment the file system wants beyond DIRECT_ALIGN: the page cache */
		if (done >= 0 || errno != EINVAL)
			return done;
	}
	return write ? pwritev(b->fd, iov, n, (off_t)offset) : preadv(b->fd, iov, n, (off_t)offset);
}

/* Read or write the chain's data buffers from @sector: a status byte. */
static uint8_t blk_rw(struct virtio_blk *b, struct virtq_chain *c, uint64_t sector,
		      bool write, uint32_t *written)
{
	/* out: after the header; in: before the status byte */
	const struct iovec *iov = write ? c->out + 1 : c->in;
	int i, n = write ? c->nr_out - 1 : c->nr_in - 1;
	uint64_t disk_bytes = b->sectors * SECTOR_SIZE, offset, len = 0;
	ssize_t done;

	/* a sector past the end, not one whose offset wraps around to the start */
	if (sector > b->sectors)
		return VIRTIO_BLK_S_IOERR;
	offset = sector * SECTOR_SIZE;
	/* at most VIRTQ_MAX_SEGS buffers of at most 4 GiB: no overflow */
	for (i = 0; i < n; i++)
		len += iov[i].iov_len;
	if (len > disk_bytes - offset)
		return VIRTIO_BLK_S_IOERR;
	if (!len)
		return VIRTIO_BLK_S_OK;
	done = blk_io(b, iov, n, offset, len, write);
	/* marked after the write, failed or not: a part may have landed */
	if (write)
		disk_dirty_mark(b->disk, offset, len);
	if (done < 0 || (uint64_t)done != len)
		return VIRTIO_BLK_S_IOERR;
	if (!write)	/* len == done, a non-negative ssize_t: under 2 GiB here */
		*written += (uint32_t)len;
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

/* One request (on a worker, no lock held): the bytes written into it, its status byte included. */
static uint32_t blk_serve(struct virtio_blk *b, struct virtq_chain *c)
{
	const struct iovec *last;
	uint32_t written = 0;
	uint8_t status;

	/* the status byte ends the last writable buffer */
	if (c->nr_in < 1 || c->in[c->nr_in - 1].iov_len < 1)
		return 0;	/* nowhere to put a status: returned unanswered */
	last = &c->in[c->nr_in - 1];
	/* and a readable header comes first */
	status = c->nr_out < 1 ? VIRTIO_BLK_S_IOERR : blk_request(b, c, &written);
	((uint8_t *)last->iov_base)[last->iov_len - 1] = status;
	return written + 1;
}

/*
 * Take the available chains of @vq, as many as there are free slots, and
 * hand each to the workers as soon as it is taken; vdev->lock held. The
 * work condition is signalled after work_lock is dropped, since a worker
 * woken while it is held would only sleep again on it; a signal with no
 * worker waiting costs no system call, and a busy worker takes the request
 * when it is done.
 */
static void blk_take(struct virtio_blk *b, struct virtq *vq)
{
	struct blk_queue *q = &b->queues[vq->index];
	struct blk_req *r;

	if (b->quiescing) {
		q->starved = true;	/* kicked again when the quiesce ends */
		return;
	}
	q->starved = false;
	for (;;) {
		r = b->free;
		if (!r) {
			q->starved = true;	/* blk_complete() takes the rest */
			return;
		}
		if (virtq_pop(vq, &r->chain) <= 0)
			return;
		b->free = r->next;
		b->in_flight++;
		r->vq = vq;
		r->next = NULL;
		pthread_mutex_lock(&b->work_lock);
		*b->work_tail = r;
		b->work_tail = &r->next;
		pthread_mutex_unlock(&b->work_lock);
		pthread_cond_signal(&b->work);
	}
}

static void blk_notify(struct virtio_mmio *vdev, struct virtq *vq)
{
	blk_take(vdev->dev, vq);
}

/*
 * Return a served request into its queue. Workers finishing together
 * share one interrupt: the last to take the lock sends it, for every
 * chain returned to any queue since the last one sent (virtq_notify()
 * still honours each queue's used_event). A freed slot goes to the
 * queues that wait for one.
 */
static void blk_complete(struct virtio_blk *b, struct blk_req *r, uint32_t len)
{
	struct virtq *vq = r->vq;
	struct virtio_mmio *v = vq->vdev;
	struct blk_queue *q = &b->queues[vq->index];
	int i;

	__atomic_fetch_add(&b->completing, 1, __ATOMIC_SEQ_CST);
	pthread_mutex_lock(&v->lock);
	__atomic_fetch_sub(&b->completing, 1, __ATOMIC_SEQ_CST);
	if (!q->unnotified) {
		q->notify_from = vq->next_used;
		q->unnotified = true;
	}
	virtq_push(vq, &r->chain, len);
	for (i = 0; i < v->ops->nr_queues; i++) {
		q = &b->queues[i];
		if (q->unnotified && !__atomic_load_n(&b->completing, __ATOMIC_SEQ_CST)) {
			virtq_notify(&v->vq[i], q->notify_from);
			q->unnotified = false;
		}
	}
	r->next = b->free;
	b->free = r;
	b->in_flight--;
	for (i = 0; i < v->ops->nr_queues; i++)
		if (b->queues[i].starved)
			blk_take(b, &v->vq[i]);
	if (!b->in_flight)
		pthread_cond_broadcast(&b->idle);
	pthread_mutex_unlock(&v->lock);
}

/* A worker: serve requests until told to stop and none is left. */
static void *blk_worker(void *arg)
{
	struct virtio_blk *b = arg;
	struct blk_req *r;

	for (;;) {
		pthread_mutex_lock(&b->work_lock);
		while (!b->work_head && !b->stop)
			pthread_cond_wait(&b->work, &b->work_lock);
		r = b->work_head;
		if (r) {
			b->work_head = r->next;
			if (!b->work_head)
				b->work_tail = &b->work_head;
		}
		pthread_mutex_unlock(&b->work_lock);
		if (!r)
			return NULL;
		blk_complete(b, r, blk_serve(b, &r->chain));
	}
}

/*
 * No request in flight, none taken meanwhile; vdev->lock held, dropped
 * while waiting (so that the workers can return theirs). A queue refused
 * meanwhile (a kick, or a slot freed while it waited for one) is kicked
 * again at the end, for the I/O thread to serve once the caller is done:
 * a driver whose ring is full, or whose EVENT_IDX says it was heard,
 * would not kick again.
 */
static void blk_quiesce(struct virtio_mmio *vdev)
{
	struct virtio_blk *b = vdev->dev;
	int i;

	b->quiescing++;
	while (b->in_flight)
		pthread_cond_wait(&b->idle, &vdev->lock);
	if (--b->quiescing)
		return;
	for (i = 0; i < vdev->ops->nr_queues; i++)
		if (b->queues[i].starved)
			virtq_kick_again(&vdev->vq[i]);
}

/*
 * After the transport loaded the config space: the capacity the guest's
 * driver was told must be this image's (a forged stream's would be the
 * driver's only; requests are bounded by the image, b->sectors).
 */
static int blk_load(struct virtio_mmio *vdev, struct scur *c)
{
	struct virtio_blk *b = vdev->dev;
	uint64_t told = b->config.capacity;

	b->config.capacity = b->sectors;
	if (told == b->sectors)
		return 0;
	vmm_err("disk %s: the state is of a disk of %llu sectors, this one has %llu", b->path,
		(unsigned long long)told, (unsigned long long)b->sectors);
	return -1;
}

/* The queue was reset: chains returned after it belong to no notification. */
static void blk_reset(struct virtio_mmio *vdev)
{
	struct virtio_blk *b = vdev->dev;

	memset(b->queues, 0, sizeof(b->queues));
}

static int blk_start_workers(struct virtio_blk *b)
{
	int i;

	b->work_tail = &b->work_head;
	for (i = 0; i < BLK_SLOTS; i++) {
		b->slots[i].next = b->free;
		b->free = &b->slots[i];
	}
	pthread_mutex_init(&b->work_lock, NULL);
	pthread_cond_init(&b->work, NULL);
	pthread_cond_init(&b->idle, NULL);
	/* the workers inherit the caller's blocked signals (all the VMM waits for) */
	for (i = 0; i < BLK_WORKERS; i++) {
		if (thread_create_small_stack(&b->workers[i], blk_worker, b))
			return -1;
		pthread_setname_np(b->workers[i], "armvirt-blk");
		b->nr_workers++;
	}
	return 0;
}

/* After a quiesce (or before any request): the workers find no work and return. */
static void blk_stop_workers(struct virtio_blk *b)
{
	int i;

	pthread_mutex_lock(&b->work_lock);
	b->stop = true;
	pthread_cond_broadcast(&b->work);
	pthread_mutex_unlock(&b->work_lock);
	for (i = 0; i < b->nr_workers; i++)
		pthread_join(b->workers[i], NULL);
	pthread_cond_destroy(&b->idle);
	pthread_cond_destroy(&b->work);
	pthread_mutex_destroy(&b->work_lock);
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

	blk_stop_workers(b);
	blk_forget_disk(b);
	if (b->direct_fd >= 0)
		close(b->direct_fd);
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

struct mmio_dev *virtio_blk_create(struct vmm *vmm, const struct vmm_disk_config *dc)
{
	struct virtio_blk *b = calloc(1, sizeof(*b));
	const char *path = dc->path;
	bool ro = dc->ro;
	int nr_queues = dc->mq && vmm->cfg.nr_vcpus > 1 ? vmm->cfg.nr_vcpus : 1;
	struct virtio_mmio *v;
	struct stat st;

	if (!b)
		return NULL;
	b->path = path;
	b->ro = ro;
	b->direct_fd = -1;
	b->fd = open(path, (ro ? O_RDONLY : O_RDWR) | O_CLOEXEC);
	if (b->fd < 0 || fstat(b->fd, &st)) {
		vmm_err("disk %s: %s", path, strerror(errno));
		goto fail;
	}
	if (dc->direct) {
		b->direct_fd = open(path, (ro ? O_RDONLY : O_RDWR) | O_CLOEXEC | O_DIRECT);
		if (b->direct_fd < 0) {
			vmm_err("disk %s: cannot open it for direct I/O (,direct): %s%s", path,
				strerror(errno),
				errno == EINVAL ? " (its file system has no O_DIRECT)" : "");
			goto fail;
		}
	}
	if (st.st_size < SECTOR_SIZE) {
		vmm_err("disk %s: smaller than one sector", path);
		goto fail;
	}
	b->sectors = (uint64_t)st.st_size / SECTOR_SIZE;
	b->config.capacity = b->sectors;
	b->config.seg_max = BLK_SEG_MAX;
	b->config.num_queues = (uint16_t)nr_queues;
	if (blk_register_disk(vmm, b, b->sectors * SECTOR_SIZE))
		goto fail;
	if (blk_start_workers(b)) {
		vmm_err("disk %s: cannot start its workers", path);
		goto fail;
	}
	b->ops = (struct virtio_dev_ops) {
		.device_id = VIRTIO_ID_BLOCK,
		.features = (1ULL << VIRTIO_BLK_F_FLUSH) | (1ULL << VIRTIO_BLK_F_SEG_MAX) |
			    (ro ? 1ULL << VIRTIO_BLK_F_RO : 0) |
			    (nr_queues > 1 ? 1ULL << VIRTIO_BLK_F_MQ : 0),
		.nr_queues = nr_queues, .config = &b->config, .config_size = sizeof(b->config),
		.queue_notify = blk_notify, .reset = blk_reset, .quiesce = blk_quiesce,
		.load = blk_load,
		.destroy = blk_destroy,
	};
	v = virtio_mmio_create(vmm, "virtio-blk", &b->ops, b);
	if (!v)
		goto fail;
	return &v->mmio;
fail:
	if (b->work_tail)
		blk_stop_workers(b);
	if (b->disk) {
		blk_forget_disk(b);
		vmm->nr_disks--;
	}
	if (b->direct_fd >= 0)
		close(b->direct_fd);
	if (b->fd >= 0)
		close(b->fd);
	free(b);
	return NULL;
}
