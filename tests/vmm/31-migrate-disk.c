// SPDX-License-Identifier: GPL-2.0-only
/*
 * Live migration without shared storage (--migrate-disk), on one board
 * over 127.0.0.1: the source's disk A (a known pattern with zero regions)
 * and the target's disk B (another path, the same size, zeros). The
 * source's guest writes blocks of /dev/vda in a loop; one source meets in
 * turn a target whose disk has the wrong size and one without
 * --migrate-disk (each refuses the stream with a message, the source's
 * guest carries on), then a good target, mid-loop. The target's guest
 * finishes the loop and prints the md5 of its whole /dev/vda, which must
 * be that of B once the target is gone, and that of a copy of the first
 * A to which the board applied the same writes; B is not the first A.
 * A link of 8 MiB/s and a 50 ms downtime target make pre-copy take rounds
 * while the guest writes.
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "board.h"
#include "guest_run.h"
#include "health.h"
#include "tap.h"

#define RUN_TIMEOUT_S	120
#define DISK_A		"/tmp/vmm-mdisk-a.img"
#define DISK_B		"/tmp/vmm-mdisk-b.img"
#define DISK_SMALL	"/tmp/vmm-mdisk-small.img"
#define DISK_EXPECT	"/tmp/vmm-mdisk-expect.img"
#define DISK_SIZE	(8 << 20)
#define BLOCK		(64 << 10)
#define PORT		"4446"
#define MEM		"160"
#define LOOPS		60
#define STR(x)		#x
#define XSTR(x)		STR(x)

#define VMM_ARGS(...) ((const char *const[]){ VMM_PATH, "--kernel", GUEST_KERNEL, \
	"--initrd", GUEST_INITRD, "--mem", MEM, __VA_ARGS__, NULL })

/*
 * 64 KiB of "Wi" lines at 192 KiB * (i % 40), synced to the disk, each
 * iteration a line; then the md5 of the whole disk. %s: the device, and
 * a pause (the guest's, so that the migration falls mid-loop).
 */
#define WRITES_FMT \
	"i=0; while [ $i -lt " XSTR(LOOPS) " ]; do yes W$i | head -c 65536 | " \
	"dd of=%s bs=4096 seek=$((i%%40*48)) conv=notrunc,fsync 2>/dev/null; " \
	"echo WROTE $i; i=$((i+1)); %s done; sync; echo MD5 $(md5sum < %s)"

static char guest_cmd[512];

/* The first A: each 64 KiB block a pattern of its number, every fourth zero, the last MiB zero. */
static bool make_disk_a(void)
{
	static unsigned char buf[BLOCK];
	int fd = open(DISK_A, O_RDWR | O_CREAT | O_TRUNC, 0600);
	bool ok = fd >= 0;
	int b, i;

	for (b = 0; ok && b < DISK_SIZE / BLOCK; b++) {
		for (i = 0; i < BLOCK; i++)
			buf[i] = b % 4 == 3 || b >= (DISK_SIZE - (1 << 20)) / BLOCK ? 0 :
				 (unsigned char)(1 + (b * 31 + i) % 251);
		ok = pwrite(fd, buf, BLOCK, (off_t)b * BLOCK) == BLOCK;
	}
	if (fd >= 0)
		close(fd);
	return ok;
}

static bool make_zeros(const char *path, off_t size)
{
	int fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0600);
	bool ok = fd >= 0 && ftruncate(fd, size) == 0;

	if (fd >= 0)
		close(fd);
	return ok;
}

/* The board's busybox md5 of @path into @sum; false if none. */
static bool md5_of(const char *path, char sum[33])
{
	char cmd[256];

	snprintf(cmd, sizeof(cmd), "md5sum < %s", path);
	return shell_first_word(cmd, sum);
}

/* The guest's writes, made by the board on DISK_EXPECT (a copy of the first A). */
static bool board_writes(char sum[33])
{
	char script[512], cmd[1024];

	snprintf(script, sizeof(script), WRITES_FMT, DISK_EXPECT, "", DISK_EXPECT);
	snprintf(cmd, sizeof(cmd), "cp %s %s && sh -c '%s' | sed -n 's/^MD5 //p'", DISK_A,
		 DISK_EXPECT, script);
	return shell_first_word(cmd, sum);
}

