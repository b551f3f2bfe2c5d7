// SPDX-License-Identifier: GPL-2.0-only
/*
 * armvirt-vmm's control socket (--name, --control auto) driven by
 * armvirt-ctl and by raw bytes, on one guest that prints a tick every
 * 0.2 s: status says running with its vCPUs and memory; pause stops the
 * ticks and the exits, status says paused, a save while paused writes a
 * snapshot and leaves it paused; resume brings the ticks back; hostile
 * input (an over-long line, invalid JSON, deep nesting, an unknown
 * command, bad arguments, binary garbage, a client that connects and
 * closes, a second client) gets error replies and the VMM carries on; a
 * second VMM cannot take a live socket; list finds the VM; stop ends it
 * with 128 + SIGTERM and the socket file is gone. The console's monitor
 * (Ctrl-A c, typed on the VMM's stdin) does the same by words: status,
 * pause (the ticks stop; the socket agrees), status and resume read while
 * the guest is paused, errors for an unknown command and a missing
 * argument, and Ctrl-A c back to the guest.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include "board.h"
#include "guest_run.h"
#include "health.h"
#include "tap.h"

#define RUN_TIMEOUT_S	300
#define RUN_DIR		"/tmp/armvirt-run"
#define NAME		"ctltest"
#define SOCK		RUN_DIR "/" NAME ".sock"
#define SAVE_FILE	"/tmp/ctl-save.bin"
#define CTL		"/bin/armvirt-ctl"

#define VMM_ARGS(...) ((const char *const[]){ VMM_PATH, "--kernel", GUEST_KERNEL, \
	"--initrd", GUEST_INITRD, __VA_ARGS__, NULL })

/* armvirt-ctl ARGS: its exit status, stdout and stderr in @out. */
static int ctl(const char *args, char *out, size_t size)
{
	char cmd[512];
	size_t got = 0;
	FILE *f;
	int st;

	snprintf(cmd, sizeof(cmd), CTL " %s 2>&1", args);
	f = popen(cmd, "r");
	if (!f)
		return -1;
	got = fread(out, 1, size - 1, f);
	out[got] = 0;
	st = pclose(f);
	return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

/* The value of "KEY: value" in armvirt-ctl's output, or "". */
static const char *field(const char *out, const char *key, char *buf, size_t size)
{
	char needle[64];
	const char *p;

	snprintf(needle, sizeof(needle), "%s: ", key);
	buf[0] = 0;
	for (p = out; (p = strstr(p, needle)); p++) {
		if (p == out || p[-1] == '\n') {
			p += strlen(needle);
			snprintf(buf, size, "%.*s", (int)strcspn(p, "\n"), p);
			break;
		}
	}
	return buf;
}

static int sock_connect(void)
{
	struct sockaddr_un addr = { .sun_family = AF_UNIX, .sun_path = SOCK };
	struct timeval tv = { .tv_sec = 10 };
	int fd = socket(AF_UNIX, SOCK_STREAM, 0);

	if (fd < 0)
		return -1;
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	if (connect(fd, (struct sockaddr *)&addr, sizeof(addr))) {
		close(fd);
		return -1;
	}
	return fd;
}

/* Read up to the first newline (or EOF) into @buf: its length, -1 on error. */
static int read_line(int fd, char *buf, size_t size)
{
	size_t got = 0;
	ssize_t n;

	while (got + 1 < size) {
		n = read(fd, buf + got, 1);
		if (n <= 0)
			break;
		if (buf[got++] == '\n')
			break;
	}
	buf[got] = 0;
	return got ? (int)got : -1;
}

/* Send @len raw bytes on a new connection; the reply line in @reply; closed after it? */
static bool raw_request(const void *bytes, size_t len, char *reply, size_t size, bool *closed)
{
	char more;
	int fd = sock_connect();
	bool ok;

	reply[0] = 0;
	if (fd < 0)
		return false;
	ok = send(fd, bytes, len, MSG_NOSIGNAL) == (ssize_t)len && read_line(fd, reply, size) > 0;
	if (closed) {
		struct timeval tv = { .tv_sec = 1 };

		setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
		ssize_t n = read(fd, &more, 1);

		/* EOF, or a reset: the VMM closed with the rest of the line unread */
		*closed = n == 0 || (n < 0 && errno == ECONNRESET);
	}
	close(fd);
	return ok;
}

static bool error_class(const char *reply, const char *class)
{
	char want[64];

	snprintf(want, sizeof(want), "{\"error\":{\"class\":\"%s\"", class);
	return !strncmp(reply, want, strlen(want));
}

static int count_ticks(const struct guest_run *g)
{
	const char *p = g->out;
	int n = 0;

	while ((p = strstr(p, "\nTICK"))) {
		n++;
		p++;
	}
	return n;
}

/* Just paused: the ticks on their way arrive, are counted, then 2.5 s pass for none to follow. */
static int ticks_after_pause(struct guest_run *g)
{
	int before;

	guest_wait_for(g, "\x01never", 0.5);
	before = count_ticks(g);
	guest_wait_for(g, "\x01never", 2.5);
	return before;
}

/* Just resumed: true once more than two ticks came after @before, within 20 s. */
static bool ticks_again(struct guest_run *g, int before)
{
	for (double t0 = now_s(); count_ticks(g) <= before + 2 && now_s() - t0 < 20;)
		guest_wait_for(g, "\x01never", 0.5);
	return count_ticks(g) > before + 2;
}

/*
 * Transparent huge pages (on "always" in Debian's kernels) belong in guest
 * RAM only: a thread's stack that gets one costs 2 MiB, and its split at
 * the thread's exit crashed 6.1's debug kernel (vmm/thread.c). Reads the
 * VMM's smaps: every mapping with AnonHugePages is at least @ram bytes.
 */
static void check_vmm_huge_pages(int pid, unsigned long long ram)
{
	unsigned long long start, end, size = 0, kb, elsewhere = 0, rss = 0, in_ram = 0;
	char path[64], line[512];
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/smaps", pid);
	f = fopen(path, "r");
	if (!tap_ok(f != NULL, "vmm-smaps-readable")) {
		tap_diag("%s: %s", path, strerror(errno));
		tap_ok(false, "vmm-huge-pages-only-in-guest-ram");
		return;
	}
	while (fgets(line, sizeof(line), f)) {
		if (sscanf(line, "%llx-%llx ", &start, &end) == 2)	/* a mapping's first line */
			size = end - start;
		else if (sscanf(line, "Rss: %llu kB", &kb) == 1)
			rss += size >= ram ? 0 : kb;
		else if (sscanf(line, "AnonHugePages: %llu kB", &kb) == 1 && kb) {
			if (size >= ram)
				in_ram += kb;
			else
				elsewhere += kb;
		}
	}
	fclose(f);
	tap_diag("VMM: %llu KiB resident besides guest RAM; huge pages: %llu KiB in guest RAM, "
		 "%llu KiB elsewhere", rss, in_ram, elsewhere);
	tap_eq(elsewhere, 0, "vmm-huge-pages-only-in-guest-ram");
}

static void test_status(void)
{
	char out[2048], buf[64];

	tap_eq(ctl(NAME " status", out, sizeof(out)), 0, "status-exits-0");
	tap_ok(!strcmp(field(out, "name", buf, sizeof(buf)), NAME), "status-name");
	if (!tap_ok(!strcmp(field(out, "state", buf, sizeof(buf)), "running"), "status-running"))
		tap_diag("armvirt-ctl status: %s", out);
	tap_eq(atoi(field(out, "vcpus", buf, sizeof(buf))), 2, "status-vcpus-2");
	tap_eq(atoi(field(out, "memory_mib", buf, sizeof(buf))), 192, "status-memory-192");
	/*
	 * The rate is of the last second the VMM sampled; a busy board can
	 * stall the guest for that long (a CI run once saw 0), so ask again,
	 * a second apart, for up to 20 s.
	 */
	for (int i = 0; i < 20 && atof(field(out, "exits_per_s", buf, sizeof(buf))) <= 0; i++) {
		sleep(1);
		ctl(NAME " status", out, sizeof(out));
	}
	tap_ok(atof(field(out, "exits_per_s", buf, sizeof(buf))) > 0, "status-exits-while-running");
	tap_diag("status: exits_per_s %s", buf);
	check_vmm_huge_pages(atoi(field(out, "pid", buf, sizeof(buf))), 192ull << 20);
}

static void test_pause_save_resume(struct guest_run *g)
{
	char out[2048], buf[64], magic[8] = "";
	int before, fd;

	tap_eq(ctl(NAME " pause", out, sizeof(out)), 0, "pause-exits-0");
	before = ticks_after_pause(g);
	if (!tap_eq(count_ticks(g), before, "paused-guest-prints-nothing"))
		guest_diag_tail(g, 300);
	ctl(NAME " status", out, sizeof(out));
	tap_ok(!strcmp(field(out, "state", buf, sizeof(buf)), "paused"), "status-paused");
	tap_eq(atof(field(out, "exits_per_s", buf, sizeof(buf))), 0, "no-exits-while-paused");

	unlink(SAVE_FILE);
	if (!tap_eq(ctl(NAME " save " SAVE_FILE, out, sizeof(out)), 0, "save-while-paused"))
		tap_diag("armvirt-ctl save: %s", out);
	fd = open(SAVE_FILE, O_RDONLY);
	tap_ok(fd >= 0 && read(fd, magic, 8) == 8 && !memcmp(magic, "ARMVIRT", 8),
	       "save-writes-a-snapshot");
	if (fd >= 0)
		close(fd);
	ctl(NAME " status", out, sizeof(out));
	tap_ok(!strcmp(field(out, "state", buf, sizeof(buf)), "paused"), "still-paused-after-save");
	tap_eq(count_ticks(g), before, "no-ticks-across-the-save");
	unlink(SAVE_FILE);

	tap_eq(ctl(NAME " resume", out, sizeof(out)), 0, "resume-exits-0");
	tap_ok(ticks_again(g, before), "resumed-guest-ticks-again");
	ctl(NAME " status", out, sizeof(out));
	tap_ok(!strcmp(field(out, "state", buf, sizeof(buf)), "running"), "status-running-again");
	tap_ok(ctl(NAME " migrate nonsense", out, sizeof(out)) == 1 && strstr(out, "Failed"),
	       "bad-migrate-uri-is-an-error");
	if (!tap_ok(ctl(NAME " console", out, sizeof(out)) == 1 && strstr(out, "NoPty"),
		    "console-on-stdio-cannot-be-attached"))
		tap_diag("armvirt-ctl console: %s", out);
}

/* What the console printed after offset @from contains @needle, within @timeout_s. */
static bool output_since(struct guest_run *g, size_t from, const char *needle, double timeout_s)
{
	for (double t0 = now_s(); !strstr(g->out + from, needle);) {
		if (now_s() - t0 > timeout_s)
			return false;
		guest_wait_for(g, "\x01never", 0.2);
	}
	return true;
}

/* Type @line into the monitor; true if @reply follows within 30 s. */
static bool monitor_says(struct guest_run *g, const char *line, const char *reply)
{
	size_t from = g->len;

	guest_type(g, line);
	if (output_since(g, from, reply, 30))
		return true;
	tap_diag("after %s the console printed: %s", line, g->out + from);
	return false;
}

static void test_console_monitor(struct guest_run *g)
{
	char out[2048], buf[64];
	int before;

	tap_ok(monitor_says(g, "\x01" "c", "(armvirt) "), "ctrl-a-c-opens-the-monitor");
	tap_ok(monitor_says(g, "status\r", NAME ": running, 2 vCPUs, 192 MiB"), "monitor-status-running");
	tap_ok(monitor_says(g, "pause\r", "ok"), "monitor-pause-ok");
	before = ticks_after_pause(g);
	tap_eq(count_ticks(g), before, "monitor-paused-guest-prints-nothing");
	ctl(NAME " status", out, sizeof(out));
	tap_ok(!strcmp(field(out, "state", buf, sizeof(buf)), "paused"), "socket-sees-the-monitor-s-pause");
	/* the I/O thread is stopped now: the main thread reads the console */
	tap_ok(monitor_says(g, "status\r", NAME ": paused"), "monitor-answers-while-paused");
	tap_ok(monitor_says(g, "reboot now\r", "unknown command"), "monitor-unknown-command");
	tap_ok(monitor_says(g, "save\r", "needs an argument"), "monitor-save-needs-a-file");
	tap_ok(monitor_says(g, "resume\r", "ok"), "monitor-resume-while-paused");
	tap_ok(ticks_again(g, before), "monitor-resumed-guest-ticks-again");
	tap_ok(monitor_says(g, "\x01" "c", "[back to the guest]"), "ctrl-a-c-back-to-the-guest");
}

static void test_hostile(void)
{
	static char big[5000];
	char reply[1024], garbage[300], out[2048], buf[64];
	bool closed = false;
	int a, b, i;

	memset(big, 'a', sizeof(big));
	if (!tap_ok(raw_request(big, sizeof(big), reply, sizeof(reply), &closed) &&
		    error_class(reply, "LineTooLong") && closed, "long-line-error-and-dropped"))
		tap_diag("reply %s, %s", reply, closed ? "closed" : "not closed");
	tap_ok(raw_request("{\n", 2, reply, sizeof(reply), NULL) &&
	       error_class(reply, "InvalidJSON"), "invalid-json-error");
	memset(garbage, '[', 100);
	garbage[100] = '\n';
	tap_ok(raw_request(garbage, 101, reply, sizeof(reply), NULL) &&
	       error_class(reply, "InvalidJSON"), "deep-nesting-error");
	tap_ok(raw_request("{\"execute\":\"reboot\"}\n", 21, reply, sizeof(reply), NULL) &&
	       error_class(reply, "CommandNotFound"), "unknown-command-error");
	tap_ok(raw_request("{\"execute\":\"save\",\"arguments\":{\"file\":5}}\n", 42, reply,
			   sizeof(reply), NULL) && error_class(reply, "InvalidArguments"),
	       "bad-argument-type-error");
	tap_ok(raw_request("{\"execute\":\"pause\",\"arguments\":[]}\n", 36, reply,
			   sizeof(reply), NULL) && error_class(reply, "InvalidArguments"),
	       "arguments-not-an-object-error");
	for (i = 0; i < (int)sizeof(garbage) - 1; i++) {
		garbage[i] = (char)(i * 37 + 11);
		if (garbage[i] == '\n')
			garbage[i] = 0;
	}
	garbage[sizeof(garbage) - 1] = '\n';
	tap_ok(raw_request(garbage, sizeof(garbage), reply, sizeof(reply), NULL) &&
	       error_class(reply, "InvalidJSON"), "binary-garbage-error");
	a = sock_connect();
	tap_ok(a >= 0, "client-connects");
	close(a);
	/* one client at a time: the second is told so */
	a = sock_connect();
	b = sock_connect();
	tap_ok(a >= 0 && b >= 0 && read_line(b, reply, sizeof(reply)) > 0 &&
	       error_class(reply, "Busy"), "second-client-busy");
	if (b >= 0)
		close(b);
	tap_ok(a >= 0 && send(a, "{\"execute\":\"status\"}\n", 21, MSG_NOSIGNAL) == 21 &&
	       read_line(a, reply, sizeof(reply)) > 0 && !strncmp(reply, "{\"return\":{", 11),
	       "first-client-still-served");
	if (a >= 0)
		close(a);
	ctl(NAME " status", out, sizeof(out));
	tap_ok(!strcmp(field(out, "state", buf, sizeof(buf)), "running"),
	       "vmm-runs-after-hostile-input");
}

static void test_live_socket_and_list(void)
{
	struct guest_run other;
	char out[2048];
	int status;

	guest_start(&other, VMM_ARGS("--name", NAME, "--control", "auto"));
	status = guest_finish(&other, 60);
	tap_eq(status, 1, "live-socket-refused");
	tap_ok(strstr(other.out, "a running VMM answers there") != NULL, "live-socket-message");
	guest_free(&other);
	tap_ok(access(SOCK, F_OK) == 0, "socket-still-there");
	tap_ok(ctl("list", out, sizeof(out)) == 0 && strstr(out, NAME) &&
	       strstr(out, "running"), "list-finds-the-vm");
	tap_diag("armvirt-ctl list: %.*s", (int)strcspn(out, "\n"), out);
	guest_start(&other, VMM_ARGS("--name", "bad/name", "--control", "auto"));
	tap_eq(guest_finish(&other, 60), 2, "bad-name-refused");
	guest_free(&other);
}

/*
 * A run directory that is not this user's alone (another user's in /tmp,
 * or a link to one) is refused: its owner could put a socket in the VMM's
 * place. The board runs as root, so the directory is made world-writable,
 * then a link.
 */
static void test_unsafe_run_dir(void)
{
	static const char *const dirs[] = { "/tmp/armvirt-open", "/tmp/armvirt-link" };
	struct guest_run other;
	int i, status;

	mkdir(dirs[0], 0700);
	chmod(dirs[0], 0777);
	unlink(dirs[1]);
	if (symlink(RUN_DIR, dirs[1]))
		tap_diag("symlink %s: %s", dirs[1], strerror(errno));
	for (i = 0; i < 2; i++) {
		setenv("ARMVIRT_RUN_DIR", dirs[i], 1);
		guest_start(&other, VMM_ARGS("--name", "unsafe", "--control", "auto"));
		status = guest_finish(&other, 60);
		tap_ok(status == 1 && strstr(other.out, "is not a directory of this user alone"),
		       "run-dir-%s-refused", i ? "link" : "world-writable");
		guest_free(&other);
	}
	setenv("ARMVIRT_RUN_DIR", RUN_DIR, 1);
	unlink(dirs[1]);
	rmdir(dirs[0]);
}

int main(void)
{
	struct guest_run g;
	char out[2048];
	int ret, status;

	tap_plan(61);
	alarm(900);
	ret = module_loaded("armvirt") ? 0 : module_load(ARMVIRT_KO);
	if (!tap_eq(ret, 0, "armvirt-loads"))
		tap_bail("armvirt did not load");
	setenv("ARMVIRT_RUN_DIR", RUN_DIR, 1);	/* the VMMs and armvirt-ctl alike */
	if (guest_start_typing(&g, VMM_ARGS("--cpus", "2", "--mem", "192", "--name", NAME,
					    "--control", "auto", "--cmd",
					    "i=0; while true; do echo TICK$i; i=$((i+1)); sleep 0.2; done")))
		tap_bail("cannot start %s: %s", VMM_PATH, strerror(errno));
	if (!tap_ok(guest_wait_for(&g, "TICK3", RUN_TIMEOUT_S), "guest-ticks")) {
		guest_diag_tail(&g, 2000);
		kill(g.pid, SIGKILL);
		tap_bail("the guest did not start");
	}
	tap_ok(access(SOCK, F_OK) == 0, "socket-in-run-dir");
	{
		struct stat st;

		tap_ok(!stat(SOCK, &st) && (st.st_mode & 0777) == 0600, "socket-mode-0600");
	}
	test_status();
	test_pause_save_resume(&g);
	test_console_monitor(&g);
	test_hostile();
	test_live_socket_and_list();
	test_unsafe_run_dir();
	tap_ok(ctl(NAME " stop", out, sizeof(out)) == 0 && strstr(out, "ok"), "stop-replies-ok");
	status = guest_finish(&g, 60);
	if (!tap_eq(status, 128 + SIGTERM, "stop-exits-143"))
		guest_diag_tail(&g, 1000);
	tap_ok(access(SOCK, F_OK) && errno == ENOENT, "socket-removed-at-exit");
	tap_ok(ctl(NAME " status", out, sizeof(out)) == 1, "ctl-fails-without-vmm");
	guest_free(&g);
	check_kernel_healthy();
	tap_finish();
}
