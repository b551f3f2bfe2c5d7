// SPDX-License-Identifier: GPL-2.0-only
/*
 * What a VMM or a guest must not be able to do to the host: each check
 * names one input an outside review found accepted, or one path that
 * oopsed, panicked or looped, and asserts the behaviour that replaced it.
 * Traps that the test board never produces (set/way, cache maintenance
 * faults, asynchronous aborts) reach their handlers through the debugfs
 * test interface (tvm_selftest_trap).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <setjmp.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/ioctl.h>
#include <sys/auxv.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include "board.h"
#include "health.h"
#include "tap.h"
#include "thread.h"
#include "vm.h"

#define RAM_SIZE	(2 << 20)
#define RO_SLOT_GPA	0x50000000ULL
#define DATA_PAGE	(GUEST_RAM_BASE + 0x180000)	/* tests/guest/injected.S */
#define FPEXC_ID	(KVM_REG_ARM | KVM_REG_SIZE_U32 | KVM_REG_ARM_VFP | KVM_REG_ARM_VFP_FPEXC)
#define FPEXC_EN	(1U << 30)

/* HSR (ARM ARM B3.13.6) of the traps the tests hand to a vCPU */
#define HSR_IL		(1U << 25)
#define HSR_DABT_LOW	(0x24U << 26)
#define HSR_CP15_32	(0x03U << 26)
#define HSR_CV_AL	((1U << 24) | (0xeU << 20))	/* condition valid: always */
#define DABT_CM		(1U << 8)
#define DABT_WNR	(1U << 6)
#define FSC_PERM_L3	0x0f
#define FSC_ASYNC_EXT	0x11
#define HSR_DCCISW	(HSR_CP15_32 | HSR_IL | HSR_CV_AL | (2U << 17) | (7U << 10) | (14U << 1))
#define HSR_CM_PERM	(HSR_DABT_LOW | HSR_IL | DABT_CM | DABT_WNR | FSC_PERM_L3)

static int set_region(int vm_fd, uint32_t slot, uint32_t flags, uint64_t gpa, uint64_t size,
		      uint64_t uaddr)
{
	struct kvm_userspace_memory_region r = {
		.slot = slot, .flags = flags, .guest_phys_addr = gpa,
		.memory_size = size, .userspace_addr = uaddr,
	};

	return ioctl(vm_fd, KVM_SET_USER_MEMORY_REGION, &r) ? errno : 0;
}

static void oversized_slots(void)
{
	struct tvm vm;
	unsigned long ram;

	if (tvm_create(&vm, NULL, RAM_SIZE, 0))
		tap_bail("creating a VM");
	ram = (unsigned long)vm.ram;
	tap_eq(set_region(vm.vm_fd, 1, 0, 0x100000000ULL, 1ULL << 32, ram), EINVAL,
	       "slot-of-4gib-is-refused");
	tap_eq(set_region(vm.vm_fd, 1, 0, 0x100000000ULL, (1ULL << 32) + 0x1000, ram), EINVAL,
	       "slot-of-4gib-and-a-page-is-refused");
	tap_eq(set_region(vm.vm_fd, 1, 0, 0x100000000ULL, 0xfffff000ULL, ram), EINVAL,
	       "slot-past-the-end-of-the-address-space-is-refused");
	tap_eq(set_region(vm.vm_fd, 1, 0, 0x100000000ULL, 0x2000, 0xbefff000ULL), EINVAL,
	       "slot-crossing-into-kernel-space-is-refused");
	tap_eq(set_region(vm.vm_fd, 1, 0, 0x100000000ULL, 0x1000, 1ULL << 32), EINVAL,
	       "slot-at-a-64-bit-user-address-is-refused");
	tap_eq(set_region(vm.vm_fd, 1, 0, 0x100000000ULL, 0x1000, ram), 0,
	       "a-normal-slot-still-works-after-them");
	tvm_destroy(&vm);
}

static int irqfd(int vm_fd, int fd, uint32_t gsi, uint32_t flags, int resamplefd)
{
	struct kvm_irqfd a = { .fd = fd, .gsi = gsi, .flags = flags, .resamplefd = resamplefd };

	return ioctl(vm_fd, KVM_IRQFD, &a) ? errno : 0;
}

