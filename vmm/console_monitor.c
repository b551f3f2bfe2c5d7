// SPDX-License-Identifier: GPL-2.0-only
/*
 * The console's monitor (Ctrl-A c, as QEMU's): a line typed on the guest's
 * console becomes a control command, which control.c runs on the main
 * thread as it runs the control socket's: status, pause, resume, save
 * FILE, migrate URI, stop (control_proto.c reads the words); quit ends
 * the VMM as Ctrl-A x does. The monitor
 * echoes what is typed (the guest sees none of it), Backspace erases,
 * Ctrl-U clears the line, other control keys are ignored. The guest keeps
 * running, and printing, while the monitor is open.
 *
 * The state belongs to whichever thread reads the console: the I/O thread
 * while it runs, the main thread while the guest is paused (the I/O
 * thread is stopped then; stopping and starting it order the hand-over).
 * The main thread also prints commands' replies at any time: it reads
 * only mon.open, atomically.
 */
#include <stdio.h>
#include <string.h>

#include "vmm.h"

#define MON_LINE_MAX	(CTL_ARG_MAX + 16)
#define MON_PROMPT	"(armvirt) "

static struct {
	bool open;
	bool overflow;		/* the line grew past MON_LINE_MAX: refused at Enter */
	size_t len;
	char line[MON_LINE_MAX];
} mon;

static void mon_print(const char *s)
{
	console_output((const uint8_t *)s, strlen(s));
}

bool monitor_is_open(void)
{
	return __atomic_load_n(&mon.open, __ATOMIC_RELAXED);
}

void monitor_toggle(void)
{
	bool open = !mon.open;

	__atomic_store_n(&mon.open, open, __ATOMIC_RELAXED);
	mon.len = 0;
	mon.overflow = false;
	mon_print(open ? "\r\narmvirt-vmm monitor (help lists the commands; Ctrl-A c: back to the guest)\r\n" MON_PROMPT :
		  "\r\n[back to the guest]\r\n");
}

void monitor_reply(const char *text)
{
	mon_print(text);
	mon_print("\r\n");
	if (monitor_is_open())
		mon_print(MON_PROMPT);
}

static void mon_help(void)
{
	monitor_reply("status          the VM's state, vCPUs, memory and exits\r\n"
		      "pause, resume   stop the guest's vCPUs and devices, or start them again\r\n"
		      "save FILE       a snapshot of the running guest, which carries on\r\n"
		      "migrate URI     live-migrate to tcp:HOST:PORT (armvirt-vmm --incoming)\r\n"
		      "stop            stop the guest and end the VMM (status 143, as SIGTERM)\r\n"
		      "quit            end the VMM (status 0, as Ctrl-A x)\r\n"
		      "Ctrl-A c        back to the guest's console");
}

/* Enter: run the line. */
static void mon_line(struct vmm *vmm)
{
	struct ctl_request req;
	const char *why;
	bool overflow = mon.overflow;

	mon.line[mon.len] = 0;
	mon.len = 0;
	mon.overflow = false;
	mon_print("\r\n");
	if (overflow) {
		monitor_reply("error: the line is too long");
		return;
	}
	switch (monitor_parse(mon.line, &req, &why)) {
	case MON_EMPTY:
		mon_print(MON_PROMPT);
		break;
	case MON_HELP:
		mon_help();
		break;
	case MON_QUIT:
		mon_print("quit from the monitor\r\n");
		vmm_request_stop(vmm, STOP_QUIT);
		break;
	case MON_BAD:
		monitor_reply(why);
		break;
	case MON_COMMAND:
		if (control_post_console(vmm, &req))
			monitor_reply("error: a control-socket command is running; try again");
		break;		/* the reply comes from the main thread */
	}
}

void monitor_keys(struct vmm *vmm, const uint8_t *buf, size_t len)
{
	char echo[2] = { 0 };

	while (len--) {
		uint8_t c = *buf++;

		if (c == '\r' || c == '\n') {
			mon_line(vmm);
		} else if (c == 0x7f || c == '\b') {
			if (mon.len) {
				mon.len--;
				mon_print("\b \b");
			}
		} else if (c == 0x15) {		/* Ctrl-U */
			for (; mon.len; mon.len--)
				mon_print("\b \b");
			mon.overflow = false;
		} else if (c >= 0x20 && c < 0x7f) {
			if (mon.len + 1 >= sizeof(mon.line)) {
				mon.overflow = true;
				continue;
			}
			mon.line[mon.len++] = (char)c;
			echo[0] = (char)c;
			mon_print(echo);
		}
	}
}
