// SPDX-License-Identifier: GPL-2.0-only
/*
 * The control socket (--control): a UNIX stream socket, mode 0600, served
 * by its own thread, one client at a time (another one gets a Busy error
 * and is closed), one request line in (control_proto.c), one reply line
 * out. A line longer than CTL_LINE_MAX gets a LineTooLong error and the
 * client is dropped, as is one that sends nothing for CTL_IDLE_S.
 *
 * Threads and locks. The control thread owns the sockets, the line buffer
 * and the exit-rate samples (struct ctl_thread). It answers `status` and
 * `console` itself, from configuration that no thread changes, the vCPUs'
 * exit counters (atomics), vmm->paused and the console's pty (ctl_lock). Every other command
 * changes the VM, which only the main thread may do (it starts and stops
 * the vCPU and I/O threads): the control thread posts it in `pending`
 * (ctl_lock), sends the main thread control_signal(), and waits on
 * ctl_done until control_serve(), on the main thread, has put the reply
 * there. control_close() fails a request still waiting, so that the
 * control thread never waits for a main thread that has gone. The
 * console's monitor posts its commands in the same slot without waiting
 * (the I/O thread that reads the console must not wait for a main thread
 * that may be stopping it); control_serve() prints their replies on the
 * console. One command is posted at a time: the socket's waits for the
 * slot, the console's is refused while it is taken.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "vm_name.h"
#include "vmm.h"

#define CTL_LINE_MAX	4096
#define CTL_IDLE_S	60		/* a client silent that long makes room for others */
#define SIG_CTL_REQ	(SIGRTMIN + 2)	/* vcpu.c has SIGRTMIN and SIGRTMIN + 1 */

static pthread_mutex_t ctl_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t ctl_done = PTHREAD_COND_INITIALIZER;

/* A command for the main thread; all of it protected by ctl_lock. */
static struct {
	bool posted, done, closing, from_console;
	struct ctl_request req;
	struct json_out reply;
} pending;

/* The control thread's own (set up before it starts, torn down after it ends). */
static struct ctl_thread {
	struct vmm *vmm;
	int listen_fd, wake_fd, client_fd;
	struct sockaddr_un addr;
	struct stat st;			/* the socket file we made */
	pthread_t thread;
	bool running;
	double start, client_seen;
	char line[CTL_LINE_MAX];
	size_t len;
	unsigned long prev[VMM_MAX_VCPUS];
	double prev_t, rate[VMM_MAX_VCPUS];
} ctl = { .listen_fd = -1, .wake_fd = -1, .client_fd = -1 };

static double mono_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int control_signal(void)
{
	return SIG_CTL_REQ;
}

void control_set_paused(struct vmm *vmm, bool paused)
{
	pthread_mutex_lock(&ctl_lock);
	vmm->paused = paused;
	pthread_mutex_unlock(&ctl_lock);
}

static char console_pty[64];	/* ctl_lock; "" while the console is on stdio */

void control_set_console_pty(const char *path)
{
	pthread_mutex_lock(&ctl_lock);
	snprintf(console_pty, sizeof(console_pty), "%s", path);
	pthread_mutex_unlock(&ctl_lock);
}

/* console: where a client attaches to the guest's console (armvirt-ctl NAME console). */
static void console_pty_reply(struct json_out *o)
{
	char path[sizeof(console_pty)];

	pthread_mutex_lock(&ctl_lock);
	memcpy(path, console_pty, sizeof(path));
	pthread_mutex_unlock(&ctl_lock);
	if (!path[0]) {
		ctl_error(o, "NoPty", "the console is on the VMM's stdin and stdout; "
			  "start the VMM with --console pty to attach to it");
		return;
	}
	o->len = 0;
	json_raw(o, "{\"return\":{\"pty\":");
	json_str(o, path);
	json_raw(o, "}}");
}

