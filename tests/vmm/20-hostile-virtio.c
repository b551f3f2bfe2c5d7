// SPDX-License-Identifier: GPL-2.0-only
/*
 * A hostile guest against armvirt-vmm's virtio devices: tests/guest/hostile.S
 * sets up a queue, then breaks it one way per run (QueueNum 0 or over 256
 * once ready, rings moved once ready, descriptor loops, buffers past RAM or
 * at 0xffffffff, an indirect descriptor not negotiated, an available index
 * far ahead, a block sector whose byte offset wraps, a receive buffer
 * larger than a read can take or shorter than a frame, a queue rewritten
 * while vhost-net serves it, console and rng chains over 4 GiB, a device
 * reset and broken 1000 times, DriverFeatures rewritten after FEATURES_OK,
 * more reads at once than the VMM takes, then a wait for those in flight
 * (the disk is a 2-vCPU VM's, with a queue each), QueueReady written again,
 * the rng's queue refilled as fast as it is served while a read waits)
 * and notifies. The VMM
 * must never die or spin of it: the
 * guest reads DEVICE_NEEDS_RESET in Status (or the VMM stops with status
 * 1 and a message) or gets its request answered (an error, or a chain
 * returned unused), a sane request still works, and the board's kernel
 * stays healthy.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "board.h"
#include "guest_run.h"
#include "health.h"
#include "tap.h"

#define HOSTILE		"/tests/data/guest-hostile.bin"
#define DISK		"/tmp/hostile-disk.img"
#define TUN_KO		"/lib/modules/tun.ko"
#define FILL_MAX	65536	/* what virtio-rng fills of one chain at most */
#define WINDOW_LINES	10	/* the VMM's guest messages in a 10 s window */
#define NEEDS_RESET	0x40
#define BLK_S_OK	0
#define BLK_S_IOERR	1
#define QUIESCE_REQS	200	/* case 20's reads (tests/guest/hostile.S MQ_REQS) */

/*
 * RETURNED: the chain comes back, with length 0. VHOST_STOPPED: vhost-net
 * took the queues (the guest saw InterruptStatus 1, reported as blk=), and
 * once the device broke no buffer was used. FILLED: the chain comes back
 * with FILL_MAX bytes. QUIET: the device broken, at most
 * WINDOW_LINES lines about it in each 10 s window, however often it breaks
 * (a window that ran over says so once). INTERRUPTED:
 * the request served and its interrupt raised (reported as blk=).
 * ALL_SERVED: every one of QUIESCE_REQS requests used. SERVED_ONCE: two
 * requests used, the first not served again (its status byte reads 0xee,
 * the guest's mark).
 */
enum expect {
	SERVED_OK, SERVED_IOERR, BROKEN, RETURNED, VHOST_STOPPED, FILLED, QUIET, INTERRUPTED,
	ALL_SERVED, SERVED_ONCE
};

