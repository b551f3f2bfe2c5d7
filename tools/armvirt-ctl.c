// SPDX-License-Identifier: GPL-2.0-only
/*
 * armvirt-ctl: talk to a running armvirt-vmm through its control socket
 * (armvirt-vmm --control; the protocol: README.md).
 *
 *   armvirt-ctl [--dir DIR] list
 *   armvirt-ctl [--dir DIR] SOCKET|NAME status|pause|resume|stop|save FILE|migrate URI
 *   armvirt-ctl [--dir DIR] SOCKET|NAME console
 *
 * console attaches this terminal to the guest's console, as virsh console:
 * the VMM (started with --console pty) names its pty, and this program
 * passes bytes both ways until Ctrl-] (or the end of its input) detaches;
 * the guest runs on.
 * A NAME is DIR/NAME.sock (DIR: the run directory of vm_name.h); anything
 * with a '/' is a socket path. Exit status: 0 on success, 1 when the VMM
 * answered an error or could not be reached, 2 for bad usage.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/un.h>
#include <termios.h>
#include <unistd.h>

#include "json.h"
#include "vm_name.h"

#define REPLY_MAX	4096
#define LIST_TIMEOUT_S	2
#define DETACH_KEY	0x1d	/* Ctrl-], as virsh console and telnet */

static void usage(FILE *f)
{
	fprintf(f,
"Usage: armvirt-ctl [--dir DIR] list\n"
"       armvirt-ctl [--dir DIR] SOCKET|NAME COMMAND [ARG]\n"
"Ask a running armvirt-vmm (started with --control) something.\n"
"\n"
"  list             the VMs whose sockets are in DIR, with their state\n"
"  status           name, state, vCPUs, memory, uptime, exits per second\n"
"  pause, resume    stop the guest's vCPUs and devices, and let them go on\n"
"  stop             stop the VMM as SIGTERM would (exit status 143)\n"
"  save FILE        write a snapshot of the guest to FILE (a path on the\n"
"                   VMM's side); the guest carries on\n"
"  migrate URI      live-migrate to tcp:HOST:PORT (armvirt-vmm --incoming)\n"
"  console          attach to the guest's console (a VMM started with\n"
"                   --console pty); Ctrl-] detaches, the guest runs on\n"
"\n"
"NAME is DIR/NAME.sock; DIR defaults to $ARMVIRT_RUN_DIR, /run/armvirt\n"
"(root), $XDG_RUNTIME_DIR/armvirt or /tmp/armvirt-UID.\n");
}

/* Connect to @path: the fd, or -1 with errno. */
static int ctl_connect(const char *path, int timeout_s)
{
	struct sockaddr_un addr = { .sun_family = AF_UNIX };
	struct timeval tv = { .tv_sec = timeout_s };
	int fd;

	if (strlen(path) >= sizeof(addr.sun_path)) {
		errno = ENAMETOOLONG;
		return -1;
	}
	strcpy(addr.sun_path, path);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -1;
	if (timeout_s)
		setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	if (connect(fd, (struct sockaddr *)&addr, sizeof(addr))) {
		int e = errno;

		close(fd);
		errno = e;
		return -1;
	}
	return fd;
}

/* Send one request line and read the reply line into @buf: its length, or -1. */
static int ctl_ask(int fd, const char *request, char *buf, size_t size)
{
	size_t len = strlen(request), got = 0;
	char *nl;
	ssize_t n;

	if (send(fd, request, len, MSG_NOSIGNAL) != (ssize_t)len)
		return -1;
	while (got + 1 < size) {
		n = read(fd, buf + got, size - 1 - got);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return -1;
		got += (size_t)n;
		buf[got] = 0;
		nl = memchr(buf, '\n', got);
		if (nl)
			return (int)(nl - buf);
	}
	errno = EMSGSIZE;
	return -1;
}

