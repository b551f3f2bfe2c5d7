// SPDX-License-Identifier: GPL-2.0-only
/*
 * The virtio-mmio transport, version 2 (virtio 1.1 section 4.2.2): the
 * register block each virtio device shows the guest, its interrupt (an
 * irqfd on an edge-triggered SPI) and its queue notifications (an
 * ioeventfd per queue on QueueNotify, so that a notification costs no exit
 * to userspace; the I/O thread serves the queue). The driver's
 * acknowledgement of used buffers is an ioeventfd too (see int_status).
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include "stream.h"
#include "virtio.h"

#define VIRTIO_MMIO_MAGIC	0x74726976	/* "virt" */
#define VIRTIO_MMIO_VENDOR	0x554d4551	/* the vendor ID every VMM uses */

enum {
	REG_MAGIC = 0x000, REG_VERSION = 0x004, REG_DEVICE_ID = 0x008,
	REG_VENDOR_ID = 0x00c, REG_DEV_FEATURES = 0x010,
	REG_DEV_FEATURES_SEL = 0x014, REG_DRV_FEATURES = 0x020,
	REG_DRV_FEATURES_SEL = 0x024, REG_QUEUE_SEL = 0x030,
	REG_QUEUE_NUM_MAX = 0x034, REG_QUEUE_NUM = 0x038,
	REG_QUEUE_READY = 0x044, REG_QUEUE_NOTIFY = 0x050,
	REG_INT_STATUS = 0x060, REG_INT_ACK = 0x064, REG_STATUS = 0x070,
	REG_QUEUE_DESC_LO = 0x080, REG_QUEUE_DESC_HI = 0x084,
	REG_QUEUE_DRIVER_LO = 0x090, REG_QUEUE_DRIVER_HI = 0x094,
	REG_QUEUE_DEVICE_LO = 0x0a0, REG_QUEUE_DEVICE_HI = 0x0a4,
	REG_CONFIG_GEN = 0x0fc, REG_CONFIG = 0x100,
};

#define STATUS_FEATURES_OK	0x08
#define STATUS_DEVICE_NEEDS_RESET 0x40

/* The ring features are the transport's (virtq.c serves every device). */
static uint64_t dev_features(struct virtio_mmio *v)
{
	return v->ops->features | (1ULL << VIRTIO_F_VERSION_1) |
	       (1ULL << VIRTIO_RING_F_INDIRECT_DESC) | (1ULL << VIRTIO_RING_F_EVENT_IDX);
}

static struct virtq *selected_queue(struct virtio_mmio *v)
{
	return v->queue_sel < (uint32_t)v->ops->nr_queues ? &v->vq[v->queue_sel] : NULL;
}

static void set_hi(uint64_t *r, uint32_t val) { *r = (*r & 0xffffffffULL) | (uint64_t)val << 32; }
static void set_lo(uint64_t *r, uint32_t val) { *r = (*r & ~0xffffffffULL) | val; }

/* The device's interrupt, through its irqfd. */
static void virtio_signal(struct virtio_mmio *v)
{
	uint64_t one = 1;

	if (write(v->irq_fd, &one, sizeof(one)) != sizeof(one))
		vmm_err("%s: cannot signal its irqfd", v->mmio.name);
}

/* No request in flight off the I/O thread; device lock held (maybe dropped meanwhile). */
static void quiesce_locked(struct virtio_mmio *v)
{
	if (v->ops->quiesce)
		v->ops->quiesce(v);
}

void virtio_mmio_quiesce(struct virtio_mmio *v)
{
	pthread_mutex_lock(&v->lock);
	quiesce_locked(v);
	pthread_mutex_unlock(&v->lock);
}

/* Back to the state after power-on; device lock held. */
static void virtio_reset_locked(struct virtio_mmio *v)
{
	int i;

	quiesce_locked(v);
	v->status = v->int_status = v->queue_sel = 0;
	v->dev_features_sel = v->drv_features_sel = 0;
	v->drv_features = 0;
	for (i = 0; i < VIRTIO_MAX_QUEUES; i++) {
		struct virtq *vq = &v->vq[i];

		vq->num = VIRTQ_MAX_SIZE;
		vq->ready = false;
		vq->desc_gpa = vq->avail_gpa = vq->used_gpa = 0;
		vq->last_avail = vq->next_used = 0;
	}
	if (v->ops->reset)
		v->ops->reset(v);
}

