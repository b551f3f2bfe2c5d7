// SPDX-License-Identifier: GPL-2.0-only
/*
 * Live migration between two boards, the reference study's case: a
 * 1-vCPU, 256 MiB guest running memtester on 60 MiB (and printing its
 * uptime every second) moves back and forth between two boards over their
 * link (two QEMUs wired by a socket: scripts/board.sh --link), MIGRATIONS
 * times, the first over a link capped at CAPPED_MIB MiB/s, about what
 * memtester dirties (pre-copy takes rounds, auto-converge throttles if it
 * must), the others at full speed. After every arrival the
 * guest keeps answering (new ticks) and its clock runs on from where it
 * left the other board although the two boards' counters differ
 * (tests/run.sh starts the second board 10 s after the first); at the end
 * memtester has passed every run (a page lost or stale in any migration
 * fails it), the guest powers off cleanly, and its disk (each board has
 * its own image: --migrate-disk streams it) holds every tick it wrote, on
 * either board.
 *
 * tests/run.sh boots the pair: armvirt.xmigrate_role=1 on the first board
 * (10.0.9.1; the first migration's target), 2 on the second (10.0.9.2; it
 * boots the guest). armvirt.xmigrate_count=N changes the number of
 * migrations (make bench: 100), armvirt.xmigrate_idle=1 leaves memtester
 * out (an idle guest), armvirt.xmigrate_cap=MIB the first migration's link
 * cap (0: none).
 *
 * The two test programs talk over one TCP connection (HANDSHAKE_PORT on
 * board 1), one line a message: "READY k" from migration k's target once
 * its VMM waits for the stream; "DONE k TICK UPTIME" from its source once
 * the VMM handed the guest over, with the last tick its guest printed.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "board.h"
#include "guest_run.h"
#include "health.h"
#include "tap.h"

#define ROLE_FIRST	1
#define ROLE_SECOND	2
#define FIRST_IP	"10.0.9.1"
#define SECOND_IP	"10.0.9.2"
#define MIGRATE_PORT	"4444"
#define HANDSHAKE_PORT	5001
#define MIGRATIONS	3
#define CAPPED_MIB	6	/* MiB/s, the first migration's link */
#define WAIT_PEER_S	420	/* the other board boots, and its guest */
#define RUN_TIMEOUT_S	600
#define MAX_TICKS	4000
#define ANSWER_TICKS	3	/* new ticks after an arrival: the guest answers */
#define DISK		"/tmp/xmigrate-disk.img"	/* each board's own: --migrate-disk */
#define DISK_MIB	16

/* each tick also written to its own sector of the disk, which migrates with the guest */
#define TICKER \
	"(i=0; while :; do echo TICK $i $(cut -d' ' -f1 /proc/uptime) /TICK $i; " \
	"echo DISKTICK $i | dd of=/dev/vda bs=512 seek=$i conv=fsync 2>/dev/null; " \
	"i=$((i+1)); sleep 1; done) & "
/*
 * A ticker (whole lines, "/TICK n" closing each: a migration may cut one in
 * two) beside memtester runs (stuck address, random value, compare XOR,
 * sequential increment over 60 MiB) until a line is typed on the console;
 * then the verdict.
 */
#define MEMTEST_CMD TICKER \
	"n=0; f=0; while ! read -t 1 x; do " \
	"MEMTESTER_TEST_MASK=0x83 memtester 60M 1 >/tmp/mt 2>&1 || { f=$((f+1)); tail -n 5 /tmp/mt; }; " \
	"n=$((n+1)); echo MEMTEST run $n failures $f; done; kill $!; echo MEMTESTER runs=$n failures=$f"
#define IDLE_CMD TICKER "read x; kill $!; echo MEMTESTER runs=0 failures=0"

static int role, migrations, cap_mib, peer = -1;
static bool idle;
static char peer_buf[512];
static size_t peer_len;

/* The board kernel's link modules (scripts/mkinitramfs.sh), then the address. */
static bool link_up(const char *ip)
{
	char order[256], path[128], *name, *save = NULL;
	char cmd[256];

	if (read_file("/lib/modules/link/order", order, sizeof(order)) >= 0) {
		for (name = strtok_r(order, "\n", &save); name; name = strtok_r(NULL, "\n", &save)) {
			snprintf(path, sizeof(path), "/lib/modules/link/%s.ko", name);
			module_load(path);
		}
	}
	snprintf(cmd, sizeof(cmd), "ip link set lo up && ip addr add %s/24 dev eth0 && "
		 "ip link set eth0 up", ip);
	return system(cmd) == 0;
}

