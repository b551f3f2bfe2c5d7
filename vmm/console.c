// SPDX-License-Identifier: GPL-2.0-only
/*
 * The guest console on the VMM's stdin and stdout. On a terminal, input is
 * passed on key by key without local echo (the guest echoes) and without
 * the terminal's signals: Ctrl-C, Ctrl-Z and Ctrl-\ are the guest's. The
 * escape key (console_escape.c) quits or opens the monitor
 * (console_monitor.c). Input goes to one console device
 * (struct console); output from every console device goes to stdout.
 * With --console ...,pty both go to a new pseudo-terminal instead, whose
 * name the VMM prints: one attaches to it later (screen, busybox
 * microcom), detaches, attaches again. The VMM keeps the pty's slave side
 * open itself, so that the master never hangs up between users, and drops
 * output while nobody reads and the pty is full: the guest never waits.
 *
 * Threads: the I/O thread reads the console while it runs; while the guest
 * is paused (the I/O thread stopped) the main thread does, for the escape
 * key and the monitor only: keys for the guest are dropped then.
 *
 * A guest that takes no input fills its device's buffer (the PL011's
 * 1 KiB, virtio-console's pending bytes). Input from a pipe or a file then
 * waits (nothing is lost); on a terminal, where a person may be typing the
 * escape key to leave a hung guest, reading goes on and the keys for the
 * guest are dropped until it takes input again.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include "vmm.h"

static struct termios saved_termios;
static bool termios_saved;
static struct console *input_dev;
static bool stdin_eof;
static struct vmm *console_vmm;
static struct console_escape escape;	/* the console reader's */
static bool on_terminal;		/* in_fd is a terminal or a pty */

/* Where the guest's keys go from a read of the console. */
enum keys_for_guest { KEYS_TAKEN, KEYS_DROPPED_PAUSED, KEYS_DROPPED_FULL };
/* why keys were dropped, said once until the guest takes keys again */
static enum keys_for_guest dropped_noted = KEYS_TAKEN;
/* Where the console reads and writes: stdin and stdout, or a pty's master. */
static int in_fd = STDIN_FILENO, out_fd = STDOUT_FILENO;
static int pty_slave_fd = -1;

void console_restore(void)
{
	if (termios_saved)
		tcsetattr(STDIN_FILENO, TCSANOW, &saved_termios);
	termios_saved = false;
}

