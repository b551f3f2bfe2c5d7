// SPDX-License-Identifier: GPL-2.0-only
/*
 * The VM and vCPU file descriptors: KVM's layouts and ioctl numbers, memory
 * slots with KVM's checks, vCPU creation, KVM_ARM_VCPU_INIT, ONE_REG core
 * registers, the register list and MP state, and the bad-input paths.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include "armvirt_kvm.h"
#include "board.h"
#include "tap.h"

/* The ABI facts, checked where a wrong header would be built. */
_Static_assert(offsetof(struct kvm_run, exit_reason) == 8, "kvm_run.exit_reason");
_Static_assert(offsetof(struct kvm_run, mmio) == 32, "kvm_run union at 32");
_Static_assert(offsetof(struct kvm_run, kvm_valid_regs) == 288, "kvm_run.kvm_valid_regs");
_Static_assert(sizeof(struct kvm_regs) == 152, "struct kvm_regs");
_Static_assert(sizeof(struct kvm_userspace_memory_region) == 32, "memory region");
_Static_assert(KVM_SET_USER_MEMORY_REGION == 0x4020ae46, "SET_USER_MEMORY_REGION");
_Static_assert(KVM_ARM_VCPU_INIT == 0x4020aeae, "ARM_VCPU_INIT");
_Static_assert(KVM_ARM_PREFERRED_TARGET == 0x8020aeaf, "ARM_PREFERRED_TARGET");
_Static_assert(KVM_GET_ONE_REG == 0x4010aeab && KVM_SET_ONE_REG == 0x4010aeac, "ONE_REG");
_Static_assert(KVM_GET_REG_LIST == 0xc008aeb0, "GET_REG_LIST");
_Static_assert(KVM_RUN == 0xae80 && KVM_CREATE_VCPU == 0xae41, "RUN, CREATE_VCPU");
_Static_assert(ARMVIRT_CORE_REG_ID(16) == 0x4020000000100010ULL, "core register ID of CPSR");

#define MiB		(1024 * 1024)
#define CPSR_ID		ARMVIRT_CORE_REG_ID(16)
#define GUEST_RAM	0x80000000ULL

static int sys_fd;

static int err_of(long ret)
{
	return ret < 0 ? errno : 0;
}

static int set_region(int vm, unsigned int slot, unsigned int flags,
		      unsigned long long gpa, unsigned long long size, void *mem)
{
	struct kvm_userspace_memory_region r = {
		.slot = slot, .flags = flags, .guest_phys_addr = gpa,
		.memory_size = size, .userspace_addr = (unsigned long)mem,
	};

	return err_of(ioctl(vm, KVM_SET_USER_MEMORY_REGION, &r));
}

static int one_reg(int vcpu, unsigned long req, unsigned long long id, void *val)
{
	struct kvm_one_reg reg = { .id = id, .addr = (unsigned long)val };

	return err_of(ioctl(vcpu, req, &reg));
}

static int host_target(void)
{
	char buf[4096];
	const char *p;

	if (read_file("/proc/cpuinfo", buf, sizeof(buf)) < 0 ||
	    !(p = strstr(buf, "CPU part")))
		return -1;
	p = strstr(p, "0x");
	if (p && !strncmp(p, "0xc0f", 5))
		return KVM_ARM_TARGET_CORTEX_A15;
	if (p && !strncmp(p, "0xc07", 5))
		return KVM_ARM_TARGET_CORTEX_A7;
	return -1;
}

