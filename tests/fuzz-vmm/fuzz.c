// SPDX-License-Identifier: GPL-2.0-only
/*
 * The harness's guest. Its input is a script of operations, one byte
 * naming each, then its operands:
 *
 *   MMIO write or read of one of the device's registers (through
 *   mmio_bus_access, as a vCPU exit would); bytes written into guest RAM;
 *   a queue set up the way a driver does it; a descriptor written into that
 *   queue's table (its buffer in RAM or anywhere); a chain made available;
 *   QueueNotify written, or the queue's ioeventfd fired as the I/O thread
 *   sees it; the backend fed; the device reset as at a guest reboot; the
 *   driver's used_event (VIRTIO_RING_F_EVENT_IDX) set to any value.
 *
 * After each notification the device's interrupts are checked against the
 * rule of virtio 1.1 section 2.6.7.2 (event_check), and before the first
 * input a fixed scenario checks that rule deterministically (event_selftest).
 *
 * Guest RAM is exactly RAM_SIZE bytes of heap, so that AddressSanitizer
 * catches any access the device makes outside it. The functions vmm/ calls
 * for the VM's fds and the I/O thread (irq line, irqfd, ioeventfd,
 * io_watch, the console's stdout) are replaced by stubs.c's.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fuzz.h"
#include "virtio.h"

#define RAM_SIZE	0x10000u

enum op {
	OP_MMIO_WRITE, OP_MMIO_READ, OP_RAM_WRITE, OP_QUEUE_SETUP, OP_DESC,
	OP_AVAIL, OP_NOTIFY, OP_KICK, OP_BACKEND, OP_RESET, OP_USED_EVENT, NR_OPS
};

/* Where the harness's driver put each queue (the device may be told otherwise). */
struct fake_queue {
	uint64_t desc, avail, used;
	uint16_t num, avail_idx;
};

static struct vmm vmm;
static struct mmio_dev *dev;
static struct fake_queue fq[2];
struct console *fuzz_console;

/* ---- the input ---- */
static uint64_t in_le(struct input *in, size_t n)
{
	uint64_t v = 0;
	size_t i;

	for (i = 0; i < n && in->left; i++, in->left--)
		v |= (uint64_t)*in->p++ << (8 * i);
	return v;
}

uint8_t in_u8(struct input *in) { return (uint8_t)in_le(in, 1); }
uint16_t in_u16(struct input *in) { return (uint16_t)in_le(in, 2); }
uint32_t in_u32(struct input *in) { return (uint32_t)in_le(in, 4); }
uint64_t in_u64(struct input *in) { return in_le(in, 8); }

const uint8_t *in_bytes(struct input *in, size_t max, size_t *len)
{
	const uint8_t *p = in->p;

	*len = max < in->left ? max : in->left;
	in->p += *len;
	in->left -= *len;
	return p;
}

/* ---- the fake guest ---- */
static uint32_t mmio(uint64_t off, bool write, uint32_t val, uint32_t len)
{
	struct kvm_run run;

	memset(&run, 0, sizeof(run));
	run.mmio.phys_addr = dev->base + off;
	run.mmio.len = len;
	run.mmio.is_write = write;
	memcpy(run.mmio.data, &val, sizeof(val));
	mmio_bus_access(&vmm, &run);
	memcpy(&val, run.mmio.data, sizeof(val));
	return val;
}

static void reg_write(uint32_t off, uint32_t val) { mmio(off, true, val, 4); }

/* A guest address in RAM, @size bytes before its end at most. */
static uint64_t ram_gpa(uint32_t off, uint32_t size)
{
	return GUEST_RAM_BASE + off % (RAM_SIZE - size + 1);
}

static void ram_write(uint64_t gpa, const void *buf, size_t len)
{
	void *p = gpa_to_hva(&vmm, gpa, len);

	if (p)
		memcpy(p, buf, len);
}

/*
 * The event fields of EVENT_IDX after each ring's entries (virtio 1.1,
 * 2.6.10): the driver's used_event, the device's avail_event.
 */
static uint64_t used_event_gpa(uint64_t avail, uint16_t num)
{
	return avail + 4 + 2ull * num;
}

static uint64_t avail_event_gpa(uint64_t used, uint16_t num)
{
	return used + 4 + 8ull * num;
}

