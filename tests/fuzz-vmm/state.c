// SPDX-License-Identifier: GPL-2.0-only
/*
 * The VM state stream's reader (vmm/stream.c, snapshot.c, ram_state.c,
 * vm_state.c, the devices' load functions) on hostile bytes: the input is
 * the stream, read from a memfd into a small VM (RAM_PAGES of heap, a
 * PL011, a virtio-blk on a DISK_SIZE image in a temporary file,
 * virtio-console and virtio-rng on the bus, one vCPU without a kernel
 * behind it: its ioctls fail, as a refused register would). The reader
 * expects the disks streamed (--migrate-disk): the STREAM_DISK sections
 * are parsed and written to the image.
 *
 * FUZZ_STATE_SEED=FILE: write a valid stream of this VM to FILE (the
 * corpus seed, corpus/state/seed) and exit.
 *
 * Before the first input, features_selftest checks that a virtio device's
 * state whose driver accepted a feature this VMM does not offer is
 * refused, and that the same state with the offered ones loads;
 * capacity_selftest, that a virtio-blk state of another disk size is.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "fuzz.h"
#include "stream.h"

#define RAM_PAGES	64
#define DISK_SIZE	(256 * 1024)

static struct vmm vmm;
static char disk_path[] = "/tmp/fuzz-vmm-state-XXXXXX";

static void remove_disk(void)
{
	unlink(disk_path);
}

/* The image the header names (its size is checked by path): kept until exit. */
static bool make_disk(void)
{
	int fd = mkstemp(disk_path);
	bool ok = fd >= 0 && ftruncate(fd, DISK_SIZE) == 0;

	if (fd >= 0)
		close(fd);
	if (ok)
		atexit(remove_disk);
	vmm.cfg.disks[0] = (struct vmm_disk_config){ .path = disk_path };
	vmm.cfg.nr_disks = 1;
	return ok && virtio_blk_create(&vmm, &vmm.cfg.disks[0]);
}

/* snapshot.c's --save side pauses a VM: there is none here */
int vm_pause(struct vmm *v) { return -1; }
int vm_resume(struct vmm *v) { return -1; }

static void make_vm(void)
{
	struct console *con;

	vmm.ram_size = RAM_PAGES * 4096;
	vmm.ram = calloc(1, vmm.ram_size);
	vmm.vmm_dirty = calloc(1, RAM_PAGES / 8 + sizeof(unsigned long));
	vmm.vm_fd = vmm.sys_fd = vmm.vgic_fd = -1;
	vmm.cfg.kernel = "zImage";
	vmm.cfg.nr_vcpus = vmm.nr_vcpus = 1;
	vmm.vcpu[0].fd = -1;
	if (!vmm.ram || !vmm.vmm_dirty || !pl011_create(&vmm, &con) || !make_disk() ||
	    !virtio_console_create(&vmm, &con) || !virtio_rng_create(&vmm))
		abort();
}

/* A stream this VM would accept as far as the vCPU (whose registers a real kernel holds). */
static void write_seed(const char *path)
{
	struct stream s;
	struct sbuf b = { 0 };
	uint64_t pages;
	FILE *f = fopen(path, "w");
	int i;

	if (!f)
		exit(1);
	memset(vmm.ram + 4096, 0x5a, 4096);
	stream_init(&s, fileno(f), path);
	stream_write_prelude(&s);
	snapshot_write_header(&vmm, &s, true);
	ram_pages_write(&vmm, &s, NULL, &pages);
	/* a zero extent, then 512 bytes of data: small, for the fuzzer's mutations */
	sbuf_u64(&b, 0);
	sbuf_u64(&b, DISK_SIZE);
	sbuf_u8(&b, 1);
	stream_write_section(&s, STREAM_DISK, 0, &b);
	sbuf_reset(&b);
	sbuf_u64(&b, 4096);
	sbuf_u64(&b, 512);
	sbuf_u8(&b, 0);
	sbuf_put(&b, vmm.ram + 4096, 512);
	stream_write_section(&s, STREAM_DISK, 0, &b);
	for (i = 0; i < vmm.nr_devs; i++) {
		sbuf_reset(&b);
		vmm.devs[i]->save(vmm.devs[i], &b);
		stream_write_section(&s, STREAM_DEVICE, (uint32_t)i, &b);
	}
	sbuf_reset(&b);
	sbuf_u32(&b, 0);
	sbuf_u32(&b, 0);
	stream_write_section(&s, STREAM_VCPU, 0, &b);
	stream_write_end(&s);
	sbuf_free(&b);
	fclose(f);
	remove_disk();
	_exit(0);	/* not exit(): libFuzzer counts that as a crash */
}

/*
 * Recompute the CRC of every whole section of an even-sized input, so that
 * mutations reach the section parsers (STREAM_DISK's among them) instead
 * of ending at the CRC check; odd-sized inputs go as they are, the CRC
 * check fuzzed too.
 */