static uint32_t reg_read(struct virtio_mmio *v, uint64_t off)
{
	struct virtq *vq = selected_queue(v);

	switch (off) {
	case REG_MAGIC:		return VIRTIO_MMIO_MAGIC;
	case REG_VERSION:	return 2;
	case REG_DEVICE_ID:	return v->ops->device_id;
	case REG_VENDOR_ID:	return VIRTIO_MMIO_VENDOR;
	case REG_DEV_FEATURES:
		return v->dev_features_sel < 2 ?
			(uint32_t)(dev_features(v) >> (32 * v->dev_features_sel)) : 0;
	case REG_QUEUE_NUM_MAX:	return vq ? VIRTQ_MAX_SIZE : 0;
	case REG_QUEUE_READY:	return vq ? vq->ready : 0;
	case REG_INT_STATUS:	return v->int_status;
	case REG_STATUS:	return v->status;
	case REG_CONFIG_GEN:	return v->config_gen;
	case REG_QUEUE_NUM:	return vq ? vq->num : 0;
	case REG_QUEUE_DESC_LO:	return vq ? (uint32_t)vq->desc_gpa : 0;
	case REG_QUEUE_DESC_HI:	return vq ? (uint32_t)(vq->desc_gpa >> 32) : 0;
	case REG_QUEUE_DRIVER_LO: return vq ? (uint32_t)vq->avail_gpa : 0;
	case REG_QUEUE_DRIVER_HI: return vq ? (uint32_t)(vq->avail_gpa >> 32) : 0;
	case REG_QUEUE_DEVICE_LO: return vq ? (uint32_t)vq->used_gpa : 0;
	case REG_QUEUE_DEVICE_HI: return vq ? (uint32_t)(vq->used_gpa >> 32) : 0;
	default:		return 0;
	}
}

void virtio_mmio_broken(struct virtio_mmio *v, const char *why, ...)
{
	char msg[160];
	va_list ap;
	int i;

	va_start(ap, why);
	vsnprintf(msg, sizeof(msg), why, ap);
	va_end(ap);
	if (!(v->status & STATUS_DEVICE_NEEDS_RESET) && vmm_guest_msg_ok())
		vmm_err("%s: %s; the device needs a reset", v->mmio.name, msg);
	for (i = 0; i < VIRTIO_MAX_QUEUES; i++)
		v->vq[i].ready = false;
	v->status |= STATUS_DEVICE_NEEDS_RESET;
	/* the driver hears of it by a configuration change interrupt (2.1.2) */
	v->int_status |= VIRTIO_INT_CONFIG;
	virtio_signal(v);
}

static void queue_set_ready(struct virtio_mmio *v, struct virtq *vq, uint32_t val)
{
	/* ready again: nothing to set up (going back to index 0 would serve all again) */
	if (val && vq->ready)
		return;
	/* a request in flight would be returned into the rings changed here */
	quiesce_locked(v);
	if (!val) {
		vq->ready = false;
		return;
	}
	if (v->status & STATUS_DEVICE_NEEDS_RESET)
		return;		/* nothing runs again before a reset */
	if (virtq_check(vq)) {
		virtio_mmio_broken(v, "queue %d made ready with size %u or rings misaligned or outside RAM",
				   vq->index, vq->num);
		return;
	}
	vq->last_avail = vq->next_used = 0;
	vq->ready = true;
}

/*
 * QueueNum and the ring addresses: the driver must not change them while
 * the queue is ready (virtio 1.1 section 4.2.3.2); if it does, the write
 * is ignored and the device needs a reset. Quiesced first: a request in
 * flight, or vhost-net, would go on using the rings.
 */
static void queue_config_write(struct virtio_mmio *v, struct virtq *vq, uint64_t off, uint32_t val)
{
	if (vq->ready) {
		quiesce_locked(v);
		virtio_mmio_broken(v, "queue %d reconfigured while ready (register %#llx)",
				   vq->index, (unsigned long long)off);
		return;
	}
	switch (off) {
	case REG_QUEUE_NUM:		vq->num = val; break;
	case REG_QUEUE_DESC_LO:		set_lo(&vq->desc_gpa, val); break;
	case REG_QUEUE_DESC_HI:		set_hi(&vq->desc_gpa, val); break;
	case REG_QUEUE_DRIVER_LO:	set_lo(&vq->avail_gpa, val); break;
	case REG_QUEUE_DRIVER_HI:	set_hi(&vq->avail_gpa, val); break;
	case REG_QUEUE_DEVICE_LO:	set_lo(&vq->used_gpa, val); break;
	case REG_QUEUE_DEVICE_HI:	set_hi(&vq->used_gpa, val); break;
	}
}