/* The widest gap in guest time between consecutive whole ticks first..last. */
static double widest_gap(const double *up, int first, int last)
{
	double widest = 0;
	int i;

	for (i = first + 1; first >= 0 && i <= last; i++)
		if (up[i] > 0 && up[i - 1] > 0 && up[i] - up[i - 1] > widest)
			widest = up[i] - up[i - 1];
	return widest;
}

/* ---- the channel between the boards ---- */

static bool peer_connect(void)
{
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons(HANDSHAKE_PORT) };
	double deadline = now_s() + WAIT_PEER_S;
	int one = 1, fd;

	if (role == ROLE_FIRST) {
		struct pollfd p;

		fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
		setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
		if (fd < 0 || bind(fd, (struct sockaddr *)&a, sizeof(a)) || listen(fd, 1))
			return false;
		p = (struct pollfd){ .fd = fd, .events = POLLIN };
		if (poll(&p, 1, WAIT_PEER_S * 1000) == 1)
			peer = accept4(fd, NULL, NULL, SOCK_CLOEXEC);
		close(fd);
		return peer >= 0;
	}
	inet_pton(AF_INET, FIRST_IP, &a.sin_addr);
	while (peer < 0 && now_s() < deadline) {
		fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
		if (fd >= 0 && connect(fd, (struct sockaddr *)&a, sizeof(a)) == 0) {
			peer = fd;
			break;
		}
		if (fd >= 0)
			close(fd);
		sleep(1);
	}
	return peer >= 0;
}

static bool peer_say(const char *fmt, ...)
{
	char line[128];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	return peer >= 0 && n > 0 && write(peer, line, (size_t)n) == n;
}

/* The next line from the peer, starting with @prefix, within @timeout_s (into @line). */
static bool peer_expect(const char *prefix, double timeout_s, char *line, size_t size)
{
	double deadline = now_s() + timeout_s;
	char *nl;

	while (peer >= 0) {
		struct pollfd p = { .fd = peer, .events = POLLIN };
		ssize_t n;

		nl = memchr(peer_buf, '\n', peer_len);
		if (nl) {
			size_t len = (size_t)(nl - peer_buf);

			snprintf(line, size, "%.*s", (int)len, peer_buf);
			memmove(peer_buf, nl + 1, peer_len - len - 1);
			peer_len -= len + 1;
			return !strncmp(line, prefix, strlen(prefix));
		}
		if (peer_len == sizeof(peer_buf) || now_s() >= deadline ||
		    poll(&p, 1, (int)((deadline - now_s()) * 1000) + 1) != 1)
			return false;
		n = read(peer, peer_buf + peer_len, sizeof(peer_buf) - peer_len);
		if (n <= 0)
			return false;
		peer_len += (size_t)n;
	}
	return false;
}

/* ---- one migration, either side ---- */

/* Board @r is migration @k's source: the second board for odd k. */
static bool is_source(int r, int k)
{
	return (k % 2 == 1) == (r == ROLE_SECOND);
}

static void start_vmm(struct guest_run *g, bool incoming, bool capped)
{
	const char *argv[20];
	char cap[16];
	int n = 0;

	argv[n++] = VMM_PATH;
	argv[n++] = "--kernel";
	argv[n++] = GUEST_KERNEL;
	argv[n++] = "--initrd";
	argv[n++] = GUEST_INITRD;
	argv[n++] = "--disk";
	argv[n++] = DISK;
	argv[n++] = "--migrate-disk";
	argv[n++] = "--migrate-to";	/* the other board */
	argv[n++] = role == ROLE_FIRST ? "tcp:" SECOND_IP ":" MIGRATE_PORT :
					 "tcp:" FIRST_IP ":" MIGRATE_PORT;
	if (capped && cap_mib > 0) {
		snprintf(cap, sizeof(cap), "%d", cap_mib);
		argv[n++] = "--migrate-speed";
		argv[n++] = cap;
	}
	if (incoming) {
		argv[n++] = "--incoming";
		argv[n++] = "tcp:0.0.0.0:" MIGRATE_PORT;
	}
	argv[n++] = "--cmd";
	argv[n++] = idle ? IDLE_CMD : MEMTEST_CMD;
	argv[n] = NULL;
	guest_start_typing(g, argv);
}