/* The driver makes chain @head available on its queue @f (num > 0). */
static void avail_push(struct fake_queue *f, uint16_t head)
{
	ram_write(f->avail + 4 + 2u * (f->avail_idx % f->num), &head, 2);
	f->avail_idx++;
	ram_write(f->avail + 2, &f->avail_idx, 2);
}

/*
 * What a driver does (virtio 1.1 sections 3.1.1 and 4.2.3.2). The size
 * byte's top bit asks for VIRTIO_RING_F_EVENT_IDX besides VERSION_1 (the
 * kept corpus, from before, has it clear), the next one for
 * VIRTIO_RING_F_INDIRECT_DESC; bit 0 of @desc (not part of the address)
 * for feature 15 (virtio-net's MRG_RXBUF; no other device offers it).
 */
static void queue_setup_at(unsigned int q, uint8_t size, uint16_t desc, uint16_t avail,
			   uint16_t used)
{
	struct fake_queue *f = &fq[q];

	f->num = (uint16_t)(1u << ((size & 0x7f) % 9));
	f->desc = ram_gpa(desc & ~15u, 16u * f->num);
	f->avail = ram_gpa(avail & ~1u, 6u + 2u * f->num);
	f->used = ram_gpa(used & ~3u, 6u + 8u * f->num);
	f->avail_idx = 0;
	reg_write(0x070, 1 | 2);			/* ACKNOWLEDGE, DRIVER */
	reg_write(0x024, 0);
	reg_write(0x020, (size & 0x80 ? 1u << VIRTIO_RING_F_EVENT_IDX : 0) |
			 (size & 0x40 ? 1u << VIRTIO_RING_F_INDIRECT_DESC : 0) |
			 (desc & 1 ? 1u << 15 : 0));
	reg_write(0x024, 1);
	reg_write(0x020, 1);				/* VERSION_1 */
	reg_write(0x070, 1 | 2 | 8);			/* FEATURES_OK */
	reg_write(0x030, q);
	reg_write(0x038, f->num);
	reg_write(0x080, (uint32_t)f->desc);
	reg_write(0x084, (uint32_t)(f->desc >> 32));
	reg_write(0x090, (uint32_t)f->avail);
	reg_write(0x094, (uint32_t)(f->avail >> 32));
	reg_write(0x0a0, (uint32_t)f->used);
	reg_write(0x0a4, (uint32_t)(f->used >> 32));
	reg_write(0x044, 1);
	reg_write(0x070, 1 | 2 | 8 | 4);		/* DRIVER_OK */
}

static void queue_setup(struct input *in)
{
	unsigned int q = in_u8(in) & 1;
	uint8_t size = in_u8(in);
	uint16_t desc = in_u16(in), avail = in_u16(in);

	queue_setup_at(q, size, desc, avail, in_u16(in));
}

/* One descriptor: its buffer in RAM (offset) or anywhere (a raw address). */
static void desc_write(struct input *in)
{
	struct fake_queue *f = &fq[in_u8(in) & 1];
	uint8_t mode = in_u8(in);
	uint16_t i = in_u16(in);
	struct {
		uint64_t addr;
		uint32_t len;
		uint16_t flags, next;
	} d;

	d.addr = mode & 1 ? in_u64(in) : GUEST_RAM_BASE + in_u16(in);
	d.len = mode & 2 ? in_u32(in) : in_u16(in);
	d.flags = in_u8(in);
	d.next = mode & 4 ? in_u16(in) : in_u8(in);
	if (f->num)
		ram_write(f->desc + 16u * (i % f->num), &d, sizeof(d));
}

static void avail_add(struct input *in)
{
	struct fake_queue *f = &fq[in_u8(in) & 1];
	uint16_t head = in_u16(in);

	if (f->num)
		avail_push(f, head);
}

/* The driver's used_event, after its available ring's entries: any value. */
static void used_event_write(struct input *in)
{
	struct fake_queue *f = &fq[in_u8(in) & 1];
	uint16_t ev = in_u16(in);

	if (f->num)
		ram_write(used_event_gpa(f->avail, f->num), &ev, 2);
}

static void queue_kick(unsigned int q)
{
	struct virtio_mmio *v = dev->priv;
	uint64_t one = 1;

	if (!fuzz_target.virtio)
		return;

	if (v->vq[q].notify_fd >= 0 &&
	    write(v->vq[q].notify_fd, &one, sizeof(one)) == sizeof(one))
		fuzz_io_ready(v->vq[q].notify_fd);
}

