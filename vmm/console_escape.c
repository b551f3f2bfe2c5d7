// SPDX-License-Identifier: GPL-2.0-only
/*
 * The console's escape key (--escape, Ctrl-A by default), as terminal
 * multiplexers have it: Ctrl-A x quits the VMM, Ctrl-A c switches between
 * the guest and the monitor (console_monitor.c), Ctrl-A h prints the keys,
 * Ctrl-A Ctrl-A sends one Ctrl-A on; any other key after Ctrl-A is
 * dropped. Everything else, Ctrl-C included, goes on (to the guest, or to
 * the monitor while it is open). The state lives in struct
 * console_escape: a Ctrl-A at the end of one read applies to the first
 * byte of the next.
 */
#include <stdio.h>
#include <string.h>

#include "vmm.h"

/* "^A".."^Z", "^[" .. "^_" or "none"; false if it is none of those. */
bool console_escape_parse(const char *arg, int *key)
{
	if (!strcmp(arg, "none")) {
		*key = -1;
		return true;
	}
	if (strlen(arg) != 2 || arg[0] != '^' || arg[1] < 'A' || arg[1] > '_')
		return false;
	*key = arg[1] - '@';	/* ^A is 1 */
	return true;
}

size_t console_escape_filter(struct console_escape *e, uint8_t *buf, size_t len,
			     enum escape_cmd *cmd, size_t *used)
{
	size_t in, out = 0;

	*cmd = ESCAPE_NONE;
	for (in = 0; in < len && *cmd == ESCAPE_NONE; in++) {
		uint8_t c = buf[in];

		if (e->key < 0) {
			buf[out++] = c;
			continue;
		}
		if (!e->armed) {
			if (c == e->key)
				e->armed = true;
			else
				buf[out++] = c;
			continue;
		}
		e->armed = false;
		if (c == e->key)
			buf[out++] = c;		/* the key twice: the key itself */
		else if (c == 'x' || c == 'X')
			*cmd = ESCAPE_QUIT;
		else if (c == 'c' || c == 'C')
			*cmd = ESCAPE_MONITOR;
		else if (c == 'h' || c == 'H' || c == '?')
			*cmd = ESCAPE_HELP;
	}
	*used = in;
	return out;
}

void console_escape_help(int key)
{
	char msg[256];

	snprintf(msg, sizeof(msg),
		 "\r\narmvirt-vmm console keys: ^%c x  quit the VMM (the guest stops)\r\n"
		 "                           ^%c c  the monitor, or back to the guest\r\n"
		 "                           ^%c h  this help\r\n"
		 "                           ^%c ^%c send ^%c on\r\n",
		 key + '@', key + '@', key + '@', key + '@', key + '@', key + '@');
	console_output((const uint8_t *)msg, strlen(msg));
}
