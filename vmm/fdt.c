// SPDX-License-Identifier: GPL-2.0-only
/*
 * The guest's device tree, written with libfdt's sequential-write API:
 * CPUs with PSCI over hvc, memory, the GICv2, the architected timer's
 * PPIs, a fixed clock for the PL011, one node per MMIO device, and
 * /chosen. A user's own DTB (--dtb) is taken as it is, with /chosen
 * filled in (bootargs, initrd).
 */
#include <errno.h>
#include <fcntl.h>
#include <libfdt.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "vmm.h"

#define PHANDLE_GIC		1
#define PHANDLE_APB_CLK		2

#define GIC_FDT_SPI		0
#define GIC_FDT_PPI		1
#define IRQ_EDGE_RISING		1
#define IRQ_LEVEL_HIGH		4

/* The architected timer's PPIs (INTID - 16): secure, non-secure, virtual, HYP. */
static const uint32_t timer_ppis[] = { 13, 14, 11, 10 };

/* Errors from the sequential-write calls are sticky: check once per node. */
static int fdt_reg_cells(void *fdt, const char *name, const uint64_t *regs, int n)
{
	fdt32_t cells[8];
	int i;

	for (i = 0; i < n && i < 4; i++) {
		cells[2 * i] = cpu_to_fdt32((uint32_t)(regs[i] >> 32));
		cells[2 * i + 1] = cpu_to_fdt32((uint32_t)regs[i]);
	}
	return fdt_property(fdt, name, cells, sizeof(fdt32_t) * 2 * i);
}

int fdt_reg(void *fdt, uint64_t base, uint64_t size)
{
	const uint64_t r[2] = { base, size };

	return fdt_reg_cells(fdt, "reg", r, 2);
}

int fdt_spi(void *fdt, unsigned int spi, bool edge)
{
	fdt32_t irq[3] = {
		cpu_to_fdt32(GIC_FDT_SPI), cpu_to_fdt32(spi),
		cpu_to_fdt32(edge ? IRQ_EDGE_RISING : IRQ_LEVEL_HIGH),
	};

	return fdt_property(fdt, "interrupts", irq, sizeof(irq));
}

/* A vCPU's MPIDR affinity, as the kernel gives it (4 CPUs per cluster). */
static uint32_t vcpu_affinity(int id)
{
	return (uint32_t)((id >> 2) << 8 | (id & 3));
}

static int fdt_cpus(void *fdt, struct vmm *vmm)
{
	char name[32];
	int i, err;

	err = fdt_begin_node(fdt, "cpus") ?:
	      fdt_property_cell(fdt, "#address-cells", 1) ?:
	      fdt_property_cell(fdt, "#size-cells", 0);
	for (i = 0; i < vmm->nr_vcpus && !err; i++) {
		snprintf(name, sizeof(name), "cpu@%x", vcpu_affinity(i));
		err = fdt_begin_node(fdt, name) ?:
		      fdt_property_string(fdt, "device_type", "cpu") ?:
		      fdt_property_string(fdt, "compatible", "arm,cortex-a15") ?:
		      fdt_property_cell(fdt, "reg", vcpu_affinity(i)) ?:
		      fdt_property_string(fdt, "enable-method", "psci") ?:
		      fdt_end_node(fdt);
	}
	return err ?: fdt_end_node(fdt);
}

