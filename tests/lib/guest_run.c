// SPDX-License-Identifier: GPL-2.0-only
#define _GNU_SOURCE
#include <dirent.h>
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

#include "guest_run.h"
#include "tap.h"

double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* The output buffers and the clock of a run about to start. */
static int init_run(struct guest_run *g)
{
	memset(g, 0, sizeof(*g));
	g->status = -1;
	g->in_fd = -1;
	g->out_fd = -1;
	g->cap = 1 << 16;
	g->out = malloc(g->cap);
	g->chunks_cap = 1024;
	g->chunks = malloc(sizeof(*g->chunks) * g->chunks_cap);
	if (!g->out || !g->chunks)
		return -1;
	g->out[0] = 0;
	g->start = now_s();
	return 0;
}

static int start(struct guest_run *g, const char *const argv[], bool typing)
{
	int pipefd[2], infd[2] = { -1, -1 }, devnull;

	if (init_run(g) || (typing && pipe2(infd, O_CLOEXEC)) || pipe2(pipefd, O_CLOEXEC))
		return -1;
	g->pid = fork();
	if (g->pid < 0)
		return -1;
	if (g->pid == 0) {
		devnull = typing ? infd[0] : open("/dev/null", O_RDONLY);
		dup2(devnull, 0);
		dup2(pipefd[1], 1);
		dup2(pipefd[1], 2);
		execv(argv[0], (char *const *)argv);
		_exit(127);
	}
	close(pipefd[1]);
	g->out_fd = pipefd[0];
	if (typing) {
		close(infd[0]);
		g->in_fd = infd[1];
	}
	return 0;
}

int guest_start(struct guest_run *g, const char *const argv[])
{
	return start(g, argv, false);
}

int guest_start_typing(struct guest_run *g, const char *const argv[])
{
	return start(g, argv, true);
}

int guest_start_on_pty(struct guest_run *g, const char *const argv[])
{
	int master, slave;
	const char *name;

	if (init_run(g))
		return -1;
	master = posix_openpt(O_RDWR | O_NOCTTY | O_CLOEXEC);
	if (master < 0)
		return -1;
	name = grantpt(master) || unlockpt(master) ? NULL : ptsname(master);
	/* its own descriptor: read_some() closes out_fd at the end */
	g->in_fd = name ? fcntl(master, F_DUPFD_CLOEXEC, 0) : -1;
	g->pid = g->in_fd < 0 ? -1 : fork();
	if (g->pid < 0) {
		close(master);
		if (g->in_fd >= 0)
			close(g->in_fd);
		g->in_fd = -1;
		return -1;
	}
	if (g->pid == 0) {
		/* a session of its own, the terminal its controlling one */
		setsid();
		slave = open(name, O_RDWR);
		if (slave < 0)
			_exit(127);
		dup2(slave, 0);
		dup2(slave, 1);
		dup2(slave, 2);
		execv(argv[0], (char *const *)argv);
		_exit(127);
	}
	g->out_fd = master;
	g->slow_typing = true;
	return 0;
}

static bool read_some(struct guest_run *g, double timeout_s);

int guest_type(struct guest_run *g, const char *text)
{
	size_t len = strlen(text), chunk, done;
	double quiet_by = now_s() + 10;

	if (g->in_fd < 0)
		return -1;
	/* on a pty, type when the guest's shell is quiet (at its prompt), or 10 s on */
	while (g->slow_typing && now_s() < quiet_by && read_some(g, 0.3))
		;
	for (done = 0; done < len; done += chunk) {
		chunk = g->slow_typing && len - done > 16 ? 16 : len - done;
		if (done)
			usleep(20000);
		if (write(g->in_fd, text + done, chunk) != (ssize_t)chunk)
			return -1;
	}
	return 0;
}

/* Output up to g->len arrived at @t; reads within 1 ms of each other are one. */
static void record_chunk(struct guest_run *g, double t)
{
	struct guest_chunk *last = g->nr_chunks ? &g->chunks[g->nr_chunks - 1] : NULL;

	if (last && t - last->time < 0.001) {
		last->end = g->len;
		return;
	}
	if (g->nr_chunks == g->chunks_cap) {
		g->chunks_cap *= 2;
		g->chunks = realloc(g->chunks, sizeof(*g->chunks) * g->chunks_cap);
	}
	g->chunks[g->nr_chunks++] = (struct guest_chunk){ g->len, t };
}

