// SPDX-License-Identifier: GPL-2.0-only
/*
 * virtio-net on one end of a datagram socket pair, the tap's stand-in (one
 * frame per read and write); the harness writes frames into the other end.
 */
#include <stdlib.h>
#include <sys/socket.h>
#include <unistd.h>

#include "fuzz.h"

static int peer = -1, dev_fd = -1;

static struct mmio_dev *net_create(struct vmm *vmm)
{
	int sv[2];

	if (socketpair(AF_UNIX, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0, sv))
		return NULL;
	peer = sv[0];
	dev_fd = sv[1];
	return virtio_net_create_fd(vmm, dev_fd, -1, NULL, 0);
}

/* Frames left from the last input: gone, both ways. */
static void net_reset(void)
{
	char buf[2048];

	while (read(peer, buf, sizeof(buf)) >= 0)
		;
	while (read(dev_fd, buf, sizeof(buf)) >= 0)
		;
}

/* A frame from the "tap", and the device told it is there. */
static void net_backend(struct input *in)
{
	size_t len;
	const uint8_t *frame = in_bytes(in, in_u16(in) % 2048, &len);

	if (write(peer, frame, len) < 0) {
		/* the socket is full: the device has not read; it is told again */
	}
	fuzz_io_ready(dev_fd);
}

const struct fuzz_target fuzz_target = {
	.virtio = true, .create = net_create, .reset = net_reset, .backend = net_backend,
};