/* Migration @k from here; @g the VMM that has the guest. */
static void send_guest(struct guest_run *g, int k)
{
	static double up[MAX_TICKS];
	char line[128];
	int first, last, status;
	bool ready;
	const char *m;

	ready = peer_expect("READY", WAIT_PEER_S, line, sizeof(line)) && atoi(line + 6) == k;
	tap_ok(ready, "migration-%d-target-ready", k);
	if (ready)
		kill(g->pid, SIGUSR2);
	status = guest_finish(g, ready ? RUN_TIMEOUT_S : 5);
	if (!tap_eq(status, 0, "migration-%d-source-exits-0", k))
		guest_diag_tail(g, 1500);
	tap_ok(strstr(g->out, "armvirt-vmm: migrated\n") || strstr(g->out, "armvirt-vmm: migrated\r"),
	       "migration-%d-source-says-migrated", k);
	guest_ticks(g->out, 0, up, MAX_TICKS, &first, &last);
	tap_ok(last >= 0 && peer_say("DONE %d %d %.2f %.2f\n", k, last, up[last],
				     widest_gap(up, first, last)),
	       "migration-%d-source-reports-its-last-tick", k);
	m = strstr(g->out, "armvirt-vmm: migrated to");
	tap_diag("%.*s", m ? (int)strcspn(m, "\r\n") : 0, m ? m : "");
	guest_free(g);
}

/* Migration @k to here: a VMM waiting in @g, started by the caller. */
static void receive_guest(struct guest_run *g, int k)
{
	static double up[MAX_TICKS];
	double src_up = 0, src_widest = 0, across = -1, widest;
	int first, last, src_tick = -1;
	size_t arrived;
	char line[128];
	const char *m;

	tap_ok(guest_wait_for(g, "waiting for a migration", 60) && peer_say("READY %d\n", k),
	       "migration-%d-target-waits", k);
	tap_ok(guest_wait_for(g, "armvirt-vmm: received the VM", RUN_TIMEOUT_S),
	       "migration-%d-target-receives-the-vm", k);
	arrived = g->len;
	tap_ok(peer_expect("DONE", 120, line, sizeof(line)) &&
	       sscanf(line, "DONE %*d %d %lf %lf", &src_tick, &src_up, &src_widest) == 3,
	       "migration-%d-source-done", k);
	/* answering: ANSWER_TICKS new whole ticks after the arrival */
	for (double t0 = now_s(); now_s() - t0 < 60; ) {
		guest_ticks(g->out, arrived, up, MAX_TICKS, &first, &last);
		if (first >= 0 && last - first >= ANSWER_TICKS)
			break;
		if (!guest_wait_for(g, "\nTICK-never", 1) && g->status >= 0)
			break;
	}
	guest_ticks(g->out, arrived, up, MAX_TICKS, &first, &last);
	if (!tap_ok(first > src_tick && src_tick >= 0 && last - first >= ANSWER_TICKS,
		    "migration-%d-guest-answers-after-arrival", k))
		guest_diag_tail(g, 1000);
	/*
	 * The clock across the boards: per tick, the gap between the source's
	 * last tick and the first here is like the gaps between the ticks on
	 * either board, give or take 3 s (the guest's ticks come late while
	 * pre-copy write-protects its memory, or a throttle holds it), not
	 * the boards' counter difference (10 s and more).
	 */
	widest = widest_gap(up, first, last);
	if (src_widest > widest)
		widest = src_widest;
	if (src_tick >= 0 && first > src_tick)
		across = (up[first] - src_up) / (first - src_tick);
	tap_ok(across > 0 && widest > 0 && across <= widest + 3,
	       "migration-%d-guest-clock-continuous", k);
	tap_diag("migration %d: guest time per tick %.2f s from the source's tick %d (%.2f) to %d (%.2f) here; at most %.2f s here, %.2f s there",
		 k, across, src_tick, src_up, first, first >= 0 ? up[first] : -1,
		 widest_gap(up, first, last), src_widest);
	m = strstr(g->out, "armvirt-vmm: received the VM");
	tap_diag("%.*s", m ? (int)strcspn(m, "\r\n") : 0, m ? m : "");
}

