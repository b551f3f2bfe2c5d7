/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * The userspace ABI of /dev/armvirt: the KVM ioctl ABI of Linux 5.6 for
 * 32-bit ARM (Documentation/virt/kvm/api.rst of that release), written for
 * armvirt. Numbers, structure layouts and register IDs are KVM's, so that
 * existing VMMs work unchanged; the comments say what each is for here.
 *
 * Usable from the kernel module and from userspace (C11).
 */
#ifndef ARMVIRT_UAPI_KVM_H
#define ARMVIRT_UAPI_KVM_H

#include <linux/ioctl.h>
#include <linux/types.h>

#if !defined(__KERNEL__) && !defined(__user)
#define __user		/* the kernel's address-space marker (sparse) */
#endif

#define KVM_API_VERSION		12

/* ---- Memory slots -------------------------------------------------- */

struct kvm_userspace_memory_region {
	__u32 slot;		/* bits 0-15: slot id; 16-31: address space (0) */
	__u32 flags;		/* KVM_MEM_* */
	__u64 guest_phys_addr;
	__u64 memory_size;	/* bytes; 0 deletes the slot */
	__u64 userspace_addr;	/* the VMM's memory backing the slot */
};

#define KVM_MEM_LOG_DIRTY_PAGES	(1U << 0)
#define KVM_MEM_READONLY	(1U << 1)

/*
 * KVM_GET_DIRTY_LOG: the slot's dirty bitmap (one bit per page, bit 0 the
 * slot's first page; ALIGN(pages, BITS_PER_LONG) / 8 bytes), cleared and
 * the pages write-protected again unless KVM_CAP_MANUAL_DIRTY_LOG_PROTECT2
 * is enabled.
 */
struct kvm_dirty_log {
	__u32 slot;
	__u32 padding1;
	union {
		void __user *dirty_bitmap;
		__u64 padding2;
	};
};

/* KVM_CLEAR_DIRTY_LOG: clean the pages set in the bitmap, from first_page (a multiple of 64). */
struct kvm_clear_dirty_log {
	__u32 slot;
	__u32 num_pages;
	__u64 first_page;
	union {
		void __user *dirty_bitmap;
		__u64 padding2;
	};
};

/* KVM_ENABLE_CAP on a VM fd */
struct kvm_enable_cap {
	__u32 cap;
	__u32 flags;
	__u64 args[4];
	__u8 pad[64];
};

#define KVM_DIRTY_LOG_MANUAL_PROTECT_ENABLE	(1ULL << 0)	/* args[0] of the cap */

/* ---- vCPU registers ------------------------------------------------ */

/* The 32-bit ARM user register frame (asm/ptrace.h's struct pt_regs). */
struct kvm_arm_user_regs {
	__u32 uregs[18];	/* r0-r15, CPSR, ORIG_r0 */
};

/* Core registers; ONE_REG index = byte offset in this struct / 4. */
struct kvm_regs {
	struct kvm_arm_user_regs usr_regs;	/* r0-r14 (usr), pc, cpsr */
	__u32 svc_regs[3];	/* sp, lr, spsr of SVC mode */
	__u32 abt_regs[3];	/* ... of ABT mode */
	__u32 und_regs[3];	/* ... of UND mode */
	__u32 irq_regs[3];	/* ... of IRQ mode */
	__u32 fiq_regs[8];	/* r8-r14 of FIQ mode, spsr_fiq */
};

/* KVM_ARM_VCPU_INIT targets */
#define KVM_ARM_TARGET_CORTEX_A15	0
#define KVM_ARM_TARGET_CORTEX_A7	1
#define KVM_ARM_NUM_TARGETS		2

/* KVM_ARM_VCPU_INIT feature bits (features[0]) */
#define KVM_ARM_VCPU_POWER_OFF		0	/* start powered off */
#define KVM_ARM_VCPU_PSCI_0_2		1	/* offer PSCI 0.2 (else 0.1) */

