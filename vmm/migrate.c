// SPDX-License-Identifier: GPL-2.0-only
/*
 * Live migration over TCP: the VM state stream (snapshot.c) with RAM sent
 * by pre-copy.
 *
 * Source (migrate_out, while the guest runs): dirty logging on; round 1
 * sends every page that is not zero; each later round sends the pages
 * dirtied during the one before, until what is left would go in the
 * downtime target (--downtime, at the rate the last round measured). Then
 * the guest is paused, the last dirty pages and the vCPU, vGIC and device
 * state go, and the target's acknowledgement ends the guest here. If
 * rounds stop shrinking (the guest dirties more than half of what the link
 * carried) from round AUTO_CONVERGE_ROUND on, the vCPUs are throttled a
 * step more each round (vcpus_throttle); after MAX_ROUNDS the last copy
 * is made whatever it costs. Any failure before the acknowledgement (the
 * target gone, the link broken) turns dirty logging off and the guest
 * carries on here.
 *
 * With --migrate-disk (both sides: the header says so, and a target that
 * disagrees refuses the stream) each round also sends the writable disks'
 * blocks: all of them in round 1, then those the guest wrote meanwhile
 * (disk_state.c); the last ones after the pause, which completed the I/O
 * in flight. The downtime estimate counts them with the pages.
 *
 * Target (migrate_in, before the guest runs): listen, accept one source,
 * read the stream into the new VM (and disks, fdatasync'ed), acknowledge,
 * run. A broken stream ends the VMM with a message, the guest never run.
 */
#include <errno.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "stream.h"
#include "vmm.h"

#define MIGRATE_ACK		0x21474d41u	/* "AMG!" */
#define MAX_ROUNDS		30
#define AUTO_CONVERGE_ROUND	3
#define THROTTLE_STEP		20		/* percent */
#define THROTTLE_MAX		95
#define SEND_TIMEOUT_S		10		/* a target that stops reading is gone */
#define ACK_TIMEOUT_S		60
#define RECV_TIMEOUT_S		60
#define PAGE_BYTES		4100.0		/* a dirty page in the stream, with its number */
#define DISK_NOTE_LEN		48

static double mono_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* "tcp:[HOST:]PORT" into host (NULL if none) and port; false if malformed. */
static bool parse_tcp(const char *where, char *host, size_t size, const char **port)
{
	const char *rest, *colon;

	if (strncmp(where, "tcp:", 4))
		return false;
	rest = where + 4;
	colon = strrchr(rest, ':');
	host[0] = 0;
	if (colon) {
		if ((size_t)(colon - rest) >= size)
			return false;
		memcpy(host, rest, (size_t)(colon - rest));
		host[colon - rest] = 0;
		*port = colon + 1;
	} else {
		*port = rest;
	}
	return **port != 0;
}

static void set_timeout(int fd, int opt, int seconds)
{
	struct timeval tv = { .tv_sec = seconds };

	setsockopt(fd, SOL_SOCKET, opt, &tv, sizeof(tv));
}

/*
 * A connected or listening TCP socket for @where; -1 with a message. IPv4
 * addresses only: a static binary has no name service ("localhost" aside).
 */
static int tcp_socket(const char *where, bool listening)
{
	struct sockaddr_in sin = { .sin_family = AF_INET };
	char host[64], *end;
	const char *port;
	long n;
	int fd, one = 1;

	if (!parse_tcp(where, host, sizeof(host), &port) || (!listening && !host[0])) {
		vmm_err("%s: want tcp:%sPORT", where, listening ? "[ADDR:]" : "HOST:");
		return -1;
	}
	n = strtol(port, &end, 10);
	if (*end || n < 1 || n > 65535) {
		vmm_err("%s: bad port %s", where, port);
		return -1;
	}
	sin.sin_port = htons((uint16_t)n);
	if (!strcmp(host, "localhost"))
		snprintf(host, sizeof(host), "127.0.0.1");
	if (host[0] && inet_pton(AF_INET, host, &sin.sin_addr) != 1) {
		vmm_err("%s: %s is not an IPv4 address", where, host);
		return -1;
	}
	fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		goto fail;
	if (listening) {
		setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
		if (bind(fd, (struct sockaddr *)&sin, sizeof(sin)) || listen(fd, 1))
			goto fail;
	} else if (connect(fd, (struct sockaddr *)&sin, sizeof(sin))) {
		goto fail;
	}
	return fd;
fail:
	vmm_err("%s: %s", where, strerror(errno));
	if (fd >= 0)
		close(fd);
	return -1;
}

