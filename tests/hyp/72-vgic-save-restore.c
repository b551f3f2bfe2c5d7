// SPDX-License-Identifier: GPL-2.0-only
/*
 * Save a running guest (tests/guest/migrate.S) mid-run, with its virtual
 * timer ticking and its GIC configured: every ONE_REG register, the
 * distributor and CPU interface through the vGIC's DIST_REGS and
 * CPU_REGS attributes, and its memory; restore all of it into a fresh VM,
 * and the guest carries on: the ticks continue, the SPI it enabled arrives.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "board.h"
#include "tap.h"
#include "vm.h"

#define RAM_SIZE	(1 << 20)
#define MAX_REGS	512
#define SPI(n)		((KVM_ARM_IRQ_TYPE_SPI << KVM_ARM_IRQ_TYPE_SHIFT) | (n))

static const uint32_t cpu_regs[] = { 0x00, 0x04, 0x08, 0x1c, 0xd0 };

struct saved {
	uint64_t ids[MAX_REGS + 1], vals[MAX_REGS];
	unsigned int nr_regs;
	uint32_t dist[1024], cpu[5];
	void *ram;
};

static int attr(int fd, unsigned long req, uint32_t group, uint64_t a, void *val)
{
	struct kvm_device_attr at = { .group = group, .attr = a, .addr = (unsigned long)val };

	return ioctl(fd, req, &at) ? errno : 0;
}

/* Registers a restore writes: the "set" and plain ones, not the "clear" ones or read-only IDs. */
static bool restorable(uint32_t off)
{
	return off != 0x004 && off != 0x008 && off != 0xf00 &&
	       !(off >= 0x180 && off < 0x200) && !(off >= 0x280 && off < 0x300) &&
	       !(off >= 0x380 && off < 0x400) && !(off >= 0xf10 && off < 0xf20) && off < 0xfd0;
}

int main(void)
{
	static struct saved s;
	struct kvm_reg_list *rl = (struct kvm_reg_list *)s.ids;
	struct tvm a, b;
	int dev_a, dev_b, bad = 0;
	uint32_t tick, first, off, i;
	uint64_t cnt = 0;

	tap_plan(10);
	if (!module_loaded("armvirt") && module_load(ARMVIRT_KO))
		tap_bail("armvirt does not load");
	if (tvm_create(&a, "migrate", RAM_SIZE, 1) || (dev_a = tvm_create_vgic(&a, 64)) < 0)
		tap_bail("cannot create the VM with its vGIC");
	do
		tick = tvm_next_value(&a.vcpu[0], "ticks before");
	while (tick < 3);
	tap_ok(tick >= 3, "guest-ticks-in-the-first-vm (%u)", tick);

	/* save, after finishing the MMIO exit in flight (as KVM asks of VMMs) */
	a.vcpu[0].run->immediate_exit = 1;
	tap_eq(tvm_run_once(&a.vcpu[0]), EINTR, "immediate-exit-completes-the-pending-mmio");
	rl->n = MAX_REGS;
	if (ioctl(a.vcpu[0].fd, KVM_GET_REG_LIST, rl))
		tap_bail("KVM_GET_REG_LIST");
	s.nr_regs = rl->n;
	memmove(s.ids, s.ids + 1, s.nr_regs * sizeof(s.ids[0]));
	for (i = 0; i < s.nr_regs; i++)
		bad += tvm_get_reg(&a.vcpu[0], s.ids[i], &s.vals[i]) != 0;
	for (off = 0; off < 0x1000; off += 4)
		if (restorable(off))
			bad += attr(dev_a, KVM_GET_DEVICE_ATTR, KVM_DEV_ARM_VGIC_GRP_DIST_REGS,
				    off, &s.dist[off / 4]) != 0;
	for (i = 0; i < 5; i++)
		bad += attr(dev_a, KVM_GET_DEVICE_ATTR, KVM_DEV_ARM_VGIC_GRP_CPU_REGS,
			    cpu_regs[i], &s.cpu[i]) != 0;
	s.ram = malloc(RAM_SIZE);
	memcpy(s.ram, a.ram, RAM_SIZE);
	tap_eq(bad, 0, "every-register-and-gic-attribute-saved");
	tap_ok(s.dist[0x104 / 4] & (1 << 8), "saved-distributor-shows-spi-40-enabled");
	close(dev_a);
	tvm_destroy(&a);

	/* restore into a new VM */
	if (tvm_create(&b, NULL, RAM_SIZE, 1) || (dev_b = tvm_create_vgic(&b, 64)) < 0)
		tap_bail("cannot create the second VM");
	memcpy(b.ram, s.ram, RAM_SIZE);
	bad = 0;
	for (off = 0x004; off < 0x1000; off += 4)
		if (restorable(off))
			bad += attr(dev_b, KVM_SET_DEVICE_ATTR, KVM_DEV_ARM_VGIC_GRP_DIST_REGS,
				    off, &s.dist[off / 4]) != 0;
	bad += attr(dev_b, KVM_SET_DEVICE_ATTR, KVM_DEV_ARM_VGIC_GRP_DIST_REGS, 0, &s.dist[0]) != 0;
	for (i = 0; i < 5; i++)
		bad += attr(dev_b, KVM_SET_DEVICE_ATTR, KVM_DEV_ARM_VGIC_GRP_CPU_REGS,
			    cpu_regs[i], &s.cpu[i]) != 0;
	for (i = 0; i < s.nr_regs; i++)
		if (tvm_set_reg(&b.vcpu[0], s.ids[i], &s.vals[i])) {
			if (!bad++)
				tap_diag("register %#llx does not restore", (unsigned long long)s.ids[i]);
		}
	tap_eq(bad, 0, "every-register-and-gic-attribute-restored");
	for (i = 0; i < s.nr_regs && s.ids[i] != KVM_REG_ARM_TIMER_CNT; i++)
		;
	tvm_get_reg(&b.vcpu[0], KVM_REG_ARM_TIMER_CNT, &cnt);
	tap_ok(i < s.nr_regs && cnt >= s.vals[i] && cnt - s.vals[i] < 62500000ULL,
	       "virtual-counter-continues-from-the-saved-value (+%llu ticks)",
	       (unsigned long long)(cnt - s.vals[i]));

	first = tvm_next_value(&b.vcpu[0], "tick after");
	tap_ok(first > tick && first < tick + 20, "ticks-carry-on-in-the-new-vm (%u after %u)",
	       first, tick);
	tap_ok(tvm_next_value(&b.vcpu[0], "tick after") > first, "and-go-on");
	if (ioctl(b.vm_fd, KVM_IRQ_LINE, &(struct kvm_irq_level){ .irq = SPI(40), .level = 1 }))
		tap_bail("KVM_IRQ_LINE");
	do
		tick = tvm_next_value(&b.vcpu[0], "spi");
	while (tick != 0x40 && tick < 100);
	tap_eq(tick, 0x40, "spi-enabled-before-the-save-arrives-after-the-restore");
	tap_ok(host_can_fork_exec(), "host-still-works");
	close(dev_b);
	free(s.ram);
	tvm_destroy(&b);
	tap_finish();
}
