// SPDX-License-Identifier: GPL-2.0-only
/*
 * disk-seq write|read FILE MIB: sequential I/O in 1 MiB blocks.
 *   write: MIB MiB of a pattern to FILE from its start, then fdatasync(),
 *          all timed (the dd 1M conv=fdatasync of the reference study);
 *   read:  MIB MiB from FILE's start with O_DIRECT, past the page cache;
 *          where the file system refuses O_DIRECT (tmpfs before Linux 6.6),
 *          buffered, and the line says so.
 * Prints "disk-seq: write|read MIB MiB in S s, X MiB/s (direct|buffered)".
 * Static, for tests/bench/50-study on the board and in the guest.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "tool_time.h"
#include <unistd.h>

#define BLOCK	(1 << 20)

int main(int argc, char **argv)
{
	const char *how = "direct";
	long mib, i;
	void *buf = NULL;
	double t;
	int fd, write_mode, rc = 1;

	if (argc != 4 || (strcmp(argv[1], "write") && strcmp(argv[1], "read")) ||
	    (mib = atol(argv[3])) <= 0) {
		fprintf(stderr, "usage: disk-seq write|read FILE MIB\n");
		return 2;
	}
	write_mode = !strcmp(argv[1], "write");
	if (posix_memalign(&buf, 4096, BLOCK)) {
		fprintf(stderr, "disk-seq: no memory\n");
		return 1;
	}
	memset(buf, 0xa5, BLOCK);
	if (write_mode) {
		how = "fdatasync";
		fd = open(argv[2], O_WRONLY | O_CREAT, 0644);
	} else {
		fd = open(argv[2], O_RDONLY | O_DIRECT);
		if (fd < 0 && errno == EINVAL) {
			how = "buffered";
			fd = open(argv[2], O_RDONLY);
		}
	}
	if (fd < 0) {
		fprintf(stderr, "disk-seq: %s: %s\n", argv[2], strerror(errno));
		goto out;
	}
	t = now_s();
	for (i = 0; i < mib; i++) {
		ssize_t n = write_mode ? write(fd, buf, BLOCK) : read(fd, buf, BLOCK);

		if (n != BLOCK) {
			fprintf(stderr, "disk-seq: %s block %ld: %s\n", argv[1], i,
				n < 0 ? strerror(errno) : "short");
			goto out_close;
		}
	}
	if (write_mode && fdatasync(fd)) {
		fprintf(stderr, "disk-seq: fdatasync: %s\n", strerror(errno));
		goto out_close;
	}
	t = now_s() - t;
	printf("disk-seq: %s %ld MiB in %.3f s, %.1f MiB/s (%s)\n", argv[1], mib, t,
	       t > 0 ? mib / t : 0, how);
	rc = 0;
out_close:
	close(fd);
out:
	free(buf);
	return rc;
}