static const struct {
	const char *name;
	enum expect expect;
	bool net;	/* virtio-net: run with a tap, frames sent to it */
} cases[] = {
	{ "sane-block-read", SERVED_OK, false },
	{ "queue-num-0-after-ready", BROKEN, false },
	{ "queue-num-1024-after-ready-with-a-loop", BROKEN, false },
	{ "queue-num-1000-at-ready", BROKEN, false },
	{ "descriptor-table-moved-after-ready", BROKEN, false },
	{ "available-ring-moved-past-ram-after-ready", BROKEN, false },
	{ "descriptor-loop", BROKEN, false },
	{ "buffer-length-past-ram", BROKEN, false },
	{ "buffer-at-ffffffff", BROKEN, false },
	{ "indirect-descriptor-not-negotiated", BROKEN, false },
	{ "available-index-1000-ahead", BROKEN, false },
	{ "block-sector-whose-offset-wraps", SERVED_IOERR, false },
	{ "rng-queue-num-4096-after-ready-with-a-loop", BROKEN, false },
	/* the chain comes back unused; before, the I/O thread retried it forever */
	{ "net-receive-buffer-over-2-gib-comes-back", RETURNED, true },
	/* before, it came back full, with the first 8 bytes of a longer frame */
	{ "net-receive-buffer-shorter-than-a-frame-comes-back-empty", RETURNED, true },
	/* before, vhost went on filling the rings of the broken device */
	{ "net-vhost-stops-when-the-device-breaks", VHOST_STOPPED, true },
	/* before, the I/O thread printed it forever (its 32-bit count wrapped) */
	{ "console-transmit-chain-over-4-gib-comes-back", RETURNED, false },
	/* before, the I/O thread spent minutes filling 4.25 GiB of it */
	{ "rng-chain-over-4-gib-gets-64-kib", FILLED, false },
	/* before, the VMM logged a line for each of the 1000 */
	{ "device-broken-1000-times-logs-a-few-lines", QUIET, false },
	/* before, the late EVENT_IDX held and the read came without an interrupt */
	{ "driver-features-after-features-ok-are-ignored", INTERRUPTED, false },
	/* before, the reads left in the ring during the VMM's wait were never taken */
	{ "block-queue-waiting-for-a-slot-is-served-after-a-quiesce", ALL_SERVED, false },
	/* before, the queue went back to index 0 and served the first read again */
	{ "queue-ready-written-again-keeps-its-place", SERVED_ONCE, false },
	/* before, the I/O thread served the rng for as long as the guest refilled it */
	{ "rng-refilled-as-fast-as-served-leaves-the-disk-its-turn", SERVED_OK, false },
};

#define NR_CASES ((int)(sizeof(cases) / sizeof(cases[0])))

/* What the VMM's output says of memory corruption, had it noticed any. */
static bool corrupted(const char *out)
{
	return strstr(out, "stack smashing") || strstr(out, "corrupted") ||
	       strstr(out, "double free") || strstr(out, "free():");
}

/*
 * UDP broadcasts on the tap's link every 100 ms, until the guest reports
 * (at most 30 s): frames for its receive queue. Errors (no tap yet) are
 * ignored.
 */
static void send_frames_until_report(struct guest_run *g)
{
	struct sockaddr_in to = { .sin_family = AF_INET, .sin_port = htons(9) };
	int s = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0), one = 1, i;

	to.sin_addr.s_addr = inet_addr("10.0.2.255");
	if (s >= 0)
		setsockopt(s, SOL_SOCKET, SO_BROADCAST, &one, sizeof(one));
	for (i = 0; i < 300 && !guest_wait_for(g, "HOSTILE case=", 0.1); i++)
		if (s >= 0 && sendto(s, "frame", 5, 0, (struct sockaddr *)&to, sizeof(to)) < 0) {
			/* the tap is not up yet */
		}
	if (s >= 0)
		close(s);
}

static int count(const char *s, const char *needle)
{
	int n = 0;

	for (; (s = strstr(s, needle)); s += strlen(needle))
		n++;
	return n;
}