static void irqfd_gsi_bounds(void)
{
	int efd = eventfd(0, EFD_CLOEXEC), rfd = eventfd(0, EFD_CLOEXEC);
	struct tvm vm;

	if (tvm_create(&vm, NULL, RAM_SIZE, 1) || tvm_create_vgic(&vm, 64) < 0)
		tap_bail("creating a VM with a vGIC");
	tap_eq(irqfd(vm.vm_fd, efd, 0xffffffe0, KVM_IRQFD_FLAG_RESAMPLE, rfd), EINVAL,
	       "irqfd-gsi-that-wraps-past-zero-is-refused");
	tap_eq(irqfd(vm.vm_fd, efd, 0xffffffff, 0, -1), EINVAL, "irqfd-gsi-0xffffffff-is-refused");
	tap_eq(irqfd(vm.vm_fd, efd, 32, 0, -1), EINVAL, "irqfd-gsi-one-past-the-last-spi-is-refused");
	tap_eq(irqfd(vm.vm_fd, efd, 31, KVM_IRQFD_FLAG_RESAMPLE, rfd), 0,
	       "irqfd-on-the-last-spi-works");
	tap_eq(irqfd(vm.vm_fd, efd, 31, KVM_IRQFD_FLAG_DEASSIGN, -1), 0,
	       "irqfd-on-the-last-spi-deassigns");
	tvm_destroy(&vm);
	close(efd);
	close(rfd);
}

static void fpexc_values(void)
{
	uint32_t bad = 0xffffffff, dex = 1U << 29, ex_en = 0xc0000000, v;
	struct tvm vm;

	if (tvm_create(&vm, "fpexc", RAM_SIZE, 1))
		tap_bail("creating the FPEXC guest");
	tap_eq(tvm_set_reg(&vm.vcpu[0], FPEXC_ID, &bad), EINVAL, "fpexc-with-unknown-bits-is-refused");
	tap_eq(tvm_set_reg(&vm.vcpu[0], FPEXC_ID, &dex), EINVAL, "fpexc-dex-is-refused");
	tap_eq(tvm_set_reg(&vm.vcpu[0], FPEXC_ID, &ex_en), 0, "fpexc-en-and-ex-are-accepted");
	/* The host would have panicked here: FPINST restored in HYP. */
	v = tvm_next_value(&vm.vcpu[0], "fpexc set by the VMM");
	tap_ok(v & FPEXC_EN, "guest-runs-vfp-with-the-vmm-set-fpexc (FPEXC %#x)", v);
	v = tvm_next_value(&vm.vcpu[0], "fpexc set by the guest");
	tap_ok(v & FPEXC_EN, "guest-setting-fpexc-ex-exits-safely (FPEXC %#x)", v);
	v = tvm_next_value(&vm.vcpu[0], "fpexc after the exit");
	tap_ok(v & FPEXC_EN, "guest-fpexc-survives-the-exit (FPEXC %#x)", v);
	tap_ok(tvm_run_ucall(&vm.vcpu[0]).kind == UC_DONE, "fpexc-guest-finishes");
	tvm_destroy(&vm);
}

static int vgic_reg(int dev_fd, uint32_t group, uint32_t cpu, uint32_t offset, uint32_t *val,
		    bool set)
{
	struct kvm_device_attr a = {
		.group = group, .addr = (unsigned long)val,
		.attr = ((uint64_t)cpu << KVM_DEV_ARM_VGIC_CPUID_SHIFT) | offset,
	};

	return ioctl(dev_fd, set ? KVM_SET_DEVICE_ATTR : KVM_GET_DEVICE_ATTR, &a) ? errno : 0;
}

static int irq_line(int vm_fd, uint32_t type, uint32_t vcpu, uint32_t num, int level)
{
	struct kvm_irq_level l = {
		.irq = (type << KVM_ARM_IRQ_TYPE_SHIFT) | (vcpu << KVM_ARM_IRQ_VCPU_SHIFT) | num,
		.level = level,
	};

	return ioctl(vm_fd, KVM_IRQ_LINE, &l) ? errno : 0;
}

/* KVM allows any vCPU id below the maximum: a VM of vCPU 1 alone, with a vGIC. */
/*
 * The fcse guest on CPU 1, in a child: with its FCSE PID left in place after
 * the exit, the child faults forever on its own text (below 32 MiB), and so
 * would every task after it on that CPU. The parent (CPU 0) waits; on a
 * timeout it kills the child and takes CPU 1 offline and back, which resets
 * it, so that the suite can go on.
 */