/* Each vCPU's exits per second over the last second or so. */
static void sample_exits(void)
{
	double now = mono_s(), dt = now - ctl.prev_t;
	int i;

	if (dt < 1.0)
		return;
	for (i = 0; i < ctl.vmm->cfg.nr_vcpus; i++) {
		unsigned long cur = __atomic_load_n(&ctl.vmm->vcpu[i].exits, __ATOMIC_RELAXED);

		ctl.rate[i] = (double)(cur - ctl.prev[i]) / dt;
		ctl.prev[i] = cur;
	}
	ctl.prev_t = now;
}

static void status_reply(struct json_out *o)
{
	const struct vmm_config *cfg = &ctl.vmm->cfg;
	double total = 0;
	bool paused;
	int i;

	pthread_mutex_lock(&ctl_lock);
	paused = ctl.vmm->paused;
	pthread_mutex_unlock(&ctl_lock);
	for (i = 0; i < cfg->nr_vcpus; i++)
		total += ctl.rate[i];
	json_raw(o, "{\"return\":{\"name\":");
	json_str(o, cfg->name);
	json_raw(o, ",\"state\":\"%s\",\"pid\":%d,\"vcpus\":%d,\"memory_mib\":%llu,"
		 "\"uptime_s\":%.1f,\"exits_per_s\":%.0f,\"vcpu_exits_per_s\":[",
		 paused ? "paused" : "running", (int)getpid(), cfg->nr_vcpus,
		 (unsigned long long)(cfg->ram_size >> 20), mono_s() - ctl.start, total);
	for (i = 0; i < cfg->nr_vcpus; i++)
		json_raw(o, "%s%.0f", i ? "," : "", ctl.rate[i]);
	json_raw(o, "]}}");
}

/* Hand @req to the main thread and wait for its reply. */
static void post_and_wait(const struct ctl_request *req, struct json_out *reply)
{
	pthread_mutex_lock(&ctl_lock);
	while (pending.posted && !pending.closing)	/* the console's */
		pthread_cond_wait(&ctl_done, &ctl_lock);
	if (pending.closing) {
		pthread_mutex_unlock(&ctl_lock);
		ctl_error(reply, "Stopping", "the VMM is exiting");
		return;
	}
	pending.req = *req;
	pending.posted = true;
	pending.done = false;
	pending.from_console = false;
	pthread_mutex_unlock(&ctl_lock);
	pthread_kill(ctl.vmm->main_thread, SIG_CTL_REQ);
	pthread_mutex_lock(&ctl_lock);
	while (!pending.done)
		pthread_cond_wait(&ctl_done, &ctl_lock);
	*reply = pending.reply;
	pending.posted = pending.done = false;
	pthread_cond_broadcast(&ctl_done);
	pthread_mutex_unlock(&ctl_lock);
}

int control_post_console(struct vmm *vmm, const struct ctl_request *req)
{
	pthread_mutex_lock(&ctl_lock);
	if (pending.posted || pending.closing) {
		pthread_mutex_unlock(&ctl_lock);
		return -1;
	}
	pending.req = *req;
	pending.posted = true;
	pending.done = false;
	pending.from_console = true;
	pthread_mutex_unlock(&ctl_lock);
	pthread_kill(vmm->main_thread, SIG_CTL_REQ);
	return 0;
}

/* The reply and its newline; false if the client cannot take it (then dropped). */
static bool send_reply(int fd, struct json_out *o)
{
	if (o->overflow)
		ctl_error(o, "Failed", "the reply does not fit");
	json_raw(o, "\n");
	return send(fd, o->buf, o->len, MSG_NOSIGNAL | MSG_DONTWAIT) == (ssize_t)o->len;
}

static void drop_client(void)
{
	close(ctl.client_fd);
	ctl.client_fd = -1;
	ctl.len = 0;
}

