// SPDX-License-Identifier: GPL-2.0-only
/*
 * armvirt-vmm boots the stock Debian kernel with the guest initramfs, on
 * armvirt: to userspace with 2 vCPUs, a clock that runs at the board's
 * rate, entropy, a virtio disk whose bytes the board sees (a queue per
 * vCPU; ,direct where the board's tmpfs has O_DIRECT, refused where not),
 * a network link
 * to the board, reboot and poweroff, two guests at once, typing on the
 * PL011, a stop by SIGTERM or SIGKILL, bad options, and a guest the
 * hypervisor cannot run. The consoles' keys and ptys: 12-console.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/wait.h>
#include <unistd.h>

#include "board.h"
#include "guest_run.h"
#include "health.h"
#include "tap.h"

#define RUN_TIMEOUT_S	300	/* one guest boot takes about 10 s here; CI is slower */
#define TUN_KO		"/lib/modules/tun.ko"
#define DISK		"/tmp/vmm-disk.img"
#define DISK_MIB	16
#define PATTERN_MIB	8	/* where the board writes data for the guest to read */
/* A sparse disk past what a 32-bit off_t reaches: the VMM needs large-file offsets */
#define BIG_DISK	"/tmp/vmm-big-disk.img"
#define BIG_DISK_MIB	3072
#define BIG_PATTERN_MIB	2560
#define BIG_WRITE_MIB	2600
#define TAP_HOST_IP	"10.0.2.1"
/* A request no O_DIRECT takes: 3 sectors (1536 bytes) from an odd one, 10 MiB + 512 */
#define ODD_SECTOR	"20481"
#define ODD_SECTORS	"3"
#define ODD_BYTES	"1536"
/* 4 KiB block 2048: the board's pattern at PATTERN_MIB, which the guest reads per queue */
#define MQ_BLOCK	"2048"

#define VMM_ARGS(...) ((const char *const[]){ VMM_PATH, "--kernel", GUEST_KERNEL, \
	"--initrd", GUEST_INITRD, __VA_ARGS__, NULL })

/* The md5sum of @len MiB of @path from @skip MiB, by the board's busybox. */
static bool board_md5(const char *path, int skip, int len, char md5[33])
{
	char cmd[256];

	snprintf(cmd, sizeof(cmd), "dd if=%s bs=1048576 skip=%d count=%d 2>/dev/null | md5sum",
		 path, skip, len);
	return shell_first_word(cmd, md5);
}

/* The rest of the guest command's first output line that starts with @prefix. */
static bool cmd_line_after(const struct guest_run *g, const char *prefix, char *buf, size_t size)
{
	char out[8192];

	return guest_cmd_output(g, out, sizeof(out)) && text_line_after(out, prefix, buf, size);
}

/* @mib MiB of zeros, sparse; with @pattern_md5, 1 MiB of random bytes at @pattern_mib. */
static bool make_disk_at(const char *path, int mib, int pattern_mib, char pattern_md5[33])
{
	static char buf[1 << 20];
	int fd, i;
	bool ok = true;

	fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0600);
	if (fd < 0)
		return false;
	ok = ftruncate(fd, (off_t)mib << 20) == 0;
	if (pattern_md5) {
		for (i = 0; i < (int)sizeof(buf); i += 256)
			ok &= getrandom(buf + i, 256, 0) == 256;
		ok &= pwrite(fd, buf, sizeof(buf), (off_t)pattern_mib << 20) == sizeof(buf);
	}
	close(fd);
	return ok && (!pattern_md5 || board_md5(path, pattern_mib, 1, pattern_md5));
}

static bool make_disk(const char *path, int mib, char pattern_md5[33])
{
	return make_disk_at(path, mib, PATTERN_MIB, pattern_md5);
}

/*
 * The guest's clock runs at the board's rate. The guest prints its uptime
 * five times, a second apart (T0..T4); the board notes when each line
 * arrives. A line can arrive late (the console path, a loaded machine), never
 * early: from each end, the pair of lines whose arrival minus guest time is
 * least, i.e. the least delayed, measures the rate.
 */