/* The interrupts the device raised since last asked (its irqfd's count). */
static uint64_t irqs_raised(void)
{
	struct virtio_mmio *v = dev->priv;
	uint64_t n;

	return read(v->irq_fd, &n, sizeof(n)) == sizeof(n) ? n : 0;
}

/* A u16 of the ring at @gpa + @off as the device placed it, or 0 if out of RAM. */
static uint16_t ring_u16(uint64_t gpa, uint64_t off)
{
	uint16_t *p = gpa_to_hva(&vmm, gpa + off, 2);

	return p ? *p : 0;
}

/*
 * Queue @q was notified, its used index at @old_used before: the device
 * interrupts the driver once if it used any chain, unless EVENT_IDX was
 * negotiated and used_event was not passed; never if nothing was used. A
 * queue the device found broken (a configuration interrupt) proves nothing.
 */
static void event_check(unsigned int q, uint16_t old_used)
{
	struct virtio_mmio *v = dev->priv;
	struct virtq *vq = &v->vq[q];
	uint64_t irqs = irqs_raised();
	uint16_t new_used, ev;
	bool due;

	if (q >= (unsigned int)v->ops->nr_queues || !vq->ready || (v->status & 0x40))
		return;
	new_used = vq->next_used;
	ev = ring_u16(used_event_gpa(vq->avail_gpa, vq->num), 0);
	if (v->drv_features & (1ull << VIRTIO_RING_F_EVENT_IDX))
		due = (uint16_t)(new_used - ev - 1) < (uint16_t)(new_used - old_used);
	else	/* unless the driver set VIRTQ_AVAIL_F_NO_INTERRUPT */
		due = new_used != old_used && !(ring_u16(vq->avail_gpa, 0) & 1);
	/*
	 * Exactly once. A device that returns chains from several threads
	 * (virtio-blk's workers) decides per batch, and the data it writes
	 * (a block read) may land on the driver's flags or used_event between
	 * two batches, as the buffers may overlap the rings: for it, only
	 * "none when nothing was used" holds (event_selftest checks the rest
	 * with one chain at a time).
	 */
	if (v->ops->quiesce ? irqs && new_used == old_used : irqs != due) {
		fprintf(stderr, "fuzz-vmm: queue %u: used %u -> %u, used_event %u, EVENT_IDX %s: "
			"%llu interrupts, expected %d\n", q, old_used, new_used, ev,
			v->drv_features & (1ull << VIRTIO_RING_F_EVENT_IDX) ? "on" : "off",
			(unsigned long long)irqs, due);
		abort();
	}
}

/* Notify queue @q by QueueNotify (@by_reg) or its ioeventfd, and check its interrupts. */
static void notify_checked(uint32_t q, bool by_reg)
{
	struct virtio_mmio *v = dev->priv;
	uint16_t old_used;

	if (!fuzz_target.virtio) {
		if (by_reg)
			reg_write(0x050, q);
		return;
	}
	irqs_raised();
	old_used = v->vq[q & 1].next_used;
	if (by_reg)
		reg_write(0x050, q);
	else
		queue_kick(q & 1);
	/* what a device serves off the I/O thread, completed before checking */
	virtio_mmio_quiesce(v);
	if (q < 2)
		event_check(q, old_used);
}

static void run_op(struct input *in)
{
	uint32_t off;
	size_t len;
	const uint8_t *b;

	switch (in_u8(in) % NR_OPS) {
	case OP_MMIO_WRITE:
		off = in_u16(in) % dev->size;
		mmio(off, true, in_u32(in), 1u << (in_u8(in) & 3));
		break;
	case OP_MMIO_READ:
		off = in_u16(in) % dev->size;
		mmio(off, false, 0, 1u << (in_u8(in) & 3));
		break;
	case OP_RAM_WRITE:
		off = in_u16(in);
		b = in_bytes(in, in_u8(in), &len);
		ram_write(ram_gpa(off, (uint32_t)len), b, len);
		break;
	case OP_QUEUE_SETUP:	queue_setup(in); break;
	case OP_DESC:		desc_write(in); break;
	case OP_AVAIL:		avail_add(in); break;
	case OP_NOTIFY:		notify_checked(in_u8(in) & 3, true); break;
	case OP_KICK:		notify_checked(in_u8(in) & 1, false); break;
	case OP_BACKEND:
		if (fuzz_target.backend) {
			fuzz_target.backend(in);
		} else if (fuzz_console) {
			b = in_bytes(in, in_u16(in) % 2048, &len);
			if (fuzz_console->room(fuzz_console))
				fuzz_console->input(fuzz_console, b, len);
		}
		break;
	case OP_RESET:		dev->reset(dev); break;
	case OP_USED_EVENT:	used_event_write(in); break;
	}
	/*
	 * Requests a device serves off the I/O thread (virtio-blk's
	 * workers), started by any op (a QueueNotify through OP_MMIO_WRITE),
	 * complete before the next op: else one would complete, and raise
	 * its interrupt, in the window of a later notify_checked().
	 */
	if (fuzz_target.virtio)
		virtio_mmio_quiesce(dev->priv);
}