static void fix_crcs(uint8_t *p, size_t size)
{
	size_t off = sizeof(STREAM_MAGIC) + 4;
	uint32_t h[3], crc;

	if (size % 2)
		return;
	while (off + 16 <= size) {
		memcpy(h, p + off, sizeof(h));
		if (h[2] > size - off - 16)
			return;
		crc = crc32_update(crc32_update(0, h, sizeof(h)), p + off + sizeof(h), h[2]);
		memcpy(p + off + sizeof(h) + h[2], &crc, 4);
		off += 16 + (size_t)h[2];
	}
}

/* virtio_mmio_save's layout: seven u32 registers, then the accepted features */
#define DRV_FEATURES_OFFSET	(7 * 4)
#define FEATURE_NOT_OFFERED	(1ULL << 40)

/* Load @dev's own saved state, its accepted features ORed with @extra. */
static int load_with_features(struct mmio_dev *dev, uint64_t extra)
{
	struct sbuf b = { 0 };
	struct scur c;
	uint64_t features;
	int ret;

	if (dev->save(dev, &b) || b.oom || b.len < DRV_FEATURES_OFFSET + 8)
		abort();
	memcpy(&features, b.data + DRV_FEATURES_OFFSET, 8);
	features |= extra;
	memcpy(b.data + DRV_FEATURES_OFFSET, &features, 8);
	c = (struct scur){ .p = b.data, .left = b.len };
	ret = dev->load(dev, &c);
	sbuf_free(&b);
	return ret;
}

static void features_selftest(void)
{
	struct mmio_dev *rng = vmm.devs[vmm.nr_devs - 1];	/* created last */

	if (load_with_features(rng, 0) != 0) {
		fprintf(stderr, "fuzz-vmm: features_selftest: %s's own state does not load\n", rng->name);
		abort();
	}
	if (load_with_features(rng, FEATURE_NOT_OFFERED) == 0) {
		fprintf(stderr, "fuzz-vmm: features_selftest: %s loaded a feature it never offered\n",
			rng->name);
		abort();
	}
}

/* then the queues (4 + 1 + 3 * 8 + 2 * 4 bytes each), the config space's size and bytes */
#define QUEUE_STATE_BYTES	37
#define CONFIG_OFFSET(nr_queues) \
	(DRV_FEATURES_OFFSET + 8 + 4 + (nr_queues) * QUEUE_STATE_BYTES + 4)

/*
 * Load virtio-blk's own saved state with the capacity in its config space
 * set to @capacity; *@was: the capacity the saved state held.
 */
static int load_with_capacity(struct mmio_dev *blk, uint64_t capacity, uint64_t *was)
{
	size_t off = CONFIG_OFFSET(1);
	struct sbuf b = { 0 };
	uint32_t config_size;
	struct scur c;
	int ret;

	if (blk->save(blk, &b) || b.oom || b.len < off + 8)
		abort();
	memcpy(&config_size, b.data + off - 4, 4);
	if (config_size < 8)	/* the layout above no longer vmm/virtio_mmio.c's */
		abort();
	memcpy(was, b.data + off, 8);
	memcpy(b.data + off, &capacity, 8);
	c = (struct scur){ .p = b.data, .left = b.len };
	ret = blk->load(blk, &c);
	sbuf_free(&b);
	return ret;
}

/*
 * A stream's virtio-blk config space with another capacity than the
 * image's is refused, and the device keeps the image's: before, a forged
 * one let the guest read and write past the image's end.
 */
static void capacity_selftest(void)
{
	struct mmio_dev *blk = vmm.devs[1];	/* after the PL011 */
	uint64_t sectors = DISK_SIZE / 512, was;

	if (strcmp(blk->name, "virtio-blk") || load_with_capacity(blk, sectors, &was) != 0 ||
	    was != sectors) {
		fprintf(stderr, "fuzz-vmm: capacity_selftest: virtio-blk's own state does not load\n");
		abort();
	}
	if (load_with_capacity(blk, 1ULL << 40, &was) == 0) {
		fprintf(stderr, "fuzz-vmm: capacity_selftest: a capacity of 2^40 sectors loaded\n");
		abort();
	}
	if (load_with_capacity(blk, sectors, &was) != 0 || was != sectors) {
		fprintf(stderr, "fuzz-vmm: capacity_selftest: the refused capacity stayed (%llu)\n",
			(unsigned long long)was);
		abort();
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct stream s;
	uint8_t *copy;
	int fd, i;

	if (!vmm.ram) {
		make_vm();
		if (getenv("FUZZ_STATE_SEED"))
			write_seed(getenv("FUZZ_STATE_SEED"));
		features_selftest();
		capacity_selftest();
	}
	copy = malloc(size ? size : 1);
	if (!copy)
		abort();
	memcpy(copy, data, size);
	fix_crcs(copy, size);
	fd = memfd_create("stream", MFD_CLOEXEC);
	if (fd < 0 || write(fd, copy, size) != (ssize_t)size || lseek(fd, 0, SEEK_SET))
		abort();
	free(copy);
	for (i = 0; i < vmm.nr_devs; i++)
		vmm.devs[i]->reset(vmm.devs[i]);
	stream_init(&s, fd, "fuzz");
	snapshot_read(&vmm, &s, true);
	close(fd);
	return 0;
}
