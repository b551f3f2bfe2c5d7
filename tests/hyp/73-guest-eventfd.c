// SPDX-License-Identifier: GPL-2.0-only
/*
 * irqfd and ioeventfd with a guest (tests/guest/eventfd.S): an eventfd
 * write raises an SPI without KVM_IRQ_LINE; a resampling irqfd's level
 * drops when the guest EOIs it and its resample eventfd says so; a guest
 * write to an ioeventfd's address signals it without an exit to the VMM;
 * a deassigned irqfd raises nothing, a deassigned resampling one lowers
 * its line; a VM holds at most 1000 ioeventfds, as under KVM.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "board.h"
#include "tap.h"
#include "vm.h"

#define PHASE_GPA	(GUEST_RAM_BASE + 0x10000)

static struct tvm vm;

static uint64_t eventfd_count(int fd)
{
	uint64_t v = 0;

	return read(fd, &v, sizeof(v)) == sizeof(v) ? v : 0;
}

static void kick(int fd)
{
	uint64_t one = 1;

	if (write(fd, &one, sizeof(one)) != sizeof(one))
		tap_bail("eventfd write");
}

/*
 * With the test's doorbell assigned, 999 more at other addresses fit and
 * the next is ENOSPC; one deassigned makes room for one. They stay, for
 * the doorbell to be found among them, until the VM goes.
 */
static bool ioeventfds_bounded(int fd)
{
	struct kvm_ioeventfd e = { .len = 4, .fd = fd };
	int i, n = 0, full_err, again;

	for (i = 0; i < 999; i++) {
		e.addr = TESTDEV_BASE + 0x1000 + 4 * i;
		n += ioctl(vm.vm_fd, KVM_IOEVENTFD, &e) == 0;
	}
	e.addr = TESTDEV_BASE + 0x1000 + 4 * 999;
	full_err = ioctl(vm.vm_fd, KVM_IOEVENTFD, &e) ? errno : 0;
	e.addr = TESTDEV_BASE + 0x1000;
	e.flags = KVM_IOEVENTFD_FLAG_DEASSIGN;
	ioctl(vm.vm_fd, KVM_IOEVENTFD, &e);
	e.addr = TESTDEV_BASE + 0x1000 + 4 * 999;
	e.flags = 0;
	again = ioctl(vm.vm_fd, KVM_IOEVENTFD, &e) ? errno : 0;
	tap_diag("%d more ioeventfds assigned; the next: errno %d; after a deassign: %d",
		 n, full_err, again);
	return n == 999 && full_err == ENOSPC && again == 0;
}

/* SPI @intid pending in the distributor (GICD_ISPENDR through DIST_REGS)? */
static bool spi_pending(int dev, unsigned int intid)
{
	uint32_t word = 0;
	struct kvm_device_attr a = {
		.group = KVM_DEV_ARM_VGIC_GRP_DIST_REGS,
		.attr = 0x200 + intid / 32 * 4,
		.addr = (unsigned long)&word,
	};

	if (ioctl(dev, KVM_GET_DEVICE_ATTR, &a))
		tap_bail("GICD_ISPENDR: %s", strerror(errno));
	return word >> (intid % 32) & 1;
}

