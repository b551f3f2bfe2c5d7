// SPDX-License-Identifier: GPL-2.0-only
/*
 * The lowvisor's life on each CPU: installed when the module loads and when
 * a CPU comes online, reinstalled when a CPU comes back from a low-power
 * state that lost it, and replaced by the kernel's stub when a CPU goes
 * offline, before a reboot or kexec, and when the module unloads.
 *
 * Locking: struct lv_cpu of a CPU is only read or written on that CPU, with
 * IRQs off (cpuhp callbacks disable them, CPU PM notifiers and IPIs run with
 * them off). The global struct lowvisor is written only in lowvisor_init()
 * and lowvisor_exit(), before any CPU uses it and after none does.
 */
#include <linux/cpu.h>
#include <linux/cpu_pm.h>
#include <linux/cpuhotplug.h>
#include <linux/gfp.h>
#include <linux/kernel.h>
#include <linux/ktime.h>
#include <linux/lockdep.h>
#include <linux/math64.h>
#include <linux/mm.h>
#include <linux/mutex.h>
#include <linux/percpu.h>
#include <linux/reboot.h>
#include <linux/smp.h>
#include <linux/workqueue.h>
#include <asm/cp15.h>
#include <asm/cputype.h>

#include "armvirt.h"
#include "../lowvisor/ctxt.h"
#include "../lowvisor/lowvisor.h"
#include "../mmu/cache.h"
#include "../mmu/hyp_pgtable.h"
#include "../vgic/vgic.h"

/* The page each CPU shares with HYP, its stack above; offsets in lowvisor.h. */
struct lv_percpu {
	u32 stub_hvbar;			/* written by HYP at install */
	u32 stub_hsctlr;		/* written by HYP at install */
	u32 idmap_pa;			/* written by us, read by HYP */
	u32 vcpu;			/* HYP's: the guest loaded, or 0 */
	struct lv_hyp_state state;	/* written by HYP on GET_STATE */
	u32 vectors;			/* written by us, read by HYP at install */
	u32 pad;
	struct lv_vcpu host;		/* HYP's: the host's state while a guest runs */
};

struct lv_cpu {
	struct lv_percpu *hyp;		/* one page, mapped in HYP */
	bool installed;
	u32 seq;			/* last GET_STATE sequence number */
};

static DEFINE_PER_CPU(struct lv_cpu, lv_cpus);

static struct lowvisor {
	struct hyp_pgtable pgt;
	struct mutex pgt_lock;		/* HYP mappings made after load */
	phys_addr_t idmap_pa;		/* PA of __lv_idmap_start */
	phys_addr_t init_pa;		/* PA of lv_hyp_init */
	u64 httbr;
	enum cpuhp_state hp_state;
	bool shutting_down;		/* set by the reboot notifier */
} lv;

static void lv_check_layout(void)
{
	BUILD_BUG_ON(offsetof(struct lv_percpu, stub_hvbar) != LV_PCPU_STUB_HVBAR);
	BUILD_BUG_ON(offsetof(struct lv_percpu, stub_hsctlr) != LV_PCPU_STUB_HSCTLR);
	BUILD_BUG_ON(offsetof(struct lv_percpu, idmap_pa) != LV_PCPU_IDMAP_PA);
	BUILD_BUG_ON(offsetof(struct lv_percpu, vcpu) != LV_PCPU_VCPU);
	BUILD_BUG_ON(offsetof(struct lv_percpu, state) != LV_PCPU_STATE);
	BUILD_BUG_ON(offsetof(struct lv_percpu, vectors) != LV_PCPU_VECTORS);
	BUILD_BUG_ON(offsetof(struct lv_percpu, host) != LV_PCPU_HOST);
	BUILD_BUG_ON(offsetof(struct lv_hyp_state, seq) != LV_STATE_SEQ);
	BUILD_BUG_ON(offsetof(struct lv_hyp_state, cpsr) != LV_STATE_CPSR);
	BUILD_BUG_ON(offsetof(struct lv_hyp_state, hsctlr) != LV_STATE_HSCTLR);
	BUILD_BUG_ON(offsetof(struct lv_hyp_state, hvbar) != LV_STATE_HVBAR);
	BUILD_BUG_ON(offsetof(struct lv_hyp_state, htcr) != LV_STATE_HTCR);
	BUILD_BUG_ON(offsetof(struct lv_hyp_state, pc) != LV_STATE_PC);
	BUILD_BUG_ON(offsetof(struct lv_hyp_state, sp) != LV_STATE_SP);
	BUILD_BUG_ON(offsetof(struct lv_hyp_state, httbr_lo) != LV_STATE_HTTBR_LO);
	BUILD_BUG_ON(offsetof(struct lv_hyp_state, httbr_hi) != LV_STATE_HTTBR_HI);
	BUILD_BUG_ON(offsetof(struct lv_hyp_state, mpidr) != LV_STATE_MPIDR);
	BUILD_BUG_ON(sizeof(struct lv_percpu) > LV_PCPU_SIZE / 4 * 3);	/* leave a stack */
	BUILD_BUG_ON(LV_PCPU_SIZE != PAGE_SIZE);
}

