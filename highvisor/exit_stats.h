/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Per-vCPU exit counters, by what the highvisor did with the exit. Written
 * only by the vCPU's thread; debugfs reads them without a lock.
 */
#ifndef ARMVIRT_HIGHVISOR_EXIT_STATS_H
#define ARMVIRT_HIGHVISOR_EXIT_STATS_H

enum armvirt_exit_kind {
	EXIT_IRQ,		/* a host interrupt */
	EXIT_WFI,
	EXIT_WFE,
	EXIT_CP15,		/* emulated CP15 access, 32 or 64 bit */
	EXIT_CP14,		/* debug registers: RAZ/WI */
	EXIT_SET_WAY,		/* cache maintenance by set/way */
	EXIT_VM_REG,		/* a VM control register write, trapped (HCR.TVM) */
	EXIT_DCACHE_FLUSH,	/* of those two, whole-guest cache flushes */
	EXIT_PSCI,
	EXIT_HVC_OTHER,		/* SMCCC and unknown calls */
	EXIT_MEM_FAULT,		/* stage-2 fault on guest RAM */
	EXIT_MMIO_READ,
	EXIT_MMIO_WRITE,
	EXIT_MMIO_DECODED,	/* of those, decoded from the instruction */
	EXIT_MMIO_KERNEL,	/* emulated in the kernel (the vGIC distributor) */
	EXIT_IOEVENTFD,		/* a write that signalled an ioeventfd */
	EXIT_UNDEF,		/* undefined instruction injected */
	EXIT_ABORT,		/* data or prefetch abort injected */
	EXIT_SIGNAL,		/* back to the VMM for a signal */
	NR_EXIT_KINDS
};

struct armvirt_exit_stats {
	unsigned long runs;			/* guest entries */
	unsigned long exits[NR_EXIT_KINDS];
};

extern const char *const armvirt_exit_names[NR_EXIT_KINDS];

#endif /* ARMVIRT_HIGHVISOR_EXIT_STATS_H */
