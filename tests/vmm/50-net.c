// SPDX-License-Identifier: GPL-2.0-only
/*
 * armvirt-vmm's NICs (--net): three at once, one on a tap with the host's
 * address, one on a bridge of the board (bridge=), one with its MAC derived
 * from the VM's name; the guest reaches the board over the first two. The
 * derived MAC is the same for the same name and differs for another one.
 * Bad --net options are refused with a message. A board kernel without
 * the bridge module (the debug board's) skips the bridge checks. TCP both
 * ways over a tap (busybox httpd and wget) arrives intact in 64 KiB
 * segments: the checksum and segmentation offloads pass through the VMM.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "board.h"
#include "guest_run.h"
#include "health.h"
#include "tap.h"

#define RUN_TIMEOUT_S	300
#define TUN_KO		"/lib/modules/tun.ko"
#define MAC_TAP		"52:54:00:00:00:01"
#define MAC_BRIDGE	"52:54:00:00:00:02"

#define VMM_ARGS(...) ((const char *const[]){ VMM_PATH, "--kernel", GUEST_KERNEL, \
	"--initrd", GUEST_INITRD, __VA_ARGS__, NULL })

/* Each interface's MAC, as "IF ethN MAC" lines; the two known ones get their addresses. */
#define GUEST_NICS \
	"for i in /sys/class/net/eth*; do n=${i##*/}; m=$(cat $i/address); echo IF $n $m; " \
	"case $m in " MAC_TAP ") ip addr add 10.0.3.15/24 dev $n;; " \
	MAC_BRIDGE ") ip addr add 10.0.4.15/24 dev $n;; esac; ip link set $n up; done"

/* The bridge br0 with the board's 10.0.4.1: true if this kernel can. */
static bool make_bridge(void)
{
	static const char *const mods[] = { "llc", "stp", "bridge" };
	char path[64];
	unsigned int i;

	for (i = 0; i < sizeof(mods) / sizeof(mods[0]); i++) {
		snprintf(path, sizeof(path), "/lib/modules/%s.ko", mods[i]);
		if (access(path, F_OK) == 0)
			module_load(path);	/* EEXIST on a second run is fine */
	}
	return system("ip link add br0 type bridge 2>/dev/null && "
		      "ip addr add 10.0.4.1/24 dev br0 && ip link set br0 up") == 0;
}

/* The MACs the guest printed ("IF ethN MAC"), sorted, one string. */
static void guest_macs(const struct guest_run *g, char *buf, size_t size)
{
	char macs[8][18];
	const char *p = g->out;
	int n = 0, i, j;

	while ((p = strstr(p, "\nIF eth")) && n < 8) {
		if (sscanf(p, "\nIF eth%*d %17s", macs[n]) == 1)
			n++;
		p++;
	}
	for (i = 1; i < n; i++)	/* insertion sort */
		for (j = i; j > 0 && strcmp(macs[j - 1], macs[j]) > 0; j--) {
			char t[18];

			memcpy(t, macs[j], sizeof(t));
			memcpy(macs[j], macs[j - 1], sizeof(t));
			memcpy(macs[j - 1], t, sizeof(t));
		}
	buf[0] = 0;
	for (i = 0; i < n; i++)
		snprintf(buf + strlen(buf), size - strlen(buf), "%s%s", i ? " " : "", macs[i]);
}

#define OFF_TAP		"no0"
/* Without offloads no frame is longer than the MTU and its Ethernet header. */
#define OFF_LONGEST_PLAIN_FRAME	1514
/*
 * The guest's TCP test: fetch the board's 4 MiB, then serve 4 random MiB
 * and wait for "done"; then the features its driver accepted (a string of
 * 0 and 1, bit 0 first). "ETH0 <phase>" lines give eth0's rx bytes and
 * frames and tx bytes and frames before, between and after the two
 * transfers, as the guest's stack handed them to its driver: a 64 KiB
 * segment counts once.
 */
#define OFF_CMD \
	"s(){ echo ETH0 $1 $(cd /sys/class/net/eth0/statistics; cat rx_bytes rx_packets tx_bytes tx_packets); }; " \
	"mkdir /tmp/w; head -c 4m /dev/urandom >/tmp/w/f; httpd -p 8080 -h /tmp/w; " \
	"echo SUM $(md5sum </tmp/w/f | cut -c1-32); s 0; wget -q -O /tmp/g http://10.0.5.1:8080/f; " \
	"s 1; echo GOT $(md5sum </tmp/g | cut -c1-32); echo SERVING; " \
	"until wget -q -O /dev/null http://10.0.5.1:8080/done; do sleep 1; done; " \
	"s 2; echo FEAT $(cat /sys/class/net/eth0/device/features)"

