// SPDX-License-Identifier: GPL-2.0-only
/*
 * The VM state stream, end to end on one board: a running Linux guest
 * saved (--save, SIGUSR1) and restored in a new VMM (--restore) carries on
 * where it was, its clock continuous; a guest busy writing memory migrates
 * live (--migrate-to, SIGUSR2; --incoming) over 127.0.0.1 and finishes its
 * work on the target with the checksum the board computes, after a first
 * target killed mid-migration left the source's guest running; and
 * a truncated, a corrupted, another version's or another configuration's
 * stream is refused with a message and a non-zero status.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "board.h"
#include "guest_run.h"
#include "health.h"
#include "tap.h"

#define RUN_TIMEOUT_S	300
#define SNAPSHOT	"/tmp/vmm-snapshot.bin"
#define BROKEN		"/tmp/vmm-snapshot-broken.bin"
#define DISK		"/tmp/vmm-migrate-disk.img"
#define NEW_DISK	"/tmp/vmm-migrate-disk.new"	/* starts with GO */
#define PORT		"4444"
#define MEM		"160"

#define VMM_ARGS(...) ((const char *const[]){ VMM_PATH, "--kernel", GUEST_KERNEL, \
	"--initrd", GUEST_INITRD, "--mem", MEM, __VA_ARGS__, NULL })

/*
 * Count to 10, a second apart, each line with the guest's uptime and
 * closed by "/TICK n": a save may cut a line in two, its rest printed
 * after the restore. Then read the disk.
 */
#define TICKS_CMD \
	"i=0; while [ $i -lt 10 ]; do echo TICK $i $(cut -d' ' -f1 /proc/uptime) /TICK $i; " \
	"i=$((i+1)); sleep 1; done; dd if=/dev/vda bs=4096 count=4 2>/dev/null | wc -c | sed s/^/DISK/"

/*
 * Busy writing memory: 48 files of 2 MiB in tmpfs (four reused), each
 * checksummed; the sum of the sums at the end. The board runs the same
 * script, without the hold, for the expected value.
 *
 * Before ITER HOLD_ITER the guest holds, still writing memory as fast as
 * before, until its disk starts with GO: only the target's disk does, so
 * the migration lands mid-work however fast the board runs the guest
 * against the 4 MiB/s link (a guest that finished its work before pre-copy
 * converged made this test fail on a fast board). The target opens the
 * disk by the same path, as a second board would its shared storage, but
 * a file renamed over it starts with GO: the source keeps the one it had
 * open. The page cache is dropped before each look so that the target's
 * guest reads its new disk.
 */
#define WORK_ITERS	48
#define HOLD_ITER	24
#define STR_(x)		#x
#define STR(x)		STR_(x)
#define WORK_HOLD \
	"if [ $i = " STR(HOLD_ITER) " ]; then echo HOLD; while ! { echo 1 > /proc/sys/vm/drop_caches; " \
	"head -c 2 /dev/vda | grep -q GO; }; do yes busy | head -c 2097152 > /tmp/busy; done; fi; "
#define WORK_SCRIPT_WITH(hold) \
	"i=0; : > /tmp/sums; while [ $i -lt " STR(WORK_ITERS) " ]; do " hold \
	"yes armvirt$i | head -c 2097152 > /tmp/f$((i%4)); " \
	"md5sum < /tmp/f$((i%4)) >> /tmp/sums; echo ITER $i; i=$((i+1)); done; " \
	"echo SUM $(md5sum < /tmp/sums)"
#define WORK_SCRIPT	WORK_SCRIPT_WITH(WORK_HOLD)

/* A file of @size bytes, zeros after @head (NULL: all zeros). */
static bool make_file(const char *path, off_t size, const char *head)
{
	int fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0600);
	bool ok = fd >= 0 && ftruncate(fd, size) == 0 &&
		  (!head || pwrite(fd, head, strlen(head), 0) == (ssize_t)strlen(head));

	if (fd >= 0)
		close(fd);
	return ok;
}