/* Print the reply's "return" members one per line; an error on stderr. 0 or 1. */
static int print_reply(const char *reply, size_t len, const char *what)
{
	struct json_doc doc;
	char s[REPLY_MAX];
	int ret, err, k;

	if (json_parse(&doc, reply, len)) {
		fprintf(stderr, "armvirt-ctl: %s: the VMM's reply is not JSON\n", what);
		return 1;
	}
	err = json_get(&doc, 0, "error");
	if (err >= 0) {
		char class[64] = "?";

		json_string(&doc, json_get(&doc, err, "class"), class, sizeof(class));
		if (json_string(&doc, json_get(&doc, err, "desc"), s, sizeof(s)))
			strcpy(s, "?");
		fprintf(stderr, "armvirt-ctl: %s: %s: %s\n", what, class, s);
		return 1;
	}
	ret = json_get(&doc, 0, "return");
	if (ret < 0 || doc.tok[ret].type != JSON_OBJECT) {
		fprintf(stderr, "armvirt-ctl: %s: the VMM's reply has no \"return\"\n", what);
		return 1;
	}
	if (doc.tok[ret].end == ret + 1)
		printf("ok\n");
	for (k = ret + 1; k + 1 < doc.tok[ret].end; k = doc.tok[k + 1].end) {
		const struct json_token *v = &doc.tok[k + 1];

		if (json_string(&doc, k + 1, s, sizeof(s)))
			snprintf(s, sizeof(s), "%.*s", (int)v->len, reply + v->start);
		printf("%.*s: %s\n", (int)doc.tok[k].len, reply + doc.tok[k].start, s);
	}
	return 0;
}

/*
 * Pass what @from has to @to: false at @from's end or on an error. With
 * @detached, the detach key ends the relay there and sets *@detached.
 */
static bool relay(int from, int to, bool *detached)
{
	char buf[512], *key;
	ssize_t n = read(from, buf, sizeof(buf));

	if (n < 0 && (errno == EINTR || errno == EAGAIN))
		return true;
	if (n <= 0)
		return false;
	if (detached && (key = memchr(buf, DETACH_KEY, (size_t)n))) {
		*detached = true;
		n = key - buf;		/* what came before it still goes */
	}
	for (ssize_t done = 0, w; done < n; done += w) {
		w = write(to, buf + done, (size_t)(n - done));
		if (w < 0 && errno == EINTR)
			w = 0;
		else if (w <= 0)
			return false;
	}
	return true;
}

/* armvirt-ctl NAME console: this terminal on the pty at @path until Ctrl-]; 0 or 1. */
static int attach_console(const char *path)
{
	struct termios saved, raw;
	bool tty = isatty(STDIN_FILENO) && !tcgetattr(STDIN_FILENO, &saved);
	bool detached = false, gone = false;
	int fd = open(path, O_RDWR | O_NOCTTY | O_CLOEXEC);

	if (fd < 0) {
		fprintf(stderr, "armvirt-ctl: console: %s: %s\n", path, strerror(errno));
		return 1;
	}
	if (tty) {
		raw = saved;
		cfmakeraw(&raw);
		tcsetattr(STDIN_FILENO, TCSANOW, &raw);
	}
	fprintf(stderr, "armvirt-ctl: attached to %s; Ctrl-] detaches\r\n", path);
	while (!detached && !gone) {
		struct pollfd p[2] = {
			{ .fd = STDIN_FILENO, .events = POLLIN },
			{ .fd = fd, .events = POLLIN },
		};

		if (poll(p, 2, -1) < 0) {
			if (errno == EINTR)
				continue;
			break;
		}
		if (p[0].revents && !relay(STDIN_FILENO, fd, &detached))
			detached = true;	/* our input ended: detach */
		if (!detached && p[1].revents && !relay(fd, STDOUT_FILENO, NULL))
			gone = true;		/* the VMM went away */
	}
	if (tty)
		tcsetattr(STDIN_FILENO, TCSANOW, &saved);
	close(fd);
	fprintf(stderr, "\r\narmvirt-ctl: %s\n", gone ? "the console went away" : "detached");
	return gone ? 1 : 0;
}

/* The console command's reply: attach to its "pty", or print its error. */
static int attach_reply(const char *reply, size_t len)
{
	char pty[64];
	struct json_doc doc;

	if (json_parse(&doc, reply, len) ||
	    json_string(&doc, json_get(&doc, json_get(&doc, 0, "return"), "pty"), pty, sizeof(pty))) {
		print_reply(reply, len, "console");	/* its error, on stderr */
		return 1;
	}
	return attach_console(pty);
}