struct kvm_vcpu_init {
	__u32 target;
	__u32 features[7];
};

struct kvm_one_reg {
	__u64 id;
	__u64 addr;		/* userspace address of the value */
};

struct kvm_reg_list {
	__u64 n;		/* in: room in reg[]; out: number of registers */
	__u64 reg[];
};

struct kvm_mp_state {
	__u32 mp_state;
};

#define KVM_MP_STATE_RUNNABLE		0
#define KVM_MP_STATE_STOPPED		5

/* Register ID encoding: architecture, size, then a per-group index. */
#define KVM_REG_ARCH_MASK	0xff00000000000000ULL
#define KVM_REG_ARM		0x4000000000000000ULL
#define KVM_REG_SIZE_SHIFT	52
#define KVM_REG_SIZE_MASK	0x00f0000000000000ULL
#define KVM_REG_SIZE_U8		0x0000000000000000ULL
#define KVM_REG_SIZE_U16	0x0010000000000000ULL
#define KVM_REG_SIZE_U32	0x0020000000000000ULL
#define KVM_REG_SIZE_U64	0x0030000000000000ULL
#define KVM_REG_SIZE(id) \
	(1U << (((id) & KVM_REG_SIZE_MASK) >> KVM_REG_SIZE_SHIFT))

#define KVM_REG_ARM_COPROC_MASK		0x000000000FFF0000ULL
#define KVM_REG_ARM_COPROC_SHIFT	16
#define KVM_REG_ARM_32_OPC2_MASK	0x0000000000000007ULL
#define KVM_REG_ARM_32_OPC2_SHIFT	0
#define KVM_REG_ARM_OPC1_MASK		0x0000000000000078ULL
#define KVM_REG_ARM_OPC1_SHIFT		3
#define KVM_REG_ARM_CRM_MASK		0x0000000000000780ULL
#define KVM_REG_ARM_CRM_SHIFT		7
#define KVM_REG_ARM_32_CRN_MASK		0x0000000000007800ULL
#define KVM_REG_ARM_32_CRN_SHIFT	11
#define KVM_REG_ARM_SECURE_MASK		0x0000000010000000ULL

/* A CP15 register by its encoding (32-bit: op1, CRn, CRm, op2; 64-bit: op1, CRm). */
#define ARMVIRT_CP15_ID(op1, crn, crm, op2) \
	(KVM_REG_ARM | (15ULL << KVM_REG_ARM_COPROC_SHIFT) | \
	 ((__u64)(op1) << KVM_REG_ARM_OPC1_SHIFT) | \
	 ((__u64)(crn) << KVM_REG_ARM_32_CRN_SHIFT) | \
	 ((__u64)(crm) << KVM_REG_ARM_CRM_SHIFT) | \
	 ((__u64)(op2) << KVM_REG_ARM_32_OPC2_SHIFT))
#define ARM_CP15_REG32(op1, crn, crm, op2) \
	(ARMVIRT_CP15_ID(op1, crn, crm, op2) | KVM_REG_SIZE_U32)
#define ARM_CP15_REG64(op1, crm) \
	(ARMVIRT_CP15_ID(op1, 0, crm, 0) | KVM_REG_SIZE_U64)

/* Timers, as CP15 registers */
#define KVM_REG_ARM_PTIMER_CTL		ARM_CP15_REG32(0, 14, 2, 1)
#define KVM_REG_ARM_PTIMER_CNT		ARM_CP15_REG64(0, 14)
#define KVM_REG_ARM_PTIMER_CVAL		ARM_CP15_REG64(2, 14)
#define KVM_REG_ARM_TIMER_CTL		ARM_CP15_REG32(0, 14, 3, 1)
#define KVM_REG_ARM_TIMER_CNT		ARM_CP15_REG64(1, 14)
#define KVM_REG_ARM_TIMER_CVAL		ARM_CP15_REG64(3, 14)