/* Stop with @what if @ok is false (the selftests below). */
static void expect(bool ok, const char *what, unsigned long long got, unsigned long long want)
{
	if (ok)
		return;
	fprintf(stderr, "fuzz-vmm: selftest: %s: got %llu, expected %llu\n", what, got, want);
	abort();
}

/*
 * One chain made available on queue @q (a 16-byte readable buffer: every
 * device uses it, if only to fail it), then the queue's ioeventfd: the
 * interrupts that raised.
 */
static uint64_t one_chain(unsigned int q)
{
	struct virtio_mmio *v = dev->priv;
	uint16_t old_used = v->vq[q].next_used;
	uint8_t d[16] = { 0 };
	uint64_t buf = GUEST_RAM_BASE + 0x8000, irqs;
	uint16_t head = 0;

	memcpy(d, &buf, 8);
	d[8] = 16;
	ram_write(fq[q].desc, d, sizeof(d));
	avail_push(&fq[q], head);
	irqs_raised();
	queue_kick(q);
	virtio_mmio_quiesce(v);
	irqs = irqs_raised();
	expect(v->vq[q].next_used == (uint16_t)(old_used + 1), "chains used",
	       (uint16_t)(v->vq[q].next_used - old_used), 1);
	return irqs;
}

/*
 * With EVENT_IDX negotiated the device offers it, publishes avail_event,
 * and interrupts only when used_event is passed; without it, it ignores
 * used_event and honours the available ring's NO_INTERRUPT flag. The last
 * queue of each device uses any chain on a kick (the transmit queue of net
 * and console).
 */
static void event_selftest(void)
{
	struct virtio_mmio *v = dev->priv;
	unsigned int q = (unsigned int)v->ops->nr_queues - 1;
	uint16_t ev;

	reg_write(0x014, 0);
	expect(mmio(0x010, false, 0, 4) >> VIRTIO_RING_F_EVENT_IDX & 1, "EVENT_IDX offered", 0, 1);
	queue_setup_at(q, 0x80 | 2, 0x1000, 0x2000, 0x3000);
	expect(v->drv_features >> VIRTIO_RING_F_EVENT_IDX & 1, "EVENT_IDX accepted", 0, 1);
	ev = 5;			/* interrupt once entry 5 is used */
	ram_write(used_event_gpa(fq[q].avail, fq[q].num), &ev, 2);
	expect(one_chain(q) == 0, "interrupts before used_event", 1, 0);
	expect(ring_u16(avail_event_gpa(fq[q].used, fq[q].num), 0) == 1, "avail_event",
	       ring_u16(avail_event_gpa(fq[q].used, fq[q].num), 0), 1);
	ev = 1;			/* the next entry (number 1) is the one */
	ram_write(used_event_gpa(fq[q].avail, fq[q].num), &ev, 2);
	expect(one_chain(q) == 1, "interrupts when used_event is passed", 0, 1);
	expect(one_chain(q) == 0, "interrupts after used_event", 1, 0);

	dev->reset(dev);
	memset(vmm.ram, 0, RAM_SIZE);
	queue_setup_at(q, 2, 0x1000, 0x2000, 0x3000);
	ev = 5;
	ram_write(used_event_gpa(fq[q].avail, fq[q].num), &ev, 2);
	expect(one_chain(q) == 1, "interrupts without EVENT_IDX", 0, 1);
	ev = 1;			/* VIRTQ_AVAIL_F_NO_INTERRUPT, honoured without EVENT_IDX */
	ram_write(fq[q].avail, &ev, 2);
	expect(one_chain(q) == 0, "interrupts with NO_INTERRUPT", 1, 0);
	ev = 0;
	ram_write(fq[q].avail, &ev, 2);
	expect(one_chain(q) == 1, "interrupts once NO_INTERRUPT is cleared", 0, 1);
	expect(ring_u16(avail_event_gpa(fq[q].used, fq[q].num), 0) == 0, "avail_event without EVENT_IDX",
	       ring_u16(avail_event_gpa(fq[q].used, fq[q].num), 0), 0);
}