static void run_case(int n)
{
	unsigned int c = ~0U, status = 0, used = 0, blk = 0, len = ~0U;
	struct guest_run g;
	char param[32];
	const char *line;
	bool ok;
	int rc;

	snprintf(param, sizeof(param), "hcase=%d", n);
	if (cases[n].expect == VHOST_STOPPED && access("/dev/vhost-net", R_OK | W_OK)) {
		tap_skip("no /dev/vhost-net on this kernel", "hostile-%d-%s", n, cases[n].name);
		return;
	}
	/* the VMM's own virtio-net but for the vhost case */
	if (cases[n].net ?
	    guest_start(&g, ((const char *const[]){ VMM_PATH, "--kernel", HOSTILE, "--mem", "2200",
			"--net", cases[n].expect == VHOST_STOPPED ?
			"tap=hostap0,host=10.0.2.1/24,vhost=on" : "tap=hostap0,host=10.0.2.1/24,vhost=off",
			"--params", param, NULL })) :
	    guest_start(&g, ((const char *const[]){ VMM_PATH, "--kernel", HOSTILE,
			"--cpus", "2", "--disk", DISK ",mq", "--params", param, NULL }))) {
		tap_ok(false, "hostile-%d-%s", n, cases[n].name);
		return;
	}
	if (cases[n].net)
		send_frames_until_report(&g);
	rc = guest_finish(&g, 60);
	line = strstr(g.out, "HOSTILE case=");
	if (line)
		sscanf(line, "HOSTILE case=%x status=%x used=%x blk=%x len=%x",
		       &c, &status, &used, &blk, &len);
	/* never a signal, never corruption; the guest ran to its report, or the VMM gave up */
	ok = (rc == 0 && c == (unsigned int)n) || (rc == 1 && strstr(g.out, "armvirt-vmm: "));
	ok = ok && !corrupted(g.out);
	switch (cases[n].expect) {
	case SERVED_OK:
	case SERVED_IOERR:
		ok = ok && rc == 0 && !(status & NEEDS_RESET) && used == 1 &&
		     blk == (cases[n].expect == SERVED_OK ? BLK_S_OK : BLK_S_IOERR);
		break;
	case BROKEN:
		ok = ok && (rc == 1 || (status & NEEDS_RESET));
		break;
	case RETURNED:
		ok = ok && rc == 0 && !(status & NEEDS_RESET) && used == 1 && len == 0;
		break;
	case VHOST_STOPPED:
		ok = ok && rc == 0 && (status & NEEDS_RESET) && blk == 1 && used == 0;
		break;
	case FILLED:
		ok = ok && rc == 0 && !(status & NEEDS_RESET) && used == 1 && len == FILL_MAX;
		break;
	case INTERRUPTED:
		ok = ok && rc == 0 && !(status & NEEDS_RESET) && used == 1 && blk == 1;
		break;
	case ALL_SERVED:
		ok = ok && rc == 0 && !(status & NEEDS_RESET) && used == QUIESCE_REQS;
		break;
	case SERVED_ONCE:
		ok = ok && rc == 0 && !(status & NEEDS_RESET) && used == 2 && blk == 0xee;
		break;
	case QUIET:
		ok = ok && rc == 0 && (status & NEEDS_RESET) &&
		     count(g.out, "the guest causes too many messages") >= 1 &&
		     count(g.out, "the device needs a reset") <=
		     WINDOW_LINES * (count(g.out, "the guest causes too many messages") + 1) &&
		     count(g.out, "the device needs a reset") <= 100;	/* of 1000 */
		break;
	}
	if (!tap_ok(ok, "hostile-%d-%s", n, cases[n].name)) {
		tap_diag("VMM status %d; guest read status %#x, used index %u, block status %#x, used length %u",
			 rc, status, used, blk, len);
		guest_diag_tail(&g, 1500);
	}
	guest_free(&g);
}

int main(void)
{
	int ret, fd, n;

	tap_plan(NR_CASES + 3 + 3);
	alarm(600);
	ret = module_loaded("armvirt") ? 0 : module_load(ARMVIRT_KO);
	if (!tap_eq(ret, 0, "armvirt-loads"))
		tap_bail("armvirt did not load");
	tap_eq(tun_load(TUN_KO), 0, "tun-loads");
	fd = open(DISK, O_RDWR | O_CREAT | O_TRUNC, 0600);
	/* 8 MiB, sparse: case 20's reads */
	if (!tap_ok(fd >= 0 && ftruncate(fd, 8 << 20) == 0, "board-makes-disk-image"))
		tap_bail("cannot make %s: %s", DISK, strerror(errno));
	close(fd);
	for (n = 0; n < NR_CASES; n++)
		run_case(n);
	unlink(DISK);
	check_kernel_healthy();
	tap_finish();
}
