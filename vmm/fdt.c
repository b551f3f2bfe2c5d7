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

/* After the first libfdt error, the writer does nothing and keeps that error. */
static void fdt_w(struct fdt_writer *w, int ret)
{
	if (!w->err && ret)
		w->err = ret;
}

static void begin_node(struct fdt_writer *w, const char *name)
{
	if (!w->err)
		fdt_w(w, fdt_begin_node(w->fdt, name));
}

static void end_node(struct fdt_writer *w)
{
	if (!w->err)
		fdt_w(w, fdt_end_node(w->fdt));
}

static void prop(struct fdt_writer *w, const char *name, const void *val, size_t len)
{
	if (!w->err)
		fdt_w(w, fdt_property(w->fdt, name, val, (int)len));
}

static void prop_u32(struct fdt_writer *w, const char *name, uint32_t val)
{
	if (!w->err)
		fdt_w(w, fdt_property_cell(w->fdt, name, val));
}

static void prop_str(struct fdt_writer *w, const char *name, const char *val)
{
	prop(w, name, val, strlen(val) + 1);
}

/* @n 64-bit values (address, size, ...) of 2 cells each: #address-cells = #size-cells = 2. */
static void prop_reg64(struct fdt_writer *w, const char *name, const uint64_t *regs, int n)
{
	fdt32_t cells[8];
	int i;

	for (i = 0; i < n && i < 4; i++) {
		cells[2 * i] = cpu_to_fdt32((uint32_t)(regs[i] >> 32));
		cells[2 * i + 1] = cpu_to_fdt32((uint32_t)regs[i]);
	}
	prop(w, name, cells, sizeof(fdt32_t) * 2 * (size_t)i);
}

void fdt_reg(struct fdt_writer *w, uint64_t base, uint64_t size)
{
	const uint64_t r[2] = { base, size };

	prop_reg64(w, "reg", r, 2);
}

void fdt_spi(struct fdt_writer *w, unsigned int spi, bool edge)
{
	fdt32_t irq[3] = {
		cpu_to_fdt32(GIC_FDT_SPI), cpu_to_fdt32(spi),
		cpu_to_fdt32(edge ? IRQ_EDGE_RISING : IRQ_LEVEL_HIGH),
	};

	prop(w, "interrupts", irq, sizeof(irq));
}

/* A vCPU's MPIDR affinity, as the kernel gives it (4 CPUs per cluster). */
static uint32_t vcpu_affinity(int id)
{
	return (uint32_t)((id >> 2) << 8 | (id & 3));
}

static void fdt_cpus(struct fdt_writer *w, struct vmm *vmm)
{
	char name[32];
	int i;

	begin_node(w, "cpus");
	prop_u32(w, "#address-cells", 1);
	prop_u32(w, "#size-cells", 0);
	for (i = 0; i < vmm->nr_vcpus; i++) {
		snprintf(name, sizeof(name), "cpu@%x", vcpu_affinity(i));
		begin_node(w, name);
		prop_str(w, "device_type", "cpu");
		prop_str(w, "compatible", vmm->target == KVM_ARM_TARGET_CORTEX_A7 ?
					  "arm,cortex-a7" : "arm,cortex-a15");
		prop_u32(w, "reg", vcpu_affinity(i));
		prop_str(w, "enable-method", "psci");
		end_node(w);
	}
	end_node(w);
}

static void fdt_gic_timer_psci(struct fdt_writer *w, struct vmm *vmm)
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
	begin_node(w, name);
	/* the binding's name for every GICv2 with the virtualization extensions */
	prop_str(w, "compatible", "arm,cortex-a15-gic");
	prop_u32(w, "#interrupt-cells", 3);
	prop(w, "interrupt-controller", NULL, 0);
	prop_reg64(w, "reg", gic_reg, 4);
	prop_u32(w, "phandle", PHANDLE_GIC);
	end_node(w);

	begin_node(w, "timer");
	prop_str(w, "compatible", "arm,armv7-timer");
	prop(w, "interrupts", timer_irqs, sizeof(timer_irqs));
	end_node(w);

	begin_node(w, "psci");
	prop(w, "compatible", psci_compat, sizeof(psci_compat));
	prop_str(w, "method", "hvc");
	end_node(w);
}