static int count_of(const char *out, const char *needle)
{
	const char *p;
	int n = 0;

	for (p = strstr(out, needle); p; p = strstr(p + 1, needle))
		n++;
	return n;
}

/* Read @g's output until @needle is in it @n times; false if it is not in time. */
static bool wait_count(struct guest_run *g, const char *needle, int n, double timeout_s)
{
	double deadline = now_s() + timeout_s;

	while (count_of(g->out, needle) < n && now_s() < deadline && g->out_fd >= 0)
		guest_wait_for(g, "\001never", 0.25);
	return count_of(g->out, needle) >= n;
}

static int last_wrote(const struct guest_run *g)
{
	const char *p;
	int n = -1;

	for (p = strstr(g->out, "\nWROTE "); p; p = strstr(p + 1, "\nWROTE "))
		sscanf(p, "\nWROTE %d", &n);
	return n;
}

/* The whole line of @g's output holding @needle's first match, or "". */
static const char *line_of(const struct guest_run *g, const char *needle, char *buf, size_t size)
{
	const char *p = strstr(g->out, needle);

	while (p && p > g->out && p[-1] != '\n' && p[-1] != '\r')
		p--;
	snprintf(buf, size, "%.*s", p ? (int)strcspn(p, "\r\n") : 0, p ? p : "");
	return buf;
}

static void start_target(struct guest_run *g, const char *disk, bool migrate_disk)
{
	if (migrate_disk)
		guest_start(g, VMM_ARGS("--disk", disk, "--incoming", "tcp:127.0.0.1:" PORT,
					"--migrate-disk", "--cmd", guest_cmd));
	else
		guest_start(g, VMM_ARGS("--disk", disk, "--incoming", "tcp:127.0.0.1:" PORT,
					"--cmd", guest_cmd));
	guest_wait_for(g, "waiting for a migration", 60);
}

/*
 * A target that must refuse the source's stream (exit 1 with @msg) while
 * the source's guest carries on; @failures: the source's failed
 * migrations so far, this one included.
 */
static void refusing_target(struct guest_run *src, const char *name, const char *disk,
			    bool migrate_disk, const char *msg, int failures)
{
	struct guest_run dst;
	int status, at;
	char mark[32];

	start_target(&dst, disk, migrate_disk);
	kill(src->pid, SIGUSR2);
	status = guest_finish(&dst, 60);
	if (!tap_ok(status == 1 && strstr(dst.out, msg) && !strstr(dst.out, "Booting Linux"),
		    "%s", name)) {
		tap_diag("status %d, wanted 1 and \"%s\"", status, msg);
		guest_diag_tail(&dst, 800);
	}
	wait_count(src, "failed; the guest carries on here", failures, 60);
	at = last_wrote(src);
	snprintf(mark, sizeof(mark), "\nWROTE %d", at + 2);
	if (!tap_ok(count_of(src->out, "failed; the guest carries on here") == failures &&
		    guest_wait_for(src, mark, 60), "%s-source-carries-on", name))
		guest_diag_tail(src, 800);
	guest_free(&dst);
}