#define CLOCK_SAMPLES	5
static void check_clock_rate(const struct guest_run *g)
{
	double t[CLOCK_SAMPLES], gt[CLOCK_SAMPLES], ratio = 0;
	char needle[8];
	const char *p;
	int i, a = -1, b = -1;

	for (i = 0; i < CLOCK_SAMPLES; i++) {
		/* lines of output, not the command line the kernel prints */
		snprintf(needle, sizeof(needle), "\nT%d ", i);
		p = strstr(g->out, needle);
		t[i] = guest_time_of(g, needle);
		if (!p || t[i] <= 0 || sscanf(p + strlen(needle), "%lf", &gt[i]) != 1) {
			tap_ok(false, "guest-clock-rate");
			tap_diag("no line T%d from the guest", i);
			return;
		}
	}
	for (i = 0; i < 2; i++)
		if (a < 0 || t[i] - gt[i] < t[a] - gt[a])
			a = i;
	for (i = CLOCK_SAMPLES - 2; i < CLOCK_SAMPLES; i++)
		if (b < 0 || t[i] - gt[i] < t[b] - gt[b])
			b = i;
	if (t[b] > t[a])
		ratio = (gt[b] - gt[a]) / (t[b] - t[a]);
	tap_ok(ratio > 0.9 && ratio < 1.1, "guest-clock-rate");
	tap_diag("guest clock: %.3f s in the guest while %.3f s passed on the board (%.3f; lines T%d and T%d; T0..T4 arrived %.2f %.2f %.2f %.2f %.2f s after the VMM started)",
		 gt[b] - gt[a], t[b] - t[a], ratio, a, b, t[0], t[1], t[2], t[3], t[4]);
}

/*
 * The guest wrote 4 random MiB to MiB 1 to 4 of its disk, a MiB per dd, all
 * at once and with O_DIRECT (so that their requests are in flight
 * together), then read each MiB back the same way: its line "PAR" gives
 * the md5sum of the 4 MiB, then of each MiB read back. The board finds
 * the 4 MiB where they were written, and each MiB read back is the disk's.
 */
static void check_parallel_io(const struct guest_run *g)
{
	char line[256] = "", sum[5][33], board[33] = "";
	bool read_ok = true;
	int i;

	cmd_line_after(g, "PAR ", line, sizeof(line));
	if (sscanf(line, "%32s %32s %32s %32s %32s", sum[0], sum[1], sum[2], sum[3], sum[4]) != 5) {
		tap_ok(false, "parallel-direct-writes-land-where-written");
		tap_ok(false, "parallel-direct-reads-return-the-disk");
		tap_diag("the guest's line: \"%s\"", line);
		return;
	}
	board_md5(DISK, 1, 4, board);
	if (!tap_ok(!strcmp(sum[0], board), "parallel-direct-writes-land-where-written"))
		tap_diag("the guest wrote %s; the board reads %s", sum[0], board);
	for (i = 1; i <= 4; i++) {
		board_md5(DISK, i, 1, board);
		if (strcmp(sum[i], board)) {
			tap_diag("MiB %d: the guest read %s; the board reads %s", i, sum[i], board);
			read_ok = false;
		}
	}
	tap_ok(read_ok, "parallel-direct-reads-return-the-disk");
}

/* Whether the VMM @pid holds @path open with O_DIRECT. */
static bool vmm_has_direct_fd(pid_t pid, const char *path)
{
	char dir[32], link[300], target[256], info[300], line[128];
	unsigned int flags = 0;
	struct dirent *e;
	bool found = false;
	ssize_t n;
	DIR *d;
	FILE *f;

	snprintf(dir, sizeof(dir), "/proc/%d/fd", (int)pid);
	d = opendir(dir);
	if (!d)
		return false;
	while (!found && (e = readdir(d))) {
		snprintf(link, sizeof(link), "%s/%s", dir, e->d_name);
		n = readlink(link, target, sizeof(target) - 1);
		if (n < 0)
			continue;
		target[n] = 0;
		if (strcmp(target, path))
			continue;
		snprintf(info, sizeof(info), "/proc/%d/fdinfo/%s", (int)pid, e->d_name);
		f = fopen(info, "r");
		while (f && fgets(line, sizeof(line), f))
			if (sscanf(line, "flags: %o", &flags) == 1 && (flags & O_DIRECT))
				found = true;
		if (f)
			fclose(f);
	}
	closedir(d);
	return found;
}

