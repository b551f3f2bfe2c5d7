// SPDX-License-Identifier: GPL-2.0-only
/*
 * armvirt-vmm's NICs (--net): three at once, one on a tap with the host's
 * address, one on a bridge of the board (bridge=), one with its MAC derived
 * from the VM's name; the guest reaches the board over the first two. The
 * derived MAC is the same for the same name and differs for another one.
 * Bad --net options are refused with a message. A board kernel without
 * the bridge module (the debug board's) skips the bridge checks. TCP both
 * ways over a tap (busybox httpd and wget) arrives intact in 64 KiB
 * segments: the checksum and segmentation offloads pass through the VMM,
 * and through vhost-net, which keeps the VMM off the data path and hands
 * the queues back across a save and restore. A tap the board deletes under
 * a running guest costs the VMM one line, not a spinning thread.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <net/if.h>
#include <sys/ioctl.h>
#include <linux/if_tun.h>

#include "board.h"
#include "guest_run.h"
#include "health.h"
#include "tap.h"
#include "vm.h"

#define RUN_TIMEOUT_S	300
#define TUN_KO		"/lib/modules/tun.ko"
#define MAC_TAP		"52:54:00:00:00:01"
#define MAC_BRIDGE	"52:54:00:00:00:02"
#define VHOST_LINE	"virtio-net: vhost-net serves the queues"
#define SAVE_FILE	"/tmp/net-snapshot.bin"
#define SAVE_PINGS	50
#define SAVE_TAP	"sv0"
#define MIGRATE_PORT	"4471"
/* SAVE_PINGS pings, then an end line, computed: the command itself is in the output too */
#define PING_CMD(ip)	"ping -c 50 -i 0.2 " ip "; echo PING-END-$((6*7))"
#define SAVE_PING_END	"PING-END-42"

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
	/*
	 * A MAC of its own: a bridge without one takes its lowest port's,
	 * and changes it when that port goes (a migrated guest's source
	 * tap), which its guests' ARP entries would not follow.
	 */
	return system("ip link add br0 type bridge 2>/dev/null && "
		      "ip link set br0 address 52:54:00:00:04:01 && "
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
#define OFF_SENT_BYTES	4194304	/* what the guest sends the board */
/* Fewer interrupts than this for 4 MiB sent: the count says nothing */
#define OFF_MIN_INTERRUPTS	16
/* Without offloads no frame is longer than the MTU and its Ethernet header. */
#define OFF_LONGEST_PLAIN_FRAME	1514
/*
 * The guest's TCP test: fetch the board's 4 MiB, then serve 4 random MiB
 * and wait for "done"; then the features its driver accepted (a string of
 * 0 and 1, bit 0 first). "ETH0 <phase>" lines give eth0's rx bytes and
 * frames and tx bytes and frames before, between and after the two
 * transfers, as the guest's stack handed them to its driver: a 64 KiB
 * segment counts once. The wait for "done" is quiet, so that no console
 * write reaches the VMM meanwhile.
 */
#define OFF_CMD \
	"s(){ echo ETH0 $1 $(cd /sys/class/net/eth0/statistics; cat rx_bytes rx_packets tx_bytes tx_packets); }; " \
	"mkdir /tmp/w; head -c 4m /dev/urandom >/tmp/w/f; httpd -p 8080 -h /tmp/w; " \
	"echo SUM $(md5sum </tmp/w/f | cut -c1-32); s 0; wget -q -O /tmp/g http://10.0.5.1:8080/f; " \
	"s 1; echo GOT $(md5sum </tmp/g | cut -c1-32); echo SERVING; " \
	"until wget -q -O /dev/null http://10.0.5.1:8080/done 2>/dev/null; do sleep 1; done; " \
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

/* What the VMM @pid has written (write, writev: to the tap, the console...). */
static long long vmm_wchar(pid_t pid)
{
	char path[64], buf[512], *p;

	snprintf(path, sizeof(path), "/proc/%d/io", (int)pid);
	if (read_file(path, buf, sizeof(buf)) < 0 || !(p = strstr(buf, "wchar: ")))
		return -1;
	return atoll(p + 7);
}

/*
 * The same once it reaches @want or stays short for 5 s: the board can
 * have a frame before the VMM's write that carried it has returned and
 * been counted (all-6.1-rt-armmp-vmm once read 16 KiB short).
 */
static long long vmm_wchar_reaching(pid_t pid, long long want)
{
	long long w = vmm_wchar(pid);
	int i;

	for (i = 0; i < 50 && w >= 0 && w < want; i++) {
		usleep(100 * 1000);
		w = vmm_wchar(pid);
	}
	return w;
}

/*
 * 4 MiB from the board to the guest, then 4 MiB from the guest to the
 * board, over TCP (busybox httpd and wget), with vhost-net (@vhost "on",
 * where the board has it) or without ("off"): both arrive intact; the
 * driver accepted the offloads (CSUM, GUEST_CSUM, GUEST_TSO4/6,
 * HOST_TSO4/6); and segments longer than a frame crossed the device each
 * way: the mean frame is longer than any frame can be without them. (How
 * long the segments are depends on the host's speed, as TCP sizes them to
 * its pacing rate; that they are longer than a frame does not.) Who
 * carried the 4 MiB the guest sent: the VMM wrote them to the tap, or,
 * with vhost-net, the VMM wrote next to nothing meanwhile. And what each
 * interrupt of the device cost meanwhile: one exit to the VMM, the read of
 * InterruptStatus; its acknowledgement stays in the hypervisor (before,
 * as many writes reached the VMM as reads).
 */
static void test_offloads(const char *vhost)
{
	char board_sum[33] = "", guest_sum[64] = "", got[64] = "", fetched[33] = "";
	char feat[72] = "", diag[64], net[64];
	static const int bits[] = { 0, 1, 7, 8, 11, 12 };
	bool on = !strcmp(vhost, "on"), have = access("/dev/vhost-net", F_OK) == 0;
	bool offered = true, counted = true;
	long long eth0[3][4], mean, w0, w1, reads, writes;
	struct vmm_exits e0, e1;
	struct guest_run g;
	unsigned int i;

	if (system("mkdir -p /tmp/bw && rm -f /tmp/bw/done && "
		   "head -c 4194304 /dev/urandom >/tmp/bw/f && httpd -p 8080 -h /tmp/bw") ||
	    !shell_first_word("md5sum </tmp/bw/f", board_sum))
		tap_bail("cannot serve a file on the board");
	snprintf(net, sizeof(net), "tap=" OFF_TAP ",host=10.0.5.1/24,vhost=%s", vhost);
	guest_start(&g, VMM_ARGS("--net", net, "--append", "armvirt.ip=10.0.5.15/24",
				 "--cmd", OFF_CMD));
	guest_wait_for(&g, "\nSERVING", RUN_TIMEOUT_S);
	w0 = vmm_wchar(g.pid);
	vmm_exits_read(g.pid, &e0);
	shell_first_word("wget -q -O - http://10.0.5.15:8080/f | md5sum", fetched);
	vmm_exits_read(g.pid, &e1);
	w1 = on ? vmm_wchar(g.pid) : vmm_wchar_reaching(g.pid, w0 + OFF_SENT_BYTES);
	system("touch /tmp/bw/done");
	if (!tap_eq(guest_finish(&g, RUN_TIMEOUT_S), 0, "vhost-%s-offload-guest-exits-0", vhost))
		guest_diag_tail(&g, 2000);
	system("killall httpd; rm -rf /tmp/bw");
	guest_line_after(&g, "GOT ", got, sizeof(got));
	guest_line_after(&g, "SUM ", guest_sum, sizeof(guest_sum));
	guest_line_after(&g, "FEAT ", feat, sizeof(feat));
	for (i = 0; i < 3; i++)
		counted &= eth0_counters(&g, i, eth0[i]);
	if (!tap_ok(!strcmp(got, board_sum), "vhost-%s-tcp-board-to-guest-intact", vhost))
		tap_diag("board %s, guest got %s", board_sum, got);
	if (!tap_ok(!strcmp(fetched, guest_sum), "vhost-%s-tcp-guest-to-board-intact", vhost))
		tap_diag("guest %s, board got %s", guest_sum, fetched);
	for (i = 0; i < sizeof(bits) / sizeof(bits[0]); i++)
		offered &= strlen(feat) > (size_t)bits[i] && feat[bits[i]] == '1';
	tap_ok(offered, "vhost-%s-driver-accepted-the-offloads (%s)", vhost, feat);
	vmm_exits_sub(&e1, &e1, &e0);
	reads = vmm_exits_count(&e1, "mmio_read");
	writes = vmm_exits_count(&e1, "mmio_write");
	tap_ok(reads >= OFF_MIN_INTERRUPTS && writes * 8 < reads,
	       "vhost-%s-an-interrupt-costs-one-exit-to-the-vmm (%lld reads, %lld writes reached it)",
	       vhost, reads, writes);
	mean = counted ? mean_frame(eth0[0], eth0[1], 0, diag, sizeof(diag)) : -1;
	tap_ok(mean > OFF_LONGEST_PLAIN_FRAME,
	       "vhost-%s-guest-takes-segments-longer-than-a-frame (mean %lld: %s received)",
	       vhost, mean, counted ? diag : "no counters");
	mean = counted ? mean_frame(eth0[1], eth0[2], 2, diag, sizeof(diag)) : -1;
	tap_ok(mean > OFF_LONGEST_PLAIN_FRAME,
	       "vhost-%s-guest-sends-segments-longer-than-a-frame (mean %lld: %s sent)",
	       vhost, mean, counted ? diag : "no counters");
	if (!on && access("/proc/self/io", F_OK)) {
		/* the debug kernel's (no CONFIG_TASK_IO_ACCOUNTING) */
		tap_skip("this kernel counts no task's I/O (/proc/PID/io)",
			 "vhost-off-the-vmm-writes-what-the-guest-sends");
	} else if (!on) {
		tap_ok(w0 >= 0 && w1 - w0 >= OFF_SENT_BYTES,
		       "vhost-off-the-vmm-writes-what-the-guest-sends (%lld bytes)", w1 - w0);
	} else if (!have) {
		tap_skip("no /dev/vhost-net on this board", "vhost-on-vmm-reports-vhost-net");
		tap_skip("no /dev/vhost-net on this board", "vhost-on-the-vmm-stays-off-the-data-path");
	} else {
		tap_ok(strstr(g.out, VHOST_LINE) != NULL,
		       "vhost-on-vmm-reports-vhost-net");
		tap_ok(w0 >= 0 && w1 - w0 < OFF_SENT_BYTES / 64,
		       "vhost-on-the-vmm-stays-off-the-data-path (%lld bytes written while the guest sent %d)",
		       w1 - w0, OFF_SENT_BYTES);
	}
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

/* The answered pings of a "N packets transmitted, M packets received" line in @out. */
static int pings_answered(const char *out, int *sent)
{
	const char *p = strstr(out, " packets transmitted, ");
	int got = 0;

	*sent = 0;
	if (p) {
		while (p > out && p[-1] >= '0' && p[-1] <= '9')
			p--;
		sscanf(p, "%d packets transmitted, %d packets received", sent, &got);
	}
	return got;
}

/*
 * A tap that outlives its VMM (TUNSETPERSIST), so that a guest restored in
 * a new VMM finds the same tap and MAC on the board: its ARP entry for the
 * board still holds. @on false removes it. 0, or -1.
 */
static int persistent_tap(const char *name, bool on)
{
	struct ifreq ifr = { .ifr_flags = IFF_TAP | IFF_NO_PI | IFF_VNET_HDR };
	int fd = open("/dev/net/tun", O_RDWR | O_CLOEXEC), ret;

	if (fd < 0)
		return -1;
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", name);
	ret = ioctl(fd, TUNSETIFF, &ifr) || ioctl(fd, TUNSETPERSIST, on ? 1 : 0) ? -1 : 0;
	close(fd);
	return ret;
}

/*
 * vhost-net hands its queues back with their indexes: a guest pinging the
 * board is saved mid-run (vhost stops, the VMM takes the rings) and
 * restored in a new VMM on the same tap (vhost takes them again at the
 * first kick), and its ping goes on. An index taken back wrong would have
 * the restored device reuse or skip the guest's buffers: the driver
 * breaks or the replies stop.
 */
static void test_vhost_save_restore(void)
{
	struct guest_run a, b;
	int sent, got, status;

	if (access("/dev/vhost-net", F_OK)) {
		tap_skip("no /dev/vhost-net on this board", "vhost-guest-saved-mid-ping");
		tap_skip("no /dev/vhost-net on this board", "vhost-restored-guest-pings-on");
		return;
	}
	unlink(SAVE_FILE);
	if (persistent_tap(SAVE_TAP, true) ||
	    system("ip addr add 10.0.6.1/24 dev " SAVE_TAP " && ip link set " SAVE_TAP " up"))
		tap_diag("cannot make the persistent tap " SAVE_TAP);
	guest_start(&a, VMM_ARGS("--net", "tap=" SAVE_TAP, "--save", SAVE_FILE,
				 "--append", "armvirt.ip=10.0.6.15/24", "--cmd", PING_CMD("10.0.6.1")));
	guest_wait_for(&a, "seq=15 ", RUN_TIMEOUT_S);
	kill(a.pid, SIGUSR1);
	status = guest_finish(&a, 120);
	guest_check(&a, tap_ok(status == 0 && strstr(a.out, "seq=15 ") && !strstr(a.out, SAVE_PING_END),
			       "vhost-guest-saved-mid-ping (status %d)", status));
	guest_start(&b, VMM_ARGS("--net", "tap=" SAVE_TAP, "--restore", SAVE_FILE,
				 "--append", "armvirt.ip=10.0.6.15/24", "--cmd", PING_CMD("10.0.6.1")));
	guest_finish(&b, RUN_TIMEOUT_S);
	got = pings_answered(b.out, &sent);
	/* a few lost while the guest was down, none after */
	guest_check(&b, tap_ok(strstr(b.out, SAVE_PING_END) && sent == SAVE_PINGS &&
			       got >= SAVE_PINGS - 10 && strstr(a.out, VHOST_LINE) &&
			       strstr(b.out, VHOST_LINE) && !strstr(b.out, "is not a head"),
			       "vhost-restored-guest-pings-on (%d of %d answered)", got, sent));
	persistent_tap(SAVE_TAP, false);
	unlink(SAVE_FILE);
	guest_free(&a);
	guest_free(&b);
}

/*
 * A guest pinging the board over the bridge migrates live, vhost-net
 * serving its NIC, to a VMM on another tap of the same bridge: the
 * migration takes the queues back from vhost before its dirty log starts
 * (vhost's writes into guest RAM pass the log by), the target gets rings
 * and buffers as the guest left them, and the ping goes on there (the
 * bridge learns the guest's new port from its next frame).
 */
static void test_vhost_migrate(bool bridge)
{
	struct guest_run src, dst;
	int sent, got, status;

	if (!bridge || access("/dev/vhost-net", F_OK)) {
		tap_skip("no bridge or no /dev/vhost-net on this board", "vhost-migration-source-migrated");
		tap_skip("no bridge or no /dev/vhost-net on this board", "vhost-migrated-guest-pings-on");
		return;
	}
	if (system("ip link set lo up"))	/* the migration's stream */
		tap_diag("cannot bring the board's loopback up");
	guest_start(&dst, VMM_ARGS("--net", "tap=mg1,bridge=br0", "--incoming", "tcp:127.0.0.1:" MIGRATE_PORT,
				   "--append", "armvirt.ip=10.0.4.15/24", "--cmd", PING_CMD("10.0.4.1")));
	guest_wait_for(&dst, "waiting for a migration", 60);
	guest_start(&src, VMM_ARGS("--net", "tap=mg0,bridge=br0", "--migrate-to", "tcp:127.0.0.1:" MIGRATE_PORT,
				   "--migrate-speed", "8", "--append", "armvirt.ip=10.0.4.15/24",
				   "--cmd", PING_CMD("10.0.4.1")));
	guest_wait_for(&src, "seq=15 ", RUN_TIMEOUT_S);
	kill(src.pid, SIGUSR2);
	status = guest_finish(&src, RUN_TIMEOUT_S);
	guest_check(&src, tap_ok(status == 0 && strstr(src.out, "armvirt-vmm: migrated") &&
				 strstr(src.out, VHOST_LINE) && !strstr(src.out, SAVE_PING_END),
				 "vhost-migration-source-migrated (status %d)", status));
	guest_finish(&dst, strstr(src.out, "armvirt-vmm: migrated") ? RUN_TIMEOUT_S : 5);
	got = pings_answered(dst.out, &sent);
	/* a few lost while the guest was down, none after */
	guest_check(&dst, tap_ok(strstr(dst.out, SAVE_PING_END) && sent == SAVE_PINGS &&
				 got >= SAVE_PINGS - 10 && strstr(dst.out, VHOST_LINE) &&
				 !strstr(dst.out, "is not a head"),
				 "vhost-migrated-guest-pings-on (%d of %d answered)", got, sent));
	guest_free(&src);
	guest_free(&dst);
}

/* The CPU time all of @pid's threads have used, in seconds (/proc/PID/stat), or -1. */
static double process_cpu_s(pid_t pid)
{
	unsigned long utime, stime;
	char path[64], buf[512], *p;
	FILE *f;
	int n;

	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	f = fopen(path, "r");
	if (!f)
		return -1;
	n = fgets(buf, sizeof(buf), f) ? 1 : 0;
	fclose(f);
	p = n ? strrchr(buf, ')') : NULL;	/* the fields after the command's name */
	if (!p || sscanf(p + 2, "%*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %lu %lu",
			 &utime, &stime) != 2)
		return -1;
	return (double)(utime + stime) / (double)sysconf(_SC_CLK_TCK);
}

/*
 * The host deletes a guest's tap while the guest pings through it: the
 * VMM says so once and stops watching the tap, and the guest runs on.
 * Before, epoll reported the tap's error over and over and the I/O thread
 * spun, a CPU's worth of time.
 */
static void test_tap_deleted(void)
{
	struct guest_run g;
	double cpu0, cpu1;
	int status;

	guest_start(&g, VMM_ARGS("--net", "tap=gone0,host=10.0.6.1/24,vhost=off",
		    "--append", "armvirt.ip=10.0.6.15/24",
		    "--cmd", "ping -c 40 -i 0.2 10.0.6.1 >/dev/null; echo STILL-$((6*7))"));
	guest_wait_for(&g, "=== armvirt-guest-ready", RUN_TIMEOUT_S);
	sleep(1);
	tap_eq(system("ip link del gone0"), 0, "board-deletes-the-guests-tap");
	sleep(1);
	cpu0 = process_cpu_s(g.pid);
	sleep(3);
	cpu1 = process_cpu_s(g.pid);
	if (!tap_ok(cpu0 >= 0 && cpu1 >= 0 && cpu1 - cpu0 < 1.0,
		    "a-deleted-tap-leaves-the-vmm-idle (%.2f s of CPU in 3 s)", cpu1 - cpu0))
		guest_diag_tail(&g, 800);
	status = guest_finish(&g, RUN_TIMEOUT_S);
	tap_ok(status == 0 && strstr(g.out, "STILL-42") &&
	       strstr(g.out, "network: NIC 0's tap: an error; no longer watched"),
	       "the-guest-runs-on-and-the-vmm-says-once-the-tap-is-gone");
	guest_free(&g);
}

int main(void)
{
	bool bridge;
	int ret;

	tap_plan(42);
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
	test_offloads("off");
	test_offloads("on");
	test_vhost_save_restore();
	test_vhost_migrate(bridge);
	test_tap_deleted();
	if (bridge)
		system("ip link del br0");
	check_kernel_healthy();
	tap_finish();
}