struct precopy {
	struct vmm *vmm;
	struct stream s;
	unsigned long *dirty;		/* the pages to send next */
	unsigned long *scratch;		/* the kernel's log, fetched */
	int rounds;
	bool disks;			/* --migrate-disk */
	uint64_t disk_blocks;		/* sent, all rounds */
	unsigned int throttle, max_throttle;
	double rate;			/* the link, bytes per second, as last measured */
};

/* ", N disk blocks" for the progress lines, or "" without --migrate-disk. */
static const char *disk_note(bool disks, uint64_t blocks, char buf[DISK_NOTE_LEN])
{
	buf[0] = 0;
	if (disks)
		snprintf(buf, DISK_NOTE_LEN, ", %llu disk blocks", (unsigned long long)blocks);
	return buf;
}

/* One round: send the pages the last one left dirty. false if the stream failed. */
static bool precopy_round(struct precopy *m, long dirty, double *sent_bytes)
{
	uint64_t before = m->s.bytes, pages, blocks = 0;
	double t0 = mono_s(), secs;
	char note[DISK_NOTE_LEN];

	if (ram_pages_write(m->vmm, &m->s, m->rounds ? m->dirty : NULL, &pages))
		return false;
	memset(m->dirty, 0, ram_bitmap_longs(m->vmm) * sizeof(unsigned long));
	if (m->disks && disk_blocks_write(m->vmm, &m->s, &blocks))
		return false;
	m->disk_blocks += blocks;
	secs = mono_s() - t0;
	*sent_bytes = (double)(m->s.bytes - before);
	if (secs > 0.001 && *sent_bytes > 1 << 20)	/* a round too small says little of the link */
		m->rate = *sent_bytes / secs;
	m->rounds++;
	vmm_info("migration: round %d: %llu pages%s (%.1f MiB) in %.2f s, %.1f MiB/s%s",
		 m->rounds, (unsigned long long)pages, disk_note(m->disks, blocks, note),
		 *sent_bytes / (1 << 20), secs, m->rate / (1 << 20),
		 dirty >= 0 ? "" : m->disks ? " (all RAM and disks)" : " (all RAM)");
	return true;
}

/* Rounds until the rest fits the downtime target; false if the stream failed. */
static bool precopy(struct precopy *m)
{
	double sent = 0, t_round = mono_s(), now, expected_ms, left;
	unsigned int target_ms = m->vmm->cfg.downtime_ms;
	uint64_t disk_bytes = 0;
	char note[DISK_NOTE_LEN];
	long dirty = -1;

	for (;;) {
		if (!precopy_round(m, dirty, &sent))
			return false;
		if (vmm_stop_reason() != STOP_NONE) {
			vmm_err("migration: the guest stopped meanwhile");
			return false;
		}
		dirty = dirty_log_harvest(m->vmm, m->dirty, m->scratch);
		if (dirty < 0)
			return false;
		if (m->disks)
			disk_bytes = disk_dirty_harvest(m->vmm);
		now = mono_s();
		/* what the pause would have to send: the pages and the disk blocks */
		left = (double)dirty * PAGE_BYTES + (double)disk_bytes;
		expected_ms = m->rate > 0 ? left / m->rate * 1000 : 0;
		vmm_info("migration: %ld pages%s dirtied during round %d (%.0f pages/s); expected downtime %.0f ms; throttle %u%%",
			 dirty, disk_note(m->disks, disk_bytes / DISK_BLOCK, note), m->rounds,
			 (double)dirty / (now - t_round), expected_ms, m->throttle);
		t_round = now;
		if (expected_ms <= target_ms || m->rounds >= MAX_ROUNDS)
			return true;
		/* auto-converge: the guest dirties more than half of what the link carries */
		if (m->rounds >= AUTO_CONVERGE_ROUND && left > sent / 2 &&
		    m->throttle < THROTTLE_MAX) {
			m->throttle = m->throttle + THROTTLE_STEP > THROTTLE_MAX ? THROTTLE_MAX :
				      m->throttle + THROTTLE_STEP;
			if (m->throttle > m->max_throttle)
				m->max_throttle = m->throttle;
			vcpus_throttle(m->vmm, m->throttle);
			vmm_info("migration: auto-converge: the vCPUs now run %u%% of the time",
				 100 - m->throttle);
		}
	}
}