#define ACTLR_IBE	BIT(0)	/* Cortex-A15: ICIALLU also invalidates the BTB */

/*
 * The HYP vectors for this CPU: on the cores whose branch predictor a
 * guest can train (Spectre variant 2), those that invalidate it on every
 * entry into HYP, the way Linux picks its own mitigation. IRQs off.
 */
static char *lv_vectors_for_this_cpu(void)
{
	switch (read_cpuid_part()) {
	case ARM_CPU_PART_CORTEX_A12:
	case ARM_CPU_PART_CORTEX_A17:
	case ARM_CPU_PART_BRAHMA_B15:
		return lv_vectors_bpiall;
	case ARM_CPU_PART_CORTEX_A15:
		if (!(get_auxcr() & ACTLR_IBE))
			pr_info_once(ARMVIRT_NAME ": Cortex-A15 with ACTLR.IBE clear (firmware): its branch predictor stays as a guest leaves it\n");
		return lv_vectors_iciallu;
	default:
		return lv_vectors;
	}
}

/* For debugfs: how the HYP vectors at @vectors invalidate the branch predictor. */
const char *lowvisor_vectors_predictor(u32 vectors)
{
	if (vectors == (u32)lv_vectors_bpiall)
		return "bpiall";
	if (vectors == (u32)lv_vectors_iciallu)
		return "iciallu";
	return vectors == (u32)lv_vectors ? "none" : "unknown";
}

/* IRQs off. Enter HYP through whatever is there (the stub, or an older lowvisor). */
static int lv_install_this_cpu(void)
{
	struct lv_cpu *c = this_cpu_ptr(&lv_cpus);
	u32 ret;

	if (READ_ONCE(lv.shutting_down))
		return -ESHUTDOWN;
	c->hyp->vectors = (u32)lv_vectors_for_this_cpu();
	ret = __lv_hvc(LV_HVC_SOFT_RESTART, (u32)lv.init_pa, (u32)c->hyp,
		       lower_32_bits(lv.httbr), upper_32_bits(lv.httbr));
	if (ret == 0)
		ret = __lv_hvc(LV_HVC_PING, 0, 0, 0, 0);
	if (ret != LV_PING_MAGIC) {
		pr_err(ARMVIRT_NAME ": CPU%u: lowvisor did not start (HYP answered %#x)\n",
		       smp_processor_id(), ret);
		return -EIO;
	}
	c->installed = true;
	return 0;
}

/* IRQs off. */
static void lv_teardown_this_cpu(void)
{
	struct lv_cpu *c = this_cpu_ptr(&lv_cpus);

	if (!c->installed)
		return;
	__lv_hvc(LV_HVC_RESET_VECTORS, 0, 0, 0, 0);
	c->installed = false;
}

static int lv_cpu_online(unsigned int cpu)
{
	unsigned long flags;
	int ret;

	local_irq_save(flags);
	ret = lv_install_this_cpu();
	if (!ret)
		vgic_hw_cpu_online();
	local_irq_restore(flags);
	return ret;
}

static int lv_cpu_offline(unsigned int cpu)
{
	unsigned long flags;

	local_irq_save(flags);
	vgic_hw_cpu_offline();
	lv_teardown_this_cpu();
	local_irq_restore(flags);
	return 0;
}

