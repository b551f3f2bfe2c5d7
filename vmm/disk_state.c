// SPDX-License-Identifier: GPL-2.0-only
/*
 * The writable disks in a migration's stream (--migrate-disk), for hosts
 * that do not share the images: a first copy of every block, then the
 * blocks the guest wrote meanwhile, round after round with the RAM, the
 * last of them once the VM is paused.
 *
 * A STREAM_DISK section (index: the disk, in --disk order) holds one
 * extent: u64 offset, u64 length, u8 zero; then, unless zero is 1, the
 * extent's bytes, which are the rest of the section. A run of zero blocks
 * goes as one zero extent: no data, and the target writes zeros (its image
 * need not start zeroed). Read-only disks are never streamed: both sides
 * must have the same image, as without --migrate-disk.
 *
 * The virtio-blk device marks what it wrote (disk_dirty_mark), one bit per
 * DISK_BLOCK; it is the only thing in the VMM that writes an image.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "stream.h"
#include "vmm.h"

#define LONG_BITS	(8 * sizeof(unsigned long))

static const uint8_t zero_block[DISK_BLOCK];

static bool streamed(const struct vmm_disk *d)
{
	return !d->ro && d->dirty && d->pending;
}

void disk_dirty_mark(struct vmm_disk *d, uint64_t off, uint64_t len)
{
	uint64_t blk, last;

	if (!d || !d->dirty || !len || off >= d->size)
		return;
	last = (off + len - 1) >> DISK_BLOCK_SHIFT;
	if (last >= d->nr_blocks)
		last = d->nr_blocks - 1;
	/* release: whoever takes the bit reads the block after our write */
	for (blk = off >> DISK_BLOCK_SHIFT; blk <= last; blk++)
		__atomic_fetch_or(&d->dirty[blk / LONG_BITS], 1UL << (blk % LONG_BITS),
				  __ATOMIC_RELEASE);
}

static size_t map_longs(const struct vmm_disk *d)
{
	return (size_t)((d->nr_blocks + LONG_BITS - 1) / LONG_BITS);
}

void disk_migrate_start(struct vmm *vmm)
{
	size_t i;
	int n;

	for (n = 0; n < vmm->nr_disks; n++) {
		struct vmm_disk *d = &vmm->disks[n];

		if (!streamed(d))
			continue;
		/* the first copy reads every block after this: earlier writes are in it */
		for (i = 0; i < map_longs(d); i++) {
			__atomic_store_n(&d->dirty[i], 0, __ATOMIC_RELEASE);
			d->pending[i] = ~0UL;
		}
		if (d->nr_blocks % LONG_BITS)
			d->pending[map_longs(d) - 1] = (1UL << (d->nr_blocks % LONG_BITS)) - 1;
	}
}

uint64_t disk_dirty_harvest(struct vmm *vmm)
{
	uint64_t blocks = 0;
	size_t i;
	int n;

	for (n = 0; n < vmm->nr_disks; n++) {
		struct vmm_disk *d = &vmm->disks[n];

		if (!streamed(d))
			continue;
		for (i = 0; i < map_longs(d); i++) {
			d->pending[i] |= __atomic_exchange_n(&d->dirty[i], 0, __ATOMIC_ACQ_REL);
			blocks += (uint64_t)__builtin_popcountl(d->pending[i]);
		}
	}
	return blocks * DISK_BLOCK;	/* a disk's short last block counted whole */
}

static int send_extent(struct stream *s, uint32_t index, uint64_t off, uint64_t len,
		       const uint8_t *data)
{
	struct sbuf b = { 0 };
	int ret;

	sbuf_u64(&b, off);
	sbuf_u64(&b, len);
	sbuf_u8(&b, data ? 0 : 1);
	if (data)
		sbuf_put(&b, data, (size_t)len);
	ret = stream_write_section(s, STREAM_DISK, index, &b);
	sbuf_free(&b);
	return ret;
}

/* Block @blk of @d into @buf: its length (short at the end of the disk), or -1. */
static ssize_t read_block(const struct vmm_disk *d, uint64_t blk, uint8_t *buf)
{
	uint64_t off = blk << DISK_BLOCK_SHIFT;
	size_t len = d->size - off < DISK_BLOCK ? (size_t)(d->size - off) : DISK_BLOCK;
	ssize_t done;

	do
		done = pread(d->fd, buf, len, (off_t)off);
	while (done < 0 && errno == EINTR);
	if (done != (ssize_t)len) {
		vmm_err("migration: reading disk %s at %llu: %s", d->path,
			(unsigned long long)off, done < 0 ? strerror(errno) : "short read");
		return -1;
	}
	return (ssize_t)len;
}

