// SPDX-License-Identifier: GPL-2.0-only
/*
 * tcp-bench: TCP throughput between two ends, for tests/bench/50-study.
 *   tcp-bench -s [-p PORT]
 *	serve, one connection at a time, until killed;
 *   tcp-bench -c HOST [-p PORT] [-l BYTES] [-t SECONDS] [-R]
 *	connect to HOST and stream for SECONDS (default 3) in write() calls
 *	of BYTES (default 4096): the client writes (send), or with -R the
 *	server does (receive). Prints what the receiving end counted, over
 *	the time from the first byte sent to the last one acknowledged:
 *	"tcp-bench: send|recv BYTES B writes, X MiB in S s, Y MiB/s".
 * A 16-byte request opens each connection: magic, direction, write size
 * and milliseconds, big-endian; after a send, the server answers with the
 * byte count it read (8 bytes, big-endian) once the client has shut down
 * its half.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <stdbool.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>

#include "tool_time.h"
#include <unistd.h>

#define MAGIC		0x61544350u	/* "aTCP" */
#define MAX_LEN		(1 << 20)
#define READ_SIZE	65536

struct request {
	uint32_t magic, server_sends, len, ms;
};

/* All @len bytes of @buf written to @fd (@out) or read from it: 0, or -1. */
static int xfer_all(int fd, void *buf, size_t len, bool out)
{
	char *p = buf;

	while (len) {
		ssize_t n = out ? write(fd, p, len) : read(fd, p, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return -1;
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

static int write_all(int fd, const void *buf, size_t len)
{
	return xfer_all(fd, (void *)buf, len, true);
}

static int read_all(int fd, void *buf, size_t len)
{
	return xfer_all(fd, buf, len, false);
}

/* Write @len-byte pieces of @buf for @secs; 0 or -1. */
static int stream_out(int fd, const char *buf, size_t len, double secs)
{
	double end = now_s() + secs;

	while (now_s() < end)
		if (write_all(fd, buf, len))
			return -1;
	return 0;
}

/* Read until EOF; the bytes read, or -1. */
static long long drain(int fd, char *buf)
{
	long long total = 0;

	for (;;) {
		ssize_t n = read(fd, buf, READ_SIZE);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -1;
		if (n == 0)
			return total;
		total += n;
	}
}

static void serve_one(int fd, char *buf)
{
	struct request rq;
	long long got;
	uint32_t count[2];

	if (read_all(fd, &rq, sizeof(rq)) || ntohl(rq.magic) != MAGIC ||
	    ntohl(rq.len) == 0 || ntohl(rq.len) > MAX_LEN)
		return;
	if (ntohl(rq.server_sends)) {
		stream_out(fd, buf, ntohl(rq.len), ntohl(rq.ms) / 1000.0);
		return;
	}
	got = drain(fd, buf);
	if (got < 0)
		return;
	count[0] = htonl((uint32_t)((unsigned long long)got >> 32));
	count[1] = htonl((uint32_t)got);
	write_all(fd, count, sizeof(count));
}

static int server(int port, char *buf)
{
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons((uint16_t)port),
				 .sin_addr.s_addr = htonl(INADDR_ANY) };
	int one = 1, fd = socket(AF_INET, SOCK_STREAM, 0);

	if (fd < 0 || setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) ||
	    bind(fd, (struct sockaddr *)&a, sizeof(a)) || listen(fd, 4)) {
		perror("tcp-bench: server");
		if (fd >= 0)
			close(fd);
		return 1;
	}
	for (;;) {
		int c = accept(fd, NULL, NULL);

		if (c < 0) {
			if (errno == EINTR)
				continue;
			perror("tcp-bench: accept");
			close(fd);
			return 1;
		}
		serve_one(c, buf);
		close(c);
	}
}

/* A connection to @host:@port, retried for 5 s while nobody listens; or -1. */
static int connect_to(const char *host, int port)
{
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons((uint16_t)port) };
	double give_up = now_s() + 5;

	if (inet_pton(AF_INET, host, &a.sin_addr) != 1) {
		fprintf(stderr, "tcp-bench: %s: not an IPv4 address\n", host);
		return -1;
	}
	for (;;) {
		int fd = socket(AF_INET, SOCK_STREAM, 0);

		if (fd < 0)
			return -1;
		if (!connect(fd, (struct sockaddr *)&a, sizeof(a)))
			return fd;
		close(fd);
		if (errno != ECONNREFUSED || now_s() > give_up) {
			perror("tcp-bench: connect");
			return -1;
		}
		usleep(100000);
	}
}

static int client(const char *host, int port, size_t len, double secs, int receive, char *buf)
{
	struct request rq = { htonl(MAGIC), htonl(receive ? 1 : 0), htonl((uint32_t)len),
			      htonl((uint32_t)(secs * 1000)) };
	long long bytes;
	uint32_t count[2];
	double t;
	int fd = connect_to(host, port);

	if (fd < 0)
		return 1;
	t = now_s();
	if (write_all(fd, &rq, sizeof(rq)))
		goto fail;
	if (receive) {
		bytes = drain(fd, buf);
	} else {
		if (stream_out(fd, buf, len, secs) || shutdown(fd, SHUT_WR) ||
		    read_all(fd, count, sizeof(count)))
			goto fail;
		bytes = (long long)((unsigned long long)ntohl(count[0]) << 32 | ntohl(count[1]));
	}
	t = now_s() - t;
	close(fd);
	if (bytes <= 0 || t <= 0) {
		fprintf(stderr, "tcp-bench: nothing went through\n");
		return 1;
	}
	printf("tcp-bench: %s %zu B writes, %.1f MiB in %.2f s, %.2f MiB/s\n",
	       receive ? "recv" : "send", len, bytes / 1048576.0, t, bytes / 1048576.0 / t);
	return 0;
fail:
	perror("tcp-bench: client");
	close(fd);
	return 1;
}

int main(int argc, char **argv)
{
	const char *host = NULL;
	int opt, port = 5201, serve = 0, receive = 0, rc;
	long len = 4096;
	double secs = 3;
	char *buf;

	while ((opt = getopt(argc, argv, "sc:p:l:t:R")) != -1) {
		switch (opt) {
		case 's': serve = 1; break;
		case 'c': host = optarg; break;
		case 'p': port = atoi(optarg); break;
		case 'l': len = atol(optarg); break;
		case 't': secs = atof(optarg); break;
		case 'R': receive = 1; break;
		default: goto usage;
		}
	}
	if (serve == !!host || len <= 0 || len > MAX_LEN || secs <= 0 || secs > 3600 ||
	    port <= 0 || port > 65535)
		goto usage;
	signal(SIGPIPE, SIG_IGN);
	buf = malloc(MAX_LEN > READ_SIZE ? MAX_LEN : READ_SIZE);
	if (!buf)
		return 1;
	memset(buf, 0x3c, MAX_LEN);
	rc = serve ? server(port, buf) : client(host, port, (size_t)len, secs, receive, buf);
	free(buf);
	return rc;
usage:
	fprintf(stderr, "usage: tcp-bench -s [-p PORT] | -c HOST [-p PORT] [-l BYTES] [-t SECONDS] [-R]\n");
	return 2;
}