/* IRQs off: is this CPU's HYP our lowvisor (and not the kernel's stub)? */
static bool lv_answers_here(void)
{
	return __lv_hvc(LV_HVC_PING, 0, 0, 0, 0) == LV_PING_MAGIC;
}

/*
 * CPU PM: a CPU that lost its state in a low-power state comes back through
 * cpu_resume, which reinstalls the kernel's stub. IRQs are off here.
 */
static void lv_cpu_pm_exit(void)
{
	struct lv_cpu *c = this_cpu_ptr(&lv_cpus);

	if (!c->installed || lv_answers_here())
		return;
	c->installed = false;
	lv_install_this_cpu();
}

static int lv_cpu_pm_notify(struct notifier_block *nb, unsigned long action,
			    void *unused)
{
	if (action == CPU_PM_EXIT || action == CPU_PM_ENTER_FAILED)
		lv_cpu_pm_exit();
	return NOTIFY_OK;
}

static struct notifier_block lv_cpu_pm_nb = {
	.notifier_call = lv_cpu_pm_notify,
};

static void lv_teardown_ipi(void *unused)
{
	lv_teardown_this_cpu();
}

/*
 * Reboot and kexec: give every CPU its stub back while all of them are
 * still online. (A crash kexec skips the notifiers; the lowvisor then
 * honours HVC_SOFT_RESTART itself.)
 */
static int lv_reboot_notify(struct notifier_block *nb, unsigned long action,
			    void *unused)
{
	WRITE_ONCE(lv.shutting_down, true);
	on_each_cpu(lv_teardown_ipi, NULL, 1);
	return NOTIFY_OK;
}

static struct notifier_block lv_reboot_nb = {
	.notifier_call = lv_reboot_notify,
};

/* Called by the lowvisor, in SVC mode with exceptions masked. */
void armvirt_hyp_panic(u32 kind, u32 elr, u32 hsr, u32 far)
{
	static const char * const kinds[] = {
		[LV_PANIC_RESET] = "reset", [LV_PANIC_UNDEF] = "undefined instruction",
		[LV_PANIC_HVC_IN_HYP] = "hvc", [LV_PANIC_PABT] = "prefetch abort",
		[LV_PANIC_DABT] = "data abort", [LV_PANIC_TRAP] = "trap",
		[LV_PANIC_IRQ] = "IRQ", [LV_PANIC_FIQ] = "FIQ",
	};

	panic(ARMVIRT_NAME ": unexpected %s in HYP at %#x (HSR %#x, FAR %#x)\n",
	      kind < ARRAY_SIZE(kinds) ? kinds[kind] : "exception", elr, hsr, far);
}

static void lv_free_percpu(void)
{
	unsigned int cpu;

	for_each_possible_cpu(cpu) {
		struct lv_cpu *c = per_cpu_ptr(&lv_cpus, cpu);

		free_page((unsigned long)c->hyp);
		c->hyp = NULL;
	}
}