static void check_caps(int vm)
{
	int online = 0, cpu;

	for (cpu = 0; cpu < nr_possible_cpus(); cpu++)
		online += cpu_is_online(cpu);
	tap_ok(ioctl(sys_fd, KVM_CHECK_EXTENSION, KVM_CAP_USER_MEMORY) == 1 &&
	       ioctl(vm, KVM_CHECK_EXTENSION, KVM_CAP_ONE_REG) == 1 &&
	       ioctl(vm, KVM_CHECK_EXTENSION, KVM_CAP_READONLY_MEM) == 1 &&
	       ioctl(vm, KVM_CHECK_EXTENSION, KVM_CAP_MP_STATE) == 1 &&
	       ioctl(vm, KVM_CHECK_EXTENSION, KVM_CAP_ARM_PSCI) == 1 &&
	       ioctl(vm, KVM_CHECK_EXTENSION, KVM_CAP_ARM_PSCI_0_2) == 1 &&
	       ioctl(vm, KVM_CHECK_EXTENSION, KVM_CAP_IMMEDIATE_EXIT) == 1 &&
	       ioctl(vm, KVM_CHECK_EXTENSION, KVM_CAP_SYNC_MMU) == 1,
	       "caps-for-what-exists-are-1");
	tap_eq(ioctl(vm, KVM_CHECK_EXTENSION, KVM_CAP_NR_MEMSLOTS), 32, "cap-nr-memslots-32");
	tap_eq(ioctl(vm, KVM_CHECK_EXTENSION, KVM_CAP_MAX_VCPUS), 8, "cap-max-vcpus-8");
	tap_eq(ioctl(sys_fd, KVM_CHECK_EXTENSION, KVM_CAP_NR_VCPUS), online < 8 ? online : 8,
	       "cap-nr-vcpus-online-cpus");
	tap_ok(ioctl(vm, KVM_CHECK_EXTENSION, KVM_CAP_COALESCED_MMIO) == 0 &&
	       ioctl(vm, KVM_CHECK_EXTENSION, 0x7fff) == 0,
	       "caps-not-implemented-are-0");
}