/* Core registers: "coprocessor" 16 */
#define KVM_REG_ARM_CORE		(0x0010ULL << KVM_REG_ARM_COPROC_SHIFT)
#define ARMVIRT_CORE_REG_ID(index) \
	(KVM_REG_ARM | KVM_REG_SIZE_U32 | KVM_REG_ARM_CORE | (index))
#define ARMVIRT_NR_CORE_REGS	(sizeof(struct kvm_regs) / 4)

/* Registers with more than one value (the CCSIDRs, by CSSELR): 17 */
#define KVM_REG_ARM_DEMUX		(0x0011ULL << KVM_REG_ARM_COPROC_SHIFT)
#define KVM_REG_ARM_DEMUX_ID_MASK	0x000000000000FF00ULL
#define KVM_REG_ARM_DEMUX_ID_SHIFT	8
#define KVM_REG_ARM_DEMUX_ID_CCSIDR	(0x00ULL << KVM_REG_ARM_DEMUX_ID_SHIFT)
#define KVM_REG_ARM_DEMUX_VAL_MASK	0x00000000000000FFULL
#define KVM_REG_ARM_DEMUX_VAL_SHIFT	0

/* VFP and NEON: 18; d0-d31 are indices 0-31, control registers 0x1000+ */
#define KVM_REG_ARM_VFP			(0x0012ULL << KVM_REG_ARM_COPROC_SHIFT)
#define KVM_REG_ARM_VFP_MASK		0x000000000000FFFFULL
#define KVM_REG_ARM_VFP_BASE_REG	0x0
#define KVM_REG_ARM_VFP_FPSID		0x1000
#define KVM_REG_ARM_VFP_FPSCR		0x1001
#define KVM_REG_ARM_VFP_MVFR1		0x1006
#define KVM_REG_ARM_VFP_MVFR0		0x1007
#define KVM_REG_ARM_VFP_FPEXC		0x1008
#define KVM_REG_ARM_VFP_FPINST		0x1009
#define KVM_REG_ARM_VFP_FPINST2		0x100A

/* Firmware pseudo-registers: 20 */
#define KVM_REG_ARM_FW			(0x0014ULL << KVM_REG_ARM_COPROC_SHIFT)
#define KVM_REG_ARM_FW_REG(r) \
	(KVM_REG_ARM | KVM_REG_SIZE_U64 | KVM_REG_ARM_FW | ((r) & 0xffff))
#define KVM_REG_ARM_PSCI_VERSION	KVM_REG_ARM_FW_REG(0)
#define KVM_REG_ARM_SMCCC_ARCH_WORKAROUND_1	KVM_REG_ARM_FW_REG(1)
#define KVM_REG_ARM_SMCCC_ARCH_WORKAROUND_1_NOT_AVAIL		0
#define KVM_REG_ARM_SMCCC_ARCH_WORKAROUND_1_AVAIL		1
#define KVM_REG_ARM_SMCCC_ARCH_WORKAROUND_1_NOT_REQUIRED	2
#define KVM_REG_ARM_SMCCC_ARCH_WORKAROUND_2	KVM_REG_ARM_FW_REG(2)
#define KVM_REG_ARM_SMCCC_ARCH_WORKAROUND_2_NOT_AVAIL		0
#define KVM_REG_ARM_SMCCC_ARCH_WORKAROUND_2_UNKNOWN		1
#define KVM_REG_ARM_SMCCC_ARCH_WORKAROUND_2_AVAIL		2
#define KVM_REG_ARM_SMCCC_ARCH_WORKAROUND_2_NOT_REQUIRED	3
#define KVM_REG_ARM_SMCCC_ARCH_WORKAROUND_2_ENABLED		(1U << 4)

/* ---- The shared run structure, mmap'ed from a vCPU fd --------------- */