/* This board's image for the guest's disk: zeros, a target's to fill. */
static bool make_disk(void)
{
	int fd = open(DISK, O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	bool ok = fd >= 0 && ftruncate(fd, (off_t)DISK_MIB << 20) == 0;

	if (fd >= 0)
		close(fd);
	return ok;
}

/*
 * The disk that travelled with the guest: every tick it printed, on any
 * board, is in its sector of this board's image (but the last, which the
 * end of the ticker may have cut before its write).
 */
static void check_disk_ticks(const struct guest_run *g)
{
	static double up[MAX_TICKS];
	int first, last, n, missing = 0, first_missing = -1;
	char want[32], got[32];
	FILE *f = fopen(DISK, "rb");

	guest_ticks(g->out, 0, up, MAX_TICKS, &first, &last);
	for (n = 0; f && n < last; n++) {
		snprintf(want, sizeof(want), "DISKTICK %d\n", n);
		memset(got, 0, sizeof(got));
		if (fseek(f, (long)n * 512, SEEK_SET) || fread(got, 1, strlen(want), f) != strlen(want) ||
		    memcmp(got, want, strlen(want))) {
			if (first_missing < 0)
				first_missing = n;
			missing++;
		}
	}
	if (f)
		fclose(f);
	if (!tap_ok(f && last > 0 && missing == 0, "disk-holds-every-tick-from-both-boards"))
		tap_diag("ticks 0..%d: %d missing from %s, the first %d", last - 1, missing, DISK,
			 first_missing);
}

/* The last target: end memtester, check its verdict, the poweroff and the disk. */
static void finish_guest(struct guest_run *g)
{
	int runs = -1, failures = -1, status;
	const char *m;

	guest_type(g, "stop\n");
	status = guest_finish(g, RUN_TIMEOUT_S);
	if (!tap_eq(status, 0, "guest-powers-off-after-the-last-migration"))
		guest_diag_tail(g, 1500);
	m = strstr(g->out, "\nMEMTESTER ");
	if (m)
		sscanf(m, "\nMEMTESTER runs=%d failures=%d", &runs, &failures);
	if (!tap_ok(failures == 0 && (idle ? runs == 0 : runs > 0), "memtester-passed-every-run"))
		tap_diag("memtester: %d runs, %d failures", runs, failures);
	tap_diag("memtester: %d runs of 60 MiB, %d failures", runs, failures);
	check_disk_ticks(g);
	guest_free(g);
}

static int planned_checks(void)
{
	int n = 1 + 3, k;	/* the channel; the kernel's health */

	if (role == ROLE_SECOND)
		n++;		/* the guest started */
	for (k = 1; k <= migrations; k++)
		n += is_source(role, k) ? 4 : 5;
	if (!is_source(role, migrations))
		n += 3;		/* the last target's verdict */
	return n;
}

int main(void)
{
	struct guest_run g;
	bool have_guest = false;
	int ret, k;

	role = (int)board_param("xmigrate_role", 0);
	migrations = (int)board_param("xmigrate_count", MIGRATIONS);
	idle = board_param("xmigrate_idle", 0) == 1;
	cap_mib = (int)board_param("xmigrate_cap", CAPPED_MIB);
	alarm(1200 + migrations * 120);
	if ((role != ROLE_FIRST && role != ROLE_SECOND) || migrations < 1 || migrations > 1000) {
		tap_plan(1);
		tap_ok(false, "board-has-an-xmigrate-role-and-count");
		tap_finish();
	}
	ret = module_loaded("armvirt") ? 0 : module_load(ARMVIRT_KO);
	if (ret || !link_up(role == ROLE_FIRST ? FIRST_IP : SECOND_IP)) {
		tap_plan(1);
		tap_ok(false, "armvirt-loads-and-the-link-is-up");
		tap_diag("armvirt: %s", ret ? strerror(ret) : "loaded");
		tap_finish();
	}
	tap_plan(planned_checks());
	if (!make_disk())
		tap_diag("cannot make %s: %s", DISK, strerror(errno));
	if (!tap_ok(peer_connect(), "boards-connected"))
		tap_diag("no connection with the other board: %s", strerror(errno));
	if (role == ROLE_SECOND) {
		start_vmm(&g, false, true);
		have_guest = true;
		if (!tap_ok(guest_wait_for(&g, "/TICK 5", RUN_TIMEOUT_S), "guest-runs-memtester"))
			guest_diag_tail(&g, 1500);
	}
	for (k = 1; k <= migrations; k++) {
		if (is_source(role, k)) {
			send_guest(&g, k);
			have_guest = false;
		} else {
			start_vmm(&g, true, false);
			have_guest = true;
			receive_guest(&g, k);
		}
	}
	if (have_guest)
		finish_guest(&g);
	check_kernel_healthy();
	if (peer >= 0)
		close(peer);
	tap_finish();
}