static void reg_write(struct virtio_mmio *v, uint64_t off, uint32_t val)
{
	struct virtq *vq = selected_queue(v);

	switch (off) {
	case REG_DEV_FEATURES_SEL:	v->dev_features_sel = val; break;
	case REG_DRV_FEATURES_SEL:	v->drv_features_sel = val; break;
	case REG_DRV_FEATURES:
		/*
		 * Fixed once FEATURES_OK is set (virtio 1.1 section 3.1.1):
		 * the rings, the tap's offloads and vhost-net were set up
		 * from them.
		 */
		if (v->status & STATUS_FEATURES_OK) {
			if (vmm_guest_msg_ok())
				vmm_err("%s: DriverFeatures written after FEATURES_OK; ignored",
					v->mmio.name);
			break;
		}
		if (v->drv_features_sel == 0)
			set_lo(&v->drv_features, val & (uint32_t)dev_features(v));
		else if (v->drv_features_sel == 1)
			set_hi(&v->drv_features, val & (uint32_t)(dev_features(v) >> 32));
		break;
	case REG_QUEUE_SEL:		v->queue_sel = val; break;
	case REG_QUEUE_READY:		if (vq) queue_set_ready(v, vq, val); break;
	case REG_QUEUE_NUM:
	case REG_QUEUE_DESC_LO: case REG_QUEUE_DESC_HI:
	case REG_QUEUE_DRIVER_LO: case REG_QUEUE_DRIVER_HI:
	case REG_QUEUE_DEVICE_LO: case REG_QUEUE_DEVICE_HI:
		if (vq)
			queue_config_write(v, vq, off, val);
		break;
	case REG_INT_ACK:		v->int_status &= ~(val & ~VIRTIO_INT_USED); break;
	case REG_STATUS:
		/*
		 * DEVICE_NEEDS_RESET is the device's, and FEATURES_OK stays
		 * once set (the driver must not clear a bit, 2.1.2): only a
		 * reset clears them.
		 */
		if (val == 0) {
			virtio_reset_locked(v);
		} else {
			if ((val & ~v->status & STATUS_FEATURES_OK) && v->ops->features_set)
				v->ops->features_set(v);
			v->status = val | (v->status & (STATUS_DEVICE_NEEDS_RESET | STATUS_FEATURES_OK));
		}
		break;
	case REG_QUEUE_NOTIFY:
		/* only when the ioeventfd is missing: serve the queue here */
		if (val < (uint32_t)v->ops->nr_queues && v->vq[val].ready)
			v->ops->queue_notify(v, &v->vq[val]);
		break;
	default:
		break;
	}
}

static void virtio_mmio_read(struct mmio_dev *dev, uint64_t off, uint8_t *data, uint32_t len)
{
	struct virtio_mmio *v = dev->priv;
	uint32_t val;

	pthread_mutex_lock(&v->lock);
	if (off >= REG_CONFIG) {
		off -= REG_CONFIG;
		memset(data, 0, len);
		if (off < v->ops->config_size)
			memcpy(data, (uint8_t *)v->ops->config + off,
			       len < v->ops->config_size - off ? len : v->ops->config_size - off);
	} else if (len == 4) {
		val = reg_read(v, off);
		memcpy(data, &val, 4);
	} else {
		memset(data, 0, len);
	}
	pthread_mutex_unlock(&v->lock);
}

static void virtio_mmio_write(struct mmio_dev *dev, uint64_t off, const uint8_t *data, uint32_t len)
{
	struct virtio_mmio *v = dev->priv;
	uint32_t val;

	/* config space of these devices is read-only; other registers are 32-bit */
	if (off >= REG_CONFIG || len != 4)
		return;
	memcpy(&val, data, 4);
	pthread_mutex_lock(&v->lock);
	reg_write(v, off, val);
	pthread_mutex_unlock(&v->lock);
}

void virtio_notify_used(struct virtio_mmio *v)
{
	/* the used ring is visible before the interrupt that announces it */
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	v->int_status |= VIRTIO_INT_USED;
	virtio_signal(v);
}

void virtq_kick_again(struct virtq *vq)
{
	uint64_t one = 1;

	if (write(vq->notify_fd, &one, sizeof(one)) != sizeof(one))
		vmm_err("%s: cannot notify queue %d again", vq->vdev->mmio.name, vq->index);
}