#define KVM_EXIT_UNKNOWN		0
#define KVM_EXIT_EXCEPTION		1
#define KVM_EXIT_HYPERCALL		3
#define KVM_EXIT_DEBUG			4
#define KVM_EXIT_MMIO			6
#define KVM_EXIT_SHUTDOWN		8
#define KVM_EXIT_FAIL_ENTRY		9
#define KVM_EXIT_INTR			10
#define KVM_EXIT_INTERNAL_ERROR		17
#define KVM_EXIT_SYSTEM_EVENT		24
#define KVM_EXIT_ARM_NISV		28

#define KVM_SYSTEM_EVENT_SHUTDOWN	1
#define KVM_SYSTEM_EVENT_RESET		2
#define KVM_SYSTEM_EVENT_CRASH		3

#define KVM_INTERNAL_ERROR_EMULATION	1

struct kvm_run {
	/* in */
	__u8 request_interrupt_window;
	__u8 immediate_exit;		/* KVM_RUN returns -EINTR at once */
	__u8 padding1[6];

	/* out */
	__u32 exit_reason;		/* KVM_EXIT_* */
	__u8 ready_for_interrupt_injection;
	__u8 if_flag;
	__u16 flags;

	/* x86 only; here to keep the layout */
	__u64 cr8;
	__u64 apic_base;

	/* What the exit reason says more about (offset 32) */
	union {
		struct {
			__u64 hardware_exit_reason;
		} hw;
		struct {
			__u64 hardware_entry_failure_reason;
		} fail_entry;
		struct {
			__u64 phys_addr;
			__u8 data[8];
			__u32 len;
			__u8 is_write;
		} mmio;
		struct {
			__u64 nr;
			__u64 args[6];
			__u64 ret;
			__u32 longmode;
			__u32 pad;
		} hypercall;
		struct {
			__u32 suberror;
			__u32 ndata;
			__u64 data[16];
		} internal;
		struct {
			__u32 type;		/* KVM_SYSTEM_EVENT_* */
			__u64 flags;
		} system_event;
		struct {
			__u64 esr_iss;
			__u64 fault_ipa;
		} arm_nisv;
		char padding[256];
	};

	/* Registers shared without an ioctl (offset 288) */
	__u64 kvm_valid_regs;
	__u64 kvm_dirty_regs;
	union {
		struct {
			__u64 device_irq_level;	/* KVM_CAP_ARM_USER_IRQ */
		} regs;
		char padding[2048];
	} s;
};

/* ---- ioctls ---------------------------------------------------------- */

#define KVMIO			0xAE

/* on the system fd (/dev/armvirt) */
#define KVM_GET_API_VERSION	_IO(KVMIO, 0x00)
#define KVM_CREATE_VM		_IO(KVMIO, 0x01)	/* type 0; returns a VM fd */
#define KVM_CHECK_EXTENSION	_IO(KVMIO, 0x03)	/* also on VM fds */
#define KVM_GET_VCPU_MMAP_SIZE	_IO(KVMIO, 0x04)

/* on a VM fd */
#define KVM_CREATE_VCPU		_IO(KVMIO, 0x41)	/* returns a vCPU fd */
#define KVM_SET_USER_MEMORY_REGION \
	_IOW(KVMIO, 0x46, struct kvm_userspace_memory_region)
#define KVM_ARM_PREFERRED_TARGET _IOR(KVMIO, 0xaf, struct kvm_vcpu_init)
#define KVM_GET_DIRTY_LOG	_IOW(KVMIO, 0x42, struct kvm_dirty_log)
#define KVM_CLEAR_DIRTY_LOG	_IOWR(KVMIO, 0xc0, struct kvm_clear_dirty_log)
#define KVM_ENABLE_CAP		_IOW(KVMIO, 0xa3, struct kvm_enable_cap)

