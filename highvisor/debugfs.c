// SPDX-License-Identifier: GPL-2.0-only
/*
 * /sys/kernel/debug/armvirt: what the lowvisor sees, for tests and humans.
 *
 *   lowvisor               read: one line on the lowvisor, one per CPU,
 *                          each state read from HYP right now
 *   simulate_cpu_pm_loss   write a CPU number: CPU PM enter, HYP state lost
 *                          as in a power-down, CPU PM exit; fails unless
 *                          the lowvisor is back
 *   simulate_flush_without_lowvisor  write a CPU number: that CPU gives its
 *                          stub back, as when going offline, and flushes
 *                          the TLB; fails unless another CPU's lowvisor
 *                          made the flush
 *   bench_hvc              read: the cost of a null hvc round trip into the
 *                          lowvisor and of a plain call, on the reading CPU
 *   hyp_panic_selftest     write 1: an undefined instruction in HYP, which
 *                          panics the host; only with hyp_panic_selftest=1
 *   vcpus/, vmid_rollovers see debugfs_vcpu.c
 */
#include <linux/cpu.h>
#include <linux/debugfs.h>
#include <linux/kernel.h>
#include <linux/module.h>
#include <linux/seq_file.h>

#include "armvirt.h"

static bool hyp_panic_selftest;
module_param(hyp_panic_selftest, bool, 0400);
MODULE_PARM_DESC(hyp_panic_selftest,
		 "Test only: offer debugfs armvirt/hyp_panic_selftest, which panics the host from HYP");

static struct dentry *armvirt_debugfs;

static int lowvisor_show(struct seq_file *m, void *unused)
{
	struct lowvisor_info info;
	struct lowvisor_cpu_state st;
	unsigned int cpu;
	int ret;

	lowvisor_get_info(&info);
	seq_printf(m, "lowvisor text=%#lx-%#lx vectors=%#lx idmap_pa=%#llx httbr=%#llx pt_pages=%lu\n",
		   info.text_start, info.text_end, info.vectors,
		   (u64)info.idmap_pa, info.httbr, info.pt_pages);

	cpus_read_lock();
	for_each_possible_cpu(cpu) {
		if (!cpu_online(cpu)) {
			seq_printf(m, "cpu=%u state=offline\n", cpu);
			continue;
		}
		ret = lowvisor_get_state(cpu, &st);
		if (ret) {
			seq_printf(m, "cpu=%u state=error%d\n", cpu, ret);
			continue;
		}
		seq_printf(m, "cpu=%u state=installed mode=%#x hsctlr=%#x hvbar=%#x htcr=%#x pc=%#x sp=%#x httbr=%#llx mpidr=%#x pcpu=%#lx stub_hvbar=%#x vectors=%#x predictor=%s midr=%#x\n",
			   cpu, st.hyp.cpsr & 0x1f, st.hyp.hsctlr, st.hyp.hvbar, st.hyp.htcr,
			   st.hyp.pc, st.hyp.sp,
			   ((u64)st.hyp.httbr_hi << 32) | st.hyp.httbr_lo, st.hyp.mpidr,
			   st.pcpu_va, st.stub_hvbar, st.vectors,
			   lowvisor_vectors_predictor(st.vectors), st.midr);
	}
	cpus_read_unlock();
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(lowvisor);

#define BENCH_HVC_ITERATIONS 20000

static int bench_hvc_show(struct seq_file *m, void *unused)
{
	u64 hvc_ps, call_ps;
	int ret;

	ret = lowvisor_bench_hvc(BENCH_HVC_ITERATIONS, &hvc_ps, &call_ps);
	if (ret)
		return ret;
	seq_printf(m, "iterations=%u hvc_null_ps=%llu call_null_ps=%llu\n",
		   BENCH_HVC_ITERATIONS, hvc_ps, call_ps);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(bench_hvc);

/* A simulation on the CPU whose number was written, CPUs held online. */
static ssize_t simulate_on_cpu(const char __user *ubuf, size_t count,
			       int (*simulate)(unsigned int cpu))
{
	unsigned int cpu;
	int ret;

	ret = kstrtouint_from_user(ubuf, count, 0, &cpu);
	if (ret)
		return ret;
	if (cpu >= nr_cpu_ids)
		return -EINVAL;
	cpus_read_lock();
	ret = simulate(cpu);
	cpus_read_unlock();
	return ret ? ret : count;
}

static ssize_t simulate_pm_write(struct file *file, const char __user *ubuf,
				 size_t count, loff_t *ppos)
{
	return simulate_on_cpu(ubuf, count, lowvisor_simulate_pm_loss);
}

static ssize_t simulate_flush_write(struct file *file, const char __user *ubuf,
				    size_t count, loff_t *ppos)
{
	return simulate_on_cpu(ubuf, count, lowvisor_simulate_flush_without_lowvisor);
}

static ssize_t hyp_panic_write(struct file *file, const char __user *ubuf,
			       size_t count, loff_t *ppos)
{
	bool go;
	int ret;

	ret = kstrtobool_from_user(ubuf, count, &go);
	if (ret)
		return ret;
	if (go) {
		pr_emerg(ARMVIRT_NAME ": HYP panic self-test: executing an undefined instruction in HYP\n");
		lowvisor_selftest_hyp_panic();
	}
	return count;
}

static const struct file_operations hyp_panic_fops = {
	.owner	= THIS_MODULE,
	.write	= hyp_panic_write,
	.llseek	= noop_llseek,
};

static const struct file_operations simulate_pm_fops = {
	.owner	= THIS_MODULE,
	.write	= simulate_pm_write,
	.llseek	= noop_llseek,
};

static const struct file_operations simulate_flush_fops = {
	.owner	= THIS_MODULE,
	.write	= simulate_flush_write,
	.llseek	= noop_llseek,
};

void armvirt_debugfs_init(void)
{
	armvirt_debugfs = debugfs_create_dir(ARMVIRT_NAME, NULL);
	debugfs_create_file("lowvisor", 0444, armvirt_debugfs, NULL,
			    &lowvisor_fops);
	debugfs_create_file("simulate_cpu_pm_loss", 0200, armvirt_debugfs,
			    NULL, &simulate_pm_fops);
	debugfs_create_file("simulate_flush_without_lowvisor", 0200, armvirt_debugfs,
			    NULL, &simulate_flush_fops);
	debugfs_create_file("bench_hvc", 0400, armvirt_debugfs, NULL,
			    &bench_hvc_fops);
	if (hyp_panic_selftest)
		debugfs_create_file("hyp_panic_selftest", 0200, armvirt_debugfs,
				    NULL, &hyp_panic_fops);
	armvirt_debugfs_vcpus_init(armvirt_debugfs);
}

void armvirt_debugfs_exit(void)
{
	debugfs_remove_recursive(armvirt_debugfs);
}
