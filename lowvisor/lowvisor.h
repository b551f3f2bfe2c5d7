/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The interface between the highvisor (PL1) and the lowvisor (HYP, PL2).
 *
 * The highvisor calls the lowvisor with "hvc #0", the function number in r0
 * and arguments in r1-r3 and ip; the result comes back in r0. The lowvisor
 * may clobber r0-r3 and ip, like the kernel's HYP stub
 * (Documentation/virt/kvm/arm/hyp-abi.rst). Functions 0 to 2 are that
 * document's: a lowvisor in place of the stub keeps answering them, so that
 * kexec and kdump keep working while armvirt is loaded.
 *
 * This header is included from C and from assembly.
 */
#ifndef ARMVIRT_LOWVISOR_H
#define ARMVIRT_LOWVISOR_H

/* Function numbers (r0) */
#define LV_HVC_SET_VECTORS	0	/* the stub's; refused */
#define LV_HVC_SOFT_RESTART	1	/* r1: PA to jump to, HYP MMU off */
#define LV_HVC_RESET_VECTORS	2	/* put the kernel's stub back */
#define LV_HVC_PING		3	/* returns LV_PING_MAGIC */
#define LV_HVC_GET_STATE	4	/* r1: sequence number; fills lv_percpu.state */
#define LV_HVC_SELFTEST_UNDEF	5	/* test only: an undefined instruction in HYP */
#define LV_HVC_VCPU_RUN		6	/* r1: struct lv_vcpu; see lv_vcpu.exit */
#define LV_HVC_TLB_FLUSH_VMID	7	/* r1:r2: the VM's VTTBR */
#define LV_HVC_TLB_FLUSH_ALL	8	/* every VMID (generation rollover) */
#define LV_HVC_TLB_FLUSH_HYP	9	/* HYP's own entries (after an unmap) */
#define LV_HVC_NR		10

/* What the kernel's stub answers to a function it does not know. */
#define LV_HVC_STUB_ERR		0x0badca11
#define LV_PING_MAGIC		0x4c560001	/* "LV", interface version 1 */

/*
 * Install: r0 = LV_HVC_SOFT_RESTART, r1 = PA of lv_hyp_init, r2 = the CPU's
 * lv_percpu (kernel VA, mapped at the same VA in HYP), r3:ip = HTTBR.
 * Returns r0 = 0.
 */

/* Offsets in struct lv_percpu, checked against the C layout at build time. */
#define LV_PCPU_STUB_HVBAR	0x00
#define LV_PCPU_STUB_HSCTLR	0x04
#define LV_PCPU_IDMAP_PA	0x08
#define LV_PCPU_VCPU		0x0c	/* the guest's lv_vcpu while one is loaded, else 0 */
#define LV_PCPU_STATE		0x10
#define LV_PCPU_VECTORS		0x38	/* the HVBAR to install (entry.S) */
#define LV_PCPU_HOST		0x40	/* struct lv_vcpu: the host's state while a guest runs */
#define LV_STATE_SEQ		0x00
#define LV_STATE_CPSR		0x04
#define LV_STATE_HSCTLR		0x08
#define LV_STATE_HVBAR		0x0c
#define LV_STATE_HTCR		0x10
#define LV_STATE_PC		0x14
#define LV_STATE_SP		0x18
#define LV_STATE_HTTBR_LO	0x1c
#define LV_STATE_HTTBR_HI	0x20
#define LV_STATE_MPIDR		0x24

/*
 * The identity-mapped code is aligned to this, and must fit in it, so that
 * it never straddles a page.
 */
#define LV_IDMAP_ALIGN		256

/* One page per CPU: struct lv_percpu at the bottom, the HYP stack above. */
#define LV_PCPU_SIZE		4096

/* Exception kinds reported to armvirt_hyp_panic() */
#define LV_PANIC_RESET		0
#define LV_PANIC_UNDEF		1
#define LV_PANIC_HVC_IN_HYP	2
#define LV_PANIC_PABT		3
#define LV_PANIC_DABT		4
#define LV_PANIC_TRAP		5
#define LV_PANIC_IRQ		6
#define LV_PANIC_FIQ		7