/* on a vCPU fd */
#define KVM_RUN			_IO(KVMIO, 0x80)
#define KVM_GET_REGS		_IOR(KVMIO, 0x81, struct kvm_regs)
#define KVM_SET_REGS		_IOW(KVMIO, 0x82, struct kvm_regs)
#define KVM_GET_MP_STATE	_IOR(KVMIO, 0x98, struct kvm_mp_state)
#define KVM_SET_MP_STATE	_IOW(KVMIO, 0x99, struct kvm_mp_state)
#define KVM_GET_ONE_REG		_IOW(KVMIO, 0xab, struct kvm_one_reg)
#define KVM_SET_ONE_REG		_IOW(KVMIO, 0xac, struct kvm_one_reg)
#define KVM_ARM_VCPU_INIT	_IOW(KVMIO, 0xae, struct kvm_vcpu_init)
#define KVM_GET_REG_LIST	_IOWR(KVMIO, 0xb0, struct kvm_reg_list)

/* ---- Interrupts and the in-kernel virtual GICv2 ----------------------- */

/* KVM_IRQ_LINE's irq: type [31:24], vCPU index [23:16], interrupt number [15:0] */
#define KVM_ARM_IRQ_TYPE_SHIFT		24
#define KVM_ARM_IRQ_TYPE_MASK		0xff
#define KVM_ARM_IRQ_VCPU_SHIFT		16
#define KVM_ARM_IRQ_VCPU_MASK		0xff
#define KVM_ARM_IRQ_NUM_SHIFT		0
#define KVM_ARM_IRQ_NUM_MASK		0xffff
#define KVM_ARM_IRQ_TYPE_CPU		0	/* the vCPU's IRQ or FIQ line: no vGIC */
#define KVM_ARM_IRQ_TYPE_SPI		1
#define KVM_ARM_IRQ_TYPE_PPI		2
#define KVM_ARM_IRQ_CPU_IRQ		0
#define KVM_ARM_IRQ_CPU_FIQ		1
#define KVM_ARM_IRQ_GIC_MAX		127

struct kvm_irq_level {
	union {
		__u32 irq;
		__s32 status;
	};
	__u32 level;
};

/* KVM_ARM_SET_DEVICE_ADDR: id = device << 16 | address type */
struct kvm_arm_device_addr {
	__u64 id;
	__u64 addr;
};
#define KVM_ARM_DEVICE_ID_SHIFT		16
#define KVM_ARM_DEVICE_TYPE_SHIFT	0
#define KVM_ARM_DEVICE_VGIC_V2		0
#define KVM_VGIC_V2_ADDR_TYPE_DIST	0
#define KVM_VGIC_V2_ADDR_TYPE_CPU	1
#define KVM_VGIC_V2_DIST_SIZE		0x1000
#define KVM_VGIC_V2_CPU_SIZE		0x2000

struct kvm_create_device {
	__u32 type;	/* KVM_DEV_TYPE_* */
	__u32 fd;	/* out */
	__u32 flags;	/* KVM_CREATE_DEVICE_TEST */
};
#define KVM_CREATE_DEVICE_TEST		1
#define KVM_DEV_TYPE_ARM_VGIC_V2	5

struct kvm_device_attr {
	__u32 flags;
	__u32 group;
	__u64 attr;
	__u64 addr;	/* userspace address of the value */
};
#define KVM_DEV_ARM_VGIC_GRP_ADDR	0
#define KVM_DEV_ARM_VGIC_GRP_DIST_REGS	1
#define KVM_DEV_ARM_VGIC_GRP_CPU_REGS	2
#define KVM_DEV_ARM_VGIC_GRP_NR_IRQS	3
#define KVM_DEV_ARM_VGIC_GRP_CTRL	4
#define KVM_DEV_ARM_VGIC_CTRL_INIT	0
/* DIST_REGS and CPU_REGS attr: vCPU index [39:32], register offset [31:0] */
#define KVM_DEV_ARM_VGIC_CPUID_SHIFT	32
#define KVM_DEV_ARM_VGIC_CPUID_MASK	(0xffULL << KVM_DEV_ARM_VGIC_CPUID_SHIFT)
#define KVM_DEV_ARM_VGIC_OFFSET_MASK	0xffffffffULL

