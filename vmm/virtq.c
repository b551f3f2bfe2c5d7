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

#define VIRTQ_AVAIL_F_NO_INTERRUPT	1

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
static void wr16(uint16_t *p, uint16_t v) { *(volatile uint16_t *)p = v; }
static void wr32(uint32_t *p, uint32_t v) { *(volatile uint32_t *)p = v; }

/* Where a queue's rings are in the VMM, for the time of one use. */
struct virtq_rings {
	struct virtq_desc *desc;
	struct virtq_avail *avail;
	struct virtq_used *used;
};

/*
 * The rings of @vq as the driver placed them: 0, or -1 if its size or an
 * address is invalid (virtio 1.1 section 2.6: a power of two; the
 * descriptor table 16-byte, the available ring 2-byte, the used ring
 * 4-byte aligned) or a ring is not wholly in guest RAM. The ring sizes are
 * the spec's, 6 + 2 * num and 6 + 8 * num: each includes the trailing u16
 * of VIRTIO_RING_F_EVENT_IDX (used_event, avail_event), so both are inside
 * what is checked whether or not the feature is negotiated.
 */
static int virtq_rings(const struct virtq *vq, struct virtq_rings *r)
{
	struct vmm *vmm = vq->vdev->vmm;
	uint64_t num = vq->num;

	if (num == 0 || num > VIRTQ_MAX_SIZE || (num & (num - 1)) ||
	    vq->desc_gpa % 16 || vq->avail_gpa % 2 || vq->used_gpa % 4)
		return -1;
	r->desc = gpa_to_hva(vmm, vq->desc_gpa, 16 * num);
	r->avail = gpa_to_hva(vmm, vq->avail_gpa, 6 + 2 * num);
	r->used = gpa_to_hva(vmm, vq->used_gpa, 6 + 8 * num);
	return r->desc && r->avail && r->used ? 0 : -1;
}

/* used_event: after the available ring's entries; the driver's. */
static uint16_t *used_event(const struct virtq *vq, const struct virtq_rings *r)
{
	return &r->avail->ring[vq->num];
}

/* avail_event: after the used ring's entries; the device's. */
static uint16_t *avail_event(const struct virtq *vq, const struct virtq_rings *r)
{
	return (uint16_t *)&r->used->ring[vq->num];
}

/* Whether the driver accepted ring feature @bit. */
static bool virtq_has(const struct virtq *vq, unsigned int bit)
{
	return vq->vdev->drv_features & (1ULL << bit);
}

static bool virtq_event_idx(const struct virtq *vq)
{
	return virtq_has(vq, VIRTIO_RING_F_EVENT_IDX);
}

/*
 * Whether nothing is available (*@avail_idx, the driver's index as read,
 * is last_avail). With EVENT_IDX the device then asks to be notified of
 * the next chain (avail_event = last_avail), and reads the index again:
 * the driver may have added a chain before it could see avail_event, and
 * not notified for it. The full barrier orders that store before that load
 * (virtio 1.1 sections 2.6.7.2 and 2.6.10.1).
 */
static bool virtq_empty(struct virtq *vq, const struct virtq_rings *r, uint16_t *avail_idx)
{
	uint16_t *ev;

	if (*avail_idx != vq->last_avail)
		return false;
	if (!virtq_event_idx(vq))
		return true;
	ev = avail_event(vq, r);
	wr16(ev, vq->last_avail);
	guest_ram_dirty(vq->vdev->vmm, ev, sizeof(*ev));
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	*avail_idx = rd16(&r->avail->idx);
	return *avail_idx == vq->last_avail;
}

int virtq_check(const struct virtq *vq)
{
	struct virtq_rings r;

	return virtq_rings(vq, &r);
}

/*
 * Descriptor @idx of a table in guest RAM, read once; by bytes, since an
 * indirect table need not be aligned (a 64-bit load from an unaligned
 * address faults on ARMv7).
 */
static void desc_read(const struct virtq_desc *table, uint16_t idx, struct virtq_desc *d)
{
	memcpy(d, (const uint8_t *)table + 16 * (size_t)idx, sizeof(*d));
	/* the copy is what is checked and used: never the guest's bytes again */
	__asm__ volatile("" ::: "memory");
}

/*
 * The chain at @idx into *c: 0, or -1 with *why saying what is wrong. Its
 * last descriptor may point to an indirect table (VIRTIO_RING_F_INDIRECT_DESC,
 * virtio 1.1 section 2.6.5.3), whose chain then follows from its entry 0.
 */
static int virtq_walk(struct virtq *vq, const struct virtq_rings *r, uint16_t idx,
		      struct virtq_chain *c, const char **why)
{
	struct vmm *vmm = vq->vdev->vmm;
	const struct virtq_desc *table = r->desc;
	unsigned int seen = 0, table_len = vq->num;
	bool indirect = false;
	struct virtq_desc d;
	void *p;

