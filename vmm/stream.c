// SPDX-License-Identifier: GPL-2.0-only
/*
 * The stream's framing (stream.h): sections with a length and a CRC32,
 * written with one writev each and read back whole before anything in
 * them is believed. A write rate limit (for migration) sleeps between
 * sections so that the average stays under it.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/uio.h>
#include <time.h>
#include <unistd.h>

#include "stream.h"
#include "vmm.h"

/* ---- building a payload ---- */

void sbuf_put(struct sbuf *b, const void *p, size_t len)
{
	uint8_t *n;
	size_t cap;

	if (b->oom || !len)
		return;
	if (len > b->cap - b->len) {
		cap = b->cap ? b->cap : 4096;
		while (cap - b->len < len)
			cap *= 2;
		n = realloc(b->data, cap);
		if (!n) {
			b->oom = true;
			return;
		}
		b->data = n;
		b->cap = cap;
	}
	memcpy(b->data + b->len, p, len);
	b->len += len;
}

void sbuf_u8(struct sbuf *b, uint8_t v) { sbuf_put(b, &v, 1); }
void sbuf_u32(struct sbuf *b, uint32_t v) { sbuf_put(b, &v, 4); }	/* armhf: little-endian */
void sbuf_u64(struct sbuf *b, uint64_t v) { sbuf_put(b, &v, 8); }

void sbuf_str(struct sbuf *b, const char *s)
{
	size_t len = s ? strnlen(s, 255) : 0;

	sbuf_u8(b, (uint8_t)len);
	sbuf_put(b, s, len);
}

void sbuf_reset(struct sbuf *b)
{
	b->len = 0;
	b->oom = false;
}

void sbuf_free(struct sbuf *b)
{
	free(b->data);
	*b = (struct sbuf){ 0 };
}

/* ---- reading a payload ---- */

const uint8_t *scur_bytes(struct scur *c, size_t len)
{
	const uint8_t *p = c->p;

	if (c->bad || len > c->left) {
		c->bad = true;
		return NULL;
	}
	c->p += len;
	c->left -= len;
	return p;
}

uint8_t scur_u8(struct scur *c)
{
	const uint8_t *p = scur_bytes(c, 1);

	return p ? *p : 0;
}

/* @n bytes, little-endian as the host (armhf; x86-64 for the fuzzer) */
static uint64_t scur_le(struct scur *c, size_t n)
{
	const uint8_t *p = scur_bytes(c, n);
	uint64_t v = 0;

	if (p)
		memcpy(&v, p, n);
	return v;
}

uint32_t scur_u32(struct scur *c) { return (uint32_t)scur_le(c, 4); }
uint64_t scur_u64(struct scur *c) { return scur_le(c, 8); }

bool scur_str(struct scur *c, char *buf, size_t size)
{
	size_t len = scur_u8(c);
	const uint8_t *p = scur_bytes(c, len);

	if (!p || len >= size) {
		c->bad = true;
		buf[0] = 0;
		return false;
	}
	memcpy(buf, p, len);
	buf[len] = 0;
	return true;
}

bool scur_done(const struct scur *c)
{
	return !c->bad && c->left == 0;
}

/* ---- CRC32 (the IEEE 802.3 polynomial, reflected) ---- */

uint32_t crc32_update(uint32_t crc, const void *p, size_t len)
{
	static uint32_t table[256];
	static bool made;
	const uint8_t *b = p;
	uint32_t c;
	int i, k;

	if (!__atomic_load_n(&made, __ATOMIC_ACQUIRE)) {
		for (i = 0; i < 256; i++) {
			for (c = (uint32_t)i, k = 0; k < 8; k++)
				c = c & 1 ? 0xedb88320u ^ (c >> 1) : c >> 1;
			table[i] = c;
		}
		__atomic_store_n(&made, true, __ATOMIC_RELEASE);
	}
	crc = ~crc;
	while (len--)
		crc = table[(crc ^ *b++) & 0xff] ^ (crc >> 8);
	return ~crc;
}

/* ---- the stream ---- */

struct section_head {
	uint32_t type, index, len;
};

void stream_init(struct stream *s, int fd, const char *name)
{
	*s = (struct stream){ .fd = fd, .name = name };
}

static double mono_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Sleep as long as the bytes written so far are ahead of the rate limit. */
static void rate_wait(struct stream *s, size_t len)
{
	double due, now;

	if (!s->rate_limit)
		return;
	now = mono_s();
	if (!s->rate_bytes)
		s->rate_start = now;
	s->rate_bytes += len;
	due = s->rate_start + (double)s->rate_bytes / (double)s->rate_limit;
	if (due > now)
		usleep((useconds_t)((due - now) * 1e6));
}

