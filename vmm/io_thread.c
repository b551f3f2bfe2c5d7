// SPDX-License-Identifier: GPL-2.0-only
/*
 * The I/O thread: one epoll loop over every host fd a device waits on
 * (stdin, the tap, the queues' ioeventfds). Handlers run on this thread,
 * one at a time, and take their device's lock.
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include "vmm.h"

#define IO_MAX_WATCHES	32

struct io_watch {
	int fd;
	const char *what;
	io_handler fn;
	void *opaque;
	/* under watch_lock */
	bool paused;		/* out of the epoll set for now */
	bool forgotten;		/* out of it for good (io_forget()) */
};

/* A watch's state and its place in the epoll set; a leaf lock, taken under device locks. */
static pthread_mutex_t watch_lock = PTHREAD_MUTEX_INITIALIZER;
static struct io_watch watches[IO_MAX_WATCHES];
static int nr_watches;
static int epoll_fd = -1, stop_fd = -1;
static pthread_t io_thread;
static bool running;

static int io_init(void)
{
	struct epoll_event ev = { .events = EPOLLIN, .data.ptr = NULL };

	if (epoll_fd >= 0)
		return 0;
	epoll_fd = epoll_create1(EPOLL_CLOEXEC);
	stop_fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	if (epoll_fd < 0 || stop_fd < 0 ||
	    epoll_ctl(epoll_fd, EPOLL_CTL_ADD, stop_fd, &ev))
		return -1;
	return 0;
}

int io_watch(int fd, const char *what, io_handler fn, void *opaque)
{
	struct epoll_event ev = { .events = EPOLLIN };

	if (io_init())
		return -1;
	if (nr_watches == IO_MAX_WATCHES) {
		errno = ENOSPC;
		return -1;
	}
	watches[nr_watches] = (struct io_watch){ .fd = fd, .what = what, .fn = fn, .opaque = opaque };
	ev.data.ptr = &watches[nr_watches];
	if (epoll_ctl(epoll_fd, EPOLL_CTL_ADD, fd, &ev))
		return -1;
	nr_watches++;
	return 0;
}

/*
 * A paused fd leaves the epoll set, rather than asking for no event:
 * epoll reports an error or a hang-up whatever was asked, and a paused
 * watch's handler would be called in a loop.
 */
void io_watch_pause(int fd, bool paused)
{
	struct io_watch *w;
	int i;

	pthread_mutex_lock(&watch_lock);
	for (i = 0; i < nr_watches; i++) {
		w = &watches[i];
		if (w->fd != fd)
			continue;
		if (!w->forgotten && w->paused != paused) {
			struct epoll_event ev = { .events = EPOLLIN, .data.ptr = w };

			epoll_ctl(epoll_fd, paused ? EPOLL_CTL_DEL : EPOLL_CTL_ADD, fd, &ev);
			w->paused = paused;
		}
		break;
	}
	pthread_mutex_unlock(&watch_lock);
}

/*
 * An fd with an error, or hung up with nothing left to read (a tap the
 * host deleted, stdin at its end), reports it for good: once its handler
 * had its look, it leaves the epoll set and is not resumed.
 */
static void io_forget(struct io_watch *w, uint32_t events)
{
	bool error = events & EPOLLERR;

	if (!error && (events & (EPOLLHUP | EPOLLIN)) != EPOLLHUP)
		return;
	pthread_mutex_lock(&watch_lock);
	if (!w->forgotten) {
		if (!w->paused)
			epoll_ctl(epoll_fd, EPOLL_CTL_DEL, w->fd, NULL);
		w->forgotten = true;
		if (error)
			vmm_err("%s: an error; no longer watched", w->what);
		else
			vmm_info("%s: hung up; no longer watched", w->what);
	}
	pthread_mutex_unlock(&watch_lock);
}

static void *io_loop(void *arg)
{
	struct epoll_event ev[16];
	int n, i;

	for (;;) {
		n = epoll_wait(epoll_fd, ev, 16, -1);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			vmm_err("I/O thread: epoll_wait: %s", strerror(errno));
			vmm_request_stop(arg, STOP_ERROR);
			return NULL;
		}
		for (i = 0; i < n; i++) {
			struct io_watch *w = ev[i].data.ptr;

			if (!w)		/* stop_fd */
				return NULL;
			w->fn(w->fd, w->opaque);
			io_forget(w, ev[i].events);
		}
	}
}

int io_thread_start(struct vmm *vmm)
{
	uint64_t v;

	if (io_init())
		return -1;
	while (read(stop_fd, &v, sizeof(v)) > 0)
		;
	if (thread_create_small_stack(&io_thread, io_loop, vmm))
		return -1;
	/* a name for top -H and for make bench, which counts its wake-ups */
	pthread_setname_np(io_thread, "armvirt-io");
	running = true;
	return 0;
}

void io_close(void)
{
	io_thread_stop();
	if (epoll_fd >= 0)
		close(epoll_fd);
	if (stop_fd >= 0)
		close(stop_fd);
	epoll_fd = stop_fd = -1;
	nr_watches = 0;
}

void io_thread_stop(void)
{
	uint64_t one = 1;

	if (!running)
		return;
	if (write(stop_fd, &one, sizeof(one)) != sizeof(one))
		vmm_err("cannot stop the I/O thread");
	pthread_join(io_thread, NULL);
	running = false;
}
