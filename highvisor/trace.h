/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * armvirt's tracepoints, for trace-cmd, perf or tracefs on the host
 * (events/armvirt/): guest entry and exit with the reason, MMIO and who
 * handled it, interrupts put into the list registers, KVM_IRQ_LINE, and
 * stage-2 faults on guest RAM. Integer fields only, so that the layout
 * does not depend on the kernel version. Entry and exit fire with IRQs off.
 */
#undef TRACE_SYSTEM
#define TRACE_SYSTEM armvirt

#if !defined(ARMVIRT_TRACE_H) || defined(TRACE_HEADER_MULTI_READ)
#define ARMVIRT_TRACE_H

#include <linux/tracepoint.h>

TRACE_EVENT(armvirt_entry,
	TP_PROTO(unsigned int vcpu_id, u32 pc),
	TP_ARGS(vcpu_id, pc),
	TP_STRUCT__entry(
		__field(unsigned int, vcpu_id)
		__field(u32, pc)
	),
	TP_fast_assign(
		__entry->vcpu_id = vcpu_id;
		__entry->pc = pc;
	),
	TP_printk("vcpu %u pc %#x", __entry->vcpu_id, __entry->pc)
);

/* exit: the lowvisor's LV_EXIT_* (lowvisor/ctxt.h); ec: HSR's exception class, for traps */
TRACE_EVENT(armvirt_exit,
	TP_PROTO(unsigned int vcpu_id, u32 exit, u32 hsr, u32 pc),
	TP_ARGS(vcpu_id, exit, hsr, pc),
	TP_STRUCT__entry(
		__field(unsigned int, vcpu_id)
		__field(u32, exit)
		__field(u32, hsr)
		__field(u32, pc)
	),
	TP_fast_assign(
		__entry->vcpu_id = vcpu_id;
		__entry->exit = exit;
		__entry->hsr = hsr;
		__entry->pc = pc;
	),
	TP_printk("vcpu %u %s ec %#x hsr %#x pc %#x", __entry->vcpu_id,
		  __print_symbolic(__entry->exit, { 0, "trap" }, { 1, "irq" }, { 2, "fiq" },
				   { 3, "hyp-fault" }),
		  __entry->hsr >> 26, __entry->hsr, __entry->pc)
);

/* by: 0 the kernel (vGIC distributor), 1 an ioeventfd, 2 the VMM */
TRACE_EVENT(armvirt_mmio,
	TP_PROTO(unsigned int vcpu_id, u64 ipa, unsigned int len, bool is_write, u64 value,
		 unsigned int by),
	TP_ARGS(vcpu_id, ipa, len, is_write, value, by),
	TP_STRUCT__entry(
		__field(unsigned int, vcpu_id)
		__field(u64, ipa)
		__field(unsigned int, len)
		__field(bool, is_write)
		__field(u64, value)
		__field(unsigned int, by)
	),
	TP_fast_assign(
		__entry->vcpu_id = vcpu_id;
		__entry->ipa = ipa;
		__entry->len = len;
		__entry->is_write = is_write;
		__entry->value = value;
		__entry->by = by;
	),
	TP_printk("vcpu %u %s ipa %#llx len %u value %#llx by %s", __entry->vcpu_id,
		  __entry->is_write ? "write" : "read", __entry->ipa, __entry->len, __entry->value,
		  __print_symbolic(__entry->by, { 0, "kernel" }, { 1, "ioeventfd" }, { 2, "vmm" }))
);

/* An interrupt written into a list register at entry (vGIC) */
TRACE_EVENT(armvirt_vgic_inject,
	TP_PROTO(unsigned int vcpu_id, u32 intid, u32 lr),
	TP_ARGS(vcpu_id, intid, lr),
	TP_STRUCT__entry(
		__field(unsigned int, vcpu_id)
		__field(u32, intid)
		__field(u32, lr)
	),
	TP_fast_assign(
		__entry->vcpu_id = vcpu_id;
		__entry->intid = intid;
		__entry->lr = lr;
	),
	TP_printk("vcpu %u intid %u lr %#x", __entry->vcpu_id, __entry->intid, __entry->lr)
);

/* KVM_IRQ_LINE as the VMM asked it (before any check) */
TRACE_EVENT(armvirt_irq_line,
	TP_PROTO(u32 irq, u32 level),
	TP_ARGS(irq, level),
	TP_STRUCT__entry(
		__field(u32, irq)
		__field(u32, level)
	),
	TP_fast_assign(
		__entry->irq = irq;
		__entry->level = level;
	),
	TP_printk("type %u vcpu %u num %u level %u", __entry->irq >> 24,
		  (__entry->irq >> 16) & 0xff, __entry->irq & 0xffff, __entry->level)
);

/* A stage-2 fault on guest RAM (not MMIO) */
TRACE_EVENT(armvirt_s2_fault,
	TP_PROTO(unsigned int vcpu_id, u64 ipa, bool write, unsigned long hva),
	TP_ARGS(vcpu_id, ipa, write, hva),
	TP_STRUCT__entry(
		__field(unsigned int, vcpu_id)
		__field(u64, ipa)
		__field(bool, write)
		__field(unsigned long, hva)
	),
	TP_fast_assign(
		__entry->vcpu_id = vcpu_id;
		__entry->ipa = ipa;
		__entry->write = write;
		__entry->hva = hva;
	),
	TP_printk("vcpu %u ipa %#llx %s hva %#lx", __entry->vcpu_id, __entry->ipa,
		  __entry->write ? "write" : "read", __entry->hva)
);

#endif /* ARMVIRT_TRACE_H */

/* out of tree: define_trace.h finds this file through -I (Kbuild) */
#undef TRACE_INCLUDE_PATH
#define TRACE_INCLUDE_PATH .
#undef TRACE_INCLUDE_FILE
#define TRACE_INCLUDE_FILE trace
#include <trace/define_trace.h>