static void fcseidr_stays_in_the_guest(void)
{
	int fds[2], status = 0, waited;
	uint32_t vals[2] = { 1, 1 };
	cpu_set_t set, saved;
	pid_t pid;

	CPU_ZERO(&set);
	CPU_SET(0, &set);
	if (sched_getaffinity(0, sizeof(saved), &saved) || sched_setaffinity(0, sizeof(set), &set))
		tap_bail("pinning the test to CPU 0");
	if (pipe(fds))
		tap_bail("pipe");
	pid = fork();
	if (pid < 0)
		tap_bail("fork");
	if (pid == 0) {
		struct tvm vm;

		CPU_ZERO(&set);
		CPU_SET(1, &set);
		if (sched_setaffinity(0, sizeof(set), &set) || tvm_create(&vm, "fcse", RAM_SIZE, 1))
			_exit(2);
		vals[0] = tvm_next_value(&vm.vcpu[0], "fcseidr before the exit");
		vals[1] = tvm_next_value(&vm.vcpu[0], "fcseidr after the exit");
		if (tvm_run_ucall(&vm.vcpu[0]).kind != UC_DONE)
			_exit(3);
		tvm_destroy(&vm);
		_exit(write(fds[1], vals, sizeof(vals)) == sizeof(vals) ? 0 : 4);
	}
	close(fds[1]);
	for (waited = 0; waited < 300; waited++) {
		if (waitpid(pid, &status, WNOHANG) == pid)
			break;
		usleep(100000);
	}
	if (waited == 300) {
		/*
		 * Killed, the child would still loop in the kernel (its exit
		 * writes to its own memory); offline, CPU 1 hands it to CPU 0.
		 */
		kill(pid, SIGKILL);
		cpu_set_online(1, false);
		waitpid(pid, &status, 0);
		cpu_set_online(1, true);
		status = -1;
	}
	sched_setaffinity(0, sizeof(saved), &saved);
	tap_ok(status == 0, "host-task-runs-after-a-guest-sets-fcseidr (wait status %#x)", status);
	if (read(fds[0], vals, sizeof(vals)) != sizeof(vals))
		vals[0] = !vals[1];
	close(fds[0]);
	tap_ok(vals[0] == vals[1], "guest-fcseidr-survives-its-exit (%#x, then %#x)", vals[0], vals[1]);
}

#define HWCAP_THUMBEE	(1UL << 11)
#define TEECR_ID	(KVM_REG_ARM | KVM_REG_SIZE_U32 | (14ULL << KVM_REG_ARM_COPROC_SHIFT) | \
			 (6ULL << KVM_REG_ARM_OPC1_SHIFT))
#define TEEHBR_ID	(TEECR_ID | (1ULL << KVM_REG_ARM_32_CRN_SHIFT))
#define HOST_TEEHBR	0x0badc000u	/* this task's, set at PL0 */

static sigjmp_buf teehbr_undef;

static void on_sigill(int sig)
{
	siglongjmp(teehbr_undef, 1);
}

/* This task's TEEHBR, read at PL0; 1 (not a handler base) if that is undefined. */
static uint32_t host_teehbr(void)
{
	struct sigaction sa = { .sa_handler = on_sigill }, old;
	volatile uint32_t v = 1;

	sigaction(SIGILL, &sa, &old);
	if (!sigsetjmp(teehbr_undef, 1))
		__asm__ volatile("mrc p14, 6, %0, c1, c0, 0" : "=r" (v));
	sigaction(SIGILL, &old, NULL);
	return v;
}

/*
 * ThumbEE's TEECR and TEEHBR are the guest's own, switched with the world
 * rather than trapped (Linux writes TEEHBR at every thread switch): the
 * guest keeps what it writes, the host task keeps its own TEEHBR and its
 * right to read it (TEECR.XED), ONE_REG carries both, and no access exits.
 */