/* One request line: false if the client is to be dropped. */
static bool handle_line(const char *line, size_t len)
{
	struct json_out reply = { .len = 0 };
	struct ctl_request req;
	size_t i;

	if (len && line[len - 1] == '\r')
		len--;
	for (i = 0; i < len && (line[i] == ' ' || line[i] == '\t'); i++)
		;
	if (i == len)		/* a blank line: nothing asked */
		return true;
	if (!ctl_parse(line, len, &req, &reply)) {
		if (req.op == CTL_STATUS)
			status_reply(&reply);
		else if (req.op == CTL_CONSOLE)
			console_pty_reply(&reply);
		else
			post_and_wait(&req, &reply);
	}
	return send_reply(ctl.client_fd, &reply);
}

static void read_client(void)
{
	ssize_t n = read(ctl.client_fd, ctl.line + ctl.len, sizeof(ctl.line) - ctl.len);
	char *nl;

	if (n < 0 && (errno == EINTR || errno == EAGAIN))
		return;
	if (n <= 0) {
		drop_client();
		return;
	}
	ctl.client_seen = mono_s();
	ctl.len += (size_t)n;
	while ((nl = memchr(ctl.line, '\n', ctl.len))) {
		size_t used = (size_t)(nl - ctl.line) + 1;

		if (!handle_line(ctl.line, used - 1)) {
			drop_client();
			return;
		}
		memmove(ctl.line, ctl.line + used, ctl.len - used);
		ctl.len -= used;
		ctl.client_seen = mono_s();	/* a command may have taken long */
	}
	if (ctl.len == sizeof(ctl.line)) {
		struct json_out reply = { .len = 0 };

		ctl_error(&reply, "LineTooLong", "a request line is at most %d bytes", CTL_LINE_MAX - 1);
		send_reply(ctl.client_fd, &reply);
		drop_client();
	}
}

static void accept_client(void)
{
	int fd = accept4(ctl.listen_fd, NULL, NULL, SOCK_CLOEXEC);
	struct json_out reply = { .len = 0 };

	if (fd < 0)
		return;
	if (ctl.client_fd < 0) {
		ctl.client_fd = fd;
		ctl.len = 0;
		ctl.client_seen = mono_s();
		return;
	}
	ctl_error(&reply, "Busy", "another client is connected; one at a time");
	send_reply(fd, &reply);
	close(fd);
}

static void *control_thread(void *arg)
{
	for (;;) {
		struct pollfd p[3] = {
			{ .fd = ctl.wake_fd, .events = POLLIN },
			{ .fd = ctl.listen_fd, .events = POLLIN },
			{ .fd = ctl.client_fd, .events = POLLIN },
		};
		int n = poll(p, ctl.client_fd >= 0 ? 3 : 2, 1000);

		sample_exits();
		if (n < 0 && errno != EINTR) {
			vmm_err("control socket: poll: %s; no more control", strerror(errno));
			break;
		}
		if (ctl.client_fd >= 0 && mono_s() - ctl.client_seen > CTL_IDLE_S)
			drop_client();
		if (n <= 0)
			continue;
		if (p[0].revents)
			break;
		if (ctl.client_fd >= 0 && p[2].revents)
			read_client();
		if (p[1].revents)
			accept_client();
	}
	if (ctl.client_fd >= 0)
		drop_client();
	return NULL;
}

/* A socket file already there: removed if no VMM answers on it, else refused. */
static int clear_stale(const char *path)
{
	struct stat st;
	int fd, ret;

	if (lstat(path, &st))
		return 0;
	if (!S_ISSOCK(st.st_mode)) {
		vmm_err("--control %s: exists and is not a socket; give another path", path);
		return -1;
	}
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -1;
	ret = connect(fd, (struct sockaddr *)&ctl.addr, sizeof(ctl.addr));
	close(fd);
	if (ret == 0) {
		vmm_err("--control %s: a running VMM answers there; give another path or --name", path);
		return -1;
	}
	if (errno != ECONNREFUSED) {
		vmm_err("--control %s: %s", path, strerror(errno));
		return -1;
	}
	unlink(path);
	return 0;
}

/*
 * The socket's path: cfg.control, or the run directory's NAME.sock. The
 * directory is made 0700, or must already be so: one that another user
 * made first (in /tmp), or a link, would let that user put another socket
 * in this one's place, or read what armvirt-ctl sends.
 */
