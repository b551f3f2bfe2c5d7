// SPDX-License-Identifier: GPL-2.0-only
/*
 * What vmm/ calls outside the code under test (the VM's fds, the I/O
 * thread, the console's stdout, messages), replaced for the fuzz targets.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

#include "fuzz.h"

#define MAX_WATCHES	8

static struct {
	int fd;
	io_handler fn;
	void *opaque;
} watches[MAX_WATCHES];
static int nr_watches;

bool vmm_quiet = true;
void vmm_info(const char *fmt, ...) { (void)fmt; }
bool vmm_guest_msg_ok(void) { return true; }	/* vmm_err() says whether to print */

/* The device's complaints, on stderr with FUZZ_VMM_VERBOSE=1 (to read a crash's story). */
void vmm_err(const char *fmt, ...)
{
	static int verbose = -1;
	va_list ap;

	if (verbose < 0)
		verbose = getenv("FUZZ_VMM_VERBOSE") != NULL;
	if (!verbose)
		return;
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}
void console_output(const uint8_t *buf, size_t len) { (void)buf; (void)len; }
void console_input_ready(void) { }
int vm_irq_line(struct vmm *v, unsigned int spi, int level) { return 0; }
int vm_irqfd(struct vmm *v, int fd, unsigned int spi) { return 0; }
int vm_ioeventfd(struct vmm *v, int fd, uint64_t addr, uint32_t len, uint64_t datamatch)
{
	return 0;
}
void fdt_reg(struct fdt_writer *w, uint64_t base, uint64_t size) { }
void fdt_spi(struct fdt_writer *w, unsigned int spi, bool edge) { }
void io_watch_pause(int fd, bool paused) { }

int io_watch(int fd, const char *what, io_handler fn, void *opaque)
{
	if (nr_watches == MAX_WATCHES) {
		errno = ENOSPC;
		return -1;
	}
	watches[nr_watches].fd = fd;
	watches[nr_watches].fn = fn;
	watches[nr_watches++].opaque = opaque;
	return 0;
}

void fuzz_io_ready(int fd)
{
	int i;

	for (i = 0; i < nr_watches; i++)
		if (watches[i].fd == fd)
			watches[i].fn(fd, watches[i].opaque);
}