static void thumbee_registers_switch(void)
{
	uint32_t teecr = 0, teehbr = 0x5eed0000, host = HOST_TEEHBR;
	struct tvm_vcpu *v;
	struct tvm vm;
	long cp14;

	if (!(getauxval(AT_HWCAP) & HWCAP_THUMBEE)) {
		for (int i = 0; i < 10; i++)
			tap_skip("the host CPU has no ThumbEE", "thumbee");
		return;
	}
	if (tvm_create(&vm, "thumbee", RAM_SIZE, 1))
		tap_bail("creating the ThumbEE guest");
	v = &vm.vcpu[0];
	tap_ok(!tvm_set_reg(v, TEECR_ID, &teecr) && !tvm_set_reg(v, TEEHBR_ID, &teehbr),
	       "vmm-sets-teecr-and-teehbr");
	__asm__ volatile("mcr p14, 6, %0, c1, c0, 0" : : "r" (host));
	cp14 = tvm_exit_count(0, "cp14");
	tap_eq(tvm_next_value(v, "TEEHBR as set"), 0x5eed0000, "guest-reads-the-teehbr-the-vmm-set");
	tap_eq(tvm_next_value(v, "TEECR as set"), 0, "guest-reads-the-teecr-the-vmm-set");
	tap_eq(tvm_next_value(v, "TEEHBR written"), 0x12345000, "guest-teehbr-write-stays-in-the-guest");
	tap_eq(host_teehbr(), HOST_TEEHBR, "host-task-keeps-its-teehbr-after-the-guest-sets-teecr-xed");
	tap_eq(tvm_next_value(v, "TEECR after an exit"), 1, "guest-teecr-survives-its-exit");
	tap_eq(tvm_next_value(v, "TEEHBR after two"), 0x12345000, "guest-teehbr-survives-its-exits");
	tap_ok(tvm_run_ucall(v).kind == UC_DONE, "thumbee-guest-finishes");
	teecr = teehbr = 0;
	tap_ok(!tvm_get_reg(v, TEECR_ID, &teecr) && !tvm_get_reg(v, TEEHBR_ID, &teehbr) &&
	       teecr == 1 && teehbr == 0x12345000,
	       "one-reg-reads-the-guest-teecr-and-teehbr (%#x, %#x)", teecr, teehbr);
	tap_eq(tvm_exit_count(0, "cp14") - cp14, 0, "thumbee-accesses-do-not-exit");
	tvm_destroy(&vm);
}

static uint32_t host_cntfrq(void)
{
	uint32_t v;

	__asm__ volatile("mrc p15, 0, %0, c14, c0, 0" : "=r" (v));	/* PL0 may read it */
	return v;
}

/*
 * CNTFRQ: a guest's write must not change the host's (the module and the
 * host's tasks read it), whether the CPU undefines it, as the architecture
 * says, or takes it.
 */
static void cntfrq_stays_the_hosts(void)
{
	uint32_t before, after, v, undefined;
	cpu_set_t set, saved;
	struct tvm vm;

	CPU_ZERO(&set);
	CPU_SET(0, &set);
	if (sched_getaffinity(0, sizeof(saved), &saved) || sched_setaffinity(0, sizeof(set), &set))
		tap_bail("pinning the test to CPU 0");
	if (tvm_create(&vm, "cntfrq", RAM_SIZE, 1))
		tap_bail("creating the CNTFRQ guest");
	before = host_cntfrq();
	v = tvm_next_value(&vm.vcpu[0], "CNTFRQ");
	after = host_cntfrq();
	undefined = tvm_next_value(&vm.vcpu[0], "undefined");
	tap_ok(tvm_run_ucall(&vm.vcpu[0]).kind == UC_DONE, "cntfrq-guest-finishes");
	tvm_destroy(&vm);
	sched_setaffinity(0, sizeof(saved), &saved);
	tap_eq(after, before, "guest-cntfrq-write-leaves-the-hosts (guest read %u, undefined %u)",
	       v, undefined);
}

static void sparse_vcpu_ids(void)
{
	uint32_t typer = 0, pmr = 0xf0;
	struct ucall uc;
	struct tvm vm;
	int dev;

	if (tvm_create(&vm, "basic", RAM_SIZE, 0) || tvm_add_vcpu(&vm, 1, false))
		tap_bail("creating a VM with vCPU 1 only");
	dev = tvm_create_vgic(&vm, 64);
	tap_ok(dev >= 0, "vgic-initialises-for-vcpu-1-alone");
	if (dev < 0)
		tap_bail("no vGIC");
	uc = tvm_run_ucall(&vm.vcpu[1]);
	tap_ok(uc.kind == UC_VALUE && uc.value == 5050, "vcpu-1-alone-runs-its-guest (kind %d value %u)",
	       uc.kind, uc.value);
	uc = tvm_run_ucall(&vm.vcpu[1]);
	tap_ok(uc.kind == UC_SYSTEM_EVENT, "vcpu-1-alone-powers-off");
	tap_eq(vgic_reg(dev, KVM_DEV_ARM_VGIC_GRP_DIST_REGS, 1, 4, &typer, false), 0,
	       "gicd-typer-reads-through-vcpu-1");
	tap_eq((typer >> 5) & 7, 1, "gicd-typer-counts-cpus-up-to-id-1");
	tap_eq(vgic_reg(dev, KVM_DEV_ARM_VGIC_GRP_CPU_REGS, 1, 4, &pmr, true), 0,
	       "gicc-pmr-of-vcpu-1-can-be-set");
	tap_eq(vgic_reg(dev, KVM_DEV_ARM_VGIC_GRP_CPU_REGS, 0, 4, &pmr, true), EINVAL,
	       "gicc-regs-of-absent-vcpu-0-are-refused");
	tap_eq(irq_line(vm.vm_fd, KVM_ARM_IRQ_TYPE_PPI, 1, 20, 1), 0, "ppi-to-vcpu-1-is-accepted");
	tap_eq(irq_line(vm.vm_fd, KVM_ARM_IRQ_TYPE_PPI, 0, 20, 1), EINVAL,
	       "ppi-to-absent-vcpu-0-is-refused");
	close(dev);
	tvm_destroy(&vm);
}