static int socket_path(struct vmm *vmm, char *path, size_t size)
{
	struct stat st;
	char dir[256];

	if (strcmp(vmm->cfg.control, "auto")) {
		if (snprintf(path, size, "%s", vmm->cfg.control) >= (int)size) {
			vmm_err("--control %s: a socket path is at most %zu bytes", vmm->cfg.control,
				size - 1);
			return -1;
		}
		return 0;
	}
	if (run_dir(dir, sizeof(dir)) || control_path(dir, vmm->cfg.name, path, size)) {
		vmm_err("--control auto: the run directory's path is too long; give a path");
		return -1;
	}
	if (mkdir(dir, 0700) && errno != EEXIST) {
		vmm_err("--control auto: cannot make %s: %s", dir, strerror(errno));
		return -1;
	}
	if (lstat(dir, &st) || !S_ISDIR(st.st_mode) || st.st_uid != geteuid() ||
	    (st.st_mode & 077)) {
		vmm_err("--control auto: %s is not a directory of this user alone (0700, not a link): remove it, or give a path",
			dir);
		return -1;
	}
	return 0;
}

int control_open(struct vmm *vmm)
{
	char *path = ctl.addr.sun_path;
	mode_t mask;
	int ret;

	if (!vmm->cfg.control)
		return 0;
	ctl.vmm = vmm;
	ctl.addr.sun_family = AF_UNIX;
	if (socket_path(vmm, path, sizeof(ctl.addr.sun_path)) || clear_stale(path))
		return -1;
	ctl.listen_fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	ctl.wake_fd = eventfd(0, EFD_CLOEXEC);
	if (ctl.listen_fd < 0 || ctl.wake_fd < 0) {
		vmm_err("control socket: %s", strerror(errno));
		return -1;
	}
	mask = umask(0177);		/* the socket file: 0600, only its owner connects */
	ret = bind(ctl.listen_fd, (struct sockaddr *)&ctl.addr, sizeof(ctl.addr));
	umask(mask);
	if (ret || lstat(path, &ctl.st) || listen(ctl.listen_fd, 4)) {
		vmm_err("--control %s: %s", path, strerror(errno));
		return -1;
	}
	ctl.start = ctl.prev_t = mono_s();
	if (thread_create_small_stack(&ctl.thread, control_thread, NULL)) {
		vmm_err("control socket: cannot start its thread");
		unlink(path);
		return -1;
	}
	pthread_setname_np(ctl.thread, "armvirt-ctl");
	ctl.running = true;
	vmm_info("control socket %s (VM %s)", path, vmm->cfg.name);
	return 0;
}

void control_close(void)
{
	uint64_t one = 1;
	struct stat st;

	pthread_mutex_lock(&ctl_lock);
	pending.closing = true;
	if (pending.posted && !pending.done) {
		ctl_error(&pending.reply, "Stopping", "the VMM is exiting");
		pending.done = true;
		pthread_cond_broadcast(&ctl_done);
	}
	pthread_mutex_unlock(&ctl_lock);
	if (ctl.running) {
		if (write(ctl.wake_fd, &one, sizeof(one)) != sizeof(one))
			vmm_err("cannot stop the control thread");
		pthread_join(ctl.thread, NULL);
		ctl.running = false;
	}
	/* remove the socket file only if it is still the one we made */
	if (ctl.listen_fd >= 0 && !lstat(ctl.addr.sun_path, &st) &&
	    st.st_dev == ctl.st.st_dev && st.st_ino == ctl.st.st_ino)
		unlink(ctl.addr.sun_path);
	if (ctl.listen_fd >= 0)
		close(ctl.listen_fd);
	if (ctl.wake_fd >= 0)
		close(ctl.wake_fd);
	ctl.listen_fd = ctl.wake_fd = -1;
}

/* pause and resume: each a no-op if the guest is already so */
static enum vmm_stop pause_or_resume(struct vmm *vmm, bool pause, const char *by,
				     struct json_out *reply)
{
	const char *what = pause ? "pause" : "resume";

