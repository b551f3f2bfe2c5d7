// SPDX-License-Identifier: GPL-2.0-only
/*
 * Split virtqueues (virtio 1.1 section 2.6), device side. The driver's
 * rings are in guest RAM; every index and address it gives is checked,
 * since a guest may write anything there.
 */
#include <string.h>
#include <sys/uio.h>

#include "virtio.h"

#define VIRTQ_DESC_F_NEXT	1
#define VIRTQ_DESC_F_WRITE	2
#define VIRTQ_DESC_F_INDIRECT	4

struct virtq_desc {
	uint64_t addr;
	uint32_t len;
	uint16_t flags;
	uint16_t next;
};

struct virtq_avail {
	uint16_t flags;
	uint16_t idx;
	uint16_t ring[];
};

struct virtq_used_elem {
	uint32_t id;
	uint32_t len;
};

struct virtq_used {
	uint16_t flags;
	uint16_t idx;
	struct virtq_used_elem ring[];
};

/* The driver's writes to the rings come from another CPU: read each once. */
static uint16_t rd16(const uint16_t *p) { return *(const volatile uint16_t *)p; }
static uint32_t rd32(const uint32_t *p) { return *(const volatile uint32_t *)p; }
static uint64_t rd64(const uint64_t *p) { return *(const volatile uint64_t *)p; }
static void wr16(uint16_t *p, uint16_t v) { *(volatile uint16_t *)p = v; }
static void wr32(uint32_t *p, uint32_t v) { *(volatile uint32_t *)p = v; }

int virtq_resolve(struct virtq *vq, struct vmm *vmm)
{
	vq->desc = gpa_to_hva(vmm, vq->desc_gpa, 16ULL * vq->num);
	vq->avail = gpa_to_hva(vmm, vq->avail_gpa, 6 + 2ULL * vq->num);
	vq->used = gpa_to_hva(vmm, vq->used_gpa, 6 + 8ULL * vq->num);
	vq->last_avail = 0;
	return vq->desc && vq->avail && vq->used ? 0 : -1;
}

int virtq_pop(struct virtq *vq, struct virtq_chain *c)
{
	struct vmm *vmm = vq->vdev->vmm;
	uint16_t avail_idx, idx;
	unsigned int seen = 0;
	struct virtq_desc d;
	void *p;

	if (!vq->ready)
		return 0;
	avail_idx = rd16(&vq->avail->idx);
	if (avail_idx == vq->last_avail)
		return 0;
	if ((uint16_t)(avail_idx - vq->last_avail) > vq->num)
		goto broken;
	/* the ring entry is read after the index that published it */
	__atomic_thread_fence(__ATOMIC_ACQUIRE);
	idx = rd16(&vq->avail->ring[vq->last_avail % vq->num]);
	if (idx >= vq->num)
		goto broken;
	c->head = idx;
	c->nr_out = c->nr_in = 0;
	c->in_len = 0;
	for (;;) {
		d.addr = rd64(&vq->desc[idx].addr);
		d.len = rd32(&vq->desc[idx].len);
		d.flags = rd16(&vq->desc[idx].flags);
		d.next = rd16(&vq->desc[idx].next);
		/* a loop in the chain, or an indirect table we did not offer */
		if (++seen > vq->num || (d.flags & VIRTQ_DESC_F_INDIRECT))
			goto broken;
		p = gpa_to_hva(vmm, d.addr, d.len);
		if (!p)
			goto broken;
		if (d.flags & VIRTQ_DESC_F_WRITE) {
			c->in[c->nr_in].iov_base = p;
			c->in[c->nr_in++].iov_len = d.len;
			c->in_len += d.len;
		} else {
			/* readable buffers come first */
			if (c->nr_in)
				goto broken;
			c->out[c->nr_out].iov_base = p;
			c->out[c->nr_out++].iov_len = d.len;
		}
		if (!(d.flags & VIRTQ_DESC_F_NEXT))
			break;
		idx = d.next;
		if (idx >= vq->num)
			goto broken;
	}
	vq->last_avail++;
	return 1;

broken:
	vmm_err("%s: queue %d: the driver gave a malformed descriptor chain; device needs reset",
		vq->vdev->mmio.name, vq->index);
	vq->vdev->status |= 0x40;	/* DEVICE_NEEDS_RESET */
	vq->ready = false;
	return -1;
}

void virtq_push(struct virtq *vq, uint16_t head, uint32_t len)
{
	uint16_t used_idx = rd16(&vq->used->idx);
	struct virtq_used_elem *e = &vq->used->ring[used_idx % vq->num];

	wr32(&e->id, head);
	wr32(&e->len, len);
	/* the element is visible before the index that publishes it */
	__atomic_thread_fence(__ATOMIC_RELEASE);
	wr16(&vq->used->idx, (uint16_t)(used_idx + 1));
}

void virtq_serve(struct virtq *vq,
		 uint32_t (*serve)(struct virtio_mmio *vdev, struct virtq_chain *c))
{
	struct virtq_chain c;
	bool used = false;

	while (virtq_pop(vq, &c) > 0) {
		virtq_push(vq, c.head, serve(vq->vdev, &c));
		used = true;
	}
	if (used)
		virtio_notify_used(vq->vdev);
}

static size_t iov_copy(const struct iovec *iov, int n, size_t skip, void *buf,
		       size_t len, bool to_buf)
{
	size_t done = 0, chunk;
	int i;

	for (i = 0; i < n && done < len; i++) {
		if (skip >= iov[i].iov_len) {
			skip -= iov[i].iov_len;
			continue;
		}
		chunk = iov[i].iov_len - skip;
		if (chunk > len - done)
			chunk = len - done;
		if (to_buf)
			memcpy((char *)buf + done, (char *)iov[i].iov_base + skip, chunk);
		else
			memcpy((char *)iov[i].iov_base + skip, (char *)buf + done, chunk);
		done += chunk;
		skip = 0;
	}
	return done;
}

size_t iov_to_buf(const struct iovec *iov, int n, size_t skip, void *buf, size_t len)
{
	return iov_copy(iov, n, skip, buf, len, true);
}

size_t buf_to_iov(const struct iovec *iov, int n, size_t skip, const void *buf, size_t len)
{
	return iov_copy(iov, n, skip, (void *)buf, len, false);
}
