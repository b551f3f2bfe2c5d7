// SPDX-License-Identifier: GPL-2.0-only
/*
 * The in-kernel virtual GICv2 with a guest (tests/guest/gic.S): created
 * with KVM_CREATE_DEVICE, an SPI from KVM_IRQ_LINE, a level interrupt that
 * comes back after EOI while its line stays high, an SGI, the virtual
 * timer waking WFI, and more pending interrupts than list registers
 * delivered in priority order.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <time.h>

#include "board.h"
#include "tap.h"
#include "vm.h"

#define GICD		0x08000000ULL
#define GICC		0x08010000ULL
#define PHASE_GPA	(GUEST_RAM_BASE + 0x10000)
#define SPI(n)		((KVM_ARM_IRQ_TYPE_SPI << KVM_ARM_IRQ_TYPE_SHIFT) | (n))

static struct tvm vm;

static int device_attr(int fd, unsigned long req, uint32_t group, uint64_t attr, void *val)
{
	struct kvm_device_attr a = { .group = group, .attr = attr, .addr = (unsigned long)val };

	return ioctl(fd, req, &a) ? errno : 0;
}

static int irq_line(uint32_t irq, int level)
{
	struct kvm_irq_level l = { .irq = irq, .level = level };

	return ioctl(vm.vm_fd, KVM_IRQ_LINE, &l) ? errno : 0;
}

static void set_phase(uint32_t phase)
{
	*(volatile uint32_t *)tvm_gpa(&vm, PHASE_GPA) = phase;
}

static double now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

int main(void)
{
	static const uint32_t order[8] = { 47, 44, 48, 42, 45, 41, 46, 43 };
	struct kvm_create_device cd = { .type = KVM_DEV_TYPE_ARM_VGIC_V2 };
	uint64_t dist = GICD, cpu = GICC, got_addr = 0;
	uint32_t nr_irqs = 128, too_many = 1024, got[8];
	double t0, waited;
	struct ucall uc;
	int i;

	tap_plan(17);
	if (!module_loaded("armvirt") && module_load(ARMVIRT_KO))
		tap_bail("armvirt does not load");
	if (tvm_create(&vm, "gic", 1 << 20, 1))
		tap_bail("cannot create the VM");
	tap_eq(ioctl(vm.vm_fd, KVM_CHECK_EXTENSION, KVM_CAP_IRQCHIP), 1, "cap-irqchip");
	tap_eq(ioctl(vm.vm_fd, KVM_CREATE_DEVICE, &cd) ? errno : 0, 0, "create-vgic-v2-device");
	tap_ok(device_attr(cd.fd, KVM_SET_DEVICE_ATTR, KVM_DEV_ARM_VGIC_GRP_ADDR,
			   KVM_VGIC_V2_ADDR_TYPE_DIST, &dist) == 0 &&
	       device_attr(cd.fd, KVM_SET_DEVICE_ATTR, KVM_DEV_ARM_VGIC_GRP_ADDR,
			   KVM_VGIC_V2_ADDR_TYPE_CPU, &cpu) == 0 &&
	       device_attr(cd.fd, KVM_GET_DEVICE_ATTR, KVM_DEV_ARM_VGIC_GRP_ADDR,
			   KVM_VGIC_V2_ADDR_TYPE_CPU, &got_addr) == 0 && got_addr == GICC,
	       "set-and-get-distributor-and-cpu-interface-addresses");
	tap_eq(device_attr(cd.fd, KVM_SET_DEVICE_ATTR, KVM_DEV_ARM_VGIC_GRP_ADDR,
			   KVM_VGIC_V2_ADDR_TYPE_DIST, &dist), EEXIST, "address-set-twice-is-eexist");
	/* INTIDs 1020-1023 are special: 992 at most, as KVM */
	tap_eq(device_attr(cd.fd, KVM_SET_DEVICE_ATTR, KVM_DEV_ARM_VGIC_GRP_NR_IRQS, 0, &too_many),
	       EINVAL, "nr-irqs-1024-is-einval");
	tap_ok(device_attr(cd.fd, KVM_SET_DEVICE_ATTR, KVM_DEV_ARM_VGIC_GRP_NR_IRQS, 0, &nr_irqs) == 0 &&
	       device_attr(cd.fd, KVM_SET_DEVICE_ATTR, KVM_DEV_ARM_VGIC_GRP_CTRL,
			   KVM_DEV_ARM_VGIC_CTRL_INIT, NULL) == 0,
	       "set-nr-irqs-and-init");
	tap_eq(irq_line(SPI(200), 1), EINVAL, "irq-line-beyond-nr-irqs-is-einval");

	tap_eq(tvm_next_value(&vm.vcpu[0], "ready"), 1, "guest-configures-its-gic");
	irq_line(SPI(40), 1);
	tap_eq(tvm_next_value(&vm.vcpu[0], "spi"), 40, "spi-from-kvm-irq-line-is-delivered");
	tap_eq(tvm_next_value(&vm.vcpu[0], "spi again"), 40, "level-spi-comes-back-after-eoi-while-high");
	irq_line(SPI(40), 0);
	set_phase(2);
	tap_eq(tvm_next_value(&vm.vcpu[0], "sgi"), 5, "sgi-to-self-is-delivered");
	set_phase(3);
	t0 = now_ms();
	tap_eq(tvm_next_value(&vm.vcpu[0], "timer"), 27, "virtual-timer-interrupt-wakes-wfi");
	waited = now_ms() - t0;
	tap_ok(waited >= 9 && waited < 500, "timer-fires-after-about-10ms (%.1f ms)", waited);
	set_phase(4);

	tap_eq(tvm_next_value(&vm.vcpu[0], "masked"), 2, "guest-masks-interrupts");
	for (i = 41; i <= 48; i++) {
		irq_line(SPI(i), 1);
		irq_line(SPI(i), 0);	/* edge: pending until taken */
	}
	for (i = 0; i < 8; i++)
		got[i] = tvm_next_value(&vm.vcpu[0], "priority order");
	for (i = 0; i < 8; i++)
		if (got[i] != order[i])
			tap_diag("interrupt %d: expected %u, got %u", i, order[i], got[i]);
	tap_ok(!memcmp(got, order, sizeof(got)),
	       "eight-pending-spis-more-than-the-list-registers-arrive-in-priority-order");
	set_phase(5);
	uc = tvm_run_ucall(&vm.vcpu[0]);
	tap_ok(uc.kind == UC_DONE, "guest-finishes");
	tap_ok(tvm_exit_count(0, "mmio_kernel") > 20, "distributor-accesses-stay-in-the-kernel (%ld)",
	       tvm_exit_count(0, "mmio_kernel"));
	tvm_destroy(&vm);
	tap_finish();
}