static int write_all(struct stream *s, struct iovec *iov, int n)
{
	size_t total = 0;
	ssize_t done;
	int i;

	for (i = 0; i < n; i++)
		total += iov[i].iov_len;
	rate_wait(s, total);
	while (n > 0) {
		done = writev(s->fd, iov, n);
		if (done < 0 && errno == EINTR)
			continue;
		if (done <= 0) {
			vmm_err("%s: writing the VM state: %s", s->name,
				done < 0 ? strerror(errno) : "nothing written");
			return -1;
		}
		s->bytes += (uint64_t)done;
		while (n > 0 && (size_t)done >= iov->iov_len) {
			done -= (ssize_t)iov->iov_len;
			iov++;
			n--;
		}
		if (n > 0) {
			iov->iov_base = (uint8_t *)iov->iov_base + done;
			iov->iov_len -= (size_t)done;
		}
	}
	return 0;
}

int stream_write_prelude(struct stream *s)
{
	uint32_t version = STREAM_VERSION;
	struct iovec iov[2] = {
		{ (void *)STREAM_MAGIC, sizeof(STREAM_MAGIC) }, { &version, 4 },
	};

	return write_all(s, iov, 2);
}

int stream_write_section(struct stream *s, uint32_t type, uint32_t index,
			 const struct sbuf *payload)
{
	struct section_head h = { type, index, (uint32_t)payload->len };
	uint32_t crc;
	struct iovec iov[3];

	if (payload->oom || payload->len > STREAM_MAX_PAYLOAD) {
		vmm_err("%s: a state section of type %u does not fit (out of memory?)",
			s->name, type);
		return -1;
	}
	crc = crc32_update(crc32_update(0, &h, sizeof(h)), payload->data, payload->len);
	iov[0] = (struct iovec){ &h, sizeof(h) };
	iov[1] = (struct iovec){ payload->data, payload->len };
	iov[2] = (struct iovec){ &crc, 4 };
	if (write_all(s, iov, 3))
		return -1;
	s->sections++;
	return 0;
}

int stream_write_end(struct stream *s)
{
	struct sbuf b = { 0 };
	int ret;

	sbuf_u32(&b, s->sections);
	ret = stream_write_section(s, STREAM_END, 0, &b);
	sbuf_free(&b);
	return ret;
}

/* 0; 1 at a clean end of file before any byte; -1 with a message. */
static int read_all(struct stream *s, void *buf, size_t len, const char *what)
{
	size_t got = 0;
	ssize_t n;

	while (got < len) {
		n = read(s->fd, (uint8_t *)buf + got, len - got);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			vmm_err("%s: reading %s: %s%s", s->name, what, strerror(errno),
				errno == EAGAIN ? " (the sender went silent)" : "");
			return -1;
		}
		if (n == 0) {
			vmm_err("%s: the stream is truncated (it ends inside %s, after %llu bytes)",
				s->name, what, (unsigned long long)s->bytes);
			return -1;
		}
		got += (size_t)n;
		s->bytes += (uint64_t)n;
	}
	return 0;
}

int stream_read_prelude(struct stream *s)
{
	char magic[sizeof(STREAM_MAGIC)];
	uint32_t version;

	if (read_all(s, magic, sizeof(magic), "its magic number"))
		return -1;
	if (memcmp(magic, STREAM_MAGIC, sizeof(magic))) {
		vmm_err("%s: not an armvirt VM state (bad magic number)", s->name);
		return -1;
	}
	if (read_all(s, &version, 4, "its format version"))
		return -1;
	if (version != STREAM_VERSION) {
		vmm_err("%s: VM state format version %u; this armvirt-vmm reads version %u only",
			s->name, version, STREAM_VERSION);
		return -1;
	}
	return 0;
}

int stream_read_section(struct stream *s, uint8_t *buf, uint32_t *type, uint32_t *index,
			struct scur *payload)
{
	struct section_head h;
	uint32_t crc, want;

	if (read_all(s, &h, sizeof(h), "a section header"))
		return -1;
	if (h.type == 0 || h.type >= STREAM_NR_TYPES || h.len > STREAM_MAX_PAYLOAD) {
		vmm_err("%s: corrupt stream: a section of type %u and %u bytes at byte %llu",
			s->name, h.type, h.len, (unsigned long long)(s->bytes - sizeof(h)));
		return -1;
	}
	if (read_all(s, buf, h.len, "a section") || read_all(s, &crc, 4, "a section's CRC"))
		return -1;
	want = crc32_update(crc32_update(0, &h, sizeof(h)), buf, h.len);
	if (crc != want) {
		vmm_err("%s: corrupt stream: bad CRC in section %u (type %u) ending at byte %llu",
			s->name, s->sections, h.type, (unsigned long long)s->bytes);
		return -1;
	}
	s->sections++;
	*type = h.type;
	*index = h.index;
	*payload = (struct scur){ .p = buf, .left = h.len };
	return 0;
}