static void test_save_restore(void)
{
	double up[10] = { 0 }, across = -1, widest = 0;
	int status, before, after, resumed, i, unused;
	struct guest_run a, b;

	make_file(DISK, 1 << 20, NULL);
	unlink(SNAPSHOT);
	guest_start(&a, VMM_ARGS("--disk", DISK, "--save", SNAPSHOT, "--cmd", TICKS_CMD));
	if (!guest_wait_for(&a, "/TICK 3", RUN_TIMEOUT_S))
		tap_diag("the guest did not count to 3");
	kill(a.pid, SIGUSR1);
	status = guest_finish(&a, 120);
	guest_check(&a, tap_eq(status, 0, "save-on-sigusr1-exits-0"));
	tap_ok(strstr(a.out, "armvirt-vmm: saved the VM to " SNAPSHOT) != NULL, "save-message");
	guest_ticks(a.out, 0, up, 10, &unused, &before);
	tap_ok(!strstr(a.out, "=== armvirt-guest-cmd-end") && before >= 3 && before < 9,
	       "saved-guest-stopped-mid-count");
	if (access(SNAPSHOT, F_OK) == 0) {
		struct stat st;

		stat(SNAPSHOT, &st);
		tap_diag("snapshot: %.1f MiB for a %s MiB guest", st.st_size / 1048576.0, MEM);
	}
	tap_diag("%s", strstr(a.out, "armvirt-vmm: saved the VM") ?
		 strtok(strstr(a.out, "armvirt-vmm: saved the VM"), "\r\n") : "no save line");

	/* time that the guest's clock must not see: a clear jump if it did */
	sleep(3);
	guest_start(&b, VMM_ARGS("--disk", DISK, "--cmd", TICKS_CMD, "--restore", SNAPSHOT));
	status = guest_finish(&b, RUN_TIMEOUT_S);
	guest_check(&b, tap_eq(status, 0, "restored-guest-runs-to-poweroff"));
	guest_ticks(b.out, 0, up, 10, &resumed, &after);
	tap_ok(strstr(b.out, "=== armvirt-guest-ready") == NULL &&
	       strstr(b.out, "\nTICK 0 ") == NULL, "restore-resumes-not-reboots");
	if (!tap_ok(after == 9 && strstr(b.out, "\nTICK " ) && guest_cmd_rc(&b) == 0,
		    "restored-guest-finishes-its-count"))
		tap_diag("last tick before the save %d, after the restore %d", before, after);
	/*
	 * The guest's clock carries on from where it was saved: the ticks on
	 * either side of the restore (a tick cut in two by the save counts in
	 * neither) are as far apart as the others (a slow board widens them
	 * all), not by the seconds the VM was down.
	 */
	for (i = 1; i < 10; i++) {
		if (up[i] > 0 && up[i - 1] > 0 && i != before + 1 && up[i] - up[i - 1] > widest)
			widest = up[i] - up[i - 1];
	}
	if (before >= 0 && resumed > before && up[before] > 0)
		across = (up[resumed] - up[before]) / (resumed - before);
	tap_ok(across > 0 && widest > 0 && across <= widest + 1.5,
	       "guest-clock-continuous-across-restore");
	tap_diag("guest time per tick: %.2f s across the restore (ticks %d to %d; the VM down 3 s and more), at most %.2f s elsewhere",
		 across, before, resumed, widest);
	tap_ok(strstr(b.out, "\nDISK16384") != NULL, "virtio-blk-works-after-restore");
	tap_diag("%s", strstr(b.out, "armvirt-vmm: restored the VM") ?
		 strtok(strstr(b.out, "armvirt-vmm: restored the VM"), "\r\n") : "no restore line");
	guest_free(&a);
	guest_free(&b);
}

/* What the board's busybox says the work's sum is. */
static bool expected_sum(char sum[33])
{
	return shell_first_word("cd /tmp && sh -c '" WORK_SCRIPT_WITH("") "' | sed -n 's/^SUM //p'",
				sum);
}

static const char *line_of(const struct guest_run *g, const char *prefix, char *buf, size_t size)
{
	const char *p = strstr(g->out, prefix);

	snprintf(buf, size, "%.*s", p ? (int)strcspn(p, "\r\n") : 0, p ? p : "");
	return buf;
}

/* A VMM waiting for a migration on 127.0.0.1, to run WORK_SCRIPT's guest. */
static void start_target(struct guest_run *dst)
{
	guest_start(dst, VMM_ARGS("--disk", DISK, "--incoming", "tcp:127.0.0.1:" PORT,
				  "--cmd", WORK_SCRIPT));
	guest_wait_for(dst, "waiting for a migration", 60);
}