/* A queue's ioeventfd fired (I/O thread). */
static void queue_kicked(int fd, void *opaque)
{
	struct virtq *vq = opaque;
	struct virtio_mmio *v = vq->vdev;
	uint64_t count;

	if (read(fd, &count, sizeof(count)) != sizeof(count))
		return;
	pthread_mutex_lock(&v->lock);
	if (vq->ready)
		v->ops->queue_notify(v, vq);
	pthread_mutex_unlock(&v->lock);
}

static int virtio_mmio_attach(struct mmio_dev *dev, struct vmm *vmm)
{
	struct virtio_mmio *v = dev->priv;
	int i;

	if (vm_irqfd(vmm, v->irq_fd, v->spi))
		return -1;
	for (i = 0; i < v->ops->nr_queues; i++)
		if (vm_ioeventfd(vmm, v->vq[i].notify_fd, dev->base + REG_QUEUE_NOTIFY, 4, i))
			return -1;
	return vm_ioeventfd(vmm, v->ack_fd, dev->base + REG_INT_ACK, 4, VIRTIO_INT_USED);
}

static void virtio_mmio_reset(struct mmio_dev *dev)
{
	struct virtio_mmio *v = dev->priv;

	pthread_mutex_lock(&v->lock);
	virtio_reset_locked(v);
	v->config_gen = 0;
	pthread_mutex_unlock(&v->lock);
}

/*
 * The transport's registers, each queue, the config space (the MAC a
 * driver read must not change under it), then the device's own state.
 */
static int virtio_mmio_save(struct mmio_dev *dev, struct sbuf *b)
{
	struct virtio_mmio *v = dev->priv;
	int i;

	pthread_mutex_lock(&v->lock);
	quiesce_locked(v);
	sbuf_u32(b, v->ops->device_id);
	sbuf_u32(b, v->status);
	sbuf_u32(b, v->int_status);
	sbuf_u32(b, v->queue_sel);
	sbuf_u32(b, v->config_gen);
	sbuf_u32(b, v->dev_features_sel);
	sbuf_u32(b, v->drv_features_sel);
	sbuf_u64(b, v->drv_features);
	sbuf_u32(b, (uint32_t)v->ops->nr_queues);
	for (i = 0; i < v->ops->nr_queues; i++) {
		struct virtq *vq = &v->vq[i];

		sbuf_u32(b, vq->num);
		sbuf_u8(b, vq->ready);
		sbuf_u64(b, vq->desc_gpa);
		sbuf_u64(b, vq->avail_gpa);
		sbuf_u64(b, vq->used_gpa);
		sbuf_u32(b, vq->last_avail);
		sbuf_u32(b, vq->next_used);
	}
	sbuf_u32(b, (uint32_t)v->ops->config_size);
	sbuf_put(b, v->ops->config, v->ops->config_size);
	if (v->ops->save)
		v->ops->save(v, b);
	pthread_mutex_unlock(&v->lock);
	return 0;
}

static int virtio_mmio_load(struct mmio_dev *dev, struct scur *c)
{
	struct virtio_mmio *v = dev->priv;
	const char *why = "truncated";
	const uint8_t *config;
	uint32_t id, nr, size;
	int i, ret = -1;

	pthread_mutex_lock(&v->lock);
	quiesce_locked(v);
	id = scur_u32(c);
	if (id != v->ops->device_id) {
		why = "another kind of device";
		goto bad;
	}
	v->status = scur_u32(c);
	v->int_status = scur_u32(c);
	v->queue_sel = scur_u32(c);
	v->config_gen = scur_u32(c);
	v->dev_features_sel = scur_u32(c);
	v->drv_features_sel = scur_u32(c);
	/*
	 * Features this VMM does not offer (a newer VMM's, or a forged
	 * stream): refused, not masked off, since the guest's driver goes on
	 * using them (a ring feature such as EVENT_IDX changes when it
	 * notifies, and its queue would stall).
	 */
	v->drv_features = scur_u64(c);
	if (v->drv_features & ~dev_features(v)) {
		why = "features this VMM does not offer";
		goto bad;
	}
	nr = scur_u32(c);
	if (nr != (uint32_t)v->ops->nr_queues) {
		why = "another number of queues";
		goto bad;
	}
	for (i = 0; i < v->ops->nr_queues; i++) {
		struct virtq *vq = &v->vq[i];

		vq->num = scur_u32(c);
		vq->ready = scur_u8(c) != 0;
		vq->desc_gpa = scur_u64(c);
		vq->avail_gpa = scur_u64(c);
		vq->used_gpa = scur_u64(c);
		vq->last_avail = (uint16_t)scur_u32(c);
		vq->next_used = (uint16_t)scur_u32(c);
		/* the same rule as a driver making it ready */
		if (vq->ready && virtq_check(vq)) {
			why = "a ready queue with a bad size or rings outside RAM";
			goto bad;
		}
	}
	size = scur_u32(c);
	config = scur_bytes(c, size);
	if (!config || size != v->ops->config_size) {
		why = "another config space";
		goto bad;
	}
	if (size)
		memcpy(v->ops->config, config, size);
	why = "the device's own state";
	if (v->ops->load ? v->ops->load(v, c) : 0)
		goto bad;
	if ((v->status & STATUS_FEATURES_OK) && v->ops->features_set)
		v->ops->features_set(v);
	why = "bytes past its end";
	if (!scur_done(c))
		goto bad;
	ret = 0;
	goto out;
bad:
	vmm_err("%s: corrupt state (%s)", v->mmio.name, c->bad ? "truncated" : why);
	virtio_reset_locked(v);
out:
	pthread_mutex_unlock(&v->lock);
	return ret;
}