/* Whether the board's file system of @path opens it with O_DIRECT (tmpfs: from 6.6). */
static bool board_has_o_direct(const char *path)
{
	int fd = open(path, O_RDONLY | O_DIRECT);

	if (fd < 0)
		return false;
	close(fd);
	return true;
}

/*
 * --disk FILE,direct: where the board's tmpfs has O_DIRECT, the running
 * VMM holds the image open with it (the boot's disk checks then cover the
 * direct path, and the odd-sector request the buffered one beside it);
 * where it has not, the VMM refuses with a message.
 */
static void check_disk_direct(const struct guest_run *g, bool direct)
{
	if (direct) {
		tap_ok(vmm_has_direct_fd(g->pid, DISK), "disk-direct-opens-the-image-o-direct");
		return;
	}
	tap_diag("the board's tmpfs has no O_DIRECT: ,direct must be refused");
	tap_ok(guest_run_refused(VMM_ARGS("--disk", DISK ",direct"), 1,
				 "cannot open it for direct I/O"),
	       "disk-direct-refused-where-the-file-system-has-no-o-direct");
}

/*
 * --disk FILE,mq with 2 vCPUs: the guest's driver made two queues, one
 * for each vCPU (the guest's line "MQ": each queue's CPUs, "0 1", or "1 0"
 * as a 7.2 guest maps them), and a direct
 * read pinned to each vCPU, so sent on its queue, returned the disk's
 * bytes (lines "MQREAD1", "MQREAD2").
 */
static void check_mq(const struct guest_run *g)
{
	char line[80] = "", r1[80] = "", r2[80] = "", board[33] = "";

	cmd_line_after(g, "MQ ", line, sizeof(line));
	if (!tap_ok(!strcmp(line, "0 1") || !strcmp(line, "1 0"), "disk-mq-a-queue-per-vcpu"))
		tap_diag("the guest's queues' CPUs: \"%s\"", line);
	shell_first_word("dd if=" DISK " bs=4k skip=" MQ_BLOCK " count=16 2>/dev/null | md5sum", board);
	cmd_line_after(g, "MQREAD1 ", r1, sizeof(r1));
	cmd_line_after(g, "MQREAD2 ", r2, sizeof(r2));
	if (!tap_ok(!strcmp(r1, board) && !strcmp(r2, board), "disk-mq-each-queue-serves-reads"))
		tap_diag("read on vCPU 0: %s, on vCPU 1: %s; the board reads %s", r1, r2, board);
}

/*
 * What the guest runs in that boot, longer than a kernel command line
 * takes (1023 bytes): the board writes it at the head of the second disk,
 * whose first MiB nothing else uses, and the guest runs it from there.
 */