static bool wait_ack(int fd)
{
	uint32_t ack = 0;
	size_t got = 0;
	ssize_t n;

	set_timeout(fd, SO_RCVTIMEO, ACK_TIMEOUT_S);
	while (got < sizeof(ack)) {
		n = read(fd, (uint8_t *)&ack + got, sizeof(ack) - got);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return false;
		got += (size_t)n;
	}
	return ack == MIGRATE_ACK;
}

int migrate_out(struct vmm *vmm, const char *where)
{
	struct precopy m = { .vmm = vmm, .disks = vmm->cfg.migrate_disk };
	double t0 = mono_s(), t_pause = 0;
	bool paused = false, logging = false;
	uint64_t pages, blocks = 0;
	char note[DISK_NOTE_LEN];
	long dirty;
	int fd;

	if (vmm->paused) {
		vmm_err("migration to %s refused: the guest is paused; resume it first", where);
		return -1;
	}
	vmm_info("migrating to %s (downtime target %u ms%s)", where, vmm->cfg.downtime_ms,
		 m.disks ? ", with the disks" : "");
	fd = tcp_socket(where, false);
	if (fd < 0)
		goto failed;
	set_timeout(fd, SO_SNDTIMEO, SEND_TIMEOUT_S);
	stream_init(&m.s, fd, where);
	m.s.rate_limit = (uint64_t)vmm->cfg.migrate_mib_s << 20;
	m.dirty = calloc(ram_bitmap_longs(vmm), sizeof(unsigned long));
	m.scratch = calloc(ram_bitmap_longs(vmm), sizeof(unsigned long));
	if (!m.dirty || !m.scratch || stream_write_prelude(&m.s) ||
	    snapshot_write_header(vmm, &m.s, m.disks))
		goto failed;
	if (dirty_log_start(vmm))
		goto failed;
	logging = true;
	if (m.disks)
		disk_migrate_start(vmm);
	if (!precopy(&m))
		goto failed;
	/* stop and copy */
	vcpus_throttle(vmm, 0);
	t_pause = mono_s();
	paused = true;
	if (vm_pause(vmm))
		goto failed;
	/*
	 * The state first (the guest's clock stopped with it), then what the
	 * last harvest found and what was dirtied since: pages, disk blocks
	 * (the pause completed the requests in flight: no write is missed).
	 */
	dirty = dirty_log_harvest(vmm, m.dirty, m.scratch);
	if (m.disks)
		disk_dirty_harvest(vmm);
	if (dirty < 0 || snapshot_write_state(vmm, &m.s) ||
	    ram_pages_write(vmm, &m.s, m.dirty, &pages) ||
	    (m.disks && disk_blocks_write(vmm, &m.s, &blocks)) || stream_write_end(&m.s))
		goto failed;
	m.disk_blocks += blocks;
	if (!wait_ack(fd)) {
		vmm_err("migration: no acknowledgement from %s", where);
		goto failed;
	}
	vmm_info("migrated to %s in %.2f s: downtime %.0f ms (%llu pages%s in the last copy), %.1f MiB sent, %d rounds, throttle at most %u%%",
		 where, mono_s() - t0, (mono_s() - t_pause) * 1000, (unsigned long long)pages,
		 disk_note(m.disks, blocks, note), (double)m.s.bytes / (1 << 20), m.rounds + 1,
		 m.max_throttle);
	if (m.disks)
		vmm_info("migration: %llu disk blocks of %u KiB sent in all",
			 (unsigned long long)m.disk_blocks, DISK_BLOCK >> 10);
	free(m.dirty);
	free(m.scratch);
	close(fd);
	return 0;

failed:
	vcpus_throttle(vmm, 0);
	if (logging)
		dirty_log_stop(vmm);
	if (paused && vm_resume(vmm))
		vmm_err("migration failed and the guest could not be resumed");
	else
		vmm_err("migration to %s failed; the guest carries on here", where);
	free(m.dirty);
	free(m.scratch);
	if (fd >= 0)
		close(fd);
	return -1;
}

