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
 *   sees it; the backend fed; the device reset as at a guest reboot.
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
	OP_AVAIL, OP_NOTIFY, OP_KICK, OP_BACKEND, OP_RESET, NR_OPS
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

/* What a driver does (virtio 1.1 sections 3.1.1 and 4.2.3.2). */
static void queue_setup(struct input *in)
{
	unsigned int q = in_u8(in) & 1;
	struct fake_queue *f = &fq[q];

	f->num = (uint16_t)(1u << (in_u8(in) % 9));
	f->desc = ram_gpa(in_u16(in) & ~15u, 16u * f->num);
	f->avail = ram_gpa(in_u16(in) & ~1u, 6u + 2u * f->num);
	f->used = ram_gpa(in_u16(in) & ~3u, 6u + 8u * f->num);
	f->avail_idx = 0;
	reg_write(0x070, 1 | 2);			/* ACKNOWLEDGE, DRIVER */
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

	if (!f->num)
		return;
	ram_write(f->avail + 4 + 2u * (f->avail_idx % f->num), &head, 2);
	f->avail_idx++;
	ram_write(f->avail + 2, &f->avail_idx, 2);
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
	case OP_NOTIFY:		reg_write(0x050, in_u8(in) & 3); break;
	case OP_KICK:		queue_kick(in_u8(in) & 1); break;
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
	}
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