#define SCRIPT_BYTES		4096
#define SCRIPT_BYTES_STR	"4096"
static const char boot_script[] =
	"d() { dd \"$@\" 2>/dev/null; }\n"
	"m() { md5sum | cut -c1-32; }\n"
	"echo NPROC$(nproc)\n"
	"for i in 0 1 2 3 4; do echo T$i $(cut -d' ' -f1 /proc/uptime); [ $i = 4 ] || sleep 1; done\n"
	"head -c 64 /dev/hwrng | wc -c | sed s/^/RNG/\n"
	"cat /sys/class/misc/hw_random/rng_current\n"
	"head -c 1048576 /dev/urandom >/tmp/f\n"
	"echo WROTE$(m </tmp/f)\n"
	"d if=/tmp/f of=/dev/vda bs=65536; sync\n"
	"echo 3 >/proc/sys/vm/drop_caches\n"
	"echo READ$(d if=/dev/vda bs=1048576 skip=8 count=1 | m)\n"
	"echo BIGREAD$(d if=/dev/vdb bs=1048576 skip=2560 count=1 | m)\n"
	"d if=/tmp/f of=/dev/vdb bs=1048576 seek=2600; sync\n"
	/* several requests in flight at once, bypassing the page cache */
	"head -c 4m /dev/urandom >/tmp/q\n"
	"for i in 0 16 32 48; do\n"
	"	d if=/tmp/q of=/dev/vda bs=64k skip=$i seek=$((i+16)) count=16 oflag=direct &\n"
	"done; wait\n"
	"for i in 0 16 32 48; do\n"
	"	d if=/dev/vda of=/tmp/r$((i+10)) bs=64k skip=$((i+16)) count=16 iflag=direct &\n"
	"done; wait\n"
	"echo PAR $(md5sum /tmp/q /tmp/r?? | cut -c1-32)\n"
	/* sectors no O_DIRECT takes, written and read back direct in the guest */
	"d if=/tmp/q of=/dev/vda bs=512 seek=" ODD_SECTOR " count=" ODD_SECTORS " oflag=direct\n"
	"echo ODD $(head -c " ODD_BYTES " /tmp/q | m) $(d if=/dev/vda bs=512 skip=" ODD_SECTOR
	" count=" ODD_SECTORS " iflag=direct | m)\n"
	/* the queues' CPUs; a read pinned to each vCPU goes through its queue */
	"echo MQ $(cat /sys/block/vda/mq/*/cpu_list)\n"
	"for c in 1 2; do\n"
	"	echo MQREAD$c $(taskset $c dd if=/dev/vda bs=4k skip=" MQ_BLOCK " count=16 iflag=direct"
	" 2>/dev/null | m)\n"
	"done\n"
	"ping -c 3 -W 10 " TAP_HOST_IP "\n";

/* @script at the head of disk image @path, padded with newlines to SCRIPT_BYTES. */
static bool put_script(const char *path, const char *script)
{
	char buf[SCRIPT_BYTES];
	size_t len = strlen(script);
	bool ok;
	int fd;

	if (len > sizeof(buf))
		return false;
	memset(buf, '\n', sizeof(buf));
	memcpy(buf, script, len);
	fd = open(path, O_WRONLY);
	if (fd < 0)
		return false;
	ok = pwrite(fd, buf, sizeof(buf), 0) == (ssize_t)sizeof(buf);
	close(fd);
	return ok;
}

/*
 * One boot with every device: 2 vCPUs, the clock, the rng, the disk both
 * ways, the network (one boot rather than one per device, for time).
 */