static void check_memslots(int vm)
{
	void *ram = mmap(NULL, 4 * MiB, PROT_READ | PROT_WRITE,
			 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	void *rom = mmap(NULL, MiB, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	char *r = ram;
	int slot, ok;

	tap_eq(set_region(vm, 0, 0, GUEST_RAM, 2 * MiB, ram), 0, "slot-create");
	tap_eq(set_region(vm, 1, 0, GUEST_RAM + MiB, 2 * MiB, r + 2 * MiB), EEXIST,
	       "slot-overlap-is-eexist");
	tap_ok(set_region(vm, 1, 0, GUEST_RAM + 4 * MiB, MiB + 1, r + 2 * MiB) == EINVAL &&
	       set_region(vm, 1, 0, GUEST_RAM + 4 * MiB + 8, MiB, r + 2 * MiB) == EINVAL &&
	       set_region(vm, 1, 0, GUEST_RAM + 4 * MiB, MiB, r + 2 * MiB + 8) == EINVAL,
	       "slot-misaligned-size-gpa-or-address-is-einval");
	tap_ok(set_region(vm, 32, 0, GUEST_RAM + 4 * MiB, MiB, r + 2 * MiB) == EINVAL &&
	       set_region(vm, 1 | (1 << 16), 0, GUEST_RAM + 4 * MiB, MiB, r + 2 * MiB) == EINVAL,
	       "slot-id-or-address-space-out-of-range-is-einval");
	tap_ok(set_region(vm, 1, 1 << 2, GUEST_RAM + 4 * MiB, MiB, r + 2 * MiB) == EINVAL &&
	       set_region(vm, 1, 1 << 5, GUEST_RAM + 4 * MiB, MiB, r + 2 * MiB) == EINVAL,
	       "slot-unsupported-flags-are-einval");
	tap_eq(set_region(vm, 2, 0, 0, 0, NULL), EINVAL, "delete-empty-slot-is-einval");
	tap_eq(set_region(vm, 1, 0, 0xfffffffffff00000ULL, 2 * MiB, r + 2 * MiB), EINVAL,
	       "slot-wrapping-guest-range-is-einval");
	tap_eq(set_region(vm, 1, 0, 1ULL << 40, MiB, r + 2 * MiB), EFAULT,
	       "slot-beyond-40-bit-ipa-is-efault");
	tap_eq(set_region(vm, 1, 0, GUEST_RAM + 8 * MiB, MiB, rom), EPERM,
	       "writable-slot-on-read-only-memory-is-eperm");
	tap_eq(set_region(vm, 1, KVM_MEM_READONLY, GUEST_RAM + 8 * MiB, MiB, rom), 0,
	       "read-only-slot-on-read-only-memory");
	tap_ok(set_region(vm, 0, 0, GUEST_RAM, MiB, ram) == EINVAL &&
	       set_region(vm, 0, KVM_MEM_READONLY, GUEST_RAM, 2 * MiB, ram) == EINVAL,
	       "slot-size-or-readonly-cannot-change");
	tap_ok(set_region(vm, 0, 0, GUEST_RAM + 16 * MiB, 2 * MiB, ram) == 0 &&
	       set_region(vm, 2, 0, GUEST_RAM, 2 * MiB, r + 2 * MiB) == 0,
	       "slot-moves-and-frees-its-old-range");
	tap_ok(set_region(vm, 0, 0, 0, 0, NULL) == 0 && set_region(vm, 1, 0, 0, 0, NULL) == 0 &&
	       set_region(vm, 2, 0, 0, 0, NULL) == 0, "slots-delete");
	for (slot = 0, ok = 0; slot < 32; slot++)
		ok += set_region(vm, slot, 0, GUEST_RAM + slot * 2 * MiB, MiB, ram) == 0;
	tap_eq(ok, 32, "32-slots-over-the-same-memory");
	munmap(ram, 4 * MiB);
	munmap(rom, MiB);
}

#define MIDR_ID		ARM_CP15_REG32(0, 0, 0, 0)
#define MPIDR_ID	ARM_CP15_REG32(0, 0, 0, 5)
#define SCTLR_ID	ARM_CP15_REG32(0, 1, 0, 0)
#define ACTLR_ID	ARM_CP15_REG32(0, 1, 0, 1)
#define TTBR0_32_ID	ARM_CP15_REG32(0, 2, 0, 0)
#define TTBR0_64_ID	ARM_CP15_REG64(0, 2)
#define L2CTLR_ID	ARM_CP15_REG32(1, 9, 0, 2)
#define VFP_ID(size, n)	(KVM_REG_ARM | (size) | KVM_REG_ARM_VFP | (n))
#define CCSIDR_ID(n)	(KVM_REG_ARM | KVM_REG_SIZE_U32 | KVM_REG_ARM_DEMUX | \
			 KVM_REG_ARM_DEMUX_ID_CCSIDR | (n))
#define MAX_REGS	256

static unsigned long long reg_ids[MAX_REGS + 1];
static unsigned int nr_reg_ids;

static bool listed(unsigned long long id)
{
	for (unsigned int i = 0; i < nr_reg_ids; i++)
		if (reg_ids[i] == id)
			return true;
	return false;
}

/* KVM_GET_REG_LIST, and every listed register read and written back. */
static void check_reg_list(int vcpu)
{
	struct kvm_reg_list *rl = (struct kvm_reg_list *)reg_ids;
	unsigned long long val;
	unsigned int i, bad = 0;

	rl->n = 0;
	tap_ok(err_of(ioctl(vcpu, KVM_GET_REG_LIST, rl)) == E2BIG && rl->n > 38 &&
	       rl->n <= MAX_REGS, "reg-list-too-small-is-e2big-with-count");
	nr_reg_ids = rl->n;
	rl->n = MAX_REGS;
	tap_ok(ioctl(vcpu, KVM_GET_REG_LIST, rl) == 0 && rl->n == nr_reg_ids,
	       "reg-list-returns-every-register");
	memmove(reg_ids, reg_ids + 1, nr_reg_ids * sizeof(reg_ids[0]));
	tap_diag("%u registers listed", nr_reg_ids);

	for (i = 0; i < 38 && reg_ids[i] == ARMVIRT_CORE_REG_ID(i); i++)
		;
	tap_ok(i == 38 && reg_ids[38] == KVM_REG_ARM_PSCI_VERSION &&
	       reg_ids[39] == KVM_REG_ARM_SMCCC_ARCH_WORKAROUND_1 &&
	       reg_ids[40] == KVM_REG_ARM_SMCCC_ARCH_WORKAROUND_2 &&
	       reg_ids[41] == KVM_REG_ARM_TIMER_CTL && reg_ids[42] == KVM_REG_ARM_TIMER_CNT &&
	       reg_ids[43] == KVM_REG_ARM_TIMER_CVAL && reg_ids[44] == KVM_REG_ARM_PTIMER_CTL &&
	       reg_ids[45] == KVM_REG_ARM_PTIMER_CNT && reg_ids[46] == KVM_REG_ARM_PTIMER_CVAL &&
	       reg_ids[47] == MIDR_ID,
	       "reg-list-core-firmware-timer-then-id-registers");
	tap_ok(listed(MPIDR_ID) && listed(SCTLR_ID) && listed(TTBR0_64_ID) &&
	       listed(TTBR0_32_ID) && listed(ARM_CP15_REG64(0, 7)) &&
	       listed(ARM_CP15_REG32(0, 14, 1, 0)) && listed(VFP_ID(KVM_REG_SIZE_U64, 0)) &&
	       listed(VFP_ID(KVM_REG_SIZE_U32, KVM_REG_ARM_VFP_FPEXC)) && listed(CCSIDR_ID(0)),
	       "reg-list-has-cp15-vfp-and-ccsidr-registers");
	for (i = 0; i < nr_reg_ids; i++) {
		val = 0;
		if (one_reg(vcpu, KVM_GET_ONE_REG, reg_ids[i], &val) ||
		    one_reg(vcpu, KVM_SET_ONE_REG, reg_ids[i], &val)) {
			if (!bad++)
				tap_diag("register %#llx does not read and write back", reg_ids[i]);
		}
	}
	tap_eq(bad, 0, "every-listed-register-reads-and-writes-back");
}

static void check_cp15_and_vfp(int vcpu, int target)
{
	unsigned long long v64 = 0x1122334455667788ULL, d;
	unsigned int val, midr;

	tap_eq(one_reg(vcpu, KVM_GET_ONE_REG, SCTLR_ID, &val) ? 0 : val,
	       target == KVM_ARM_TARGET_CORTEX_A7 ? 0x00c50878 : 0x00c50078,
	       "sctlr-resets-to-the-target-value");
	tap_ok(one_reg(vcpu, KVM_GET_ONE_REG, MPIDR_ID, &val) == 0 && (val & 0xffffff) == 0 &&
	       one_reg(vcpu, KVM_GET_ONE_REG, ACTLR_ID, &val) == 0 && !(val & (1 << 6)),
	       "vcpu-0-alone-has-affinity-0-and-no-smp-bit");
	tap_ok(one_reg(vcpu, KVM_GET_ONE_REG, MIDR_ID, &midr) == 0 &&
	       ((midr >> 4) & 0xfff) == (target == KVM_ARM_TARGET_CORTEX_A7 ? 0xc07 : 0xc0f),
	       "midr-is-the-host-cpu");
	val = midr ^ 1;
	tap_eq(one_reg(vcpu, KVM_SET_ONE_REG, MIDR_ID, &val), EINVAL, "invariant-midr-rejects-another-value");
	tap_ok(one_reg(vcpu, KVM_SET_ONE_REG, TTBR0_64_ID, &v64) == 0 &&
	       one_reg(vcpu, KVM_GET_ONE_REG, TTBR0_32_ID, &val) == 0 && val == 0x55667788,
	       "ttbr0-32-bit-view-is-the-low-half");
	d = 0xfedcba9876543210ULL;
	tap_ok(one_reg(vcpu, KVM_SET_ONE_REG, VFP_ID(KVM_REG_SIZE_U64, 31), &d) == 0 &&
	       (d = 0, one_reg(vcpu, KVM_GET_ONE_REG, VFP_ID(KVM_REG_SIZE_U64, 31), &d)) == 0 &&
	       d == 0xfedcba9876543210ULL, "vfp-d31-reads-back");
	val = 0x12345678;
	tap_ok(one_reg(vcpu, KVM_SET_ONE_REG, VFP_ID(KVM_REG_SIZE_U32, KVM_REG_ARM_VFP_FPSID), &val) == EINVAL &&
	       one_reg(vcpu, KVM_GET_ONE_REG, CCSIDR_ID(0), &val) == 0 &&
	       (val ^= 1, one_reg(vcpu, KVM_SET_ONE_REG, CCSIDR_ID(0), &val)) == EINVAL,
	       "fpsid-and-ccsidr-are-invariant");
	tap_ok(one_reg(vcpu, KVM_GET_ONE_REG, CCSIDR_ID(13), &val) == ENOENT &&
	       one_reg(vcpu, KVM_GET_ONE_REG, VFP_ID(KVM_REG_SIZE_U32, 0x1002), &val) == ENOENT &&
	       one_reg(vcpu, KVM_GET_ONE_REG, VFP_ID(KVM_REG_SIZE_U32, 3), &val) == ENOENT,
	       "unknown-demux-and-vfp-ids-are-enoent");
}

/* Firmware registers of a vCPU with the PSCI_0_2 feature. */
static void check_fw_regs(int vcpu, int target)
{
	unsigned long long v = 0, wa1 = target == KVM_ARM_TARGET_CORTEX_A7 ? 2 : 1;

	tap_ok(one_reg(vcpu, KVM_GET_ONE_REG, KVM_REG_ARM_PSCI_VERSION, &v) == 0 && v == 0x10000 &&
	       (v = 2, one_reg(vcpu, KVM_SET_ONE_REG, KVM_REG_ARM_PSCI_VERSION, &v)) == 0 &&
	       (v = 0, one_reg(vcpu, KVM_GET_ONE_REG, KVM_REG_ARM_PSCI_VERSION, &v)) == 0 && v == 2 &&
	       (v = 1, one_reg(vcpu, KVM_SET_ONE_REG, KVM_REG_ARM_PSCI_VERSION, &v)) == EINVAL &&
	       (v = 3, one_reg(vcpu, KVM_SET_ONE_REG, KVM_REG_ARM_PSCI_VERSION, &v)) == EINVAL,
	       "psci-version-1.0-by-default-0.2-settable-0.1-refused");
	tap_ok(one_reg(vcpu, KVM_GET_ONE_REG, KVM_REG_ARM_SMCCC_ARCH_WORKAROUND_1, &v) == 0 &&
	       v == wa1 &&
	       (v = wa1 + 1, one_reg(vcpu, KVM_SET_ONE_REG, KVM_REG_ARM_SMCCC_ARCH_WORKAROUND_1, &v)) == EINVAL,
	       "workaround-1-is-the-host-level-and-no-more-can-be-set");
	tap_ok(one_reg(vcpu, KVM_GET_ONE_REG, KVM_REG_ARM_SMCCC_ARCH_WORKAROUND_2, &v) == 0 && v == 1 &&
	       (v = 2, one_reg(vcpu, KVM_SET_ONE_REG, KVM_REG_ARM_SMCCC_ARCH_WORKAROUND_2, &v)) == EINVAL &&
	       one_reg(vcpu, KVM_GET_ONE_REG, KVM_REG_ARM_FW_REG(3), &v) == ENOENT,
	       "workaround-2-unknown-and-other-firmware-ids-enoent");
}

/*
 * INIT once all 8 vCPUs exist: vCPU 5 is core 1 of cluster 1 (MPIDR Aff1 1,
 * Aff0 1), ACTLR has the SMP bit, and L2CTLR counts 4 cores in its cluster.
 */
static void check_smp_reset(int vcpu5, int target)
{
	struct kvm_vcpu_init init = { .target = target };
	unsigned int mpidr = 0, actlr = 0, l2ctlr = 0;

	tap_ok(ioctl(vcpu5, KVM_ARM_VCPU_INIT, &init) == 0 &&
	       one_reg(vcpu5, KVM_GET_ONE_REG, MPIDR_ID, &mpidr) == 0 &&
	       one_reg(vcpu5, KVM_GET_ONE_REG, ACTLR_ID, &actlr) == 0 &&
	       one_reg(vcpu5, KVM_GET_ONE_REG, L2CTLR_ID, &l2ctlr) == 0,
	       "vcpu-5-initialises");
	tap_eq(mpidr & 0xffffff, 0x101, "vcpu-5-mpidr-is-cluster-1-core-1");
	tap_ok((actlr & (1 << 6)) && ((l2ctlr >> 24) & 3) == 3,
	       "smp-bit-and-l2ctlr-core-count-follow-the-vcpus");
}

static void check_vcpu(int vm, int target)
{
	struct kvm_vcpu_init init = { .target = target };
	unsigned long long list[2] = { 0 };
	struct kvm_mp_state mp;
	struct kvm_run *run;
	unsigned int val, i, ok;
	int vcpu, other, vcpu5;

	vcpu = ioctl(vm, KVM_CREATE_VCPU, 0);
	tap_ok(vcpu >= 0, "create-vcpu-0");
	tap_eq(err_of(ioctl(vm, KVM_CREATE_VCPU, 0)), EEXIST, "create-same-vcpu-id-is-eexist");
	tap_eq(err_of(ioctl(vm, KVM_CREATE_VCPU, 8)), EINVAL, "vcpu-id-8-is-einval");
	run = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED, vcpu, 0);
	tap_ok(run != MAP_FAILED && run->exit_reason == 0 && run->immediate_exit == 0,
	       "kvm-run-page-maps");

	tap_ok(one_reg(vcpu, KVM_GET_ONE_REG, CPSR_ID, &val) == ENOEXEC &&
	       err_of(ioctl(vcpu, KVM_GET_REG_LIST, (struct kvm_reg_list *)list)) == ENOEXEC,
	       "registers-before-init-are-enoexec");
	init.target = target ^ 1;
	tap_eq(err_of(ioctl(vcpu, KVM_ARM_VCPU_INIT, &init)), EINVAL, "init-other-target-is-einval");
	init.target = target;
	init.features[0] = 1 << 5;
	tap_eq(err_of(ioctl(vcpu, KVM_ARM_VCPU_INIT, &init)), ENOENT, "init-unknown-feature-is-enoent");
	init.features[0] = (1 << KVM_ARM_VCPU_PSCI_0_2) | (1 << KVM_ARM_VCPU_POWER_OFF);
	tap_eq(err_of(ioctl(vcpu, KVM_ARM_VCPU_INIT, &init)), 0, "init-psci-0-2-powered-off");
	init.features[0] = 0;
	tap_eq(err_of(ioctl(vcpu, KVM_ARM_VCPU_INIT, &init)), EINVAL,
	       "re-init-with-other-features-is-einval");

	tap_ok(one_reg(vcpu, KVM_GET_ONE_REG, CPSR_ID, &val) == 0 && val == 0x1d3,
	       "reset-cpsr-is-svc-with-aif-masked");
	for (i = 0, ok = 0; i < 16; i++) {
		unsigned int in = 0x1000 * i + 7, out = 0;

		ok += one_reg(vcpu, KVM_SET_ONE_REG, ARMVIRT_CORE_REG_ID(i), &in) == 0 &&
		      one_reg(vcpu, KVM_GET_ONE_REG, ARMVIRT_CORE_REG_ID(i), &out) == 0 && out == in;
	}
	tap_eq(ok, 16, "r0-to-pc-read-back-what-was-set");
	val = 0x1a;	/* HYP */
	tap_eq(one_reg(vcpu, KVM_SET_ONE_REG, CPSR_ID, &val), EINVAL, "cpsr-hyp-mode-is-einval");
	val = 0x10;	/* USR */
	tap_eq(one_reg(vcpu, KVM_SET_ONE_REG, CPSR_ID, &val), 0, "cpsr-usr-mode-accepted");
	tap_ok(one_reg(vcpu, KVM_GET_ONE_REG, ARMVIRT_CORE_REG_ID(38), &val) == ENOENT &&
	       one_reg(vcpu, KVM_GET_ONE_REG, (CPSR_ID & ~KVM_REG_SIZE_MASK) | KVM_REG_SIZE_U64, list) == ENOENT &&
	       one_reg(vcpu, KVM_GET_ONE_REG, ARM_CP15_REG32(0, 9, 9, 0), &val) == ENOENT,
	       "unknown-register-ids-are-enoent");
	tap_eq(one_reg(vcpu, KVM_GET_ONE_REG, 0x6030000000100000ULL, list), EINVAL,
	       "arm64-register-id-is-einval");
	tap_eq(one_reg(vcpu, KVM_GET_ONE_REG, CPSR_ID, (void *)16), EFAULT, "bad-value-pointer-is-efault");

	check_reg_list(vcpu);
	check_cp15_and_vfp(vcpu, target);
	check_fw_regs(vcpu, target);

	tap_ok(ioctl(vcpu, KVM_GET_MP_STATE, &mp) == 0 && mp.mp_state == KVM_MP_STATE_STOPPED,
	       "power-off-feature-starts-stopped");
	mp.mp_state = KVM_MP_STATE_RUNNABLE;
	tap_ok(ioctl(vcpu, KVM_SET_MP_STATE, &mp) == 0 && ioctl(vcpu, KVM_GET_MP_STATE, &mp) == 0 &&
	       mp.mp_state == KVM_MP_STATE_RUNNABLE, "mp-state-set-runnable");
	mp.mp_state = 3;
	tap_eq(err_of(ioctl(vcpu, KVM_SET_MP_STATE, &mp)), EINVAL, "mp-state-halted-is-einval");
	tap_eq(err_of(ioctl(vcpu, KVM_GET_REGS, list)), EINVAL, "get-regs-is-einval-as-in-kvm");

	tap_ok(err_of(ioctl(sys_fd, KVM_CREATE_VCPU, 1)) == ENOTTY &&
	       err_of(ioctl(vm, KVM_ARM_VCPU_INIT, &init)) == ENOTTY &&
	       err_of(ioctl(vcpu, KVM_CREATE_VCPU, 1)) == ENOTTY &&
	       err_of(ioctl(vcpu, KVM_CREATE_VM, 0)) == ENOTTY,
	       "ioctls-on-the-wrong-fd-are-enotty");

	for (i = 1, ok = 0, vcpu5 = -1; i < 8; i++) {
		other = ioctl(vm, KVM_CREATE_VCPU, i);
		ok += other >= 0;
		if (i == 5)
			vcpu5 = other;
		else if (other >= 0)
			close(other);
	}
	tap_eq(ok, 7, "vcpus-1-to-7-created");
	tap_eq(err_of(ioctl(vm, KVM_CREATE_VCPU, 1)), EEXIST, "closed-vcpu-id-stays-taken");
	check_smp_reset(vcpu5, target);
	close(vcpu5);

	/* The vCPU keeps its VM alive: closing the VM fd first is fine. */
	close(vm);
	tap_ok(one_reg(vcpu, KVM_GET_ONE_REG, ARMVIRT_CORE_REG_ID(3), &val) == 0 && val == 0x3007,
	       "vcpu-works-after-its-vm-fd-closed");
	munmap(run, 4096);
	close(vcpu);
}