/* A descriptor as the driver writes it: @addr, @len, @flags, @next. */
static void desc_at(uint64_t gpa, uint64_t addr, uint32_t len, uint16_t flags, uint16_t next)
{
	uint8_t d[16];

	memcpy(d, &addr, 8);
	memcpy(d + 8, &len, 4);
	memcpy(d + 12, &flags, 2);
	memcpy(d + 14, &next, 2);
	ram_write(gpa, d, sizeof(d));
}

/*
 * With VIRTIO_RING_F_INDIRECT_DESC negotiated, a chain whose descriptor
 * points to a table of two (at an address only 4-byte aligned) is used;
 * an indirect descriptor inside the table breaks the queue.
 */
static void indirect_selftest(void)
{
	struct virtio_mmio *v = dev->priv;
	unsigned int q = (unsigned int)v->ops->nr_queues - 1;
	const uint64_t table = GUEST_RAM_BASE + 0x5004, buf = GUEST_RAM_BASE + 0x8000;
	uint16_t head = 0;

	reg_write(0x014, 0);
	expect(mmio(0x010, false, 0, 4) >> VIRTIO_RING_F_INDIRECT_DESC & 1,
	       "INDIRECT_DESC offered", 0, 1);
	dev->reset(dev);
	memset(vmm.ram, 0, RAM_SIZE);
	queue_setup_at(q, 0x40 | 2, 0x1000, 0x2000, 0x3000);
	expect(v->drv_features >> VIRTIO_RING_F_INDIRECT_DESC & 1, "INDIRECT_DESC accepted", 0, 1);
	desc_at(fq[q].desc, table, 32, 4 /* INDIRECT */, 0);
	desc_at(table, buf, 16, 1 /* NEXT */, 1);
	desc_at(table + 16, buf + 16, 16, 0, 0);
	avail_push(&fq[q], head);
	queue_kick(q);
	virtio_mmio_quiesce(v);
	expect(v->vq[q].next_used == 1, "indirect chains used", v->vq[q].next_used, 1);
	expect(!(v->status & 0x40), "needs reset after an indirect chain", 1, 0);
	desc_at(table + 16, table, 32, 4, 0);	/* a table in the table */
	desc_at(table, buf, 16, 1, 1);
	avail_push(&fq[q], head);
	queue_kick(q);
	virtio_mmio_quiesce(v);
	expect(v->status & 0x40, "needs reset after a nested table", 0, 1);
}

/*
 * A frame into queue 0's one buffer of @buf_len bytes, through the
 * target's backend (its input: a length, then the bytes): the length
 * the device gave the used buffer.
 */
static uint32_t rx_one_frame(uint32_t buf_len, uint16_t frame_len)
{
	struct virtio_mmio *v = dev->priv;
	static uint8_t script[2 + 2048];
	struct input in = { script, 2u + frame_len };
	uint16_t old_used = v->vq[0].next_used;
	uint32_t len;
	uint8_t *p;

	memcpy(script, &frame_len, 2);
	memset(script + 2, 0xa5, frame_len);
	desc_at(fq[0].desc, GUEST_RAM_BASE + 0x8000, buf_len, 2 /* WRITE */, 0);
	avail_push(&fq[0], 0);
	queue_kick(0);
	fuzz_target.backend(&in);
	virtio_mmio_quiesce(v);
	expect(v->vq[0].next_used == (uint16_t)(old_used + 1), "receive buffers used",
	       (uint16_t)(v->vq[0].next_used - old_used), 1);
	p = gpa_to_hva(&vmm, fq[0].used + 4 + 8u * (old_used % fq[0].num) + 4, 4);
	memcpy(&len, p, 4);
	return len;
}