static void test_boot_devices(void)
{
	char pattern_md5[33] = "", written_md5[33] = "", big_md5[33] = "", val[64];
	char odd_md5[33] = "", odd_line[80] = "";
	struct guest_run g;
	bool direct;
	double ready;
	int status;

	if (!tap_ok(make_disk(DISK, DISK_MIB, pattern_md5) &&
		    make_disk_at(BIG_DISK, BIG_DISK_MIB, BIG_PATTERN_MIB, big_md5),
		    "board-makes-disk-images"))
		tap_bail("cannot make %s and %s", DISK, BIG_DISK);
	direct = board_has_o_direct(DISK);
	if (!tap_ok(put_script(BIG_DISK, boot_script), "board-puts-the-script-on-the-disk"))
		tap_bail("cannot write the script to %s", BIG_DISK);
	if (guest_start(&g, VMM_ARGS("--cpus", "2", "--disk", direct ? DISK ",mq,direct" : DISK ",mq",
		"--disk", BIG_DISK,
		"--net", "tap=vmmtap0,host=" TAP_HOST_IP "/24", "--append", "armvirt.ip=10.0.2.15/24",
		"--cmd", "head -c " SCRIPT_BYTES_STR " /dev/vdb >/tmp/s; sh /tmp/s"))) {
		tap_bail("cannot start %s: %s", VMM_PATH, strerror(errno));
	}
	guest_wait_for(&g, "=== armvirt-guest-ready", RUN_TIMEOUT_S);
	ready = guest_time_of(&g, "=== armvirt-guest-ready");
	check_disk_direct(&g, direct);
	status = guest_finish(&g, RUN_TIMEOUT_S);
	tap_ok(ready > 0, "boot-to-userspace");
	tap_diag("boot time, VMM start to the guest's /init ready: %.1f s (2 vCPUs)", ready);
	guest_check(&g, tap_eq(status, 0, "poweroff-exits-0"));
	tap_ok(strstr(g.out, "armvirt-vmm: the guest powered off") != NULL, "poweroff-message");
	/* Marked: on a slow board a kernel message may come first. */
	guest_check(&g, tap_ok(cmd_line_after(&g, "NPROC", val, sizeof(val)) && !strcmp(val, "2"),
			    "nproc-2"));
	check_clock_rate(&g);
	tap_ok(cmd_line_after(&g, "RNG", val, sizeof(val)) && atoi(val) == 64,
	       "virtio-rng-gives-64-bytes");
	tap_ok(strstr(g.out, "virtio_rng.0") != NULL, "virtio-rng-is-the-hwrng");
	tap_eq(guest_cmd_rc(&g), 0, "guest-command-rc-0");
	tap_ok(cmd_line_after(&g, "READ", val, sizeof(val)) && !strncmp(val, pattern_md5, 32),
	       "guest-reads-what-the-board-wrote");
	board_md5(DISK, 0, 1, written_md5);
	if (!tap_ok(cmd_line_after(&g, "WROTE", val, sizeof(val)) &&
		    !strncmp(val, written_md5, 32), "board-reads-what-the-guest-wrote"))
		tap_diag("guest %.32s, board %s", val, written_md5);
	tap_ok(cmd_line_after(&g, "BIGREAD", val, sizeof(val)) && !strncmp(val, big_md5, 32),
	       "guest-reads-a-disk-beyond-2-gib");
	board_md5(BIG_DISK, BIG_WRITE_MIB, 1, big_md5);
	tap_ok(!strncmp(big_md5, written_md5, 32), "guest-writes-a-disk-beyond-2-gib");
	check_parallel_io(&g);
	shell_first_word("dd if=" DISK " bs=512 skip=" ODD_SECTOR " count=" ODD_SECTORS
			 " 2>/dev/null | md5sum", odd_md5);
	if (!tap_ok(cmd_line_after(&g, "ODD ", odd_line, sizeof(odd_line)) &&
		    strlen(odd_line) >= 65 && !strncmp(odd_line, odd_md5, 32) &&
		    !strncmp(odd_line + 33, odd_md5, 32), "odd-sectors-land-and-read-back"))
		tap_diag("the guest wrote, then read: \"%s\"; the board reads %s", odd_line, odd_md5);
	check_mq(&g);
	tap_ok(strstr(g.out, "3 packets transmitted, 3 packets received") != NULL,
	       "guest-pings-the-board-over-tap");
	unlink(BIG_DISK);
	guest_free(&g);
}

static void test_reboot(void)
{
	struct guest_run g;
	int status;

	make_disk(DISK, 1, NULL);
	/* the first boot leaves a mark on the disk and reboots; the second sees it */
	guest_start(&g, VMM_ARGS("--disk", DISK, "--cmd",
		"if grep -q armvirt-boot1 /dev/vda; then echo second-boot; "
		"else echo armvirt-boot1 > /dev/vda; sync; reboot -f; fi"));
	status = guest_finish(&g, RUN_TIMEOUT_S);
	guest_check(&g, tap_eq(status, 0, "reboot-then-poweroff-exits-0"));
	tap_eq(count_occurrences(g.out, "=== armvirt-guest-ready"), 2, "reboot-boots-the-guest-again");
	tap_ok(strstr(g.out, "(after a guest reboot)") != NULL, "reboot-message");
	tap_ok(strstr(g.out, "\nsecond-boot") != NULL, "disk-survives-reboot");
	guest_free(&g);
}