static int fdt_gic_timer_psci(void *fdt, struct vmm *vmm)
{
	const uint64_t gic_reg[4] = { GUEST_GICD_BASE, 0x1000, GUEST_GICC_BASE, GUEST_GICC_SIZE };
	static const char psci_compat[] = "arm,psci-1.0\0arm,psci-0.2";
	uint32_t ppi_flags = IRQ_LEVEL_HIGH | (((1U << vmm->nr_vcpus) - 1) << 8);
	fdt32_t timer_irqs[12];
	char name[32];
	int i;

	for (i = 0; i < 4; i++) {
		timer_irqs[3 * i] = cpu_to_fdt32(GIC_FDT_PPI);
		timer_irqs[3 * i + 1] = cpu_to_fdt32(timer_ppis[i]);
		timer_irqs[3 * i + 2] = cpu_to_fdt32(ppi_flags);
	}
	snprintf(name, sizeof(name), "intc@%llx", GUEST_GICD_BASE);
	return fdt_begin_node(fdt, name) ?:
	       fdt_property_string(fdt, "compatible", "arm,cortex-a15-gic") ?:
	       fdt_property_cell(fdt, "#interrupt-cells", 3) ?:
	       fdt_property(fdt, "interrupt-controller", NULL, 0) ?:
	       fdt_reg_cells(fdt, "reg", gic_reg, 4) ?:
	       fdt_property_cell(fdt, "phandle", PHANDLE_GIC) ?:
	       fdt_end_node(fdt) ?:
	       fdt_begin_node(fdt, "timer") ?:
	       fdt_property_string(fdt, "compatible", "arm,armv7-timer") ?:
	       fdt_property(fdt, "interrupts", timer_irqs, sizeof(timer_irqs)) ?:
	       fdt_end_node(fdt) ?:
	       fdt_begin_node(fdt, "psci") ?:
	       fdt_property(fdt, "compatible", psci_compat, sizeof(psci_compat)) ?:
	       fdt_property_string(fdt, "method", "hvc") ?:
	       fdt_end_node(fdt);
}

static int fdt_devices(void *fdt, struct vmm *vmm)
{
	static const char uart_compat[] = "arm,pl011\0arm,primecell";
	static const char virtio_compat[] = "virtio,mmio";
	static const char clock_names[] = "uartclk\0apb_pclk";
	const fdt32_t clocks[2] = { cpu_to_fdt32(PHANDLE_APB_CLK), cpu_to_fdt32(PHANDLE_APB_CLK) };
	char name[48];
	int i, err;

	err = fdt_begin_node(fdt, "apb-pclk") ?:
	      fdt_property_string(fdt, "compatible", "fixed-clock") ?:
	      fdt_property_cell(fdt, "#clock-cells", 0) ?:
	      fdt_property_cell(fdt, "clock-frequency", 24000000) ?:
	      fdt_property_string(fdt, "clock-output-names", "clk24mhz") ?:
	      fdt_property_cell(fdt, "phandle", PHANDLE_APB_CLK) ?:
	      fdt_end_node(fdt);
	for (i = 0; i < vmm->nr_devs && !err; i++) {
		struct mmio_dev *d = vmm->devs[i];
		bool uart = d->base == GUEST_UART_BASE;

		snprintf(name, sizeof(name), "%s@%llx", uart ? "pl011" : "virtio_mmio",
			 (unsigned long long)d->base);
		err = fdt_begin_node(fdt, name) ?: d->fdt_node(d, fdt);
		if (!err && uart)
			err = fdt_property(fdt, "compatible", uart_compat, sizeof(uart_compat)) ?:
			      fdt_property(fdt, "clocks", clocks, sizeof(clocks)) ?:
			      fdt_property(fdt, "clock-names", clock_names, sizeof(clock_names));
		else if (!err)
			err = fdt_property(fdt, "compatible", virtio_compat, sizeof(virtio_compat)) ?:
			      fdt_property(fdt, "dma-coherent", NULL, 0);
		err = err ?: fdt_end_node(fdt);
	}
	return err;
}

static int fdt_chosen_props(void *fdt, int node, const char *bootargs,
			    uint64_t initrd_start, uint64_t initrd_end)
{
	int err = fdt_setprop_string(fdt, node, "bootargs", bootargs);

	if (!err && initrd_end > initrd_start)
		err = fdt_setprop_u64(fdt, node, "linux,initrd-start", initrd_start) ?:
		      fdt_setprop_u64(fdt, node, "linux,initrd-end", initrd_end);
	return err;
}