/* The pending blocks of disk @index; a run of zero blocks as one extent. */
static int disk_write_one(struct vmm *vmm, struct stream *s, uint32_t index, uint8_t *buf,
			  uint64_t *sent)
{
	struct vmm_disk *d = &vmm->disks[index];
	uint64_t blk, zero_off = 0, zero_len = 0;
	ssize_t len;

	for (blk = 0; blk < d->nr_blocks; blk++) {
		if (!(d->pending[blk / LONG_BITS] & (1UL << (blk % LONG_BITS))))
			continue;
		len = read_block(d, blk, buf);
		if (len < 0)
			return -1;
		(*sent)++;
		if (!memcmp(buf, zero_block, (size_t)len)) {
			if (zero_len && zero_off + zero_len == blk << DISK_BLOCK_SHIFT) {
				zero_len += (uint64_t)len;
				continue;
			}
			if (zero_len && send_extent(s, index, zero_off, zero_len, NULL))
				return -1;
			zero_off = blk << DISK_BLOCK_SHIFT;
			zero_len = (uint64_t)len;
			continue;
		}
		if (zero_len && send_extent(s, index, zero_off, zero_len, NULL))
			return -1;
		zero_len = 0;
		if (send_extent(s, index, blk << DISK_BLOCK_SHIFT, (uint64_t)len, buf))
			return -1;
	}
	if (zero_len && send_extent(s, index, zero_off, zero_len, NULL))
		return -1;
	memset(d->pending, 0, map_longs(d) * sizeof(unsigned long));
	return 0;
}

int disk_blocks_write(struct vmm *vmm, struct stream *s, uint64_t *sent)
{
	uint8_t *buf = malloc(DISK_BLOCK);
	int n, ret = 0;

	*sent = 0;
	if (!buf) {
		vmm_err("migration: no memory for a disk block");
		return -1;
	}
	for (n = 0; n < vmm->nr_disks && !ret; n++)
		if (streamed(&vmm->disks[n]))
			ret = disk_write_one(vmm, s, (uint32_t)n, buf, sent);
	free(buf);
	return ret;
}

static int pwrite_all(const struct vmm_disk *d, const uint8_t *p, uint64_t len, uint64_t off)
{
	ssize_t done;

	while (len) {
		done = pwrite(d->fd, p, (size_t)len, (off_t)off);
		if (done < 0 && errno == EINTR)
			continue;
		if (done <= 0) {
			vmm_err("migration: writing disk %s at %llu: %s", d->path,
				(unsigned long long)off, done < 0 ? strerror(errno) : "nothing written");
			return -1;
		}
		p += done;
		off += (uint64_t)done;
		len -= (uint64_t)done;
	}
	return 0;
}

static int write_zeros(const struct vmm_disk *d, uint64_t off, uint64_t len)
{
	uint64_t chunk;

	while (len) {
		chunk = len < DISK_BLOCK ? len : DISK_BLOCK;
		if (pwrite_all(d, zero_block, chunk, off))
			return -1;
		off += chunk;
		len -= chunk;
	}
	return 0;
}

int disk_blocks_load(struct vmm *vmm, uint32_t index, struct scur *c)
{
	const struct vmm_disk *d;
	uint64_t off, len;
	const uint8_t *data;
	uint8_t zero;

	if (index >= (uint32_t)vmm->nr_disks || vmm->disks[index].ro) {
		vmm_err("corrupt stream: blocks for disk %u, not a writable --disk here", index);
		return -1;
	}
	d = &vmm->disks[index];
	off = scur_u64(c);
	len = scur_u64(c);
	zero = scur_u8(c);
	/* in 64 bits, and as a difference: off + len cannot wrap */
	if (c->bad || zero > 1 || !len || off > d->size || len > d->size - off)
		goto bad;
	if (zero) {
		if (!scur_done(c))
			goto bad;
		return write_zeros(d, off, len);
	}
	/* the data is the rest of the section, whose length the reader bounded */
	if (len != c->left)
		goto bad;
	data = scur_bytes(c, (size_t)len);
	if (!data)
		goto bad;
	return pwrite_all(d, data, len, off);
bad:
	vmm_err("corrupt stream: disk %u (%llu bytes): a bad extent of %llu bytes at %llu",
		index, (unsigned long long)d->size, (unsigned long long)len,
		(unsigned long long)off);
	return -1;
}

int disk_sync(struct vmm *vmm)
{
	int n;

	for (n = 0; n < vmm->nr_disks; n++) {
		const struct vmm_disk *d = &vmm->disks[n];

		if (!d->ro && fdatasync(d->fd)) {
			vmm_err("migration: syncing disk %s: %s", d->path, strerror(errno));
			return -1;
		}
	}
	return 0;
}