/*
 * Wait for the source, answering SIGINT, SIGTERM and SIGHUP: the connection,
 * or -1. The stream is not authenticated (README.md: whoever reaches the
 * port gives this VMM its guest), so the log names who connected.
 */
static int accept_source(int lfd, const char *where)
{
	struct pollfd p = { .fd = lfd, .events = POLLIN };
	struct timespec zero = { 0 };
	struct sockaddr_in peer;
	socklen_t peer_len;
	char addr[INET_ADDRSTRLEN];
	sigset_t stops;
	int fd, sig;

	sigemptyset(&stops);
	sigaddset(&stops, SIGINT);
	sigaddset(&stops, SIGTERM);
	sigaddset(&stops, SIGHUP);
	vmm_info("waiting for a migration on %s", where);
	for (;;) {
		if (poll(&p, 1, 200) > 0) {
			peer_len = sizeof(peer);
			fd = accept4(lfd, (struct sockaddr *)&peer, &peer_len, SOCK_CLOEXEC);
			if (fd >= 0) {
				if (!inet_ntop(AF_INET, &peer.sin_addr, addr, sizeof(addr)))
					snprintf(addr, sizeof(addr), "?");
				vmm_info("receiving a migration from %s:%u", addr,
					 (unsigned int)ntohs(peer.sin_port));
				return fd;
			}
			if (errno != EINTR && errno != ECONNABORTED)
				return fd;
		}
		sig = sigtimedwait(&stops, NULL, &zero);
		if (sig > 0) {
			vmm_err("stopped by %s while waiting for a migration", strsignal(sig));
			return -1;
		}
	}
}

int migrate_in(struct vmm *vmm, const char *where)
{
	uint32_t ack = MIGRATE_ACK;
	struct stream s;
	double t0;
	int lfd, fd, ret = -1;

	lfd = tcp_socket(where, true);
	if (lfd < 0)
		return -1;
	fd = accept_source(lfd, where);
	close(lfd);
	if (fd < 0)
		return -1;
	t0 = mono_s();
	set_timeout(fd, SO_RCVTIMEO, RECV_TIMEOUT_S);
	stream_init(&s, fd, "the migration stream");
	/* the disks on stable storage before the source lets go of its guest */
	if (snapshot_read(vmm, &s, vmm->cfg.migrate_disk) ||
	    (vmm->cfg.migrate_disk && disk_sync(vmm))) {
		vmm_err("migration failed: the guest does not run here");
		goto out;
	}
	/* said before the acknowledgement, which lets the source end */
	vmm_info("received the VM: %.1f MiB in %.2f s", (double)s.bytes / (1 << 20), mono_s() - t0);
	if (write(fd, &ack, sizeof(ack)) != sizeof(ack))
		vmm_err("migration: the source is gone before the acknowledgement; the guest does not run here");
	else
		ret = 0;
out:
	close(fd);
	return ret;
}