/* eth0's counters at "ETH0 @phase": rx bytes, rx frames, tx bytes, tx frames. */
static bool eth0_counters(const struct guest_run *g, int phase, long long c[4])
{
	char key[16], line[128];

	snprintf(key, sizeof(key), "ETH0 %d ", phase);
	return guest_line_after(g, key, line, sizeof(line)) &&
	       sscanf(line, "%lld %lld %lld %lld", &c[0], &c[1], &c[2], &c[3]) == 4;
}

/*
 * The mean length of the frames one way between two phases, in bytes, or
 * -1: @dir 0 received, 2 sent. diag describes it.
 */
static long long mean_frame(const long long from[4], const long long to[4], int dir,
			    char *diag, size_t size)
{
	long long bytes = to[dir] - from[dir], frames = to[dir + 1] - from[dir + 1];

	snprintf(diag, size, "%lld frames, %lld bytes", frames, bytes);
	return frames > 0 ? bytes / frames : -1;
}

/*
 * 4 MiB from the board to the guest, then 4 MiB from the guest to the
 * board, over TCP (busybox httpd and wget): both arrive intact; the driver
 * accepted the offloads (CSUM, GUEST_CSUM, GUEST_TSO4/6, HOST_TSO4/6);
 * and segments longer than a frame crossed the device each way: the mean
 * frame is longer than any frame can be without them. (How long the
 * segments are depends on the host's speed, as TCP sizes them to its
 * pacing rate; that they are longer than a frame does not.)
 */
static void test_offloads(void)
{
	char board_sum[33] = "", guest_sum[64] = "", got[64] = "", fetched[33] = "";
	char feat[72] = "", diag[64];
	static const int bits[] = { 0, 1, 7, 8, 11, 12 };
	long long eth0[3][4], mean;
	bool offered = true, counted = true;
	struct guest_run g;
	unsigned int i;

	if (system("mkdir -p /tmp/bw && rm -f /tmp/bw/done && "
		   "head -c 4194304 /dev/urandom >/tmp/bw/f && httpd -p 8080 -h /tmp/bw") ||
	    !shell_first_word("md5sum </tmp/bw/f", board_sum))
		tap_bail("cannot serve a file on the board");
	guest_start(&g, VMM_ARGS("--net", "tap=" OFF_TAP ",host=10.0.5.1/24",
				 "--append", "armvirt.ip=10.0.5.15/24", "--cmd", OFF_CMD));
	guest_wait_for(&g, "\nSERVING", RUN_TIMEOUT_S);
	shell_first_word("wget -q -O - http://10.0.5.15:8080/f | md5sum", fetched);
	system("touch /tmp/bw/done");
	if (!tap_eq(guest_finish(&g, RUN_TIMEOUT_S), 0, "offload-guest-exits-0"))
		guest_diag_tail(&g, 2000);
	system("killall httpd; rm -rf /tmp/bw");
	guest_line_after(&g, "GOT ", got, sizeof(got));
	guest_line_after(&g, "SUM ", guest_sum, sizeof(guest_sum));
	guest_line_after(&g, "FEAT ", feat, sizeof(feat));
	for (i = 0; i < 3; i++)
		counted &= eth0_counters(&g, i, eth0[i]);
	if (!tap_ok(!strcmp(got, board_sum), "tcp-board-to-guest-intact"))
		tap_diag("board %s, guest got %s", board_sum, got);
	if (!tap_ok(!strcmp(fetched, guest_sum), "tcp-guest-to-board-intact"))
		tap_diag("guest %s, board got %s", guest_sum, fetched);
	for (i = 0; i < sizeof(bits) / sizeof(bits[0]); i++)
		offered &= strlen(feat) > (size_t)bits[i] && feat[bits[i]] == '1';
	tap_ok(offered, "driver-accepted-the-offloads (%s)", feat);
	mean = counted ? mean_frame(eth0[0], eth0[1], 0, diag, sizeof(diag)) : -1;
	tap_ok(mean > OFF_LONGEST_PLAIN_FRAME,
	       "guest-takes-segments-longer-than-a-frame (mean %lld: %s received)",
	       mean, counted ? diag : "no counters");
	mean = counted ? mean_frame(eth0[1], eth0[2], 2, diag, sizeof(diag)) : -1;
	tap_ok(mean > OFF_LONGEST_PLAIN_FRAME,
	       "guest-sends-segments-longer-than-a-frame (mean %lld: %s sent)",
	       mean, counted ? diag : "no counters");
	guest_free(&g);
}