	if (vmm->paused == pause)
		return STOP_NONE;
	if (pause ? vm_pause(vmm) : vm_resume(vmm)) {
		ctl_error(reply, "Failed", "%s: %s", what, vmm_first_error());
		return STOP_ERROR;
	}
	control_set_paused(vmm, pause);
	vmm_info("%sd by the %s", what, by);
	return STOP_NONE;
}

/* status, as a line for the console's monitor (from the main thread). */
static void status_text(struct vmm *vmm, char *buf, size_t size)
{
	unsigned long long exits = 0;
	int i;

	for (i = 0; i < vmm->cfg.nr_vcpus; i++)
		exits += __atomic_load_n(&vmm->vcpu[i].exits, __ATOMIC_RELAXED);
	snprintf(buf, size, "%s: %s, %d vCPU%s, %llu MiB, %llu exits so far",
		 vmm->cfg.name, vmm->paused ? "paused" : "running", vmm->cfg.nr_vcpus,
		 vmm->cfg.nr_vcpus > 1 ? "s" : "", (unsigned long long)(vmm->cfg.ram_size >> 20),
		 exits);
}

/* The console's command done: its reply, in words, on the console. */
static void console_reply(struct vmm *vmm, const struct ctl_request *req,
			  const struct json_out *reply)
{
	char text[512];

	if (!strncmp(reply->buf, "{\"error\"", 9))
		snprintf(text, sizeof(text), "error: %.*s", (int)reply->len, reply->buf);
	else if (req->op == CTL_CONSOLE)
		snprintf(text, sizeof(text), "%.*s", (int)reply->len, reply->buf);
	else if (req->op == CTL_STATUS)
		status_text(vmm, text, sizeof(text));
	else
		snprintf(text, sizeof(text), "ok");
	monitor_reply(text);
}

/* On the main thread: what a command does to the VM. */
static enum vmm_stop run_command(struct vmm *vmm, const struct ctl_request *req,
				 const char *by, struct json_out *reply, int *sig)
{
	enum vmm_stop why = STOP_NONE;

	json_raw(reply, "{\"return\":{}}");
	vmm_error_clear();
	switch (req->op) {
	case CTL_STATUS:
		break;
	case CTL_CONSOLE:
		console_pty_reply(reply);
		break;
	case CTL_PAUSE:
	case CTL_RESUME:
		return pause_or_resume(vmm, req->op == CTL_PAUSE, by, reply);
	case CTL_STOP:
		*sig = SIGTERM;
		why = STOP_SIGNAL;
		break;
	case CTL_SAVE:
		if (snapshot_save(vmm, req->arg, true))
			ctl_error(reply, "Failed", "%s", vmm_first_error());
		break;
	case CTL_MIGRATE:
		if (migrate_out(vmm, req->arg))
			ctl_error(reply, "Failed", "%s", vmm_first_error());
		else
			why = STOP_MIGRATED;
		break;
	}
	return why;
}

enum vmm_stop control_serve(struct vmm *vmm, int *sig)
{
	struct json_out reply = { .len = 0 };
	struct ctl_request req;
	enum vmm_stop why;
	bool from_console;

	pthread_mutex_lock(&ctl_lock);
	if (!pending.posted || pending.done) {
		pthread_mutex_unlock(&ctl_lock);
		return STOP_NONE;
	}
	req = pending.req;
	from_console = pending.from_console;
	pthread_mutex_unlock(&ctl_lock);
	why = run_command(vmm, &req, from_console ? "console's monitor" : "control socket",
			  &reply, sig);
	if (from_console)
		console_reply(vmm, &req, &reply);
	pthread_mutex_lock(&ctl_lock);
	if (from_console) {
		pending.posted = false;		/* nobody waits for this reply */
	} else {
		pending.reply = reply;
		pending.done = true;
	}
	pthread_cond_broadcast(&ctl_done);
	pthread_mutex_unlock(&ctl_lock);
	return why;
}
