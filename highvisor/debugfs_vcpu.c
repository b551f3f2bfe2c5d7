// SPDX-License-Identifier: GPL-2.0-only
/*
 * /sys/kernel/debug/armvirt/vcpus/<pid>-<vm>-<vcpu>: one file per vCPU with
 * its exit counters, one "name count" line each, for tests and benchmarks.
 * <pid> is the VMM's, <vm> numbers the VMs since the module loaded.
 * Writing "trap HSR FAR HPFAR N" to it (hexadecimal; a test interface, root
 * only, for the VMM's own process) makes the stopped vCPU handle N guest
 * exits with that syndrome, as if its guest had trapped so: the emulated
 * test board never produces some of them (QEMU does not implement HCR.TSW,
 * nor faults on cache maintenance by VA), and this reaches their handlers on
 * a live VM. Each may move the guest's PC, as a real one would.
 * /sys/kernel/debug/armvirt/vmid_rollovers: VMID generations started.
 *
 * The counters are written by the vCPU's thread only and read here without
 * a lock: a reader sees each one whole (one word), if not all at one instant.
 */
#include <linux/debugfs.h>
#include <linux/sched.h>
#include <linux/seq_file.h>
#include <linux/uaccess.h>

#include "armvirt.h"
#include "run.h"

const char *const armvirt_exit_names[NR_EXIT_KINDS] = {
	[EXIT_IRQ] = "irq",
	[EXIT_WFI] = "wfi",
	[EXIT_WFE] = "wfe",
	[EXIT_CP15] = "cp15",
	[EXIT_CP14] = "cp14",
	[EXIT_SET_WAY] = "set_way",
	[EXIT_VM_REG] = "vm_reg",
	[EXIT_DCACHE_FLUSH] = "dcache_flush",
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

static int vcpu_exits_open(struct inode *inode, struct file *file)
{
	return single_open(file, vcpu_exits_show, inode->i_private);
}

#define TRAP_SELFTEST_MAX	100000

static ssize_t vcpu_exits_write(struct file *file, const char __user *ubuf,
				size_t len, loff_t *ppos)
{
	struct armvirt_vcpu *vcpu = ((struct seq_file *)file->private_data)->private;
	unsigned int i, n;
	u32 hsr, far, hpfar;
	char buf[64];
	int ret = 0;

	if (len >= sizeof(buf))
		return -EINVAL;
	if (copy_from_user(buf, ubuf, len))
		return -EFAULT;
	buf[len] = 0;
	if (sscanf(buf, "trap %x %x %x %u", &hsr, &far, &hpfar, &n) != 4 ||
	    n > TRAP_SELFTEST_MAX)
		return -EINVAL;
	if (vcpu->vm->mm != current->mm)
		return -EIO;	/* stage-2 faults look at the caller's memory */
	if (!mutex_trylock(&vcpu->mutex))
		return -EBUSY;	/* it is running: this is for a stopped vCPU */
	for (i = 0; i < n && ret >= 0; i++)
		ret = armvirt_selftest_trap(vcpu, hsr, far, hpfar);
	mutex_unlock(&vcpu->mutex);
	return ret < 0 ? ret : len;
}

static const struct file_operations vcpu_exits_fops = {
	.owner		= THIS_MODULE,
	.open		= vcpu_exits_open,
	.read		= seq_read,
	.llseek		= seq_lseek,
	.release	= single_release,
	.write		= vcpu_exits_write,
};

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
	vcpu->debugfs = debugfs_create_file(name, 0644, vcpus_dir, vcpu,
					    &vcpu_exits_fops);
}

/* Waits for a read or write of the file in progress; once is enough. */
void armvirt_debugfs_vcpu_remove(struct armvirt_vcpu *vcpu)
{
	debugfs_remove(vcpu->debugfs);
	vcpu->debugfs = NULL;
}