/* One read of output, waiting up to @timeout_s; false at EOF or timeout. */
static bool read_some(struct guest_run *g, double timeout_s)
{
	struct pollfd p = { .fd = g->out_fd, .events = POLLIN };
	ssize_t n;
	int ms = timeout_s > 0 ? (int)(timeout_s * 1000) : 0;

	if (g->out_fd < 0 || poll(&p, 1, ms) <= 0)
		return false;
	if (g->len + 4096 + 1 > g->cap) {
		g->cap *= 2;
		g->out = realloc(g->out, g->cap);
	}
	n = read(g->out_fd, g->out + g->len, 4096);
	if (n <= 0) {
		close(g->out_fd);
		g->out_fd = -1;
		return false;
	}
	g->len += (size_t)n;
	g->out[g->len] = 0;
	record_chunk(g, now_s() - g->start);
	return true;
}

bool guest_wait_for(struct guest_run *g, const char *needle, double timeout_s)
{
	double deadline = now_s() + timeout_s;

	while (!strstr(g->out, needle)) {
		if (now_s() >= deadline || !read_some(g, deadline - now_s()))
			return strstr(g->out, needle) != NULL;
	}
	return true;
}

/* Prints file @path as diagnostics, each line after @prefix. */
static void diag_file(const char *path, const char *prefix)
{
	char line[200];
	FILE *f = fopen(path, "r");

	while (f && fgets(line, sizeof(line), f)) {
		line[strcspn(line, "\n")] = 0;
		tap_diag("%s%s", prefix, line);
	}
	if (f)
		fclose(f);
}

/*
 * What a VMM that does not end is doing, before it is killed: each
 * thread's name, state and kernel stack, and its vCPUs' exit counters
 * twice, a second apart (moving: the guest runs).
 */
static void diag_stuck(pid_t pid)
{
	char path[320], prefix[280];
	struct dirent *e;
	DIR *d;
	int pass;

	snprintf(path, sizeof(path), "/proc/%d/task", (int)pid);
	d = opendir(path);
	while (d && (e = readdir(d))) {
		if (e->d_name[0] == '.')
			continue;
		snprintf(prefix, sizeof(prefix), "task %s ", e->d_name);
		snprintf(path, sizeof(path), "/proc/%d/task/%s/comm", (int)pid, e->d_name);
		diag_file(path, prefix);
		snprintf(path, sizeof(path), "/proc/%d/task/%s/wchan", (int)pid, e->d_name);
		diag_file(path, prefix);
		snprintf(path, sizeof(path), "/proc/%d/task/%s/stack", (int)pid, e->d_name);
		diag_file(path, prefix);
	}
	if (d)
		closedir(d);
	for (pass = 0; pass < 2; pass++) {
		if (pass)
			sleep(1);
		snprintf(path, sizeof(path), "/sys/kernel/debug/armvirt/vcpus");
		d = opendir(path);
		while (d && (e = readdir(d))) {
			if (atoi(e->d_name) != (int)pid)
				continue;
			snprintf(prefix, sizeof(prefix), "%s: ", e->d_name);
			snprintf(path, sizeof(path), "/sys/kernel/debug/armvirt/vcpus/%s", e->d_name);
			diag_file(path, prefix);
		}
		if (d)
			closedir(d);
	}
}

int guest_finish(struct guest_run *g, double timeout_s)
{
	double deadline = now_s() + timeout_s;
	int status;

	while (g->out_fd >= 0 && now_s() < deadline)
		read_some(g, deadline - now_s());
	for (;;) {
		pid_t r = waitpid(g->pid, &status, WNOHANG);

		if (r == g->pid)
			break;
		if (now_s() >= deadline) {
			tap_diag("armvirt-vmm still running after %.0f s: killed", timeout_s);
			diag_stuck(g->pid);
			kill(g->pid, SIGKILL);
			waitpid(g->pid, &status, 0);
			g->status = -1;
			return -1;
		}
		usleep(10000);
	}
	g->status = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
	return g->status;
}

