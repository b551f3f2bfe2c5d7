// SPDX-License-Identifier: GPL-2.0-only
/*
 * armvirt-vmm's consoles, with the stock Debian guest at its shell: typing
 * on virtio-console, the escape key and the monitor, --console pty, and
 * armvirt-ctl console; and a bare guest that takes no input. The VMM's own
 * features: the boards that mix kernel versions and the debug board leave
 * this program out (tests/run.sh).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "board.h"
#include "guest_run.h"
#include "health.h"
#include "tap.h"

#define RUN_TIMEOUT_S	300	/* one guest boot takes about 10 s here; CI is slower */
#define PTY_NAME	"ptytest"	/* the --console pty guest's --name */
#define DEAF_GUEST	"/tests/data/guest-deaf.bin"
#define DEAF_KEYS	1500		/* more than the PL011's buffer of 1 KiB */

#define VMM_ARGS(...) ((const char *const[]){ VMM_PATH, "--kernel", GUEST_KERNEL, \
	"--initrd", GUEST_INITRD, __VA_ARGS__, NULL })

/*
 * At the guest's shell on virtio-console: what is typed runs, Ctrl-C is the
 * guest's (it ends the shell's sleep), the escape key: Ctrl-A h lists the
 * keys, Ctrl-A Ctrl-A sends one Ctrl-A, Ctrl-A c opens the monitor (what
 * it is given stays there) and closes it, Ctrl-A x quits the VMM with 0.
 */
static void test_virtio_console_shell(void)
{
	struct guest_run g;
	int status;

	guest_start_typing(&g, VMM_ARGS("--console", "virtio"));
	guest_wait_for(&g, "guest# ", RUN_TIMEOUT_S);
	guest_type(&g, "echo TYPED-$((6*7))\n");
	tap_ok(guest_wait_for(&g, "TYPED-42", 60), "virtio-console-input-reaches-the-guest-shell");
	guest_type(&g, "sleep 300; echo SLE\"\"PT\n");
	sleep(2);
	guest_type(&g, "\x03");
	guest_type(&g, "echo AFTER-$((1+1))\n");
	guest_check(&g, tap_ok(guest_wait_for(&g, "AFTER-2", 60) && !strstr(g.out, "SLEPT"),
			    "ctrl-c-reaches-the-guest"));
	guest_type(&g, "\x01h");
	tap_ok(guest_wait_for(&g, "armvirt-vmm console keys", 30), "ctrl-a-h-lists-the-keys");
	guest_type(&g, "read L; echo \"$L\" | od -An -tx1 | sed s/^/OD/\n");
	guest_type(&g, "\x01\x01Z\n");
	guest_check(&g, tap_ok(guest_wait_for(&g, "OD 01 5a 0a", 60), "ctrl-a-twice-sends-one-ctrl-a"));
	/* what the monitor is given never reaches the guest; after it, keys do again */
	guest_type(&g, "\x01" "c" "echo MON-$((2+5))\r" "\x01" "c");
	guest_type(&g, "echo BACK-$((2*3))\n");
	guest_check(&g, tap_ok(guest_wait_for(&g, "BACK-6", 60) && strstr(g.out, "unknown command"),
			    "keys-reach-the-guest-after-the-monitor"));
	tap_ok(!strstr(g.out, "MON-7"), "monitor-keys-never-reach-the-guest");
	guest_type(&g, "\x01x");
	status = guest_finish(&g, 60);
	guest_check(&g, tap_ok(status == 0 && strstr(g.out, "armvirt-vmm: quit from the console"),
			    "ctrl-a-x-quits-with-0"));
	guest_free(&g);
}

/* Reads the pty @fd into @buf until @needle shows or @timeout_s pass. */
static bool pty_wait_for(int fd, char *buf, size_t size, const char *needle, int timeout_s)
{
	struct pollfd p = { .fd = fd, .events = POLLIN };
	time_t deadline = time(NULL) + timeout_s;
	size_t len = strlen(buf);
	ssize_t n;

	while (!strstr(buf, needle) && time(NULL) < deadline) {
		n = poll(&p, 1, 200) > 0 ? read(fd, buf + len, size - 1 - len) : 0;
		if (n <= 0) {
			usleep(50 * 1000);	/* nothing after all: poll may say so on a pty */
			continue;
		}
		len += (size_t)n;
		buf[len] = 0;
		if (len + 1 >= size) {	/* keep the tail, look on */
			memmove(buf, buf + len / 2, len - len / 2 + 1);
			len -= len / 2;
		}
	}
	return strstr(buf, needle) != NULL;
}

/*
 * armvirt-ctl NAME console, its stdin and stdout pipes: what it is given
 * reaches the guest, the guest's answer comes out, Ctrl-] detaches (status
 * 0) and the guest runs on.
 */