/* The user's DTB, with /chosen filled in. */
static int fdt_from_file(struct vmm *vmm, void *buf, size_t size, const char *bootargs,
			 uint64_t initrd_start, uint64_t initrd_end)
{
	char tmp[1 << 16];
	ssize_t n;
	int fd, node, err;

	fd = open(vmm->cfg.dtb, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		vmm_err("dtb %s: %s", vmm->cfg.dtb, strerror(errno));
		return -1;
	}
	n = read(fd, tmp, sizeof(tmp));
	close(fd);
	if (n <= 0 || fdt_check_header(tmp) || fdt_totalsize(tmp) > (size_t)n) {
		vmm_err("dtb %s: not a flattened device tree (or larger than 64 KiB)", vmm->cfg.dtb);
		return -1;
	}
	err = fdt_open_into(tmp, buf, (int)size);
	node = err ? err : fdt_path_offset(buf, "/chosen");
	if (node == -FDT_ERR_NOTFOUND)
		node = fdt_add_subnode(buf, 0, "chosen");
	err = node < 0 ? node : fdt_chosen_props(buf, node, bootargs, initrd_start, initrd_end);
	if (err) {
		vmm_err("dtb %s: %s", vmm->cfg.dtb, fdt_strerror(err));
		return -1;
	}
	return fdt_pack(buf);
}

int fdt_build(struct vmm *vmm, void *buf, size_t size, uint64_t initrd_start,
	      uint64_t initrd_end)
{
	const uint64_t mem[2] = { GUEST_RAM_BASE, vmm->ram_size };
	char bootargs[1024], path[48];
	int err, node;

	snprintf(bootargs, sizeof(bootargs), "%s%s%s%s%s%s",
		 vmm->cfg.cmdline, vmm->cfg.append ? " " : "", vmm->cfg.append ?: "",
		 vmm->cfg.guest_cmd ? " armvirt.cmd=\"" : "", vmm->cfg.guest_cmd ?: "",
		 vmm->cfg.guest_cmd ? "\"" : "");
	if (vmm->cfg.dtb)
		return fdt_from_file(vmm, buf, size, bootargs, initrd_start, initrd_end);

	snprintf(path, sizeof(path), "/pl011@%llx", GUEST_UART_BASE);
	err = fdt_create(buf, (int)size) ?:
	      fdt_finish_reservemap(buf) ?:
	      fdt_begin_node(buf, "") ?:
	      fdt_property_string(buf, "compatible", "linux,dummy-virt") ?:
	      fdt_property_cell(buf, "#address-cells", 2) ?:
	      fdt_property_cell(buf, "#size-cells", 2) ?:
	      fdt_property_cell(buf, "interrupt-parent", PHANDLE_GIC) ?:
	      fdt_begin_node(buf, "chosen") ?:
	      fdt_property_string(buf, "stdout-path", path) ?:
	      fdt_end_node(buf) ?:
	      fdt_begin_node(buf, "memory@40000000") ?:
	      fdt_property_string(buf, "device_type", "memory") ?:
	      fdt_reg_cells(buf, "reg", mem, 2) ?:
	      fdt_end_node(buf) ?:
	      fdt_cpus(buf, vmm) ?:
	      fdt_gic_timer_psci(buf, vmm) ?:
	      fdt_devices(buf, vmm) ?:
	      fdt_end_node(buf) ?:
	      fdt_finish(buf) ?:
	      fdt_open_into(buf, buf, (int)size);
	node = err ? err : fdt_path_offset(buf, "/chosen");
	err = node < 0 ? node : fdt_chosen_props(buf, node, bootargs, initrd_start, initrd_end);
	if (err) {
		vmm_err("building the device tree: %s", fdt_strerror(err));
		return -1;
	}
	return fdt_pack(buf);
}