	c->head = idx;
	c->nr_out = c->nr_in = 0;
	c->in_len = 0;
	for (;;) {
		/* at most table_len descriptors of a table: no loop */
		if (idx >= table_len || ++seen > table_len) {
			*why = idx >= table_len ? "a descriptor index past the table" :
						  "a loop in a descriptor chain";
			return -1;
		}
		desc_read(table, idx, &d);
		if (d.flags & VIRTQ_DESC_F_INDIRECT) {
			if (!virtq_has(vq, VIRTIO_RING_F_INDIRECT_DESC) || indirect ||
			    (d.flags & VIRTQ_DESC_F_NEXT)) {
				*why = indirect ? "an indirect descriptor in an indirect table" :
				       d.flags & VIRTQ_DESC_F_NEXT ? "an indirect descriptor with a next" :
				       "an indirect descriptor, not negotiated";
				return -1;
			}
			if (!d.len || d.len % 16 || d.len / 16 > VIRTQ_MAX_SEGS) {
				*why = "an indirect table of a bad size";
				return -1;
			}
			table = gpa_to_hva(vmm, d.addr, d.len);
			if (!table) {
				*why = "an indirect table outside guest RAM";
				return -1;
			}
			table_len = d.len / 16;
			indirect = true;
			seen = 0;
			idx = 0;
			continue;
		}
		/* the iovecs have room for VIRTQ_MAX_SEGS buffers in all */
		if (c->nr_out + c->nr_in == VIRTQ_MAX_SEGS) {
			*why = "a chain of too many buffers";
			return -1;
		}
		p = gpa_to_hva(vmm, d.addr, d.len);
		if (!p) {
			*why = "a buffer outside guest RAM";
			return -1;
		}
		if (d.flags & VIRTQ_DESC_F_WRITE) {
			c->in[c->nr_in].iov_base = p;
			c->in[c->nr_in++].iov_len = d.len;
			c->in_len += d.len;
		} else if (c->nr_in) {
			*why = "a readable buffer after a writable one";
			return -1;
		} else {
			c->out[c->nr_out].iov_base = p;
			c->out[c->nr_out++].iov_len = d.len;
		}
		if (!(d.flags & VIRTQ_DESC_F_NEXT))
			return 0;
		idx = d.next;
	}
}

int virtq_pop(struct virtq *vq, struct virtq_chain *c)
{
	const char *why = "rings no longer valid or outside guest RAM";
	struct virtq_rings r;
	uint16_t avail_idx;

	if (!vq->ready)
		return 0;
	if (virtq_rings(vq, &r))
		goto broken;
	avail_idx = rd16(&r.avail->idx);
	if (virtq_empty(vq, &r, &avail_idx))
		return 0;
	if ((uint16_t)(avail_idx - vq->last_avail) > vq->num) {
		why = "more chains available than the queue holds";
		goto broken;
	}
	/* the ring entry is read after the index that published it */
	__atomic_thread_fence(__ATOMIC_ACQUIRE);
	if (virtq_walk(vq, &r, rd16(&r.avail->ring[vq->last_avail % vq->num]), c, &why))
		goto broken;
	vq->last_avail++;
	return 1;

broken:
	virtio_mmio_broken(vq->vdev, "queue %d: %s", vq->index, why);
	return -1;
}

void virtq_push(struct virtq *vq, const struct virtq_chain *c, uint32_t len)
{
	struct vmm *vmm = vq->vdev->vmm;
	struct virtq_used_elem *e;
	struct virtq_rings r;
	uint16_t head = c->head;
	int i;

	/*
	 * What the device wrote is migrated (written before this call), even
	 * into a queue broken meanwhile, whose chain is not returned.
	 */
	for (i = 0; i < c->nr_in; i++)
		guest_ram_dirty(vmm, c->in[i].iov_base, c->in[i].iov_len);
	if (!vq->ready)
		return;
	if (virtq_rings(vq, &r)) {
		virtio_mmio_broken(vq->vdev, "queue %d: rings no longer valid", vq->index);
		return;
	}
	e = &r.used->ring[vq->next_used % vq->num];
	wr32(&e->id, head);
	wr32(&e->len, len);
	vq->next_used++;
	/* the element is visible before the index that publishes it */
	__atomic_thread_fence(__ATOMIC_RELEASE);
	wr16(&r.used->idx, vq->next_used);
	guest_ram_dirty(vmm, r.used, 6 + 8 * (size_t)vq->num);
}

/*
 * Whether the used index moving from @old to @new passed the driver's
 * used_event @event: it asked to be interrupted once the device has used
 * entry number @event, i.e. when @event is in [old, new) modulo 2^16.
 */
static bool virtq_event_passed(uint16_t event, uint16_t new, uint16_t old)
{
	return (uint16_t)(new - event - 1) < (uint16_t)(new - old);
}

void virtq_notify(struct virtq *vq, uint16_t old_used)
{
	struct virtq_rings r;
	uint16_t event;

	if (vq->next_used == old_used)
		return;
	/*
	 * A queue that is no longer valid was reported as broken by
	 * virtq_push already, with its interrupt.
	 */
	if (!vq->ready || virtq_rings(vq, &r))
		return;
	/*
	 * The used index (virtq_push) is stored before the driver's wish is
	 * loaded: the driver sets it and then reads the used index, so one of
	 * the two sides sees the other's write.
	 */
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	if (virtq_event_idx(vq)) {
		event = rd16(used_event(vq, &r));
		if (!virtq_event_passed(event, vq->next_used, old_used))
			return;
	} else if (rd16(&r.avail->flags) & VIRTQ_AVAIL_F_NO_INTERRUPT) {
		return;		/* without EVENT_IDX, its flag (virtio 1.1 section 2.6.7.2) */
	}
	virtio_notify_used(vq->vdev);
}

void virtq_serve(struct virtq *vq,
		 uint32_t (*serve)(struct virtio_mmio *vdev, struct virtq_chain *c))
{
	uint16_t old_used = vq->next_used;
	struct virtq_chain c;
	uint32_t served = 0;

	while (virtq_pop(vq, &c) > 0) {
		virtq_push(vq, &c, serve(vq->vdev, &c));
		/*
		 * A ring's worth, then the other devices' turn: a driver that
		 * refills as fast as we serve would keep the I/O thread here.
		 * The queue is kicked again for the rest.
		 */
		if (++served == vq->num) {
			virtq_kick_again(vq);
			break;
		}
	}
	virtq_notify(vq, old_used);
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
