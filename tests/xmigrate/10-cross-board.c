// SPDX-License-Identifier: GPL-2.0-only
/*
 * Live migration between two boards, as in the reference study: a guest
 * running memtester on 60 MiB (and printing its uptime every second) moves
 * from the source board to the target board over their link (two QEMUs
 * wired by a socket: scripts/board.sh --link), and on the target memtester
 * finishes every loop without a failure (a page lost or stale in the
 * migration is a failure), the guest powers off cleanly, and its clock
 * runs on from where it left the source although the two boards' counters
 * differ (tests/run.sh starts the source board XMIGRATE_SOURCE_DELAY
 * seconds later). tests/run.sh boots the pair; armvirt.xmigrate_role=1 on
 * the target's command line, 2 on the source's.
 *
 * The two test programs meet on TCP port HANDSHAKE_PORT of the target: the
 * source says HELLO once its guest is busy and gets READY when the
 * target's VMM waits for the stream; after the migration it sends the
 * last tick its guest printed ("SRC n uptime").
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "board.h"
#include "guest_run.h"
#include "health.h"
#include "tap.h"

#define ROLE_TARGET	1
#define ROLE_SOURCE	2
#define TARGET_IP	"10.0.9.1"
#define SOURCE_IP	"10.0.9.2"
#define MIGRATE_PORT	"4444"
#define HANDSHAKE_PORT	5001
#define MEM		"160"
#define MEMTEST_LOOPS	"6"
#define MEMTEST_RESULTS	24	/* "ok" lines: 6 loops of 4 tests */
#define WAIT_PEER_S	420	/* the other board boots, and its guest */
#define RUN_TIMEOUT_S	600
#define MAX_TICKS	1000

#define VMM_ARGS(...) ((const char *const[]){ VMM_PATH, "--kernel", GUEST_KERNEL, \
	"--initrd", GUEST_INITRD, "--mem", MEM, __VA_ARGS__, NULL })

/*
 * A ticker (whole lines, "/TICK n" closing each: a migration may cut one in
 * two) beside memtester: stuck address, random value, compare XOR and
 * sequential increment over 60 MiB, MEMTEST_LOOPS times; then its verdict.
 */
#define MEMTEST_CMD \
	"(i=0; while :; do echo TICK $i $(cut -d' ' -f1 /proc/uptime) /TICK $i; " \
	"i=$((i+1)); sleep 1; done) & " \
	"MEMTESTER_TEST_MASK=0x83 memtester 60M " MEMTEST_LOOPS " >/tmp/mt 2>&1; rc=$?; kill $!; " \
	"echo MEMTESTER ok=$(tr '\\b' '\\n' </tmp/mt | grep -c 'ok$') " \
	"failures=$(grep -c FAILURE /tmp/mt) rc=$rc"

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

/* The uptimes of the whole TICK lines of @out by number; first and last, or -1. */
static void ticks_of(const char *out, double *up, int *first, int *last)
{
	const char *p = out;
	int n, closing;
	double t;

	*first = *last = -1;
	while ((p = strstr(p, "\nTICK ")) != NULL) {
		p++;
		if (sscanf(p, "TICK %d %lf /TICK %d", &n, &t, &closing) != 3 || n != closing ||
		    n < 0 || n >= MAX_TICKS)
			continue;
		up[n] = t;
		if (*first < 0 || n < *first)
			*first = n;
		if (n > *last)
			*last = n;
	}
}

/* ---- the handshake channel ---- */

static int listen_on(int port)
{
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons(port) };
	int one = 1, fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);

	if (fd < 0)
		return -1;
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (bind(fd, (struct sockaddr *)&a, sizeof(a)) || listen(fd, 1)) {
		close(fd);
		return -1;
	}
	return fd;
}