static void fdt_devices(struct fdt_writer *w, struct vmm *vmm)
{
	static const char uart_compat[] = "arm,pl011\0arm,primecell";
	static const char clock_names[] = "uartclk\0apb_pclk";
	const fdt32_t clocks[2] = { cpu_to_fdt32(PHANDLE_APB_CLK), cpu_to_fdt32(PHANDLE_APB_CLK) };
	char name[48];
	int i;

	begin_node(w, "apb-pclk");
	prop_str(w, "compatible", "fixed-clock");
	prop_u32(w, "#clock-cells", 0);
	prop_u32(w, "clock-frequency", 24000000);
	prop_str(w, "clock-output-names", "clk24mhz");
	prop_u32(w, "phandle", PHANDLE_APB_CLK);
	end_node(w);
	for (i = 0; i < vmm->nr_devs; i++) {
		struct mmio_dev *d = vmm->devs[i];
		bool uart = d->base == GUEST_UART_BASE;

		snprintf(name, sizeof(name), "%s@%llx", uart ? "pl011" : "virtio_mmio",
			 (unsigned long long)d->base);
		begin_node(w, name);
		d->fdt_node(d, w);
		if (uart) {
			prop(w, "compatible", uart_compat, sizeof(uart_compat));
			prop(w, "clocks", clocks, sizeof(clocks));
			prop(w, "clock-names", clock_names, sizeof(clock_names));
		} else {
			prop_str(w, "compatible", "virtio,mmio");
			prop(w, "dma-coherent", NULL, 0);
		}
		end_node(w);
	}
}

/* /chosen's bootargs and initrd, in a finished tree. */
static int fdt_chosen_props(void *fdt, const char *bootargs, uint64_t initrd_start,
			    uint64_t initrd_end)
{
	int node = fdt_path_offset(fdt, "/chosen");
	int err;

	if (node == -FDT_ERR_NOTFOUND)
		node = fdt_add_subnode(fdt, 0, "chosen");
	if (node < 0)
		return node;
	err = fdt_setprop_string(fdt, node, "bootargs", bootargs);
	if (!err && initrd_end > initrd_start)
		err = fdt_setprop_u64(fdt, node, "linux,initrd-start", initrd_start);
	if (!err && initrd_end > initrd_start)
		err = fdt_setprop_u64(fdt, node, "linux,initrd-end", initrd_end);
	return err;
}

/* The user's DTB, opened into buf. */
static int fdt_from_file(struct vmm *vmm, void *buf, size_t size)
{
	char tmp[1 << 16];
	ssize_t n;
	int fd, err;

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
	if (err) {
		vmm_err("dtb %s: %s", vmm->cfg.dtb, fdt_strerror(err));
		return -1;
	}
	return 0;
}

/* Our own tree, finished and opened for /chosen's properties. */
static int fdt_generate(struct vmm *vmm, void *buf, size_t size)
{
	const uint64_t mem[2] = { GUEST_RAM_BASE, vmm->ram_size };
	struct fdt_writer w = { .fdt = buf };
	char path[48];

	snprintf(path, sizeof(path), "/pl011@%llx", GUEST_UART_BASE);
	fdt_w(&w, fdt_create(buf, (int)size));
	fdt_w(&w, w.err ? 0 : fdt_finish_reservemap(buf));
	begin_node(&w, "");
	prop_str(&w, "compatible", "linux,dummy-virt");
	prop_u32(&w, "#address-cells", 2);
	prop_u32(&w, "#size-cells", 2);
	prop_u32(&w, "interrupt-parent", PHANDLE_GIC);
	begin_node(&w, "chosen");
	prop_str(&w, "stdout-path", path);
	end_node(&w);
	begin_node(&w, "memory@40000000");
	prop_str(&w, "device_type", "memory");
	prop_reg64(&w, "reg", mem, 2);
	end_node(&w);
	fdt_cpus(&w, vmm);
	fdt_gic_timer_psci(&w, vmm);
	fdt_devices(&w, vmm);
	end_node(&w);
	fdt_w(&w, w.err ? 0 : fdt_finish(buf));
	fdt_w(&w, w.err ? 0 : fdt_open_into(buf, buf, (int)size));
	if (w.err) {
		vmm_err("building the device tree: %s", fdt_strerror(w.err));
		return -1;
	}
	return 0;
}

int guest_bootargs(const struct vmm_config *c, char *buf, size_t size)
{
	return snprintf(buf, size, "%s%s%s%s%s%s", c->cmdline,
			c->append ? " " : "", c->append ? c->append : "",
			c->guest_cmd ? " armvirt.cmd=\"" : "", c->guest_cmd ? c->guest_cmd : "",
			c->guest_cmd ? "\"" : "");
}

int fdt_build(struct vmm *vmm, void *buf, size_t size, uint64_t initrd_start,
	      uint64_t initrd_end)
{
	char bootargs[GUEST_CMDLINE_MAX];
	int err;

	/* parse_args() refused a longer one */
	guest_bootargs(&vmm->cfg, bootargs, sizeof(bootargs));
	if (vmm->cfg.dtb ? fdt_from_file(vmm, buf, size) : fdt_generate(vmm, buf, size))
		return -1;
	err = fdt_chosen_props(buf, bootargs, initrd_start, initrd_end);
	if (!err)
		err = fdt_pack(buf);
	if (err) {
		vmm_err("device tree /chosen: %s", fdt_strerror(err));
		return -1;
	}
	return 0;
}