/* The last ITER the guest printed in @g's output, or -1. */
static int last_iter(const struct guest_run *g)
{
	const char *p;
	int n = -1;

	for (p = strstr(g->out, "\nITER "); p; p = strstr(p + 1, "\nITER "))
		sscanf(p, "\nITER %d", &n);
	return n;
}

/*
 * One source, busy writing memory, migrated twice: to a first target
 * killed as soon as it accepts the stream (the source's guest runs on),
 * then to a second that gets the guest and finishes its work.
 */
static void test_migrations(void)
{
	struct guest_run src, dead, dst;
	char want[33] = "", got[64] = "", line[256], mark[32];
	int s_src, s_dst, iter_failed, iter_left;
	bool migrated, received;

	make_file(DISK, 1 << 20, NULL);
	tap_ok(expected_sum(want), "board-computes-the-expected-sum");
	start_target(&dead);
	/*
	 * A link (4 MiB/s) slower than the guest dirties memory, a tight
	 * downtime target: pre-copy takes rounds, and auto-converge throttles.
	 */
	guest_start(&src, VMM_ARGS("--disk", DISK, "--migrate-to", "tcp:127.0.0.1:" PORT,
				   "--migrate-speed", "4", "--downtime", "100",
				   "--cmd", WORK_SCRIPT));
	guest_wait_for(&src, "\nITER 2", RUN_TIMEOUT_S);
	kill(src.pid, SIGUSR2);
	/* the stream is not authenticated: the target's log names who connected */
	tap_ok(guest_wait_for(&dead, "armvirt-vmm: receiving a migration from 127.0.0.1:", 30),
	       "target-names-the-source");
	kill(dead.pid, SIGKILL);
	guest_finish(&dead, 30);
	/* the stream had started: the source lost a connection, not a connect */
	guest_wait_for(&src, "failed; the guest carries on here", 60);
	guest_check(&src, tap_ok(strstr(src.out, "writing the VM state") &&
			      strstr(src.out, "failed; the guest carries on here"),
			      "target-killed-source-carries-on"));
	iter_failed = last_iter(&src);
	if (iter_failed + 2 >= HOLD_ITER)
		tap_diag("the guest at ITER %d already: it holds before %d", iter_failed, HOLD_ITER);
	snprintf(mark, sizeof(mark), "\nITER %d", iter_failed + 2);
	tap_ok(guest_wait_for(&src, mark, 60), "source-guest-runs-on-after-failed-migration");

	/* the target's disk says GO: its guest ends the hold, the source's does not */
	tap_ok(make_file(NEW_DISK, 1 << 20, "GO") && rename(NEW_DISK, DISK) == 0,
	       "target-disk-replaces-the-source-one");
	start_target(&dst);
	kill(src.pid, SIGUSR2);
	s_src = guest_finish(&src, RUN_TIMEOUT_S);
	/* the target said so before its acknowledgement: in its pipe by the time the source ended */
	received = guest_wait_for(&dst, "armvirt-vmm: received the VM", 1);
	migrated = strstr(src.out, "armvirt-vmm: migrated\n") || strstr(src.out, "armvirt-vmm: migrated\r");
	/* a target that got nothing would wait for ever */
	s_dst = guest_finish(&dst, migrated ? RUN_TIMEOUT_S : 5);
	guest_check(&src, tap_eq(s_src, 0, "migration-source-exits-0"));
	guest_check(&src, tap_ok(migrated, "migration-source-says-migrated"));
	tap_ok(received, "source-ends-after-the-target-has-the-vm");
	guest_check(&dst, tap_eq(s_dst, 0, "migration-target-runs-to-poweroff"));
	iter_left = last_iter(&src);
	snprintf(mark, sizeof(mark), "\nITER %d", WORK_ITERS - 1);
	tap_ok(iter_left < HOLD_ITER && strstr(dst.out, mark) && !strstr(dst.out, "\nITER 0\r"),
	       "migrated-guest-carries-on-mid-work");
	line_of(&dst, "SUM ", got, sizeof(got));
	if (!tap_ok(strlen(got) >= 36 && !strncmp(got + 4, want, 32), "migrated-guest-checksum-matches"))
		tap_diag("guest \"%s\", board %s", got, want);
	tap_ok(strstr(src.out, "migration: round 2") != NULL, "pre-copy-took-several-rounds");
	/*
	 * On a slow board the guest may dirty less than the link carries and
	 * pre-copy converge unthrottled; round after round without a throttle
	 * is a failure.
	 */
	if (strstr(src.out, "auto-converge: the vCPUs now run") || strstr(src.out, "migration: round 8"))
		guest_check(&src, tap_ok(strstr(src.out, "auto-converge: the vCPUs now run") != NULL,
				      "auto-converge-throttles-the-busy-guest"));
	else
		tap_skip("the guest dirtied less than half of what the link carried",
			 "auto-converge-throttles-the-busy-guest");
	tap_diag("%s", line_of(&src, "armvirt-vmm: migrated to", line, sizeof(line)));
	tap_diag("%s", line_of(&dst, "armvirt-vmm: received the VM", line, sizeof(line)));
	tap_diag("the guest at ITER %d when the first target died, %d when it left", iter_failed,
		 iter_left);
	guest_free(&src);
	guest_free(&dead);
	guest_free(&dst);
}