int main(void)
{
	int edge_fd, level_fd, resample_fd, door_fd, other_fd, other_resample_fd, dev;
	struct kvm_irqfd edge = { 0 }, level = { 0 }, other;
	struct kvm_ioeventfd door = { 0 }, unsized;
	volatile uint32_t *phase;
	struct ucall uc;
	int i;

	tap_plan(18);
	if (!module_loaded("armvirt") && module_load(ARMVIRT_KO))
		tap_bail("armvirt does not load");
	if (tvm_create(&vm, "eventfd", 1 << 20, 1) || (dev = tvm_create_vgic(&vm, 64)) < 0)
		tap_bail("cannot create the VM");
	phase = tvm_gpa(&vm, PHASE_GPA);
	edge_fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	level_fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	resample_fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	door_fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	other_fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	other_resample_fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	edge.fd = edge_fd;
	edge.gsi = 41 - 32;
	level.fd = level_fd;
	level.gsi = 42 - 32;
	level.flags = KVM_IRQFD_FLAG_RESAMPLE;
	level.resamplefd = resample_fd;
	door.addr = TESTDEV_BASE + 0x100;
	door.len = 4;
	door.datamatch = 0x1234;
	door.flags = KVM_IOEVENTFD_FLAG_DATAMATCH;
	door.fd = door_fd;
	tap_ok(ioctl(vm.vm_fd, KVM_IRQFD, &edge) == 0 && ioctl(vm.vm_fd, KVM_IRQFD, &level) == 0 &&
	       ioctl(vm.vm_fd, KVM_IOEVENTFD, &door) == 0, "assign-irqfds-and-ioeventfd");
	tap_eq(ioctl(vm.vm_fd, KVM_IOEVENTFD, &door) ? errno : 0, EEXIST, "same-ioeventfd-twice-is-eexist");
	/* Both refused, and the first keeps its resample eventfd (the EOI below). */
	other = level;
	other.fd = other_fd;
	other.resamplefd = other_resample_fd;
	tap_eq(ioctl(vm.vm_fd, KVM_IRQFD, &other) ? errno : 0, EBUSY,
	       "second-resampling-irqfd-on-one-spi-is-ebusy");
	tap_eq(ioctl(vm.vm_fd, KVM_IRQFD, &level) ? errno : 0, EBUSY, "same-resampling-irqfd-twice-is-ebusy");
	unsized = door;
	unsized.len = 0;	/* any width: no value to match (KVM's EINVAL) */
	unsized.addr += 0x10;
	tap_eq(ioctl(vm.vm_fd, KVM_IOEVENTFD, &unsized) ? errno : 0, EINVAL,
	       "ioeventfd-datamatch-without-a-length-is-einval");
	tap_ok(ioeventfds_bounded(door_fd), "at-most-1000-ioeventfds-then-enospc");

	tap_eq(tvm_next_value(&vm.vcpu[0], "ready"), 1, "guest-ready");
	kick(edge_fd);
	tap_eq(tvm_next_value(&vm.vcpu[0], "irqfd"), 41, "irqfd-write-raises-its-spi");
	*phase = 2;
	tap_eq(tvm_next_value(&vm.vcpu[0], "doorbell"), 2, "ioeventfd-write-completes-without-an-exit");
	tap_eq(eventfd_count(door_fd), 1, "ioeventfd-is-signalled");
	tap_ok(tvm_exit_count(0, "ioeventfd") == 1 && tvm_exit_count(0, "mmio_write") >= 2,
	       "debugfs-counts-the-doorbell-apart");

	kick(level_fd);
	tap_eq(tvm_next_value(&vm.vcpu[0], "resample irq"), 42, "resampling-irqfd-raises-its-level-spi");
	*phase = 3;
	tap_eq(tvm_next_value(&vm.vcpu[0], "after eoi"), 3, "level-drops-at-eoi-no-second-delivery");
	tap_eq(eventfd_count(resample_fd), 1, "resample-eventfd-signalled-at-eoi");

	edge.flags = KVM_IRQFD_FLAG_DEASSIGN;
	ioctl(vm.vm_fd, KVM_IRQFD, &edge);
	kick(edge_fd);
	*phase = 4;
	uc = tvm_run_ucall(&vm.vcpu[0]);
	tap_ok(uc.kind == UC_DONE, "deassigned-irqfd-raises-nothing (exit %d value %u)", uc.kind, uc.value);

	/* A resampling irqfd's line goes down with it, as under KVM. */
	kick(level_fd);
	tap_ok(spi_pending(dev, 42), "resampling-irqfd-holds-its-line-up");
	level.flags = KVM_IRQFD_FLAG_DEASSIGN;
	ioctl(vm.vm_fd, KVM_IRQFD, &level);
	for (i = 0; i < 100 && spi_pending(dev, 42); i++)
		usleep(10 * 1000);	/* the deassign's shutdown is a work item */
	tap_ok(!spi_pending(dev, 42), "deassigned-resampling-irqfd-lowers-its-line");
	close(edge_fd);
	close(level_fd);
	close(resample_fd);
	close(door_fd);
	close(other_fd);
	close(other_resample_fd);
	close(dev);
	tvm_destroy(&vm);
	tap_ok(host_can_fork_exec(), "host-still-works");
	tap_finish();
}