/*
 * virtio-net: a frame longer than the receive buffer comes back with
 * length 0 (dropped), not cut to the buffer; one that fits comes whole.
 */
static void rx_fit_selftest(void)
{
	struct virtio_mmio *v = dev->priv;
	uint32_t len;

	if (v->ops->device_id != VIRTIO_ID_NET)
		return;
	dev->reset(dev);
	memset(vmm.ram, 0, RAM_SIZE);
	queue_setup_at(0, 2, 0x1000, 0x2000, 0x3000);
	len = rx_one_frame(20, 100);
	expect(len == 0, "used length of a frame longer than its buffer", len, 0);
	len = rx_one_frame(200, 100);
	expect(len == 100, "used length of a frame that fits", len, 100);
}

/* The used ring's entry @i of queue 0: its length. */
static uint32_t used_len(uint16_t i)
{
	uint32_t len;

	memcpy(&len, gpa_to_hva(&vmm, fq[0].used + 4 + 8u * (i % fq[0].num) + 4, 4), 4);
	return len;
}

/* Frame @frame_len (its header included) from the tap, while the queue has buffers. */
static void rx_frame(uint16_t frame_len)
{
	static uint8_t script[2 + 2048];
	struct input in = { script, 2u + frame_len };

	memcpy(script, &frame_len, 2);
	memset(script + 2, 0x5a, frame_len);
	queue_kick(0);
	fuzz_target.backend(&in);
	virtio_mmio_quiesce(dev->priv);
}

/*
 * virtio-net with mergeable receive buffers (MRG_RXBUF): a frame longer
 * than a buffer spreads over as many as it needs, num_buffers in its
 * header says how many, and the ones it did not need stay available for
 * the next frame.
 */
static void rx_merge_selftest(void)
{
	struct virtio_mmio *v = dev->priv;
	uint16_t nb, i;

	if (v->ops->device_id != VIRTIO_ID_NET)
		return;
	dev->reset(dev);
	memset(vmm.ram, 0, RAM_SIZE);
	queue_setup_at(0, 5, 0x1001, 0x2000, 0x3000);
	expect(v->drv_features >> 15 & 1, "MRG_RXBUF accepted", 0, 1);
	/* 20 buffers of 100 bytes: room for the longest frame without GSO */
	for (i = 0; i < 20; i++) {
		desc_at(fq[0].desc + 16u * i, GUEST_RAM_BASE + 0x8000 + 128u * i, 100, 2, 0);
		avail_push(&fq[0], i);
	}
	rx_frame(250);
	expect(v->vq[0].next_used == 3, "buffers used by a 250-byte frame", v->vq[0].next_used, 3);
	expect(used_len(0) == 100 && used_len(1) == 100, "first buffers filled", used_len(1), 100);
	expect(used_len(2) == 50, "last buffer's length", used_len(2), 50);
	memcpy(&nb, gpa_to_hva(&vmm, GUEST_RAM_BASE + 0x8000 + 10, 2), 2);
	expect(nb == 3, "num_buffers of a 250-byte frame", nb, 3);
	rx_frame(60);
	expect(v->vq[0].next_used == 4 && used_len(3) == 60, "next frame in the next buffer",
	       v->vq[0].next_used, 4);
	memcpy(&nb, gpa_to_hva(&vmm, GUEST_RAM_BASE + 0x8000 + 3 * 128 + 10, 2), 2);
	expect(nb == 1, "num_buffers of a 60-byte frame", nb, 1);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct input in = { data, size };

	if (!dev) {
		vmm.ram_size = RAM_SIZE;
		vmm.ram = malloc(RAM_SIZE);
		vmm.vm_fd = vmm.sys_fd = vmm.vgic_fd = -1;
		dev = vmm.ram ? fuzz_target.create(&vmm) : NULL;
		if (!dev)
			abort();
		if (fuzz_target.virtio) {
			memset(vmm.ram, 0, RAM_SIZE);
			dev->reset(dev);
			event_selftest();
			indirect_selftest();
			rx_fit_selftest();
			rx_merge_selftest();
		}
	}
	memset(vmm.ram, 0, RAM_SIZE);
	memset(fq, 0, sizeof(fq));
	dev->reset(dev);
	if (fuzz_target.reset)
		fuzz_target.reset();
	while (in.left)
		run_op(&in);
	return 0;
}