/* KVM_IRQFD: an eventfd raises SPI gsi + 32 */
struct kvm_irqfd {
	__u32 fd;
	__u32 gsi;
	__u32 flags;
	__u32 resamplefd;
	__u8 pad[16];
};
#define KVM_IRQFD_FLAG_DEASSIGN		(1 << 0)
#define KVM_IRQFD_FLAG_RESAMPLE		(1 << 1)

/* KVM_IOEVENTFD: a guest write to addr signals an eventfd */
struct kvm_ioeventfd {
	__u64 datamatch;
	__u64 addr;
	__u32 len;	/* 1, 2, 4, 8, or 0 for any */
	__s32 fd;
	__u32 flags;
	__u8 pad[36];
};
#define KVM_IOEVENTFD_FLAG_DATAMATCH	(1 << 0)
#define KVM_IOEVENTFD_FLAG_PIO		(1 << 1)
#define KVM_IOEVENTFD_FLAG_DEASSIGN	(1 << 2)

#define KVM_CREATE_IRQCHIP	_IO(KVMIO, 0x60)
#define KVM_IRQFD		_IOW(KVMIO, 0x76, struct kvm_irqfd)
#define KVM_IOEVENTFD		_IOW(KVMIO, 0x79, struct kvm_ioeventfd)
#define KVM_IRQ_LINE		_IOW(KVMIO, 0x61, struct kvm_irq_level)
#define KVM_ARM_SET_DEVICE_ADDR	_IOW(KVMIO, 0xab, struct kvm_arm_device_addr)
#define KVM_CREATE_DEVICE	_IOWR(KVMIO, 0xe0, struct kvm_create_device)
#define KVM_SET_DEVICE_ATTR	_IOW(KVMIO, 0xe1, struct kvm_device_attr)
#define KVM_GET_DEVICE_ATTR	_IOW(KVMIO, 0xe2, struct kvm_device_attr)
#define KVM_HAS_DEVICE_ATTR	_IOW(KVMIO, 0xe3, struct kvm_device_attr)

/* ---- KVM_CHECK_EXTENSION capability numbers --------------------------- */

#define KVM_CAP_IRQCHIP				0
#define KVM_CAP_USER_MEMORY			3
#define KVM_CAP_NR_VCPUS			9
#define KVM_CAP_NR_MEMSLOTS			10
#define KVM_CAP_MP_STATE			14
#define KVM_CAP_COALESCED_MMIO			15
#define KVM_CAP_SYNC_MMU			16
#define KVM_CAP_DESTROY_MEMORY_REGION_WORKS	21
#define KVM_CAP_JOIN_MEMORY_REGIONS_WORKS	30
#define KVM_CAP_IRQFD				32
#define KVM_CAP_IOEVENTFD			36
#define KVM_CAP_MAX_VCPUS			66
#define KVM_CAP_ONE_REG				70
#define KVM_CAP_READONLY_MEM			81
#define KVM_CAP_IRQFD_RESAMPLE			82
#define KVM_CAP_ARM_PSCI			87
#define KVM_CAP_ARM_SET_DEVICE_ADDR		88
#define KVM_CAP_DEVICE_CTRL			89
#define KVM_CAP_ARM_PSCI_0_2			102
#define KVM_CAP_MAX_VCPU_ID			128
#define KVM_CAP_IMMEDIATE_EXIT			136
#define KVM_CAP_ENABLE_CAP_VM			98
#define KVM_CAP_CHECK_EXTENSION_VM		105
#define KVM_CAP_MANUAL_DIRTY_LOG_PROTECT2	168

#endif /* ARMVIRT_UAPI_KVM_H */