static int list(const char *dir)
{
	char path[512], reply[REPLY_MAX], name[64], state[16];
	struct json_doc doc;
	struct dirent *d;
	struct stat st;
	DIR *dp = opendir(dir);
	int fd, n, found = 0;

	if (!dp) {
		if (errno == ENOENT) {
			printf("no VMs (%s does not exist)\n", dir);
			return 0;
		}
		fprintf(stderr, "armvirt-ctl: %s: %s\n", dir, strerror(errno));
		return 1;
	}
	while ((d = readdir(dp))) {
		size_t len = strlen(d->d_name);

		if (len <= strlen(CONTROL_SUFFIX) ||
		    strcmp(d->d_name + len - strlen(CONTROL_SUFFIX), CONTROL_SUFFIX))
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, d->d_name);
		if (lstat(path, &st) || !S_ISSOCK(st.st_mode))
			continue;
		found++;
		fd = ctl_connect(path, LIST_TIMEOUT_S);
		n = fd < 0 ? -1 : ctl_ask(fd, "{\"execute\":\"status\"}\n", reply, sizeof(reply));
		if (fd >= 0)
			close(fd);
		if (n < 0 || json_parse(&doc, reply, (size_t)n) ||
		    json_string(&doc, json_get(&doc, json_get(&doc, 0, "return"), "name"),
				name, sizeof(name)) ||
		    json_string(&doc, json_get(&doc, json_get(&doc, 0, "return"), "state"),
				state, sizeof(state))) {
			printf("%-32s not answering (%s)\n", d->d_name, path);
			continue;
		}
		printf("%-32s %-8s %s\n", name, state, path);
	}
	closedir(dp);
	if (!found)
		printf("no VMs in %s\n", dir);
	return 0;
}

int main(int argc, char **argv)
{
	char dir[256], path[512], request[2048], reply[REPLY_MAX];
	struct json_out arg = { .len = 0 };
	const char *target, *cmd, *key = NULL;
	int i = 1, fd, n;

	if (argc > 1 && (!strcmp(argv[1], "-h") || !strcmp(argv[1], "--help"))) {
		usage(stdout);
		return 0;
	}
	if (argc > 2 && !strcmp(argv[1], "--dir")) {
		snprintf(dir, sizeof(dir), "%s", argv[2]);
		i = 3;
	} else if (run_dir(dir, sizeof(dir))) {
		fprintf(stderr, "armvirt-ctl: the run directory's path is too long\n");
		return 2;
	}
	if (argc == i + 1 && !strcmp(argv[i], "list"))
		return list(dir);
	if (argc < i + 2) {
		usage(stderr);
		return 2;
	}
	target = argv[i];
	cmd = argv[i + 1];
	if (!strcmp(cmd, "save"))
		key = "file";
	else if (!strcmp(cmd, "migrate"))
		key = "uri";
	else if (strcmp(cmd, "status") && strcmp(cmd, "pause") && strcmp(cmd, "resume") &&
		 strcmp(cmd, "stop") && strcmp(cmd, "console")) {
		fprintf(stderr, "armvirt-ctl: unknown command %s (see --help)\n", cmd);
		return 2;
	}
	if (argc != i + 2 + !!key) {
		fprintf(stderr, "armvirt-ctl: %s takes %s\n", cmd, key ? "one argument" : "no argument");
		return 2;
	}
	if (strchr(target, '/')) {
		snprintf(path, sizeof(path), "%s", target);
	} else if (!vm_name_valid(target) || control_path(dir, target, path, sizeof(path))) {
		fprintf(stderr, "armvirt-ctl: %s: not a VM name nor a socket path\n", target);
		return 2;
	}
	if (key) {
		json_str(&arg, argv[i + 2]);
		snprintf(request, sizeof(request), "{\"execute\":\"%s\",\"arguments\":{\"%s\":%s}}\n",
			 cmd, key, arg.buf);
	} else {
		snprintf(request, sizeof(request), "{\"execute\":\"%s\"}\n", cmd);
	}
	fd = ctl_connect(path, 0);
	if (fd < 0) {
		fprintf(stderr, "armvirt-ctl: %s: %s (is the VMM running with --control?)\n",
			path, strerror(errno));
		return 1;
	}
	n = ctl_ask(fd, request, reply, sizeof(reply));
	close(fd);
	if (n < 0) {
		fprintf(stderr, "armvirt-ctl: %s: no reply: %s\n", path,
			errno ? strerror(errno) : "the VMM closed the connection");
		return 1;
	}
	if (!strcmp(cmd, "console"))
		return attach_reply(reply, (size_t)n);
	return print_reply(reply, (size_t)n, cmd);
}