/* Every ready queue served once, as if just notified, and its requests completed. */
static void virtio_mmio_drain(struct mmio_dev *dev)
{
	struct virtio_mmio *v = dev->priv;
	int i;

	pthread_mutex_lock(&v->lock);
	for (i = 0; i < v->ops->nr_queues; i++)
		if (v->vq[i].ready)
			v->ops->queue_notify(v, &v->vq[i]);
	quiesce_locked(v);
	pthread_mutex_unlock(&v->lock);
}

static void virtio_mmio_fdt(struct mmio_dev *dev, struct fdt_writer *w)
{
	struct virtio_mmio *v = dev->priv;

	fdt_reg(w, dev->base, dev->size);
	fdt_spi(w, v->spi, true);
}

static void virtio_mmio_destroy(struct mmio_dev *dev)
{
	struct virtio_mmio *v = dev->priv;
	int i;

	/* nothing completes into a closed irqfd (ops is NULL on a failed create) */
	if (v->ops)
		virtio_mmio_quiesce(v);
	for (i = 0; i < VIRTIO_MAX_QUEUES; i++)
		if (v->vq[i].notify_fd >= 0)
			close(v->vq[i].notify_fd);
	if (v->irq_fd >= 0)
		close(v->irq_fd);
	if (v->ack_fd >= 0)
		close(v->ack_fd);
	pthread_mutex_destroy(&v->lock);
	if (v->ops && v->ops->destroy)
		v->ops->destroy(v->dev);
	free(v);
}

struct virtio_mmio *virtio_mmio_create(struct vmm *vmm, const char *name,
				       const struct virtio_dev_ops *ops, void *dev)
{
	struct virtio_mmio *v = calloc(1, sizeof(*v));
	int i, slot = vmm->next_virtio_slot;

	if (!v)
		return NULL;
	v->ops = ops;
	v->dev = dev;
	v->vmm = vmm;
	v->spi = GUEST_VIRTIO_SPI + slot;
	pthread_mutex_init(&v->lock, NULL);
	for (i = 0; i < VIRTIO_MAX_QUEUES; i++)
		v->vq[i].notify_fd = -1;
	v->irq_fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	v->ack_fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	if (v->irq_fd < 0 || v->ack_fd < 0)
		goto fail;
	for (i = 0; i < ops->nr_queues; i++) {
		v->vq[i].vdev = v;
		v->vq[i].index = i;
		v->vq[i].notify_fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
		if (v->vq[i].notify_fd < 0 || io_watch(v->vq[i].notify_fd, name, queue_kicked, &v->vq[i]))
			goto fail;
	}
	v->mmio = (struct mmio_dev) {
		.name = name, .base = GUEST_VIRTIO_BASE + slot * GUEST_VIRTIO_SIZE,
		.size = GUEST_VIRTIO_SIZE, .read = virtio_mmio_read,
		.write = virtio_mmio_write, .attach = virtio_mmio_attach,
		.reset = virtio_mmio_reset, .fdt_node = virtio_mmio_fdt,
		.destroy = virtio_mmio_destroy, .save = virtio_mmio_save,
		.load = virtio_mmio_load, .drain = virtio_mmio_drain, .priv = v,
	};
	virtio_reset_locked(v);
	if (mmio_bus_add(vmm, &v->mmio))
		goto fail;
	vmm->next_virtio_slot++;
	return v;
fail:
	vmm_err("%s: cannot create the device: %s", name, strerror(errno));
	v->mmio.priv = v;
	v->ops = NULL;		/* the caller frees its device */
	virtio_mmio_destroy(&v->mmio);
	return NULL;
}