static void test_ctl_console(struct guest_run *g)
{
	int in[2], out[2], status = -1;
	char buf[4096] = "";
	pid_t pid;

	if (pipe2(in, O_CLOEXEC) || pipe2(out, O_CLOEXEC))
		tap_bail("pipe: %s", strerror(errno));
	signal(SIGPIPE, SIG_IGN);	/* an armvirt-ctl gone early is a failed check, not our end */
	pid = fork();
	if (pid == 0) {
		dup2(in[0], STDIN_FILENO);
		dup2(out[1], STDOUT_FILENO);
		dup2(out[1], STDERR_FILENO);
		execl("/bin/armvirt-ctl", "armvirt-ctl", PTY_NAME, "console", (char *)NULL);
		_exit(127);
	}
	close(in[0]);
	close(out[1]);
	fcntl(out[0], F_SETFL, O_NONBLOCK);
	if (write(in[1], "echo CTL-$((3*3))\n", 18) != 18)
		tap_diag("write to armvirt-ctl: %s", strerror(errno));
	if (!tap_ok(pid > 0 && pty_wait_for(out[0], buf, sizeof(buf), "CTL-9", 60),
		    "armvirt-ctl-console-attaches"))
		tap_diag("armvirt-ctl printed: %s", buf);
	if (write(in[1], "\x1d", 1) != 1)
		tap_diag("write to armvirt-ctl: %s", strerror(errno));
	for (int i = 0; i < 100 && pid > 0 && waitpid(pid, &status, WNOHANG) == 0; i++)
		usleep(100 * 1000);
	if (pid > 0 && status == -1) {
		kill(pid, SIGKILL);
		waitpid(pid, &status, 0);
	}
	if (!tap_ok(WIFEXITED(status) && WEXITSTATUS(status) == 0 && kill(g->pid, 0) == 0,
		    "ctrl-bracket-detaches-and-the-guest-runs-on")) {
		pty_wait_for(out[0], buf, sizeof(buf), "\x01never", 1);
		tap_diag("armvirt-ctl status %#x; it printed: %s", status, buf);
	}
	close(in[1]);
	close(out[0]);
}

/*
 * --console pty: the console is on a pty the VMM names, attached to after
 * the boot (the output so far is waiting there), typed into, attached to
 * by armvirt-ctl console, and left with the escape key.
 */
static void test_pty_console(void)
{
	static char buf[1 << 16];
	char path[64] = "";
	struct guest_run g;
	const char *p;
	int fd = -1, status;

	setenv("ARMVIRT_RUN_DIR", "/tmp/armvirt-run", 1);	/* its socket, for armvirt-ctl too */
	guest_start(&g, VMM_ARGS("--console", "pty", "--name", PTY_NAME, "--control", "auto"));
	guest_wait_for(&g, "console is on /dev/pts/", 60);
	p = strstr(g.out, "console is on /dev/pts/");
	if (p)
		sscanf(p + strlen("console is on "), "%63s", path);
	if (!tap_ok(path[0] != 0, "pty-console-names-its-pty (%s)", path))
		guest_diag_tail(&g, 1000);
	if (path[0])
		fd = open(path, O_RDWR | O_NOCTTY | O_CLOEXEC | O_NONBLOCK);
	buf[0] = 0;
	if (!tap_ok(fd >= 0 && pty_wait_for(fd, buf, sizeof(buf), "guest# ", RUN_TIMEOUT_S),
		    "guest-console-on-the-pty"))
		tap_diag("fd %d, %zu bytes from the pty, ending: %s", fd, strlen(buf),
			 strlen(buf) > 300 ? buf + strlen(buf) - 300 : buf);
	if (fd >= 0 && write(fd, "echo PTY-$((6*7))\n", 18) != 18)
		tap_diag("write to %s: %s", path, strerror(errno));
	tap_ok(fd >= 0 && pty_wait_for(fd, buf, sizeof(buf), "PTY-42", 60), "typed-on-the-pty-reaches-the-guest");
	tap_ok(!strstr(g.out, "PTY-42"), "pty-console-leaves-stdout-alone");
	/* one reader at a time on the pty: ours steps aside for armvirt-ctl's */
	if (fd >= 0)
		close(fd);
	test_ctl_console(&g);
	fd = path[0] ? open(path, O_RDWR | O_NOCTTY | O_CLOEXEC | O_NONBLOCK) : -1;
	if (fd >= 0 && write(fd, "\x01x", 2) != 2)
		tap_diag("write to %s: %s", path, strerror(errno));
	status = guest_finish(&g, 60);
	guest_check(&g, tap_ok(status == 0 && strstr(g.out, "quit from the console"),
			    "escape-on-the-pty-quits-with-0"));
	if (fd >= 0)
		close(fd);
	guest_free(&g);
}

/*
 * A guest that never reads its console fills its UART's buffer; on a
 * terminal, the keys typed after are dropped (the VMM says so once) and
 * the escape key still quits.
 */
static void test_guest_taking_no_input(void)
{
	static char keys[DEAF_KEYS + 1];
	struct guest_run g;
	int status;

	memset(keys, 'k', DEAF_KEYS);
	guest_start_on_pty(&g, ((const char *const[]){ VMM_PATH, "--kernel", DEAF_GUEST, NULL }));
	guest_type(&g, keys);
	guest_type(&g, "\x01x");
	status = guest_finish(&g, 60);
	guest_check(&g, tap_ok(status == 0 && strstr(g.out, "quit from the console"),
			    "escape-quits-when-the-guest-takes-no-input"));
	tap_ok(strstr(g.out, "[the guest takes no input: keys for it are dropped") != NULL,
	       "keys-dropped-for-a-full-guest-are-said");
	guest_free(&g);
}

int main(void)
{
	int ret;

	tap_plan(20);
	alarm(900);
	ret = module_loaded("armvirt") ? 0 : module_load(ARMVIRT_KO);
	if (!tap_eq(ret, 0, "armvirt-loads"))
		tap_bail("armvirt did not load");
	test_virtio_console_shell();
	test_pty_console();
	test_guest_taking_no_input();
	check_kernel_healthy();
	tap_finish();
}
