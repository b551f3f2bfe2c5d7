/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * armvirt highvisor: declarations shared between its files.
 *
 * Lock order (outermost first):
 *   cpus_read_lock (CPU hotplug)
 * Per-CPU lowvisor state is only changed on its own CPU with IRQs off
 * (see lowvisor_cpu.c), so it needs no lock of its own.
 */
#ifndef ARMVIRT_HIGHVISOR_H
#define ARMVIRT_HIGHVISOR_H

#include <linux/ioport.h>
#include <linux/types.h>

#define ARMVIRT_NAME "armvirt"

/* What the host offers a hypervisor, found once at load (hyp_detect.c). */
struct armvirt_platform {
	u32 id_pfr1;
	u32 cntfrq;		/* the counter's frequency, read once at load */
	struct resource gicc;	/* the host's GIC CPU interface */
	struct resource gich;	/* GIC virtual interface control */
	struct resource gicv;	/* GIC virtual CPU interface */
};

extern struct armvirt_platform armvirt_platform;

int armvirt_detect_platform(struct armvirt_platform *plat);
struct device_node *armvirt_gic_node(void);

/* The lowvisor on every CPU (lowvisor_cpu.c) */
struct lv_hyp_state {
	u32 seq;
	u32 cpsr;
	u32 hsctlr;
	u32 hvbar;
	u32 htcr;
	u32 pc;
	u32 sp;
	u32 httbr_lo;
	u32 httbr_hi;
	u32 mpidr;
};

struct lowvisor_info {
	unsigned long text_start, text_end;	/* HYP VA == kernel VA */
	unsigned long vectors;
	phys_addr_t idmap_pa;
	u64 httbr;
	unsigned long pt_pages;
};

int lowvisor_init(void);
void lowvisor_exit(void);
void lowvisor_get_info(struct lowvisor_info *info);
/* One CPU's lowvisor: what HYP sees, and what the highvisor gave it */
struct lowvisor_cpu_state {
	struct lv_hyp_state hyp;
	unsigned long pcpu_va;
	u32 stub_hvbar;
	u32 vectors;		/* the table chosen for the CPU (entry.S) */
	u32 midr;
};

int lowvisor_get_state(unsigned int cpu, struct lowvisor_cpu_state *st);
const char *lowvisor_vectors_predictor(u32 vectors);
/* test hooks (debugfs); caller holds cpus_read_lock() */
int lowvisor_simulate_pm_loss(unsigned int cpu);
int lowvisor_simulate_flush_without_lowvisor(unsigned int cpu);
int lowvisor_flush_tlb(u32 fn, u64 vttbr);
struct lv_vcpu;
int lowvisor_map_vcpu(struct lv_vcpu *hyp);
void lowvisor_unmap_vcpu(struct lv_vcpu *hyp);
int lowvisor_run_vcpu(struct lv_vcpu *hyp);
int lowvisor_bench_hvc(unsigned int iterations, u64 *hvc_ps, u64 *call_ps);
void lowvisor_selftest_hyp_panic(void);

/* /dev/armvirt (dev.c) */
int armvirt_dev_init(void);
void armvirt_dev_exit(void);

/* debugfs (debugfs.c) */
void armvirt_debugfs_init(void);
void armvirt_debugfs_exit(void);
struct dentry;
void armvirt_debugfs_vcpus_init(struct dentry *parent);

/* The hvc call into HYP (hvc.S); a4 travels in ip. */
u32 __lv_hvc(u32 fn, u32 a1, u32 a2, u32 a3, u32 a4);

#endif /* ARMVIRT_HIGHVISOR_H */
