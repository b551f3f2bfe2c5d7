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
};

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
	watches[nr_watches] = (struct io_watch){ fd, what, fn, opaque };
	ev.data.ptr = &watches[nr_watches];
	if (epoll_ctl(epoll_fd, EPOLL_CTL_ADD, fd, &ev))
		return -1;
	nr_watches++;
	return 0;
}

void io_watch_pause(int fd, bool paused)
{
	int i;

	for (i = 0; i < nr_watches; i++) {
		if (watches[i].fd == fd) {
			struct epoll_event ev = {
				.events = paused ? 0 : EPOLLIN, .data.ptr = &watches[i],
			};

			epoll_ctl(epoll_fd, EPOLL_CTL_MOD, fd, &ev);
			return;
		}
	}
}

/*
 * epoll reports an error or a hang-up whatever the events asked, a paused
 * watch's too: an fd that has one for good (a tap the host deleted, stdin
 * at its end) would have the loop spin. Its handler had its look first.
 */
static void io_forget(struct io_watch *w, uint32_t events)
{
	if ((events & EPOLLERR) || (events & (EPOLLHUP | EPOLLIN)) == EPOLLHUP) {
		epoll_ctl(epoll_fd, EPOLL_CTL_DEL, w->fd, NULL);
		vmm_err("%s: %s; no longer watched", w->what,
			events & EPOLLERR ? "an error" : "hung up");
	}
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
