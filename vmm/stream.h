/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The VM state as a byte stream (a snapshot file or a migration socket):
 * the framing, not the contents (snapshot.c says what goes in).
 *
 *   prelude   "ARMVIRT\0" magic, u32 format version
 *   sections  u32 type, u32 index, u32 length, payload, u32 CRC32
 *             (the CRC covers type, index, length and payload)
 *   trailer   a STREAM_END section
 *
 * Little-endian throughout. Every section is read whole into a bounded
 * buffer and its CRC checked before a byte of it is parsed; the parser
 * (struct scur) never reads past what the section holds. A stream is
 * hostile input: a bad length, CRC or value ends it with one message.
 */
#ifndef ARMVIRT_VMM_STREAM_H
#define ARMVIRT_VMM_STREAM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define STREAM_MAGIC		"ARMVIRT"	/* with its NUL: 8 bytes */
/*
 * 2: the header says whether the disks are streamed; STREAM_DISK
 * 3: virtio devices offer indirect descriptors; virtio-blk SEG_MAX (its
 *    config space grew to 16 bytes)
 */
#define STREAM_VERSION		3

enum stream_section {
	STREAM_HEADER = 1,	/* what the VM is: stream_header in snapshot.c */
	STREAM_PAGES,		/* guest RAM pages */
	STREAM_VCPU,		/* one vCPU's registers and MP state (index: vCPU id) */
	STREAM_VGIC,		/* the distributor and the CPU interfaces */
	STREAM_DEVICE,		/* one device's state (index: its place on the bus) */
	STREAM_END,		/* the trailer: u32 sections before it */
	STREAM_DISK,		/* disk blocks (index: the disk, in --disk order) */
	STREAM_NR_TYPES,
};

/* The largest payload a section may have: one megabyte of pages and change. */
#define STREAM_MAX_PAYLOAD	(1100u * 1024)

struct stream {
	int fd;
	uint64_t bytes;			/* moved so far, framing included */
	uint32_t sections;		/* written or read so far */
	uint64_t rate_limit;		/* bytes per second on writes; 0: none */
	double rate_start;		/* when the rate limit started counting */
	uint64_t rate_bytes;
	const char *name;		/* for messages: the file or the peer */
};

/* A growing buffer that a section's payload is built in. */
struct sbuf {
	uint8_t *data;
	size_t len, cap;
	bool oom;
};

void sbuf_put(struct sbuf *b, const void *p, size_t len);
void sbuf_u8(struct sbuf *b, uint8_t v);
void sbuf_u32(struct sbuf *b, uint32_t v);
void sbuf_u64(struct sbuf *b, uint64_t v);
void sbuf_str(struct sbuf *b, const char *s);	/* u8 length, bytes; at most 255 */
void sbuf_reset(struct sbuf *b);
void sbuf_free(struct sbuf *b);

/* A cursor over a received payload: reads past its end set bad and give 0. */
struct scur {
	const uint8_t *p;
	size_t left;
	bool bad;
};

uint8_t scur_u8(struct scur *c);
uint32_t scur_u32(struct scur *c);
uint64_t scur_u64(struct scur *c);
/* @len bytes in place, or NULL (and bad) if fewer are left. */
const uint8_t *scur_bytes(struct scur *c, size_t len);
/* A string as sbuf_str wrote it, into @buf (NUL-terminated); false if bad. */
bool scur_str(struct scur *c, char *buf, size_t size);
/* The payload was all consumed and nothing overran. */
bool scur_done(const struct scur *c);

uint32_t crc32_update(uint32_t crc, const void *p, size_t len);

void stream_init(struct stream *s, int fd, const char *name);
/* 0, or -1 with a message (the peer went away, the disk is full...). */
int stream_write_prelude(struct stream *s);
int stream_write_section(struct stream *s, uint32_t type, uint32_t index,
			 const struct sbuf *payload);
int stream_write_end(struct stream *s);
/*
 * Check the prelude: 0, or -1 with a message (not a stream, another
 * format version).
 */
int stream_read_prelude(struct stream *s);
/*
 * The next section whole, CRC checked, into @buf (STREAM_MAX_PAYLOAD
 * bytes): 0 and its type, index and cursor; -1 with a message.
 */
int stream_read_section(struct stream *s, uint8_t *buf, uint32_t *type, uint32_t *index,
			struct scur *payload);

#endif
