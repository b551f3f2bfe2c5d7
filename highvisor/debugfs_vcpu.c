// SPDX-License-Identifier: GPL-2.0-only
/*
 * /sys/kernel/debug/armvirt/vcpus/<pid>-<vm>-<vcpu>: one file per vCPU with
 * its exit counters, one "name count" line each, for tests and benchmarks.
 * <pid> is the VMM's, <vm> numbers the VMs since the module loaded.
 * /sys/kernel/debug/armvirt/vmid_rollovers: VMID generations started.
 *
 * The counters are written by the vCPU's thread only and read here without
 * a lock: a reader sees each one whole (one word), if not all at one instant.
 */
#include <linux/debugfs.h>
#include <linux/sched.h>
#include <linux/seq_file.h>

#include "armvirt.h"
#include "run.h"

const char *const armvirt_exit_names[NR_EXIT_KINDS] = {
	[EXIT_IRQ] = "irq",
	[EXIT_WFI] = "wfi",
	[EXIT_WFE] = "wfe",
	[EXIT_CP15] = "cp15",
	[EXIT_CP14] = "cp14",
	[EXIT_SET_WAY] = "set_way",
	[EXIT_PSCI] = "psci",
	[EXIT_HVC_OTHER] = "hvc_other",
	[EXIT_MEM_FAULT] = "mem_fault",
	[EXIT_MMIO_READ] = "mmio_read",
	[EXIT_MMIO_WRITE] = "mmio_write",
	[EXIT_MMIO_DECODED] = "mmio_decoded",
	[EXIT_MMIO_KERNEL] = "mmio_kernel",
	[EXIT_IOEVENTFD] = "ioeventfd",
	[EXIT_UNDEF] = "undef_injected",
	[EXIT_ABORT] = "abort_injected",
	[EXIT_SIGNAL] = "signal",
};

static struct dentry *vcpus_dir;

static int vcpu_exits_show(struct seq_file *m, void *unused)
{
	struct armvirt_vcpu *vcpu = m->private;
	unsigned int i;

	seq_printf(m, "runs %lu\n", READ_ONCE(vcpu->stats.runs));
	for (i = 0; i < NR_EXIT_KINDS; i++)
		seq_printf(m, "%s %lu\n", armvirt_exit_names[i],
			   READ_ONCE(vcpu->stats.exits[i]));
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(vcpu_exits);

static int vmid_rollovers_show(struct seq_file *m, void *unused)
{
	seq_printf(m, "%lu\n", armvirt_vmid_rollovers());
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(vmid_rollovers);

void armvirt_debugfs_vcpus_init(struct dentry *parent)
{
	vcpus_dir = debugfs_create_dir("vcpus", parent);
	debugfs_create_file("vmid_rollovers", 0444, parent, NULL, &vmid_rollovers_fops);
}

void armvirt_debugfs_vcpu_add(struct armvirt_vcpu *vcpu)
{
	char name[40];

	snprintf(name, sizeof(name), "%d-%u-%u", task_tgid_nr(current),
		 vcpu->vm->debug_id, vcpu->id);
	vcpu->debugfs = debugfs_create_file(name, 0444, vcpus_dir, vcpu,
					    &vcpu_exits_fops);
}

void armvirt_debugfs_vcpu_remove(struct armvirt_vcpu *vcpu)
{
	debugfs_remove(vcpu->debugfs);
}