/* One line from the next peer to connect within @timeout_s; the reply sent; false on none. */
static bool accept_line(int lfd, int timeout_s, char *line, size_t size, const char *reply)
{
	struct pollfd p = { .fd = lfd, .events = POLLIN };
	ssize_t n;
	int fd;

	if (poll(&p, 1, timeout_s * 1000) != 1)
		return false;
	fd = accept4(lfd, NULL, NULL, SOCK_CLOEXEC);
	if (fd < 0)
		return false;
	p.fd = fd;
	n = poll(&p, 1, 30000) == 1 ? read(fd, line, size - 1) : -1;
	if (n > 0 && reply)
		n = write(fd, reply, strlen(reply)) == (ssize_t)strlen(reply) ? n : -1;
	close(fd);
	line[n > 0 ? n : 0] = '\0';
	return n > 0;
}

/* Sends @line to the target's handshake port, retrying until @timeout_s; its reply in @reply. */
static bool send_line(const char *line, int timeout_s, char *reply, size_t size)
{
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons(HANDSHAKE_PORT) };
	double deadline = now_s() + timeout_s;
	ssize_t n = -1;

	inet_pton(AF_INET, TARGET_IP, &a.sin_addr);
	while (n <= 0 && now_s() < deadline) {
		int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
		struct pollfd p = { .fd = fd, .events = POLLIN };

		if (fd >= 0 && connect(fd, (struct sockaddr *)&a, sizeof(a)) == 0 &&
		    write(fd, line, strlen(line)) == (ssize_t)strlen(line)) {
			n = reply ? (poll(&p, 1, 30000) == 1 ? read(fd, reply, size - 1) : -1) : 1;
		}
		if (fd >= 0)
			close(fd);
		if (n <= 0)
			sleep(1);
	}
	if (reply)
		reply[n > 0 ? n : 0] = '\0';
	return n > 0;
}

/* ---- the two roles ---- */

static void run_target(void)
{
	static double up[MAX_TICKS];
	int lfd, first, last, src_tick = -1, ok = -1, failures = -1, rc = -1, status, i;
	double src_up = 0, across = -1, widest = 0;
	char line[128] = "";
	struct guest_run dst;
	const char *m;

	tap_plan(12);
	lfd = listen_on(HANDSHAKE_PORT);
	guest_start(&dst, VMM_ARGS("--incoming", "tcp:0.0.0.0:" MIGRATE_PORT,
				   "--cmd", MEMTEST_CMD));
	tap_ok(guest_wait_for(&dst, "waiting for a migration", 60) && lfd >= 0,
	       "target-vmm-waits-for-the-stream");
	tap_ok(accept_line(lfd, WAIT_PEER_S, line, sizeof(line), "READY\n") &&
	       !strncmp(line, "HELLO", 5), "source-board-says-hello");
	tap_ok(guest_wait_for(&dst, "armvirt-vmm: received the VM", RUN_TIMEOUT_S),
	       "target-receives-the-vm");
	tap_ok(accept_line(lfd, 120, line, sizeof(line), NULL) &&
	       sscanf(line, "SRC %d %lf", &src_tick, &src_up) == 2, "source-sends-its-last-tick");
	status = guest_finish(&dst, RUN_TIMEOUT_S);
	if (!tap_eq(status, 0, "migrated-guest-runs-to-poweroff"))
		guest_diag_tail(&dst, 1500);
	m = strstr(dst.out, "\nMEMTESTER ");
	if (m)
		sscanf(m, "\nMEMTESTER ok=%d failures=%d rc=%d", &ok, &failures, &rc);
	if (!tap_ok(ok == MEMTEST_RESULTS && failures == 0 && rc == 0,
		    "memtester-passes-every-loop-after-the-move"))
		tap_diag("memtester: %d of %d ok, %d failures, status %d", ok, MEMTEST_RESULTS,
			 failures, rc);
	ticks_of(dst.out, up, &first, &last);
	tap_ok(first > 0 && !strstr(dst.out, "=== armvirt-guest-ready"),
	       "guest-arrives-mid-work-not-rebooted");
	/*
	 * The clock across the boards: per tick, the gap between the source's
	 * last tick and the target's first is like the gaps on the target,
	 * give or take 3 s (a throttled guest's ticks come late), not the
	 * boards' counter difference (the source board started later).
	 */
	for (i = first + 1; first >= 0 && i <= last; i++)
		if (up[i] > 0 && up[i - 1] > 0 && up[i] - up[i - 1] > widest)
			widest = up[i] - up[i - 1];
	if (src_tick >= 0 && first > src_tick)
		across = (up[first] - src_up) / (first - src_tick);
	tap_ok(across > 0 && widest > 0 && across <= widest + 3,
	       "guest-clock-continuous-across-boards");
	tap_diag("guest time per tick %.2f s from the source's tick %d (%.2f) to the target's %d (%.2f); at most %.2f s on the target",
		 across, src_tick, src_up, first, first >= 0 ? up[first] : -1, widest);
	m = strstr(dst.out, "armvirt-vmm: received the VM");
	tap_diag("%.*s", m ? (int)strcspn(m, "\r\n") : 0, m ? m : "");
	tap_ok(strstr(dst.out, "Booting Linux") == NULL, "target-never-booted-its-own-guest");
	if (lfd >= 0)
		close(lfd);
	check_kernel_healthy();
	guest_free(&dst);
}