void console_output(const uint8_t *buf, size_t len)
{
	ssize_t n;

	while (len) {
		n = write(out_fd, buf, len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return;		/* gone or full: the guest's output is lost, not the guest */
		buf += n;
		len -= (size_t)n;
	}
}

static void note_dropped(enum keys_for_guest keys)
{
	if (dropped_noted == keys)
		return;
	dropped_noted = keys;
	if (keys == KEYS_DROPPED_PAUSED)
		monitor_reply("\r\n[the guest is paused: keys for it are dropped; Ctrl-A c opens the monitor]");
	else
		monitor_reply("\r\n[the guest takes no input: keys for it are dropped; Ctrl-A h lists the console keys]");
}

/* Bytes read from the console, to the guest (if @keys says so) or the monitor. */
static void console_take(uint8_t *buf, size_t n, enum keys_for_guest keys)
{
	enum escape_cmd cmd;
	size_t len, used;

	while (n) {
		len = console_escape_filter(&escape, buf, n, &cmd, &used);
		if (len && monitor_is_open())
			monitor_keys(console_vmm, buf, len);
		else if (len && keys == KEYS_TAKEN)
			input_dev->input(input_dev, buf, len);
		else if (len)
			note_dropped(keys);
		if (cmd == ESCAPE_HELP)
			console_escape_help(escape.key);
		if (cmd == ESCAPE_MONITOR)
			monitor_toggle();
		if (cmd == ESCAPE_QUIT) {
			io_watch_pause(in_fd, true);	/* the VMM is going */
			vmm_request_stop(console_vmm, STOP_QUIT);
			return;				/* the rest of the input goes nowhere */
		}
		buf += used;
		n -= used;
	}
}

/* Read what the console has; at its end (or an error) stop watching it. */
static void console_read(size_t max, enum keys_for_guest keys)
{
	uint8_t buf[256];
	ssize_t n;

	n = read(in_fd, buf, max < sizeof(buf) ? max : sizeof(buf));
	if (n < 0 && (errno == EINTR || errno == EAGAIN))
		return;
	if (n <= 0) {
		stdin_eof = true;		/* the guest keeps running without input */
		io_watch_pause(in_fd, true);
		return;
	}
	console_take(buf, (size_t)n, keys);
}

/* stdin is readable (I/O thread). */
static void stdin_readable(int fd, void *opaque)
{
	size_t room = input_dev->room(input_dev);

	if (room) {
		dropped_noted = KEYS_TAKEN;
		console_read(room, KEYS_TAKEN);
	} else if (on_terminal || monitor_is_open()) {
		/* the escape key and the monitor work even when the guest is hung */
		console_read(256, KEYS_DROPPED_FULL);
	} else {
		io_watch_pause(fd, true);	/* until console_input_ready() */
	}
}

int console_input_fd(void)
{
	return input_dev && !stdin_eof ? in_fd : -1;
}

void console_read_paused(void)
{
	if (console_input_fd() >= 0)
		console_read(256, KEYS_DROPPED_PAUSED);
}

void console_input_ready(void)
{
	if (input_dev && !stdin_eof)
		io_watch_pause(in_fd, false);
}

/* --console ...,pty: a new pty, raw, its master non-blocking. */
static int pty_setup(void)
{
	struct termios t;
	const char *name;
	int master;

	master = posix_openpt(O_RDWR | O_NOCTTY | O_CLOEXEC | O_NONBLOCK);
	if (master < 0 || grantpt(master) || unlockpt(master) || !(name = ptsname(master)))
		goto err;
	pty_slave_fd = open(name, O_RDWR | O_NOCTTY | O_CLOEXEC);
	if (pty_slave_fd < 0 || tcgetattr(pty_slave_fd, &t))
		goto err;
	cfmakeraw(&t);
	if (tcsetattr(pty_slave_fd, TCSANOW, &t))
		goto err;
	in_fd = out_fd = master;
	on_terminal = true;
	if (io_watch(master, "the console's pseudo-terminal", stdin_readable, NULL))
		goto err;
	vmm_info("the guest's console is on %s (attach: screen %s, or busybox microcom %s)",
		 name, name, name);
	control_set_console_pty(name);
	return 0;
err:
	vmm_err("--console pty: %s%s", strerror(errno),
		errno == ENOENT ? " (is devpts mounted on /dev/pts?)" : "");
	return -1;
}

int console_setup(struct vmm *vmm)
{
	struct termios t;

	input_dev = vmm->console;
	if (!input_dev)
		return 0;
	console_vmm = vmm;
	escape = (struct console_escape){ .key = vmm->cfg.escape_key };
	if (vmm->cfg.console_pty)
		return pty_setup();
	on_terminal = isatty(STDIN_FILENO);
	if (on_terminal && tcgetattr(STDIN_FILENO, &saved_termios) == 0) {
		termios_saved = true;
		t = saved_termios;
		t.c_lflag &= ~(ICANON | ECHO | ECHONL | IEXTEN | ISIG);
		t.c_iflag &= ~(ICRNL | INLCR | IGNCR | IXON);
		t.c_cc[VMIN] = 1;
		t.c_cc[VTIME] = 0;
		tcsetattr(STDIN_FILENO, TCSANOW, &t);
		atexit(console_restore);
	}
	if (io_watch(STDIN_FILENO, "the console's input", stdin_readable, NULL) == 0)
		return 0;
	/* a file or /dev/null: no input, as at its end */
	if (errno == EPERM) {
		stdin_eof = true;
		return 0;
	}
	vmm_err("cannot watch stdin: %s", strerror(errno));
	return -1;
}