static void test_two_guests(void)
{
	struct guest_run a, b;
	char va[16] = "", vb[16] = "";
	int sa, sb;
	double a_ready, b_ready, a_end, b_end;

	guest_start(&a, VMM_ARGS("--cpus", "2", "--cmd", "echo NPROC$(nproc); sleep 3"));
	/* the second one's console is virtio-console (hvc0) */
	guest_start(&b, VMM_ARGS("--console", "virtio", "--cmd", "echo NPROC$(nproc); sleep 3"));
	guest_wait_for(&a, "=== armvirt-guest-ready", RUN_TIMEOUT_S);
	guest_wait_for(&b, "=== armvirt-guest-ready", RUN_TIMEOUT_S);
	a_ready = guest_time_of(&a, "=== armvirt-guest-ready");
	b_ready = guest_time_of(&b, "=== armvirt-guest-ready") + (b.start - a.start);
	sa = guest_finish(&a, RUN_TIMEOUT_S);
	sb = guest_finish(&b, RUN_TIMEOUT_S);
	a_end = guest_time_of(&a, "=== armvirt-guest-cmd-end");
	b_end = guest_time_of(&b, "=== armvirt-guest-cmd-end") + (b.start - a.start);
	guest_check(&a, tap_eq(sa, 0, "two-guests-first-exits-0"));
	guest_check(&b, tap_eq(sb, 0, "two-guests-second-exits-0"));
	cmd_line_after(&a, "NPROC", va, sizeof(va));
	cmd_line_after(&b, "NPROC", vb, sizeof(vb));
	if (!tap_ok(!strcmp(va, "2") && !strcmp(vb, "1"), "two-guests-each-their-vcpus"))
		tap_diag("nproc: first \"%s\", second \"%s\"", va, vb);
	if (!tap_ok(a_ready > 0 && b_ready > 0 && a_ready < b_end && b_ready < a_end,
		    "two-guests-ran-at-the-same-time"))
		tap_diag("first ready %.1f end %.1f, second ready %.1f end %.1f",
			 a_ready, a_end, b_ready, b_end);
	/* with console=hvc0, /init's output reaches the VMM only through virtio-console */
	tap_ok(strstr(b.out, "=== armvirt-guest-cmd-end rc=0") != NULL,
	       "virtio-console-carries-the-guest-console");
	guest_free(&a);
	guest_free(&b);
}

/*
 * A command's output comes out whole before the guest powers off: the
 * PL011 driver sends from a buffer, an interrupt at a time, and a loop
 * of echos fills it faster than it drains; /init's power-off right after
 * the command once cut its end marker off.
 */
static void test_output_before_poweroff(void)
{
	struct guest_run g;
	int status;

	guest_start(&g, VMM_ARGS("--cmd", "i=0; while [ $i -lt 64 ]; do "
				 "echo TAIL$i-0123456789abcdefghijklmnopqrstuvwxyz; i=$((i+1)); done"));
	status = guest_finish(&g, RUN_TIMEOUT_S);
	guest_check(&g, tap_eq(status, 0, "burst-of-output-guest-exits-0"));
	if (!tap_ok(strstr(g.out, "TAIL63-0123456789abcdefghijklmnopqrstuvwxyz") &&
		    strstr(g.out, "=== armvirt-guest-cmd-end rc=0"),
		    "last-output-arrives-before-the-power-off"))
		guest_diag_tail(&g, 600);
	guest_free(&g);
}

/* The VMM's vCPU entries in debugfs: none may outlive it. */
static int debugfs_vcpus_of(pid_t pid)
{
	DIR *d = opendir("/sys/kernel/debug/armvirt/vcpus");
	struct dirent *de;
	int n = 0, p;

	if (!d)
		return -1;
	while ((de = readdir(d)))
		if (sscanf(de->d_name, "%d-", &p) == 1 && p == pid)
			n++;
	closedir(d);
	return n;
}