/* Per-CPU pages and the HYP page tables: everything the lowvisor touches. */
static int lv_build(void)
{
	size_t idmap_size = __lv_idmap_end - __lv_idmap_start;
	unsigned int cpu;
	int ret;

	if (idmap_size > LV_IDMAP_ALIGN) {
		pr_err(ARMVIRT_NAME ": identity-mapped lowvisor code is %zu bytes, more than its alignment (%d)\n",
		       idmap_size, LV_IDMAP_ALIGN);
		return -EINVAL;
	}
	lv.idmap_pa = armvirt_kaddr_to_phys(__lv_idmap_start);
	lv.init_pa = armvirt_kaddr_to_phys(lv_hyp_init);
	ret = hyp_pgtable_init(&lv.pgt);
	if (ret)
		return ret;
	ret = hyp_map_kernel(&lv.pgt, __lv_text_start,
			     __lv_text_end - __lv_text_start, HYP_PROT_RX);
	if (!ret)
		ret = hyp_map_idmap(&lv.pgt, __lv_idmap_start, idmap_size);
	if (ret == -EEXIST || ret == -ERANGE)
		pr_err(ARMVIRT_NAME ": lowvisor code at PA %pa cannot be identity-mapped in HYP\n",
		       &lv.idmap_pa);
	if (ret)
		goto fail;

	for_each_possible_cpu(cpu) {
		struct lv_cpu *c = per_cpu_ptr(&lv_cpus, cpu);

		c->hyp = (struct lv_percpu *)get_zeroed_page(GFP_KERNEL);
		if (!c->hyp) {
			ret = -ENOMEM;
			goto fail;
		}
		c->hyp->idmap_pa = (u32)lv.idmap_pa;
		ret = hyp_map_kernel(&lv.pgt, c->hyp, PAGE_SIZE, HYP_PROT_RW);
		if (ret)
			goto fail;
	}
	lv.httbr = hyp_pgtable_httbr(&lv.pgt);
	/* HYP fetches and reads this code with its MMU and caches off. */
	armvirt_dcache_clean_poc(__lv_idmap_start, idmap_size);
	return 0;

fail:
	lv_free_percpu();
	hyp_pgtable_free(&lv.pgt);
	return ret;
}

int lowvisor_init(void)
{
	int ret;

	lv_check_layout();
	memset(&lv, 0, sizeof(lv));
	mutex_init(&lv.pgt_lock);
	ret = lv_build();
	if (ret)
		return ret;

	cpu_pm_register_notifier(&lv_cpu_pm_nb);
	register_reboot_notifier(&lv_reboot_nb);
	/* Installs on every online CPU, or on none if one fails. */
	ret = cpuhp_setup_state(CPUHP_AP_ONLINE_DYN, "armvirt/lowvisor:online",
				lv_cpu_online, lv_cpu_offline);
	if (ret < 0) {
		unregister_reboot_notifier(&lv_reboot_nb);
		cpu_pm_unregister_notifier(&lv_cpu_pm_nb);
		lv_free_percpu();
		hyp_pgtable_free(&lv.pgt);
		return ret;
	}
	lv.hp_state = ret;
	return 0;
}

void lowvisor_exit(void)
{
	/* Gives every online CPU its stub back; offline CPUs have it already. */
	cpuhp_remove_state(lv.hp_state);
	unregister_reboot_notifier(&lv_reboot_nb);
	cpu_pm_unregister_notifier(&lv_cpu_pm_nb);
	lv_free_percpu();
	hyp_pgtable_free(&lv.pgt);
}

/*
 * A vCPU's struct lv_vcpu page, mapped in HYP at its kernel VA while the
 * vCPU exists. Entries are only added to tables HYP may be walking: no TLB
 * maintenance is needed for that (a faulting entry is never cached).
 */
int lowvisor_map_vcpu(struct lv_vcpu *hyp)
{
	int ret;

	mutex_lock(&lv.pgt_lock);
	ret = hyp_map_kernel(&lv.pgt, hyp, PAGE_SIZE, HYP_PROT_RW);
	mutex_unlock(&lv.pgt_lock);
	return ret;
}

void lowvisor_unmap_vcpu(struct lv_vcpu *hyp)
{
	mutex_lock(&lv.pgt_lock);
	hyp_unmap_kernel(&lv.pgt, hyp, PAGE_SIZE);
	lowvisor_flush_tlb(LV_HVC_TLB_FLUSH_HYP, 0);	/* every CPU's HYP TLB */
	mutex_unlock(&lv.pgt_lock);
}

struct lv_tlb_call {
	u32 fn;
	u64 vttbr;
	int ret;	/* -ENODEV until a lowvisor made the call */
};

/* IRQs off: the call, made here if this CPU has the lowvisor. */
static void lv_tlb_call_here(void *arg)
{
	struct lv_tlb_call *call = arg;

	if (this_cpu_ptr(&lv_cpus)->installed)
		call->ret = __lv_hvc(call->fn, lower_32_bits(call->vttbr),
				     upper_32_bits(call->vttbr), 0, 0) ? -EIO : 0;
}