static void test_three_nics(bool bridge)
{
	struct guest_run g;
	char macs[128], derived[18] = "";
	const char *p;
	int status;

	if (bridge)
		guest_start(&g, VMM_ARGS("--name", "web1",
			"--net", "tap=nt0,host=10.0.3.1/24,mac=" MAC_TAP,
			"--net", "bridge=br0,mac=" MAC_BRIDGE, "--net", "tap=nt2",
			"--cmd", GUEST_NICS "; ping -c 2 -W 10 10.0.3.1; ping -c 2 -W 10 10.0.4.1"));
	else
		guest_start(&g, VMM_ARGS("--name", "web1",
			"--net", "tap=nt0,host=10.0.3.1/24,mac=" MAC_TAP,
			"--net", "tap=nt1,mac=" MAC_BRIDGE, "--net", "tap=nt2",
			"--cmd", GUEST_NICS "; ping -c 2 -W 10 10.0.3.1"));
	status = guest_finish(&g, RUN_TIMEOUT_S);
	if (!tap_eq(status, 0, "three-nics-guest-exits-0"))
		guest_diag_tail(&g, 2000);
	guest_macs(&g, macs, sizeof(macs));
	tap_ok(count_occurrences(g.out, "\nIF eth") == 3, "guest-sees-three-nics (%s)", macs);
	tap_ok(strstr(macs, MAC_TAP) && strstr(macs, MAC_BRIDGE), "mac-option-sets-the-guests-mac");
	/* the third: neither given one, locally administered (52:54:00) */
	for (p = macs; *p; p += strlen(derived) + (p[strlen(derived)] == ' ')) {
		sscanf(p, "%17s", derived);
		if (strcmp(derived, MAC_TAP) && strcmp(derived, MAC_BRIDGE))
			break;
	}
	tap_ok(!strncmp(derived, "52:54:00:", 9) && strcmp(derived, MAC_TAP) &&
	       strcmp(derived, MAC_BRIDGE), "derived-mac-is-local (%s)", derived);
	tap_ok(strstr(g.out, "2 packets transmitted, 2 packets received") != NULL,
	       "guest-pings-the-board-over-its-tap");
	if (bridge) {
		tap_ok(strstr(g.out, "on bridge br0") != NULL, "vmm-reports-the-bridge");
		if (!tap_eq(count_occurrences(g.out, "2 packets transmitted, 2 packets received"), 2,
			    "guest-pings-the-board-over-the-bridge"))
			guest_diag_tail(&g, 3000);
	} else {
		tap_skip("this board kernel has no bridge module", "vmm-reports-the-bridge");
		tap_skip("this board kernel has no bridge module", "guest-pings-the-board-over-the-bridge");
	}
	guest_free(&g);

	/* the same name: the same derived MAC; another name: another one */
	guest_start(&g, VMM_ARGS("--name", "web1", "--net", "tap=nd0", "--net", "tap=nd1",
				 "--net", "tap=nd2", "--cmd", GUEST_NICS));
	guest_finish(&g, RUN_TIMEOUT_S);
	guest_macs(&g, macs, sizeof(macs));
	tap_ok(derived[0] && strstr(macs, derived), "same-name-same-mac (%s in %s)", derived, macs);
	guest_free(&g);
	guest_start(&g, VMM_ARGS("--name", "web2", "--net", "tap=nd0", "--net", "tap=nd1",
				 "--net", "tap=nd2", "--cmd", GUEST_NICS));
	guest_finish(&g, RUN_TIMEOUT_S);
	guest_macs(&g, macs, sizeof(macs));
	tap_ok(derived[0] && !strstr(macs, derived) && count_occurrences(macs, "52:54:00:") == 3,
	       "another-name-other-macs (%s)", macs);
	guest_free(&g);
}

/* @bridge: whether the kernel has bridge support (the message differs) */
static void test_bad_options(bool bridge)
{
	tap_ok(guest_run_refused(VMM_ARGS("--net", "bridge=nosuchbr0"), 1,
				 bridge ? "bridge nosuchbr0: no such interface" :
				 "bridge nosuchbr0: this kernel has no bridge support"),
	       "missing-bridge-is-an-error");
	tap_ok(guest_run_refused(VMM_ARGS("--net", "host=10.0.9.1/24"), 2, "tap or bridge at least"),
	       "net-without-tap-or-bridge-is-refused");
	tap_ok(guest_run_refused(VMM_ARGS("--net", "tap=a0", "--net", "tap=a1", "--net", "tap=a2",
					  "--net", "tap=a3", "--net", "tap=a4"), 2, "at most 4 NICs"),
	       "five-nics-are-refused");
	tap_ok(guest_run_refused(VMM_ARGS("--net", "tap=averyveryverylongtapname0"), 1,
				 "at most 15 characters"), "long-tap-name-is-an-error");
}

int main(void)
{
	bool bridge;
	int ret;

	tap_plan(24);
	alarm(1200);
	ret = module_loaded("armvirt") ? 0 : module_load(ARMVIRT_KO);
	if (!tap_eq(ret, 0, "armvirt-loads"))
		tap_bail("armvirt did not load");
	tap_eq(tun_load(TUN_KO), 0, "tun-loads");
	bridge = make_bridge();
	if (!bridge)
		tap_diag("no bridge on this kernel: the bridge checks are skipped");
	test_three_nics(bridge);
	test_bad_options(bridge);
	test_offloads();
	if (bridge)
		system("ip link del br0");
	check_kernel_healthy();
	tap_finish();
}