double guest_time_of(const struct guest_run *g, const char *needle)
{
	const char *p = strstr(g->out, needle);
	size_t end, i;

	if (!p)
		return -1;
	end = (size_t)(p - g->out) + strlen(needle);
	for (i = 0; i < g->nr_chunks; i++)
		if (g->chunks[i].end >= end)
			return g->chunks[i].time;
	return -1;
}

bool guest_cmd_output(const struct guest_run *g, char *buf, size_t size)
{
	const char *start = strstr(g->out, "=== armvirt-guest-cmd\n");
	const char *end;
	size_t n;

	if (!start)
		start = strstr(g->out, "=== armvirt-guest-cmd\r\n");
	if (!start)
		return false;
	start = strchr(start, '\n') + 1;
	end = strstr(start, "=== armvirt-guest-cmd-end");
	if (!end)
		return false;
	n = (size_t)(end - start) < size - 1 ? (size_t)(end - start) : size - 1;
	memcpy(buf, start, n);
	buf[n] = 0;
	return true;
}

bool text_line_after(const char *text, const char *key, char *buf, size_t size)
{
	size_t klen = strlen(key);
	const char *p = text;

	while (p && strncmp(p, key, klen)) {
		p = strchr(p, '\n');
		if (p)
			p++;
	}
	if (!p)
		return false;
	p += klen;
	snprintf(buf, size, "%.*s", (int)strcspn(p, "\r\n"), p);
	return true;
}

bool guest_line_after(const struct guest_run *g, const char *key, char *buf, size_t size)
{
	return text_line_after(g->out, key, buf, size);
}

int guest_cmd_rc(const struct guest_run *g)
{
	const char *p = strstr(g->out, "=== armvirt-guest-cmd-end rc=");
	int rc;

	if (!p || sscanf(p, "=== armvirt-guest-cmd-end rc=%d", &rc) != 1)
		return -1;
	return rc;
}

void guest_diag_tail(const struct guest_run *g, size_t bytes)
{
	const char *p = g->len > bytes ? g->out + g->len - bytes : g->out;
	char line[256];
	size_t n;

	while (*p) {
		n = strcspn(p, "\r\n");
		snprintf(line, sizeof(line), "%.*s", (int)(n < 255 ? n : 255), p);
		if (n)
			tap_diag("| %s", line);
		p += n;
		p += strspn(p, "\r\n");
	}
}

bool guest_check(const struct guest_run *g, bool ok)
{
	if (!ok)
		guest_diag_tail(g, 2000);
	return ok;
}

void guest_free(struct guest_run *g)
{
	if (g->pid > 0 && g->status < 0) {
		kill(g->pid, SIGKILL);
		waitpid(g->pid, NULL, 0);
	}
	if (g->out_fd >= 0)
		close(g->out_fd);
	if (g->in_fd >= 0)
		close(g->in_fd);
	free(g->out);
	free(g->chunks);
	g->out = NULL;
	g->chunks = NULL;
}

bool guest_run_refused(const char *const argv[], int status, const char *msg)
{
	struct guest_run g;
	bool ok;

	if (guest_start(&g, argv))
		return false;
	ok = guest_finish(&g, 60) == status && strstr(g.out, msg);
	if (!ok)
		guest_diag_tail(&g, 1000);
	guest_free(&g);
	return ok;
}

void guest_ticks(const char *out, size_t from, double *up, int max, int *first, int *last)
{
	const char *p = out + from;
	int n, closing;
	double t;

	*first = *last = -1;
	while ((p = strstr(p, "\nTICK ")) != NULL) {
		p++;
		if (sscanf(p, "TICK %d %lf /TICK %d", &n, &t, &closing) != 3 || n != closing ||
		    n < 0 || n >= max)
			continue;
		up[n] = t;
		if (*first < 0 || n < *first)
			*first = n;
		if (n > *last)
			*last = n;
	}
}