/* Another process (a forked child) may not drive the VMM's VM. */
static bool child_is_refused(int vm)
{
	int status;
	pid_t pid = fork();

	if (pid == 0)
		_exit(err_of(ioctl(vm, KVM_CHECK_EXTENSION, KVM_CAP_USER_MEMORY)) == EIO ? 0 : 1);
	return pid > 0 && waitpid(pid, &status, 0) == pid && WIFEXITED(status) &&
	       !WEXITSTATUS(status);
}

int main(void)
{
	int vm, target, i, ok, round;
	long before, after, least;

	tap_plan(73);
	if (!module_loaded("armvirt") && module_load(ARMVIRT_KO))
		tap_bail("armvirt does not load");
	sys_fd = open(ARMVIRT_DEV, O_RDWR | O_CLOEXEC);
	if (sys_fd < 0)
		tap_bail("cannot open %s", ARMVIRT_DEV);

	tap_ok(1, "abi-layout-and-ioctl-numbers-match-kvm-5.6");	/* the static asserts */
	tap_eq(ioctl(sys_fd, KVM_GET_VCPU_MMAP_SIZE, 0), 4096, "vcpu-mmap-size-is-one-page");
	tap_eq(err_of(ioctl(sys_fd, KVM_GET_VCPU_MMAP_SIZE, 1)), EINVAL, "vcpu-mmap-size-with-arg-is-einval");
	tap_eq(err_of(ioctl(sys_fd, KVM_CREATE_VM, 1)), EINVAL, "create-vm-type-1-is-einval");
	vm = ioctl(sys_fd, KVM_CREATE_VM, 0);
	if (!tap_ok(vm >= 0, "create-vm"))
		tap_bail("no VM");
	check_caps(vm);
	check_memslots(vm);
	tap_ok(child_is_refused(vm), "vm-ioctl-from-another-process-is-eio");

	{
		struct kvm_vcpu_init pref;

		target = host_target();
		tap_ok(ioctl(vm, KVM_ARM_PREFERRED_TARGET, &pref) == 0 && (int)pref.target == target &&
		       !pref.features[0], "preferred-target-is-the-host-cpu");
	}
	tap_eq(module_unload("armvirt"), EWOULDBLOCK, "unload-refused-while-a-vm-exists");
	check_vcpu(vm, target);

	/*
	 * 200 VMs with 2 vCPUs each, created and closed: nothing stays behind.
	 * A first round fills the kernel's object caches; three more are
	 * measured. A leak grows every round by the same amount (a kvm_run
	 * page per vCPU would be 1600 KiB). The allocators' per-CPU caches make
	 * a round's figure noisy (on the 7.2 A7 board: -60 to +48 KiB in five
	 * rounds, and once over 128 KiB in CI), so the round that grew least
	 * is the one checked.
	 */
	for (round = 0, ok = 0, least = LONG_MAX; round < 4; round++) {
		before = memory_in_use_kb();
		for (i = 0; i < 200; i++) {
			int v = ioctl(sys_fd, KVM_CREATE_VM, 0);
			int c0 = ioctl(v, KVM_CREATE_VCPU, 0), c1 = ioctl(v, KVM_CREATE_VCPU, 1);

			ok += v >= 0 && c0 >= 0 && c1 >= 0;
			close(c1);
			close(v);
			close(c0);
		}
		after = memory_in_use_kb();
		tap_diag("round %d: memory in use before %ld KiB, after %ld KiB", round, before, after);
		if (round && after - before < least)
			least = after - before;
	}
	tap_eq(ok, 800, "4x200-vms-with-2-vcpus-created");
	if (memory_use_is_exact())
		tap_ok(least < 128, "vms-and-vcpus-freed-on-close (least growth %ld KiB)", least);
	else
		tap_skip(NOT_EXACT_REASON, "vms-and-vcpus-freed-on-close");

	close(sys_fd);
	tap_ok(module_unload("armvirt") == 0 && module_load(ARMVIRT_KO) == 0,
	       "unload-and-reload-once-every-fd-closed");
	tap_finish();
}