/*
 * TLB maintenance, @fn one of LV_HVC_TLB_FLUSH_* (@vttbr for the VMID's):
 * inner shareable, so any CPU's lowvisor makes it for all. This CPU's
 * does, if it has one. It may not: a CPU going offline gives its stub
 * back (lv_cpu_offline) before the kernel moves the last tasks off it
 * (pinned ones: on PREEMPT_RT, any holder of a spinlock_t; on 5.10
 * without PREEMPT_RT, any task); or a CPU PM exit could not reinstall
 * it. The stub would ignore the call and a guest would go on reaching
 * freed pages, so another online CPU's lowvisor makes it. With none
 * anywhere (shutting down) no guest runs, and a lowvisor installed later
 * starts with an empty TLB (init.S).
 * Process context with IRQs on (it may wait for another CPU); preemption
 * may be off. Returns 0, or -ENODEV if no CPU has the lowvisor.
 */
int lowvisor_flush_tlb(u32 fn, u64 vttbr)
{
	struct lv_tlb_call call = { .fn = fn, .vttbr = vttbr, .ret = -ENODEV };
	unsigned long flags;
	unsigned int cpu;

	lockdep_assert_irqs_enabled();
	local_irq_save(flags);
	lv_tlb_call_here(&call);
	local_irq_restore(flags);
	for_each_online_cpu(cpu) {
		if (call.ret != -ENODEV)
			break;
		smp_call_function_single(cpu, lv_tlb_call_here, &call, 1);
	}
	if (call.ret == -EIO)
		pr_err_ratelimited(ARMVIRT_NAME ": the lowvisor refused TLB maintenance %u\n", fn);
	return call.ret;
}

/*
 * Enter the guest of @hyp on this CPU until its next exit. IRQs off.
 * Returns 0, or -ENODEV if this CPU has no lowvisor.
 */
int lowvisor_run_vcpu(struct lv_vcpu *hyp)
{
	if (!this_cpu_ptr(&lv_cpus)->installed)
		return -ENODEV;
	return __lv_hvc(LV_HVC_VCPU_RUN, (u32)hyp, 0, 0, 0) ? -EIO : 0;
}

void lowvisor_get_info(struct lowvisor_info *info)
{
	info->text_start = (unsigned long)__lv_text_start;
	info->text_end = (unsigned long)__lv_text_end;
	info->vectors = (unsigned long)lv_vectors;
	info->idmap_pa = lv.idmap_pa;
	info->httbr = lv.httbr;
	info->pt_pages = lv.pgt.nr_pages;
}

struct lv_state_call {
	struct lowvisor_cpu_state st;
	int ret;
};

static void lv_get_state_ipi(void *arg)
{
	struct lv_cpu *c = this_cpu_ptr(&lv_cpus);
	struct lv_state_call *call = arg;

	if (!c->installed) {
		call->ret = -ENODEV;
		return;
	}
	c->seq++;
	if (__lv_hvc(LV_HVC_GET_STATE, c->seq, 0, 0, 0) != 0 ||
	    READ_ONCE(c->hyp->state.seq) != c->seq) {
		call->ret = -EIO;
		return;
	}
	call->st.hyp = c->hyp->state;
	call->st.pcpu_va = (unsigned long)c->hyp;
	call->st.stub_hvbar = c->hyp->stub_hvbar;
	call->st.vectors = c->hyp->vectors;
	call->st.midr = read_cpuid_id();
	call->ret = 0;
}

/* Ask the lowvisor on @cpu what it sees. Caller holds cpus_read_lock(). */
int lowvisor_get_state(unsigned int cpu, struct lowvisor_cpu_state *st)
{
	struct lv_state_call call = { .ret = -ENODEV };
	int ret;

	ret = smp_call_function_single(cpu, lv_get_state_ipi, &call, 1);
	if (ret)
		return ret;
	if (call.ret)
		return call.ret;
	*st = call.st;
	return 0;
}

/* The bench's reference: a call that answers a ping as the lowvisor does. */
static noinline u32 lv_null_call(u32 fn)
{
	barrier();
	return fn == LV_HVC_PING ? LV_PING_MAGIC : LV_HVC_STUB_ERR;
}