static void run_source(void)
{
	static double up[MAX_TICKS];
	int first, last, status;
	char reply[64] = "", line[128];
	struct guest_run src;
	const char *m;
	bool ready;

	tap_plan(10);
	/* a link capped below memtester's dirty rate: rounds, and auto-converge */
	guest_start(&src, VMM_ARGS("--migrate-to", "tcp:" TARGET_IP ":" MIGRATE_PORT,
				   "--migrate-speed", "6", "--cmd", MEMTEST_CMD));
	if (!tap_ok(guest_wait_for(&src, "/TICK 5", RUN_TIMEOUT_S), "source-guest-runs-memtester"))
		guest_diag_tail(&src, 1500);
	ready = send_line("HELLO\n", WAIT_PEER_S, reply, sizeof(reply)) &&
		!strncmp(reply, "READY", 5);
	tap_ok(ready, "target-board-ready");
	if (ready)
		kill(src.pid, SIGUSR2);
	status = guest_finish(&src, ready ? RUN_TIMEOUT_S : 5);
	if (!tap_eq(status, 0, "migration-source-exits-0"))
		guest_diag_tail(&src, 1500);
	tap_ok(strstr(src.out, "armvirt-vmm: migrated\n") || strstr(src.out, "armvirt-vmm: migrated\r"),
	       "migration-source-says-migrated");
	tap_ok(strstr(src.out, "\nMEMTESTER ") == NULL, "memtester-had-not-finished-on-the-source");
	ticks_of(src.out, up, &first, &last);
	snprintf(line, sizeof(line), "SRC %d %.2f\n", last, last >= 0 ? up[last] : 0.0);
	tap_ok(last >= 5 && send_line(line, 60, NULL, 0), "source-sends-its-last-tick");
	tap_ok(strstr(src.out, "migration: round 2") != NULL, "pre-copy-took-several-rounds");
	for (m = strstr(src.out, "migration: round"); m; m = strstr(m + 1, "migration: round"))
		tap_diag("%.*s", (int)strcspn(m, "\r\n"), m);
	m = strstr(src.out, "armvirt-vmm: migrated to");
	tap_diag("%.*s", m ? (int)strcspn(m, "\r\n") : 0, m ? m : "");
	check_kernel_healthy();
	guest_free(&src);
}

int main(void)
{
	long role = board_param("xmigrate_role", 0);
	int ret;

	alarm(1200);
	if (role != ROLE_TARGET && role != ROLE_SOURCE) {
		tap_plan(1);
		tap_ok(false, "board-has-an-xmigrate-role");
		tap_finish();
	}
	ret = module_loaded("armvirt") ? 0 : module_load(ARMVIRT_KO);
	if (ret || !link_up(role == ROLE_TARGET ? TARGET_IP : SOURCE_IP)) {
		tap_plan(1);
		tap_ok(false, "armvirt-loads-and-the-link-is-up");
		tap_diag("armvirt: %s", ret ? strerror(ret) : "loaded");
		tap_finish();
	}
	if (role == ROLE_TARGET)
		run_target();
	else
		run_source();
	tap_finish();
}
