// SPDX-License-Identifier: GPL-2.0-only
#define _GNU_SOURCE
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "board.h"
#include "kexec.h"
#include "lowvisor_check.h"
#include "tap.h"

#define KEXEC_ON_CRASH		0x00000001
#define KEXEC_ARCH_DEFAULT	0

struct kexec_segment {
	const void *buf;
	size_t bufsz;
	unsigned long mem;
	size_t memsz;
};

unsigned long kexec_crash_region(void)
{
	static char buf[8192];
	char *p;

	if (read_file("/proc/iomem", buf, sizeof(buf)) < 0)
		return 0;
	p = strstr(buf, " : Crash kernel");
	if (!p)
		return 0;
	while (p > buf && p[-1] != '\n')
		p--;
	while (*p == ' ')
		p++;
	return strtoul(p, NULL, 16);
}

bool kexec_prepare_payload(unsigned long dest, bool on_crash)
{
	static char payload[4096];
	struct kexec_segment seg;
	char why[256] = "";
	int len;
	long ret;

	if (!tap_ok(lowvisor_everywhere(why, sizeof(why)), "lowvisor-everywhere"))
		tap_diag("%s", why);

	len = read_file(KEXEC_PAYLOAD, payload, sizeof(payload));
	seg = (struct kexec_segment){
		.buf = payload, .bufsz = len > 0 ? (size_t)len : 0,
		.mem = dest, .memsz = sizeof(payload),
	};
	ret = syscall(SYS_kexec_load, dest, 1, &seg,
		      KEXEC_ARCH_DEFAULT | (on_crash ? KEXEC_ON_CRASH : 0));
	if (!tap_ok(len > 0 && ret == 0, "kexec-load-payload-at-%#lx", dest))
		tap_diag("payload %d bytes, kexec_load: %s", len, strerror(errno));
	return ret == 0;
}