static int count_fds(void)
{
	return count_dir("/proc/self/fd");
}

static void create_device_unwritable(void)
{
	struct kvm_create_device cd = { .type = KVM_DEV_TYPE_ARM_VGIC_V2 }, *ro;
	struct tvm vm;
	int before, ret;

	if (tvm_create(&vm, NULL, RAM_SIZE, 1))
		tap_bail("creating a VM");
	ro = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (ro == MAP_FAILED)
		tap_bail("mmap");
	*ro = cd;
	mprotect(ro, 4096, PROT_READ);
	before = count_fds();
	ret = ioctl(vm.vm_fd, KVM_CREATE_DEVICE, ro) ? errno : 0;
	tap_eq(ret, EFAULT, "create-device-with-unwritable-argument-fails-efault");
	tap_eq(count_fds(), before, "create-device-that-failed-leaves-no-fd");
	ret = ioctl(vm.vm_fd, KVM_CREATE_DEVICE, &cd) ? errno : 0;
	tap_eq(ret, 0, "create-device-retried-succeeds");
	if (!ret)
		close(cd.fd);
	munmap(ro, 4096);
	tvm_destroy(&vm);
}

static void memslot_over_gicv(void)
{
	struct kvm_arm_device_addr cpu_addr = {
		.id = ((uint64_t)KVM_ARM_DEVICE_VGIC_V2 << KVM_ARM_DEVICE_ID_SHIFT) |
		      KVM_VGIC_V2_ADDR_TYPE_CPU,
		.addr = GUEST_GICC,
	};
	void *page = mmap(NULL, 0x2000, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	struct tvm vm;
	int dev;

	if (page == MAP_FAILED || tvm_create(&vm, NULL, RAM_SIZE, 1))
		tap_bail("creating a VM");
	dev = tvm_create_vgic(&vm, 64);
	tap_eq(set_region(vm.vm_fd, 1, 0, GUEST_GICC + 0x1000, 0x1000, (unsigned long)page), EEXIST,
	       "memslot-over-the-gic-cpu-interface-is-refused");
	tap_eq(set_region(vm.vm_fd, 1, 0, GUEST_GICC + 0x2000, 0x1000, (unsigned long)page), 0,
	       "memslot-just-after-the-gic-cpu-interface-is-accepted");
	close(dev);
	tvm_destroy(&vm);

	if (tvm_create(&vm, NULL, RAM_SIZE, 1))
		tap_bail("creating a VM");
	tap_eq(set_region(vm.vm_fd, 1, 0, GUEST_GICC, 0x2000, (unsigned long)page), 0,
	       "memslot-where-the-gic-will-go");
	tap_eq(ioctl(vm.vm_fd, KVM_CREATE_IRQCHIP, 0), 0, "legacy-irqchip-created");
	tap_eq(ioctl(vm.vm_fd, KVM_ARM_SET_DEVICE_ADDR, &cpu_addr) ? errno : 0, EEXIST,
	       "gic-cpu-interface-over-a-memslot-is-refused");
	tvm_destroy(&vm);
	munmap(page, 0x2000);
}

/* The set/way, cache maintenance and asynchronous abort handlers on a live VM. */
static void injected_traps(void)
{
	uint32_t pc0, cpsr0, v;
	struct tvm_vcpu *vcpu;
	void *ro_page;
	long mf1, mf2;
	struct tvm vm;
	int dev;

	ro_page = mmap(NULL, 0x1000, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (ro_page == MAP_FAILED || tvm_create(&vm, "injected", RAM_SIZE, 1))
		tap_bail("creating the guest");
	vcpu = &vm.vcpu[0];
	dev = tvm_create_vgic(&vm, 64);	/* its GICV frame is mapped at the first run */
	if (dev < 0 || set_region(vm.vm_fd, 1, KVM_MEM_READONLY, RO_SLOT_GPA, 0x1000,
				  (unsigned long)ro_page))
		tap_bail("the vGIC and a read-only slot");
	tap_eq(tvm_next_value(vcpu, "step 1"), 1, "injected-guest-reaches-step-1");
	pc0 = tvm_core_reg(vcpu, 15);
	cpsr0 = tvm_core_reg(vcpu, 16);

	tap_eq(tvm_selftest_trap(0, HSR_DCCISW, 0, 0, 1000), 0, "1000-set-way-operations-handled");
	tap_eq(tvm_exit_count(0, "set_way"), 1000, "set-way-operations-counted");
	tap_eq(tvm_exit_count(0, "dcache_flush"), 1,
	       "set-way-operations-flush-the-guest-once-until-its-caches-change");
	tap_eq(tvm_core_reg(vcpu, 15), pc0 + 4000, "each-set-way-operation-is-skipped");
	tvm_set_core_reg(vcpu, 15, pc0);
	tvm_set_core_reg(vcpu, 16, cpsr0);

	tap_eq(tvm_selftest_trap(0, HSR_CM_PERM, RO_SLOT_GPA, RO_SLOT_GPA, 1), 0,
	       "cache-maintenance-on-a-read-only-slot-handled");
	tap_eq(tvm_core_reg(vcpu, 15), pc0 + 4,
	       "cache-maintenance-on-a-read-only-slot-is-skipped-not-retried");
	tvm_set_core_reg(vcpu, 15, pc0);

	tap_eq(tvm_selftest_trap(0, HSR_DABT_LOW | HSR_IL | FSC_ASYNC_EXT, 0, 0, 1), 0,
	       "asynchronous-abort-exit-handled");
	tap_eq(tvm_core_reg(vcpu, 15), pc0, "asynchronous-abort-is-not-made-synchronous");
	tap_eq(tvm_core_reg(vcpu, 16), cpsr0, "asynchronous-abort-leaves-the-mode-alone");
	v = tvm_next_value(vcpu, "virtual abort");
	tap_eq(v >> 24, 0xab, "guest-takes-a-virtual-abort (reported %#x)", v);
	if (v >> 24 == 0xab)
		v = tvm_next_value(vcpu, "step 2");
	tap_eq(v, 2, "guest-carries-on-after-the-abort");

	tap_eq(tvm_next_value(vcpu, "step 3"), 3, "guest-read-its-data-page");
	/*
	 * Twice: the first one's write lookup replaces the zero page the guest
	 * read (an MMU notifier invalidation, so it only asks for a retry), the
	 * second maps the new page.
	 */
	tap_eq(tvm_selftest_trap(0, HSR_CM_PERM, DATA_PAGE, DATA_PAGE, 2), 0,
	       "cache-maintenance-permission-fault-handled");
	mf1 = tvm_exit_count(0, "mem_fault");
	tap_eq(tvm_next_value(vcpu, "step 4"), 4, "guest-wrote-its-data-page");
	mf2 = tvm_exit_count(0, "mem_fault");
	tap_eq(mf2 - mf1, 0, "cache-maintenance-fault-made-the-page-writable");
	/* Caches still off since the set/way operations: VM registers trap (HCR.TVM). */
	tap_eq(tvm_next_value(vcpu, "ttbr0"), 0x12345000, "trapped-ttbr0-write-is-the-guests");
	tap_eq(tvm_next_value(vcpu, "contextidr"), 0x55, "trapped-contextidr-write-is-the-guests");
	tap_eq(tvm_exit_count(0, "vm_reg"), 3, "vm-register-writes-trap-while-set-way-is-emulated");
	tap_eq(tvm_exit_count(0, "dcache_flush"), 1, "writes-that-leave-the-caches-off-flush-nothing");
	tap_ok(tvm_run_ucall(vcpu).kind == UC_DONE, "injected-guest-finishes");
	tvm_diag_exit_counts(0);
	close(dev);
	tvm_destroy(&vm);
	munmap(ro_page, 0x1000);
}

struct race {
	int vm_fd;
	int ret;
};

static void *create_irqchip(void *arg)
{
	struct race *r = arg;

	r->ret = ioctl(r->vm_fd, KVM_CREATE_IRQCHIP, 0) ? errno : 0;
	return NULL;
}

/* KVM_CREATE_IRQCHIP racing the first KVM_RUN: either wins, cleanly. */
static void irqchip_vs_first_run(void)
{
	int i, bad = 0, created = 0;
	struct race r;
	struct ucall uc;
	pthread_t t;
	struct tvm vm;

	for (i = 0; i < 100; i++) {
		if (tvm_create(&vm, "basic", RAM_SIZE, 1))
			tap_bail("creating a VM");
		r.vm_fd = vm.vm_fd;
		thread_create_small_stack(&t, create_irqchip, &r);
		uc = tvm_run_ucall(&vm.vcpu[0]);
		pthread_join(t, NULL);
		created += !r.ret;
		/* Ran without a vGIC (irqchip refused or too late), or refused for its addresses. */
		if (!((uc.kind == UC_VALUE && uc.value == 5050) ||
		      (r.ret == 0 && uc.kind == UC_ERROR && uc.value == ENXIO)))
			bad++;
		tvm_destroy(&vm);
	}
	tap_diag("irqchip created before the first run in %d of 100 races", created);
	tap_eq(bad, 0, "create-irqchip-racing-the-first-run-ends-one-way-or-the-other");
}

struct irqfd_race {
	int vm_fd, efd;
	bool assign;
};

static void *irqfd_flip(void *arg)
{
	struct irqfd_race *r = arg;
	int i;

	for (i = 0; i < 2000; i++)
		irqfd(r->vm_fd, r->efd, 5, r->assign ? 0 : KVM_IRQFD_FLAG_DEASSIGN, -1);
	return NULL;
}

static void irqfd_assign_vs_deassign(void)
{
	struct irqfd_race a, d;
	pthread_t ta, td;
	struct tvm vm;

	if (tvm_create(&vm, NULL, RAM_SIZE, 1) || tvm_create_vgic(&vm, 64) < 0)
		tap_bail("creating a VM with a vGIC");
	a.vm_fd = d.vm_fd = vm.vm_fd;
	a.efd = d.efd = eventfd(0, EFD_CLOEXEC);
	a.assign = true;
	d.assign = false;
	thread_create_small_stack(&ta, irqfd_flip, &a);
	thread_create_small_stack(&td, irqfd_flip, &d);
	pthread_join(ta, NULL);
	pthread_join(td, NULL);
	tap_eq(irqfd(vm.vm_fd, a.efd, 5, KVM_IRQFD_FLAG_DEASSIGN, -1), 0, "irqfd-deassign-after-the-race");
	tap_eq(irqfd(vm.vm_fd, a.efd, 5, 0, -1), 0, "irqfd-assign-after-the-race");
	close(a.efd);	/* its hang-up takes the irqfd away */
	tvm_destroy(&vm);
	tap_ok(true, "irqfd-assign-and-deassign-raced-4000-times");
}

#define BUDGET_PARAM	"/sys/module/armvirt/parameters/kmem_mib"
#define SPARSE_GPA	0x80000000ULL	/* tests/guest/sparse.S */
#define SPARSE_SIZE	(512u << 20)

/*
 * Stage-2 tables and dirty bitmaps are bounded: with the budget at 1 MiB
 * (a VM's share 512 KiB, 128 pages), a guest reading one word every 2 MiB
 * of a 512 MiB slot (a table each) is refused with ENOMEM before the end;
 * once it is gone, the next VM runs. Before the budget, a VMM could alias
 * one buffer over the IPA space and have its guest take lowmem 4 KiB per
 * 2 MiB. Then logging a 3 GiB slot (a 96 KiB bitmap) is refused while the
 * budget is 256 KiB of which the VM holds some already.
 */
static void stage2_table_budget(void)
{
	struct ucall uc;
	struct tvm vm;
	void *sparse;

	if (write_file(BUDGET_PARAM, "1"))
		tap_bail("cannot set %s", BUDGET_PARAM);
	sparse = mmap(NULL, SPARSE_SIZE, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE,
		      -1, 0);
	/* 4 KiB pages, a table per 2 MiB: no huge zero page, no 2 MiB block */
	if (sparse != MAP_FAILED)
		madvise(sparse, SPARSE_SIZE, MADV_NOHUGEPAGE);
	if (sparse == MAP_FAILED || tvm_create(&vm, "sparse", RAM_SIZE, 1) ||
	    set_region(vm.vm_fd, 1, KVM_MEM_READONLY, SPARSE_GPA, SPARSE_SIZE,
		       (unsigned long)sparse))
		tap_bail("a VM with a 512 MiB slot");
	uc = tvm_run_ucall(&vm.vcpu[0]);
	tap_ok(uc.kind == UC_ERROR && uc.value == ENOMEM,
	       "stage-2-tables-past-the-budget-are-enomem (ucall kind %d, value %u)", uc.kind, uc.value);
	tvm_destroy(&vm);
	write_file(BUDGET_PARAM, "0");
	tap_ok(tvm_create(&vm, "sparse", RAM_SIZE, 1) == 0 &&
	       set_region(vm.vm_fd, 1, KVM_MEM_READONLY, SPARSE_GPA, SPARSE_SIZE,
			  (unsigned long)sparse) == 0 &&
	       tvm_next_value(&vm.vcpu[0], "sparse reads") == 256,
	       "with-the-default-budget-the-guest-reads-all-256");
	/* The VM holds some 260 pages of tables: no room for a bitmap in 1 MiB. */
	write_file(BUDGET_PARAM, "1");
	tap_eq(set_region(vm.vm_fd, 0, KVM_MEM_LOG_DIRTY_PAGES, GUEST_RAM_BASE, RAM_SIZE,
			  (unsigned long)vm.ram), ENOMEM, "a-dirty-bitmap-past-the-budget-is-enomem");
	write_file(BUDGET_PARAM, "0");
	tap_eq(set_region(vm.vm_fd, 0, KVM_MEM_LOG_DIRTY_PAGES, GUEST_RAM_BASE, RAM_SIZE,
			  (unsigned long)vm.ram), 0, "within-the-budget-dirty-logging-starts");
	tvm_destroy(&vm);
	munmap(sparse, SPARSE_SIZE);
}

#define HSR_WFI		((0x01U << 26) | HSR_IL | HSR_CV_AL)

static atomic_int selftest_done, destroy_done;
static int selftest_err;

static void on_usr1(int sig)
{
}

static void *selftest_wfi(void *arg)
{
	selftest_err = tvm_selftest_trap(0, HSR_WFI, 0, 0, 1);
	atomic_store(&selftest_done, 1);
	return NULL;
}

static void *destroy_vm(void *vm)
{
	tvm_destroy(vm);
	atomic_store(&destroy_done, 1);
	return NULL;
}

/*
 * The VM's last fd closed while a debugfs self-test sleeps in an injected
 * WFI (nothing wakes it: no vGIC): the teardown wakes it and waits for it
 * before the vCPUs go, and ends. It used to free the other vCPUs under the
 * self-test's feet, then wait for the sleeper in D state forever, holding
 * the debugfs directory every VM's vCPUs are created in.
 */
static void selftest_vs_teardown(void)
{
	struct sigaction sa = { .sa_handler = on_usr1 };	/* no SA_RESTART */
	pthread_t ts, td;
	struct tvm vm;
	int i;

	sigaction(SIGUSR1, &sa, NULL);
	/* run once: no request left from its creation to end the WFI at once */
	if (tvm_create(&vm, "wfi", RAM_SIZE, 2) || tvm_next_value(&vm.vcpu[0], "wfi guest") != 1)
		tap_bail("creating a VM");
	thread_create_small_stack(&ts, selftest_wfi, NULL);
	usleep(300 * 1000);	/* asleep in the WFI by now */
	thread_create_small_stack(&td, destroy_vm, &vm);
	for (i = 0; i < 100 && !atomic_load(&destroy_done); i++)
		usleep(50 * 1000);
	tap_ok(atomic_load(&destroy_done) && atomic_load(&selftest_done) && selftest_err == 0,
	       "vm-teardown-wakes-a-sleeping-self-test-and-ends (teardown %s, self-test %s, %d)",
	       atomic_load(&destroy_done) ? "done" : "stuck",
	       atomic_load(&selftest_done) ? "done" : "asleep", selftest_err);
	while (!atomic_load(&selftest_done)) {	/* the old module: wake it by hand */
		pthread_kill(ts, SIGUSR1);
		usleep(100 * 1000);
	}
	pthread_join(ts, NULL);
	pthread_join(td, NULL);
}

int main(void)
{
	tap_plan(82);
	oversized_slots();
	irqfd_gsi_bounds();
	fpexc_values();
	fcseidr_stays_in_the_guest();
	thumbee_registers_switch();
	cntfrq_stays_the_hosts();
	sparse_vcpu_ids();
	create_device_unwritable();
	memslot_over_gicv();
	injected_traps();
	irqchip_vs_first_run();
	irqfd_assign_vs_deassign();
	selftest_vs_teardown();
	stage2_table_budget();
	check_kernel_healthy();
	tap_finish();
}
