// SPDX-License-Identifier: GPL-2.0-only
/*
 * A hostile guest against armvirt-vmm's virtio devices: tests/guest/hostile.S
 * sets up a queue, then breaks it one way per run (QueueNum 0 or over 256
 * once ready, rings moved once ready, descriptor loops, buffers past RAM or
 * at 0xffffffff, an indirect descriptor, an available index far ahead, a
 * block sector whose byte offset wraps) and notifies. The VMM must never
 * die of it: the guest reads DEVICE_NEEDS_RESET in Status (or the VMM
 * stops with status 1 and a message), a sane request still works, and
 * the board's kernel stays healthy.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "board.h"
#include "guest_run.h"
#include "health.h"
#include "tap.h"

#define HOSTILE		"/tests/data/guest-hostile.bin"
#define DISK		"/tmp/hostile-disk.img"
#define NEEDS_RESET	0x40
#define BLK_S_OK	0
#define BLK_S_IOERR	1

enum expect { SERVED_OK, SERVED_IOERR, BROKEN };

static const struct {
	const char *name;
	enum expect expect;
} cases[] = {
	{ "sane-block-read", SERVED_OK },
	{ "queue-num-0-after-ready", BROKEN },
	{ "queue-num-1024-after-ready-with-a-loop", BROKEN },
	{ "queue-num-1000-at-ready", BROKEN },
	{ "descriptor-table-moved-after-ready", BROKEN },
	{ "available-ring-moved-past-ram-after-ready", BROKEN },
	{ "descriptor-loop", BROKEN },
	{ "buffer-length-past-ram", BROKEN },
	{ "buffer-at-ffffffff", BROKEN },
	{ "indirect-descriptor-not-offered", BROKEN },
	{ "available-index-1000-ahead", BROKEN },
	{ "block-sector-whose-offset-wraps", SERVED_IOERR },
	{ "rng-queue-num-4096-after-ready-with-a-loop", BROKEN },
};

#define NR_CASES ((int)(sizeof(cases) / sizeof(cases[0])))

/* What the VMM's output says of memory corruption, had it noticed any. */
static bool corrupted(const char *out)
{
	return strstr(out, "stack smashing") || strstr(out, "corrupted") ||
	       strstr(out, "double free") || strstr(out, "free():");
}

static void run_case(int n)
{
	unsigned int c = ~0U, status = 0, used = 0, blk = 0;
	struct guest_run g;
	char param[32];
	const char *line;
	bool ok;
	int rc;

	snprintf(param, sizeof(param), "hcase=%d", n);
	if (guest_start(&g, ((const char *const[]){ VMM_PATH, "--kernel", HOSTILE,
			"--disk", DISK, "--params", param, NULL }))) {
		tap_ok(false, "hostile-%d-%s", n, cases[n].name);
		return;
	}
	rc = guest_finish(&g, 60);
	line = strstr(g.out, "HOSTILE case=");
	if (line)
		sscanf(line, "HOSTILE case=%x status=%x used=%x blk=%x", &c, &status, &used, &blk);
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
	}
	if (!tap_ok(ok, "hostile-%d-%s", n, cases[n].name)) {
		tap_diag("VMM status %d; guest read status %#x, used index %u, block status %#x",
			 rc, status, used, blk);
		guest_diag_tail(&g, 1500);
	}
	guest_free(&g);
}

int main(void)
{
	int ret, fd, n;

	tap_plan(NR_CASES + 2 + 3);
	alarm(600);
	ret = module_loaded("armvirt") ? 0 : module_load(ARMVIRT_KO);
	if (!tap_eq(ret, 0, "armvirt-loads"))
		tap_bail("armvirt did not load");
	fd = open(DISK, O_RDWR | O_CREAT | O_TRUNC, 0600);
	if (!tap_ok(fd >= 0 && ftruncate(fd, 1 << 20) == 0, "board-makes-disk-image"))
		tap_bail("cannot make %s: %s", DISK, strerror(errno));
	close(fd);
	for (n = 0; n < NR_CASES; n++)
		run_case(n);
	unlink(DISK);
	check_kernel_healthy();
	tap_finish();
}