/* A copy of SNAPSHOT, cut at @cut bytes (0: whole) and with byte @flip inverted (-1: none). */
static bool broken_copy(off_t cut, off_t flip, const void *patch, size_t patch_len)
{
	static char buf[1 << 16];
	int in = open(SNAPSHOT, O_RDONLY), out = open(BROKEN, O_RDWR | O_CREAT | O_TRUNC, 0600);
	off_t done = 0;
	ssize_t n;
	char c;

	if (in < 0 || out < 0)
		return false;
	while ((n = read(in, buf, sizeof(buf))) > 0 && (!cut || done < cut)) {
		if (cut && done + n > cut)
			n = cut - done;
		if (write(out, buf, (size_t)n) != n)
			return false;
		done += n;
	}
	if (flip >= 0 && pread(out, &c, 1, flip) == 1) {
		c = (char)~c;
		pwrite(out, &c, 1, flip);
	}
	if (patch)
		pwrite(out, patch, patch_len, 8);
	close(in);
	close(out);
	return true;
}

static void refused(const char *name, const char *message, const char *const argv[])
{
	struct guest_run g;
	int status;

	guest_start(&g, argv);
	status = guest_finish(&g, 60);
	if (!tap_ok(status == 1 && strstr(g.out, message) && !strstr(g.out, "Booting Linux"), "%s", name)) {
		tap_diag("status %d, wanted 1 and \"%s\"", status, message);
		guest_diag_tail(&g, 600);
	}
	guest_free(&g);
}

static void test_broken_streams(void)
{
	struct stat st;
	uint32_t version = 99;

	if (stat(SNAPSHOT, &st)) {
		tap_skip("no snapshot", "broken-streams");
		return;
	}
	broken_copy(st.st_size / 2, -1, NULL, 0);
	refused("truncated-stream-refused", "the stream is truncated",
		VMM_ARGS("--disk", DISK, "--restore", BROKEN));
	broken_copy(0, st.st_size / 2, NULL, 0);
	refused("corrupted-stream-refused", "bad CRC",
		VMM_ARGS("--disk", DISK, "--restore", BROKEN));
	broken_copy(0, -1, &version, sizeof(version));
	refused("other-format-version-refused", "format version 99",
		VMM_ARGS("--disk", DISK, "--restore", BROKEN));
	refused("other-cpus-refused", "saved with --cpus 1, not 2",
		VMM_ARGS("--disk", DISK, "--cpus", "2", "--restore", SNAPSHOT));
	refused("other-disk-refused", "the VM was saved with 1 --disk, not 0",
		VMM_ARGS("--restore", SNAPSHOT));
	unlink(BROKEN);
}

int main(void)
{
	double t0 = now_s();
	int ret;

	tap_plan(31);
	alarm(900);
	ret = module_loaded("armvirt") ? 0 : module_load(ARMVIRT_KO);
	if (!tap_eq(ret, 0, "armvirt-loads"))
		tap_bail("armvirt did not load");
	/* the migrations go over 127.0.0.1: the board's /init leaves lo down */
	if (!tap_eq(system("ip link set lo up"), 0, "board-loopback-up"))
		tap_bail("no loopback interface");
	test_save_restore();
	test_broken_streams();
	test_migrations();
	check_kernel_healthy();
	tap_diag("30-migrate took %.0f s", now_s() - t0);
	unlink(SNAPSHOT);
	unlink(DISK);
	tap_finish();
}