/* HSCTLR bits (ARM ARM B4.1.66) */
#define LV_HSCTLR_M		(1 << 0)
#define LV_HSCTLR_A		(1 << 1)
#define LV_HSCTLR_C		(1 << 2)
#define LV_HSCTLR_I		(1 << 12)
#define LV_HSCTLR_WXN		(1 << 19)
#define LV_HSCTLR_FI		(1 << 21)
#define LV_HSCTLR_EE		(1 << 25)
#define LV_HSCTLR_TE		(1 << 30)
/* Should-be-one bits: [29:28], [23:22], 18, 16, 11, [4:3] */
#define LV_HSCTLR_RES1		0x30c50818

/*
 * HTCR (B4.1.76): T0SZ = 0 (the whole 32-bit space), table walks inner and
 * outer write-back write-allocate, inner shareable, so that page tables
 * written through the kernel's cacheable mapping need no cache maintenance.
 */
#define LV_HTCR_T0SZ_MASK	(7 << 0)
#define LV_HTCR_IRGN0_WBWA	(1 << 8)
#define LV_HTCR_ORGN0_WBWA	(1 << 10)
#define LV_HTCR_SH0_INNER	(3 << 12)
#define LV_HTCR_CLEAR		(LV_HTCR_T0SZ_MASK | (3 << 8) | (3 << 10) | (3 << 12))
#define LV_HTCR_RES1		((1U << 31) | (1 << 23))
#define LV_HTCR_SET		(LV_HTCR_RES1 | LV_HTCR_IRGN0_WBWA | \
				 LV_HTCR_ORGN0_WBWA | LV_HTCR_SH0_INNER)

/*
 * HMAIR0 (B4.1.73): attribute 0 normal memory write-back read/write
 * allocate, attribute 1 device memory. The AttrIndx values in mmu/ match.
 */
#define LV_HMAIR0		0x000004ff
#define LV_HMAIR1		0x00000000

/* HSR (B3.13.6) */
#define LV_HSR_EC_SHIFT		26
#define LV_HSR_EC_CP10		0x07	/* VFP/NEON access, HCPTR trap */
#define LV_HSR_EC_HVC		0x12
#define LV_HSR_EC_IABT_LOW	0x20	/* prefetch abort from PL0/PL1 */
#define LV_HSR_EC_DABT_LOW	0x24	/* data abort from PL0/PL1 */
#define LV_HSR_ISV		(1 << 24)
#define LV_HSR_S1PTW		(1 << 7)
#define LV_HSR_FSC_TYPE		0x3c
#define LV_HSR_FSC_PERM		0x0c	/* long-descriptor permission fault, any level */

/* HCR (B4.1.65): the rest of it is the highvisor's (emulate.c) */
#define LV_HCR_VA		(1 << 8)	/* a virtual asynchronous abort is pending */

/* HCPTR (B4.1.56) */
#define LV_HCPTR_TCP10		(1 << 10)
#define LV_HCPTR_TCP11		(1 << 11)
#define LV_HCPTR_TTA		(1 << 20)

/*
 * VTCR (B4.1.159): a 40-bit IPA space (T0SZ = -8, S = 1) walked from level
 * 1 (SL0 = 1), tables inner and outer write-back write-allocate, inner
 * shareable, as HTCR.
 */
#define LV_VTCR			((1U << 31) | (3 << 12) | (1 << 10) | (1 << 8) | \
				 (1 << 6) | (1 << 4) | 8)

#ifndef __ASSEMBLY__
#include <linux/types.h>

/* Symbols of the lowvisor, for the highvisor */
extern char __lv_text_start[], __lv_text_end[];		/* mapped in HYP */
extern char __lv_idmap_start[], __lv_idmap_end[];	/* identity-mapped */
extern char lv_vectors[], lv_vectors_bpiall[], lv_vectors_iciallu[], lv_hyp_init[];

/* Where the lowvisor returns to the host after an exception it cannot handle. */
void armvirt_hyp_panic(u32 kind, u32 elr, u32 hsr, u32 far);
#endif

#endif /* ARMVIRT_LOWVISOR_H */
