/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The libFuzzer harness of armvirt-vmm's device code, run on the build
 * machine: a fake guest (a malloc'ed RAM region, MMIO accesses through the
 * real bus) drives one device per target, from a script the fuzzer writes
 * (fuzz.c reads it). Each target (blk.c, net.c, ...) makes its device and
 * feeds its backend.
 */
#ifndef ARMVIRT_FUZZ_VMM_H
#define ARMVIRT_FUZZ_VMM_H

#include <stddef.h>
#include <stdint.h>

#include "vmm.h"

/* The rest of the fuzzer's input, read from the front. */
struct input {
	const uint8_t *p;
	size_t left;
};

uint8_t in_u8(struct input *in);
uint16_t in_u16(struct input *in);
uint32_t in_u32(struct input *in);
uint64_t in_u64(struct input *in);
/* Up to @max bytes of input, their count in *len. */
const uint8_t *in_bytes(struct input *in, size_t max, size_t *len);

/* A host fd's handler, as io_watch() recorded it: called like the I/O thread would. */
void fuzz_io_ready(int fd);

struct fuzz_target {
	bool virtio;			/* a virtio-mmio device (queues to set up) */
	/* Make the device on @vmm once; its register block. */
	struct mmio_dev *(*create)(struct vmm *vmm);
	/* Before each input: back to a known state. */
	void (*reset)(void);
	/* Feed the device's backend from the input (a frame...); if none, the console's. */
	void (*backend)(struct input *in);
};

/* The console device the target made, that OP_BACKEND types on. */
extern struct console *fuzz_console;

extern const struct fuzz_target fuzz_target;

#endif