static void test_migrate_disk(void)
{
	char first[33] = "", expect[33] = "", b_sum[33] = "", got[33] = "", line[256], mark[32];
	const char *md5;
	struct guest_run src, dst;
	int s_src, s_dst, at;

	snprintf(guest_cmd, sizeof(guest_cmd), WRITES_FMT, "/dev/vda", "usleep 100000;",
		 "/dev/vda");
	tap_ok(make_disk_a() && make_zeros(DISK_B, DISK_SIZE) &&
	       make_zeros(DISK_SMALL, DISK_SIZE / 2) && md5_of(DISK_A, first) &&
	       board_writes(expect), "disks-made-and-expected-sum");
	tap_ok(guest_run_refused(VMM_ARGS("--disk", "/tmp/vmm-mdisk-none.img", "--incoming",
					  "tcp:127.0.0.1:" PORT, "--migrate-disk"),
				 1, "/tmp/vmm-mdisk-none.img"), "missing-target-disk-refused");

	guest_start(&src, VMM_ARGS("--disk", DISK_A, "--migrate-to", "tcp:127.0.0.1:" PORT,
				   "--migrate-disk", "--migrate-speed", "8", "--downtime", "50",
				   "--cmd", guest_cmd));
	if (!guest_wait_for(&src, "\nWROTE 2", RUN_TIMEOUT_S))
		guest_diag_tail(&src, 1500);
	refusing_target(&src, "wrong-size-target-disk-refused", DISK_SMALL, true,
			"make an image of the same size", 1);
	refusing_target(&src, "target-without-migrate-disk-refused", DISK_B, false,
			"this side was not given --migrate-disk", 2);

	start_target(&dst, DISK_B, true);
	at = last_wrote(&src);
	kill(src.pid, SIGUSR2);
	s_src = guest_finish(&src, RUN_TIMEOUT_S);
	s_dst = guest_finish(&dst, strstr(src.out, "armvirt-vmm: migrated to") ? RUN_TIMEOUT_S : 5);
	if (!tap_eq(s_src, 0, "migration-source-exits-0"))
		guest_diag_tail(&src, 1500);
	if (!tap_eq(s_dst, 0, "migration-target-runs-to-poweroff"))
		guest_diag_tail(&dst, 1500);
	snprintf(mark, sizeof(mark), "\nWROTE %d", LOOPS - 1);
	tap_ok(at < LOOPS - 1 && !strstr(src.out, "\nMD5 ") && strstr(dst.out, mark) &&
	       !strstr(dst.out, "\nWROTE 0\r"), "migrated-guest-carries-on-mid-loop");
	/* the line, not the kernel's echo of the command line */
	md5 = strstr(dst.out, "\nMD5 ");
	if (md5)
		sscanf(md5, "\nMD5 %32s", got);
	md5_of(DISK_B, b_sum);
	if (!tap_ok(strlen(got) == 32 && !strcmp(got, b_sum), "guest-md5-is-target-disk-md5"))
		tap_diag("guest \"%s\", %s %s", got, DISK_B, b_sum);
	if (!tap_ok(!strcmp(b_sum, expect), "target-disk-holds-every-write"))
		tap_diag("%s %s, the first A with the writes %s", DISK_B, b_sum, expect);
	tap_ok(b_sum[0] && strcmp(b_sum, first), "target-disk-is-not-the-first-image");
	tap_ok(strstr(src.out, "migration: round 2") != NULL, "pre-copy-took-several-rounds");
	tap_diag("%s", line_of(&src, "armvirt-vmm: migration: round 1:", line, sizeof(line)));
	tap_diag("%s", line_of(&src, "armvirt-vmm: migration: round 2:", line, sizeof(line)));
	tap_diag("%s", line_of(&src, "armvirt-vmm: migration: round 3:", line, sizeof(line)));
	tap_diag("%s", line_of(&src, "armvirt-vmm: migrated to", line, sizeof(line)));
	tap_diag("%s", line_of(&src, " disk blocks of ", line, sizeof(line)));
	tap_diag("%s", line_of(&dst, "armvirt-vmm: received the VM", line, sizeof(line)));
	tap_diag("the guest at WROTE %d when it left", at);
	guest_free(&src);
	guest_free(&dst);
}

int main(void)
{
	double t0 = now_s();
	int ret;

	tap_plan(18);
	alarm(600);
	ret = module_loaded("armvirt") ? 0 : module_load(ARMVIRT_KO);
	if (!tap_eq(ret, 0, "armvirt-loads"))
		tap_bail("armvirt did not load");
	/* the migrations go over 127.0.0.1: the board's /init leaves lo down */
	if (!tap_eq(system("ip link set lo up"), 0, "board-loopback-up"))
		tap_bail("no loopback interface");
	test_migrate_disk();
	check_kernel_healthy();
	tap_diag("31-migrate-disk took %.0f s", now_s() - t0);
	unlink(DISK_A);
	unlink(DISK_B);
	unlink(DISK_SMALL);
	unlink(DISK_EXPECT);
	tap_finish();
}