/*
 * Bench: the cost of a round trip into HYP (LV_HVC_PING) on this CPU, and of
 * a plain function call measured the same way, in picoseconds per call.
 * IRQs are off for one batch at a time (tens of microseconds), not for the
 * whole run: on PREEMPT_RT that would be a latency spike for everyone.
 */
#define BENCH_BATCH	256U	/* unsigned: 5.10's min() wants both sides of one type */

int lowvisor_bench_hvc(unsigned int iterations, u64 *hvc_ps, u64 *call_ps)
{
	u64 hvc_ns = 0, call_ns = 0, t0, t1, t2;
	unsigned int done, i, n;
	unsigned long flags;
	u32 sink = 0;

	for (done = 0; done < iterations; done += n) {
		n = min(iterations - done, BENCH_BATCH);
		local_irq_save(flags);
		if (!this_cpu_ptr(&lv_cpus)->installed) {
			local_irq_restore(flags);
			return -ENODEV;
		}
		t0 = ktime_get_ns();
		for (i = 0; i < n; i++)
			sink += __lv_hvc(LV_HVC_PING, 0, 0, 0, 0);
		t1 = ktime_get_ns();
		for (i = 0; i < n; i++)
			sink += lv_null_call(LV_HVC_PING);
		t2 = ktime_get_ns();
		local_irq_restore(flags);
		hvc_ns += t1 - t0;
		call_ns += t2 - t1;
		cond_resched();
	}
	*hvc_ps = div_u64(hvc_ns * 1000, iterations);
	*call_ps = div_u64(call_ns * 1000, iterations);
	return sink == 2 * iterations * LV_PING_MAGIC ? 0 : -EIO;
}

/* Test hook: an undefined instruction in HYP; the host panics. */
void lowvisor_selftest_hyp_panic(void)
{
	local_irq_disable();
	__lv_hvc(LV_HVC_SELFTEST_UNDEF, 0, 0, 0, 0);
	/* Not reached: the lowvisor returns to armvirt_hyp_panic(). */
	local_irq_enable();
}

/*
 * Test hook: what a power-down and cpu_resume do to HYP on @cpu (the stub
 * comes back), between the kernel's own CPU PM enter and exit notifications.
 * Runs in a kworker bound to @cpu with IRQs off, as the idle path would: not
 * in an IPI, which could interrupt a kernel-mode NEON user.
 */
static long lv_simulate_pm_loss_work(void *unused)
{
	unsigned long flags;
	long ret;

	local_irq_save(flags);
	ret = cpu_pm_enter();
	if (!ret) {
		__lv_hvc(LV_HVC_RESET_VECTORS, 0, 0, 0, 0);
		cpu_pm_exit();
		ret = this_cpu_ptr(&lv_cpus)->installed && lv_answers_here() ? 0 : -EIO;
	}
	local_irq_restore(flags);
	return ret;
}

/*
 * Test hook: what a task pinned to @cpu sees once the CPU has given its
 * stub back (going offline): TLB maintenance still made, by another CPU.
 * In a kworker bound to @cpu; the lowvisor is reinstalled after.
 */
static long lv_flush_without_lowvisor_work(void *unused)
{
	unsigned long flags;
	long ret;

	preempt_disable();	/* no vCPU may find this CPU without its lowvisor */
	local_irq_save(flags);
	lv_teardown_this_cpu();
	local_irq_restore(flags);
	ret = lowvisor_flush_tlb(LV_HVC_TLB_FLUSH_HYP, 0);
	local_irq_save(flags);
	if (lv_install_this_cpu() && !ret)
		ret = -EIO;
	local_irq_restore(flags);
	preempt_enable();
	return ret;
}

/* A test hook's work in a kworker bound to @cpu. Caller holds cpus_read_lock(). */
static int lv_simulate_on(unsigned int cpu, long (*work)(void *))
{
	if (!cpu_online(cpu))
		return -ENODEV;
	return work_on_cpu(cpu, work, NULL);
}

int lowvisor_simulate_flush_without_lowvisor(unsigned int cpu)
{
	return lv_simulate_on(cpu, lv_flush_without_lowvisor_work);
}

int lowvisor_simulate_pm_loss(unsigned int cpu)
{
	return lv_simulate_on(cpu, lv_simulate_pm_loss_work);
}