/* At the guest's shell on the PL011: what is typed runs; then SIGTERM. */
static void test_typing_and_sigterm(void)
{
	struct guest_run g;
	int status, live;

	guest_start_typing(&g, VMM_ARGS("--cpus", "2"));
	guest_wait_for(&g, "guest# ", RUN_TIMEOUT_S);
	guest_type(&g, "echo TYPED-$((6*7))\n");
	tap_ok(guest_wait_for(&g, "TYPED-42", 60), "pl011-input-reaches-the-guest-shell");
	live = debugfs_vcpus_of(g.pid);
	kill(g.pid, SIGTERM);
	status = guest_finish(&g, 60);
	guest_check(&g, tap_eq(status, 128 + SIGTERM, "sigterm-stops-the-guest"));
	tap_ok(strstr(g.out, "armvirt-vmm: stopped by Terminated") != NULL, "sigterm-message");
	tap_ok(live == 2 && debugfs_vcpus_of(g.pid) == 0, "sigterm-leaves-no-vcpu-behind");
	guest_free(&g);
}

/* A VMM killed mid-run, with its irqfds, ioeventfds and tap in use. */
static void test_sigkill(void)
{
	struct guest_run g;
	int status, live, i, left = -1;

	make_disk(DISK, 1, NULL);
	guest_start(&g, VMM_ARGS("--cpus", "2", "--disk", DISK, "--net", "tap=killtap0",
				 "--cmd", "dd if=/dev/vda of=/dev/null bs=4096 count=64; sleep 600"));
	guest_wait_for(&g, "=== armvirt-guest-cmd", RUN_TIMEOUT_S);
	live = debugfs_vcpus_of(g.pid);
	kill(g.pid, SIGKILL);
	status = guest_finish(&g, 60);
	/* the VM goes when its last fd does: poll briefly */
	for (i = 0; i < 100 && left != 0; i++, usleep(20000))
		left = debugfs_vcpus_of(g.pid);
	guest_check(&g, tap_eq(status, 128 + SIGKILL, "sigkill-ends-the-vmm"));
	if (!tap_ok(live == 2 && left == 0, "sigkill-leaves-no-vcpu-behind"))
		tap_diag("vCPUs before %d, after %d", live, left);
	tap_ok(access("/sys/class/net/killtap0", F_OK) != 0, "sigkill-leaves-no-tap-behind");
	guest_free(&g);
}

static void test_bad_options(void)
{
	char long_cmd[1000];
	struct guest_run g;
	int status;

	tap_ok(guest_run_refused(((const char *const[]){ VMM_PATH, "--cpus", "2", NULL }), 2,
				 "no --kernel"), "no-kernel-is-refused");
	tap_ok(guest_run_refused(((const char *const[]){ VMM_PATH, "--kernel", "/nonexistent", NULL }),
				 1, "kernel /nonexistent: No such file"),
	       "missing-kernel-file-is-an-error");
	tap_ok(guest_run_refused(VMM_ARGS("--cpus", "9"), 2, "--cpus 9"), "nine-vcpus-are-refused");
	/* the guest kernel would cut it, and its /init lose the command */
	memset(long_cmd, 'x', sizeof(long_cmd) - 1);
	long_cmd[sizeof(long_cmd) - 1] = 0;
	tap_ok(guest_run_refused(VMM_ARGS("--cmd", long_cmd), 2, "at most 1023"),
	       "overlong-command-line-is-refused");
	/* a guest the hypervisor cannot run: a message, status 1, no hang */
	guest_start(&g, ((const char *const[]){ VMM_PATH, "--kernel", "/tests/data/guest-crash.bin",
						NULL }));
	status = guest_finish(&g, 60);
	guest_check(&g, tap_ok(status == 1 &&
			    strstr(g.out, "the hypervisor could not emulate a guest access"),
			    "unrunnable-guest-exits-1-with-a-message"));
	guest_free(&g);
}

int main(void)
{
	int ret;

	tap_plan(49);
	alarm(1800);
	ret = module_loaded("armvirt") ? 0 : module_load(ARMVIRT_KO);
	if (!tap_eq(ret, 0, "armvirt-loads"))
		tap_bail("armvirt did not load");
	tap_eq(tun_load(TUN_KO), 0, "tun-loads");
	test_boot_devices();
	test_reboot();
	test_two_guests();
	test_output_before_poweroff();
	test_typing_and_sigterm();
	test_sigkill();
	test_bad_options();
	check_kernel_healthy();
	unlink(DISK);
	tap_finish();
}
