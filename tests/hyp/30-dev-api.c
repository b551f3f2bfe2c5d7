// SPDX-License-Identifier: GPL-2.0-only
/* /dev/armvirt answers the KVM system ioctls it implements, and refuses the rest. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include "armvirt_kvm.h"
#include "board.h"
#include "tap.h"

static int errno_of(long ret)
{
	return ret == -1 ? errno : 0;
}

/* A process without root cannot open the device (mode 0660, root's group). */
static bool unprivileged_open_refused(void)
{
	int status;
	pid_t pid = fork();

	if (pid == 0) {
		if (setgid(65534) || setuid(65534))
			_exit(2);
		_exit(open(ARMVIRT_DEV, O_RDWR) < 0 && errno == EACCES ? 0 : 1);
	}
	return pid > 0 && waitpid(pid, &status, 0) == pid && WIFEXITED(status) &&
	       WEXITSTATUS(status) == 0;
}

int main(void)
{
	/* Capabilities KVM never had; the known ones are checked in 35-vm-api. */
	static const unsigned long caps[] = { 1000, 100000, 0x7fffffff, ~0UL };
	int fd, i, opened = 0, vm;
	char byte;
	bool all_zero = true;

	tap_plan(13);
	fd = open(ARMVIRT_DEV, O_RDWR | O_CLOEXEC);
	if (!tap_ok(fd >= 0, "open-dev-armvirt"))
		tap_bail("cannot open %s", ARMVIRT_DEV);

	tap_eq(ioctl(fd, KVM_GET_API_VERSION, 0), KVM_API_VERSION, "get-api-version-is-12");
	tap_eq(errno_of(ioctl(fd, KVM_GET_API_VERSION, 1)), EINVAL,
	       "get-api-version-with-argument-is-einval");

	for (i = 0; i < (int)(sizeof(caps) / sizeof(caps[0])); i++)
		if (ioctl(fd, KVM_CHECK_EXTENSION, caps[i]) != 0)
			all_zero = false;
	tap_ok(all_zero, "check-extension-zero-for-unknown-caps");

	tap_eq(errno_of(ioctl(fd, _IO(KVMIO, 0xff))), ENOTTY, "unknown-kvm-ioctl-is-enotty");
	tap_eq(errno_of(ioctl(fd, _IOW('X', 1, int), 0)), ENOTTY, "foreign-ioctl-is-enotty");
	vm = ioctl(fd, KVM_CREATE_VM, 0);
	tap_ok(vm >= 0 && vm != fd, "create-vm-returns-a-new-fd");
	close(vm);
	tap_ok(read(fd, &byte, 1) < 0 && write(fd, &byte, 1) < 0, "read-write-refused");
	tap_ok(mmap(NULL, 4096, PROT_READ, MAP_SHARED, fd, 0) == MAP_FAILED,
	       "mmap-of-system-fd-refused");

	tap_eq(module_unload("armvirt"), EWOULDBLOCK, "unload-refused-while-fd-open");
	close(fd);

	for (i = 0; i < 1000; i++) {
		fd = open(ARMVIRT_DEV, O_RDWR | O_CLOEXEC);
		if (fd < 0)
			break;
		opened += ioctl(fd, KVM_GET_API_VERSION, 0) == KVM_API_VERSION;
		close(fd);
	}
	tap_eq(opened, 1000, "open-ioctl-close-1000-times");
	tap_ok(unprivileged_open_refused(), "unprivileged-open-is-eacces");
	tap_ok(module_loaded("armvirt"), "module-still-loaded");
	tap_finish();
}
