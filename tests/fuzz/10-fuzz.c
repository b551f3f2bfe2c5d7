// SPDX-License-Identifier: GPL-2.0-only
/*
 * A structured fuzzer for /dev/armvirt, to find what the suites miss.
 *
 * Each iteration builds a world (the system fd, a VM, vCPUs with any ids,
 * memory slots, maybe a vGIC, eventfds) and applies a few hundred random
 * operations to it: every ioctl of every fd kind with valid and invalid
 * arguments (sizes and addresses at the 32/64-bit limits, wild pointers,
 * register ids from KVM_GET_REG_LIST mutated, random register values, vGIC
 * attributes, interrupt lines, irqfds and ioeventfds), KVM_RUN of random
 * guest code (tests/lib/fuzz_gen.c) answering MMIO reads with random data,
 * vCPU threads running while the main thread moves memory and interrupts,
 * forked children using the parent's fds, then closes everything in a
 * random order. Each KVM_RUN is bounded by a per-thread timer signal.
 *
 *   10-fuzz [--seed N] [--seconds N] [--iter N] [--trace] [--avoid-known]
 *           [--no-trap-inject] [--no-host-events]
 *
 * Without options, they come from the kernel command line
 * (armvirt.fuzz_seed=, armvirt.fuzz_seconds=, armvirt.fuzz_avoid=known,
 * armvirt.fuzz_iter=, armvirt.fuzz_trace=1, armvirt.fuzz_trap=0,
 * armvirt.fuzz_host=0), else a seed from the clock and 60 s. Iteration I uses a seed derived from
 * (seed, I) and prints "fz: iter I" first, so that a crash in it can be
 * replayed alone with --seed N --iter I --trace (the threads' interleaving
 * is not reproducible; what each thread does is).
 *
 * Trap injection: through the module's debugfs test interface
 * (vcpus/<pid>-<vm>-<id>: "trap HSR FAR HPFAR N"), a stopped vCPU also
 * handles random syndromes of the exception classes a guest can raise,
 * for the traps QEMU never produces; --no-trap-inject turns it off.
 *
 * Host events: CPU 1 goes offline and comes back, or a CPU loses its state
 * as in a low-power state (the module's debugfs simulate_cpu_pm_loss),
 * while vCPU threads run; --no-host-events turns them off.
 *
 * --avoid-known steers away from the bugs that an outside review found,
 * so that a run can look for others: memory slots of 4 GiB or more, irqfd
 * GSIs at 0xffffffe0 and above, FPEXC.EX by SET_ONE_REG, vCPU ids other
 * than 0..n-1, set/way cache maintenance in the guest, irqfd
 * assign/deassign from two threads, creating the vGIC while vCPUs run,
 * KVM_CREATE_DEVICE with an unwritable argument, a memory slot over the
 * vGIC's CPU interface.
 *
 * The slots' memory is also remapped, dropped, protected and collapsed
 * into a huge page (MADV_COLLAPSE) under the VM. The kernel log is watched
 * throughout: any oops, BUG or WARN fails the run, but for the 6.1 kernel's
 * own khugepaged report (health.h), which a collapse provokes on the debug
 * kernel and which is set aside by its header and frame, as tests/run.sh
 * does.
 *
 * At the end: counts and rates, the exit reasons and errnos seen (TAP
 * comments), and checks that the run lasted its time, that every fd is
 * closed, that the module is idle (no reference, no vCPU) and unloads and
 * loads again, and that the kernel is healthy.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "armvirt_kvm.h"
#include "board.h"
#include "fuzz_gen.h"
#include "guest_abi.h"
#include "health.h"
#include "tap.h"
#include "thread.h"

#define MAX_VCPUS	8	/* the module's limit; ids up to 10 are tried */
#define NR_IDS		11
#define MAX_SLOTS	32
#define NR_REGIONS	5
#define HUGE_SIZE	(2u << 20)	/* a PMD's worth: a transparent huge page */
#ifndef MADV_COLLAPSE
#define MADV_COLLAPSE	25	/* Linux 6.1 */
#endif
#define NR_EFDS		6
#define NR_DEVS		3
#define NR_EXTRA_VMS	2
#define HIST_EXITS	64
#define HIST_ERRNOS	160
#define VALBUF_SIZE	65536	/* any size a mutated register id can claim */

static bool avoid_known, trace, no_trap_inject, no_host_events;
static uint64_t seed;
static long seconds = 60;
static long only_iter = -1;
static volatile sig_atomic_t timer_fired;

static atomic_ulong n_ioctls, n_runs, n_iters, n_ops, n_forks, n_traps, n_threads, n_guests;
static atomic_ulong n_host_events;
static atomic_ulong exit_hist[HIST_EXITS], errno_hist[HIST_ERRNOS];
static atomic_ulong kmsg_bad;
static atomic_long cur_iter = -1;
static atomic_ulong progress;

#define TR(...)	do { if (trace) { printf("fz:   " __VA_ARGS__); putchar('\n'); fflush(stdout); } } while (0)

/* ---- Bookkeeping ------------------------------------------------------- */

static const char *ioctl_name(unsigned long req)
{
	static const struct { unsigned long req; const char *name; } names[] = {
#define N(x) { x, #x }
		N(KVM_GET_API_VERSION), N(KVM_CREATE_VM), N(KVM_CHECK_EXTENSION),
		N(KVM_GET_VCPU_MMAP_SIZE), N(KVM_CREATE_VCPU), N(KVM_SET_USER_MEMORY_REGION),
		N(KVM_ARM_PREFERRED_TARGET), N(KVM_RUN), N(KVM_GET_REGS), N(KVM_SET_REGS),
		N(KVM_GET_MP_STATE), N(KVM_SET_MP_STATE), N(KVM_GET_ONE_REG), N(KVM_SET_ONE_REG),
		N(KVM_ARM_VCPU_INIT), N(KVM_GET_REG_LIST), N(KVM_CREATE_IRQCHIP), N(KVM_IRQFD),
		N(KVM_IOEVENTFD), N(KVM_IRQ_LINE), N(KVM_ARM_SET_DEVICE_ADDR),
		N(KVM_CREATE_DEVICE), N(KVM_SET_DEVICE_ATTR), N(KVM_GET_DEVICE_ATTR),
		N(KVM_HAS_DEVICE_ATTR),
#undef N
	};
	unsigned int i;

	for (i = 0; i < ARRAY_LEN(names); i++)
		if (names[i].req == req)
			return names[i].name;
	return "ioctl";
}

static long do_ioctl(int fd, unsigned long req, unsigned long arg)
{
	const char *name = ioctl_name(req);
	long ret = ioctl(fd, req, arg);
	int err = ret < 0 ? errno : 0;

	atomic_fetch_add(&n_ioctls, 1);
	atomic_fetch_add(&errno_hist[err < HIST_ERRNOS ? err : HIST_ERRNOS - 1], 1);
	TR("%s(fd %d, %#lx, %#lx) = %ld%s%s", name, fd, req, arg, ret, err ? " " : "",
	   err ? strerrorname_np(err) ? strerrorname_np(err) : "?" : "");
	errno = err;
	return ret;
}

#define IOC(fd, req, arg)	do_ioctl((fd), (req), (unsigned long)(arg))

static const char *exit_name(unsigned int r)
{
	static const char *const names[] = {
		[KVM_EXIT_UNKNOWN] = "UNKNOWN", [KVM_EXIT_EXCEPTION] = "EXCEPTION",
		[KVM_EXIT_HYPERCALL] = "HYPERCALL", [KVM_EXIT_DEBUG] = "DEBUG",
		[KVM_EXIT_MMIO] = "MMIO", [KVM_EXIT_SHUTDOWN] = "SHUTDOWN",
		[KVM_EXIT_FAIL_ENTRY] = "FAIL_ENTRY", [KVM_EXIT_INTR] = "INTR",
		[KVM_EXIT_INTERNAL_ERROR] = "INTERNAL_ERROR",
		[KVM_EXIT_SYSTEM_EVENT] = "SYSTEM_EVENT", [KVM_EXIT_ARM_NISV] = "ARM_NISV",
	};

	return r < ARRAY_LEN(names) && names[r] ? names[r] : "?";
}

/* A value at the limits of 32 and 64 bits, page-aligned or not, or random */
static uint64_t edge64(struct rng *r)
{
	static const uint64_t v[] = {
		0, 1, 2, 3, 4, 0xfff, 0x1000, 0x1001, 0x2000, 0xffff, 0x10000, 0x100000,
		0x7fffffff, 0x80000000, 0xfffff000, 0xffffefff, 0xffffffff,
		1ULL << 32, (1ULL << 32) + 0x1000, (1ULL << 32) - 0x1000,
		1ULL << 40, (1ULL << 40) - 0x1000, 1ULL << 63, ~0ULL, ~0ULL - 0xfff,
		0x40000000, 0x08000000, 0x08010000, 0x0a000000, 0xc0000000,
	};

	switch (below(r, 4)) {
	case 0:
		return rnd64(r);
	case 1:
		return rnd32(r) & ~0xfffu;
	default:
		return PICK(r, v) + (chance(r, 15) ? (uint64_t)(int64_t)(int)below(r, 9) - 4 : 0);
	}
}

/* ---- Wild pointers ------------------------------------------------------ */

static uint8_t *guard;		/* a RW page, then a PROT_NONE page */
static uint8_t *ro_page;	/* read-only */

static void pointers_init(void)
{
	guard = mmap(NULL, 8192, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ro_page = mmap(NULL, 4096, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (guard == MAP_FAILED || ro_page == MAP_FAILED)
		tap_bail("mmap");
	mprotect(guard + 4096, 4096, PROT_NONE);
}

/* A pointer to @good most of the time; otherwise one the kernel must refuse */
static unsigned long arg_ptr(struct rng *r, void *good, size_t size, bool writable_only)
{
	if (chance(r, 90))
		return (unsigned long)good;
	switch (below(r, 7)) {
	case 0:
		return 0;
	case 1:
		return 1;
	case 2:
		return 0xc0000000ul + (rnd32(r) & 0xffff);	/* the kernel's */
	case 3:
		return 0xfffffff0ul;
	case 4:	/* straddles into the PROT_NONE page */
		return (unsigned long)guard + 4096 - (size > 1 ? 1 + below(r, size - 1) : 0);
	case 5:
		if (!writable_only)
			return (unsigned long)ro_page;
		return (unsigned long)good;
	default:
		return (unsigned long)guard + 4096;
	}
}

/* ---- The world of one iteration ---------------------------------------- */

struct vcpu {
	int fd;			/* -1: none */
	int id;
	struct kvm_run *run;	/* the main thread's mapping */
	bool inited;
	/* the runner thread */
	bool has_thread;
	pthread_t th;
	atomic_bool stop;
	int tfd;		/* the thread's own dup of the fd */
	uint64_t tseed;
	uint32_t ram_gpa;	/* where the guest code was when it started */
	struct world *w;
};

struct region {
	uint8_t *host;
	size_t size;
};

struct slot {
	bool used;
	uint64_t gpa, size;
	unsigned int region;
	uint32_t flags;
};

struct world {
	struct rng rng;
	int sys_fd, vm_fd, mmap_size;
	int extra_vm[NR_EXTRA_VMS];
	struct vcpu vcpu[NR_IDS];
	struct region reg[NR_REGIONS];
	struct slot slot[MAX_SLOTS];
	int dev_fd[NR_DEVS];
	int efd[NR_EFDS];
	bool vgic, vgic_inited;
	uint64_t gicd, gicc;
	uint64_t reg_ids[1024];
	unsigned int nr_reg_ids;
	int next_id;		/* --avoid-known: the ids in order */
	uint8_t *valbuf;
	pthread_mutex_t irqfd_lock;
};

static bool threads_running(struct world *w)
{
	int i;

	for (i = 0; i < NR_IDS; i++)
		if (w->vcpu[i].has_thread)
			return true;
	return false;
}

static void close_fd(int *fd)
{
	if (*fd >= 0) {
		TR("close(%d)", *fd);
		close(*fd);
		*fd = -1;
	}
}

/* ---- Running a vCPU ------------------------------------------------------ */

static void on_timer(int sig)
{
	(void)sig;
	timer_fired = 1;
}

struct runner {
	timer_t timer;
	bool has_timer;
	uint8_t *valbuf;
};

static void runner_init(struct runner *rn)
{
	struct sigevent sev = { 0 };

	sev.sigev_notify = SIGEV_THREAD_ID;
	sev.sigev_signo = SIGUSR1;
	sev._sigev_un._tid = gettid();	/* glibc 2.36 names it no other way */
	rn->has_timer = timer_create(CLOCK_MONOTONIC, &sev, &rn->timer) == 0;
	rn->valbuf = malloc(VALBUF_SIZE);
	if (!rn->valbuf || !rn->has_timer)
		tap_bail("runner: %s", strerror(errno));
}

static void runner_fini(struct runner *rn)
{
	if (rn->has_timer)
		timer_delete(rn->timer);
	free(rn->valbuf);
}

/*
 * Periodic, not one-shot: a signal that arrives before KVM_RUN is entered
 * (its handler runs on the way) would leave a guest in WFI asleep forever.
 */
static void arm_timer(struct runner *rn, long us)
{
	struct itimerspec it = {
		.it_value = { us / 1000000, (us % 1000000) * 1000 },
		.it_interval = { us / 1000000, (us % 1000000) * 1000 },
	};

	timer_settime(rn->timer, 0, &it, NULL);
}

static void set_reg(int fd, uint64_t id, uint32_t val);

/* Past an instruction that cannot be emulated, as a VMM that carries on would */
static void skip_insn(int fd)
{
	uint32_t pc = 0, cpsr = 0;
	struct kvm_one_reg rpc = { ARMVIRT_CORE_REG_ID(15), (uintptr_t)&pc };
	struct kvm_one_reg rcpsr = { ARMVIRT_CORE_REG_ID(16), (uintptr_t)&cpsr };

	if (IOC(fd, KVM_GET_ONE_REG, &rpc) || IOC(fd, KVM_GET_ONE_REG, &rcpsr))
		return;
	pc += cpsr & 0x20 ? 2 : 4;	/* a 32-bit Thumb one takes two skips */
	IOC(fd, KVM_SET_ONE_REG, &rpc);
}

/* KVM_RUN once, bounded; answers an MMIO read with random data. */
/* Returns true if the guest looks finished (a system event) or stuck (cut by the timer) */
static bool run_once(struct rng *r, struct runner *rn, int fd, struct kvm_run *run)
{
	long ret;
	unsigned int reason;

	if (run && chance(r, 3))
		run->immediate_exit = 1;
	else if (run)
		run->immediate_exit = 0;
	arm_timer(rn, 1000 + below(r, 30000));
	ret = IOC(fd, KVM_RUN, 0);
	arm_timer(rn, 0);
	atomic_fetch_add(&n_runs, 1);
	if (ret < 0 || !run)
		return ret < 0 && errno == EINTR;
	reason = run->exit_reason;
	atomic_fetch_add(&exit_hist[reason < HIST_EXITS ? reason : HIST_EXITS - 1], 1);
	TR("  exit %s (%u)", exit_name(reason), reason);
	if (reason == KVM_EXIT_INTERNAL_ERROR && chance(r, 80))
		skip_insn(fd);
	if (reason == KVM_EXIT_MMIO) {
		TR("  mmio %s %#llx len %u", run->mmio.is_write ? "write" : "read",
		   (unsigned long long)run->mmio.phys_addr, run->mmio.len);
		if (!run->mmio.is_write) {
			uint64_t v = chance(r, 50) ? rnd64(r) : 0;

			memcpy(run->mmio.data, &v, 8);
		}
	}
	return reason == KVM_EXIT_SYSTEM_EVENT || reason == KVM_EXIT_INTR;
}

/* Back to the start of the ARM or the Thumb block of the guest code */
static void restart_guest(struct rng *r, int fd, uint32_t ram_gpa)
{
	bool thumb = chance(r, 30);

	set_reg(fd, ARMVIRT_CORE_REG_ID(15), ram_gpa + (thumb ? 0x4000 : 0x100));
	set_reg(fd, ARMVIRT_CORE_REG_ID(16), (thumb ? 0x20 : 0) | 0x1d3);
}

/* ---- Operations ----------------------------------------------------------- */

static int any_fd(struct world *w)
{
	struct rng *r = &w->rng;
	int i;

	switch (below(r, 6)) {
	case 0:
		return w->sys_fd;
	case 1:
		return w->vm_fd;
	case 2:
		i = below(r, NR_IDS);
		return w->vcpu[i].fd;
	case 3:
		return w->dev_fd[below(r, NR_DEVS)];
	case 4:
		return w->efd[below(r, NR_EFDS)];
	default:
		return (int)below(r, 40) - 1;
	}
}

static int any_vcpu(struct world *w)
{
	int i, start = below(&w->rng, NR_IDS);

	for (i = 0; i < NR_IDS; i++)
		if (w->vcpu[(start + i) % NR_IDS].fd >= 0)
			return (start + i) % NR_IDS;
	return -1;
}

static void op_sys(struct world *w)
{
	static const uint32_t caps[] = {
		KVM_CAP_IRQCHIP, KVM_CAP_USER_MEMORY, KVM_CAP_NR_VCPUS, KVM_CAP_NR_MEMSLOTS,
		KVM_CAP_MAX_VCPUS, KVM_CAP_MAX_VCPU_ID, KVM_CAP_ONE_REG, KVM_CAP_IRQFD,
		KVM_CAP_IOEVENTFD, KVM_CAP_ARM_PSCI_0_2, KVM_CAP_IMMEDIATE_EXIT, 0xffffffff,
	};
	struct rng *r = &w->rng;
	int fd = chance(r, 80) ? w->sys_fd : w->vm_fd, i;
	long ret;

	switch (below(r, 4)) {
	case 0:
		IOC(fd, KVM_GET_API_VERSION, chance(r, 80) ? 0 : rnd32(r));
		break;
	case 1:
		IOC(fd, KVM_CHECK_EXTENSION, chance(r, 70) ? PICK(r, caps) : below(r, 256));
		break;
	case 2:
		IOC(fd, KVM_GET_VCPU_MMAP_SIZE, 0);
		break;
	default:	/* another VM on this fd, or on the VM fd */
		ret = IOC(fd, KVM_CREATE_VM, chance(r, 85) ? 0 : edge64(r));
		if (ret >= 0) {
			for (i = 0; i < NR_EXTRA_VMS && w->extra_vm[i] >= 0; i++)
				;
			if (i < NR_EXTRA_VMS)
				w->extra_vm[i] = ret;
			else
				close(ret);
		}
		break;
	}
}

/* Any ioctl number of KVM's type, or another type, with a buffer of random bytes */
static void op_random_ioctl(struct world *w)
{
	struct rng *r = &w->rng;
	int fd = any_fd(w);
	unsigned int nr = below(r, 256), size = chance(r, 70) ? below(r, 64) : below(r, 0x3fff);
	unsigned int type = chance(r, 90) ? KVMIO : below(r, 256);
	unsigned long req;
	uint8_t *buf = w->valbuf;
	unsigned int i;

	/* not the ones that make fds or run (they have their own operations) */
	if (type == KVMIO && (nr == 0x01 || nr == 0x41 || nr == 0xe0 || nr == 0x80))
		nr = 0x02;
	if (type == 0x54 || type == 0x89 || type == 0x66)	/* tty, socket, file ioctls */
		type = KVMIO;
	req = _IOC(below(r, 4), type, nr, size);
	for (i = 0; i < 256; i++)
		buf[i] = rnd32(r);
	IOC(fd, req, chance(r, 80) ? (unsigned long)buf : (unsigned long)edge64(r));
}

static void op_memslot(struct world *w)
{
	struct rng *r = &w->rng;
	struct kvm_userspace_memory_region m = { 0 };
	unsigned int s = chance(r, 85) ? below(r, MAX_SLOTS) : (chance(r, 50) ? below(r, 40) : rnd32(r));
	unsigned int ri = below(r, NR_REGIONS);
	struct region *reg = &w->reg[ri];
	uint64_t off = chance(r, 70) ? 0 : (rnd32(r) % reg->size) & (chance(r, 80) ? ~0xfffu : ~0u);

	m.slot = s;
	m.flags = chance(r, 70) ? 0 : (chance(r, 70) ? KVM_MEM_READONLY : (chance(r, 50) ? KVM_MEM_LOG_DIRTY_PAGES : rnd32(r)));
	switch (below(r, 6)) {
	case 0:	/* delete */
		m.memory_size = 0;
		m.guest_phys_addr = chance(r, 50) && s < MAX_SLOTS ? w->slot[s].gpa : edge64(r);
		break;
	case 1:	/* move */
		if (s < MAX_SLOTS && w->slot[s].used) {
			m.memory_size = w->slot[s].size;
			m.userspace_addr = (unsigned long)w->reg[w->slot[s].region].host;
			m.flags = w->slot[s].flags;
			m.guest_phys_addr = (rnd32(r) & 0x7ffff000) | (chance(r, 90) ? 0 : below(r, 4096));
			break;
		}
		/* fall through */
	case 2: case 3:	/* a good one */
		m.guest_phys_addr = 0x40000000ULL * below(r, 3) + (rnd32(r) & 0x3ffff000);
		m.memory_size = (reg->size - off) & ~0xfffULL;
		if (!m.memory_size)
			m.memory_size = 0x1000;
		if (chance(r, 50))
			m.memory_size = 0x1000 * (1 + below(r, m.memory_size / 0x1000));
		m.userspace_addr = (unsigned long)reg->host + off;
		break;
	default:	/* edges */
		m.guest_phys_addr = edge64(r);
		m.memory_size = edge64(r);
		m.userspace_addr = chance(r, 50) ? (unsigned long)reg->host + off : (unsigned long)edge64(r);
		break;
	}
	if (avoid_known) {
		if (m.memory_size >= 1ULL << 32)
			m.memory_size = 0x1000;
		/* nothing over the vGIC's CPU interface, wherever it might be */
		if (m.guest_phys_addr < 0x08020000 + 0x10000 &&
		    m.guest_phys_addr + m.memory_size > 0x08000000)
			m.guest_phys_addr += 0x40000000;
		if (w->gicc && m.guest_phys_addr < w->gicc + 0x2000 &&
		    m.guest_phys_addr + m.memory_size > w->gicc)
			m.guest_phys_addr = 0xc0000000;
	}
	if (IOC(w->vm_fd, KVM_SET_USER_MEMORY_REGION, arg_ptr(r, &m, sizeof(m), false)) == 0 &&
	    (m.slot & 0xffff) < MAX_SLOTS && !(m.slot >> 16)) {
		struct slot *sl = &w->slot[m.slot];

		sl->used = m.memory_size != 0;
		sl->gpa = m.guest_phys_addr;
		sl->size = m.memory_size;
		sl->flags = m.flags;
		sl->region = ri;
		if (m.userspace_addr != (unsigned long)reg->host + off)
			sl->region = 0;
	}
}

static void op_region(struct world *w)
{
	struct rng *r = &w->rng;
	struct region *reg = &w->reg[below(r, NR_REGIONS)];
	size_t off = (rnd32(r) % reg->size) & ~0xfffu, len = reg->size - off;

	if (chance(r, 50) && len > 0x1000)
		len = 0x1000 * (1 + below(r, len / 0x1000));
	switch (below(r, 5)) {
	case 0:	/* new pages under the slot */
		TR("remap region +%#zx %#zx", off, len);
		mmap(reg->host + off, len, PROT_READ | PROT_WRITE,
		     MAP_FIXED | MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		break;
	case 1:
		TR("madvise dontneed +%#zx %#zx", off, len);
		madvise(reg->host + off, len, MADV_DONTNEED);
		break;
	case 2:	/* write-protect, or take away, for a while */
		TR("mprotect +%#zx %#zx", off, len);
		mprotect(reg->host + off, len, chance(r, 50) ? PROT_READ : PROT_NONE);
		break;
	case 3:	/* into one huge page, as khugepaged does: the 2 MiB region can */
		TR("madvise collapse");
		madvise(reg->host, reg->size, MADV_COLLAPSE);
		break;
	default:
		mprotect(reg->host, reg->size, PROT_READ | PROT_WRITE);
		break;
	}
}

static void vcpu_map(struct world *w, struct vcpu *v)
{
	void *p = mmap(NULL, w->mmap_size > 0 ? w->mmap_size : 4096, PROT_READ | PROT_WRITE,
		       MAP_SHARED, v->fd, 0);

	v->run = p == MAP_FAILED ? NULL : p;
}

static void op_create_vcpu(struct world *w)
{
	struct rng *r = &w->rng;
	unsigned long id;
	long fd;

	if (avoid_known)
		id = w->next_id;
	else
		id = chance(r, 90) ? below(r, NR_IDS) : (unsigned long)edge64(r);
	fd = IOC(w->vm_fd, KVM_CREATE_VCPU, id);
	if (fd < 0)
		return;
	if (id >= NR_IDS || w->vcpu[id].fd >= 0) {
		TR("unexpected vcpu fd for id %lu", id);
		close(fd);
		return;
	}
	w->next_id++;
	if (w->vcpu[id].run)
		munmap(w->vcpu[id].run, w->mmap_size > 0 ? w->mmap_size : 4096);
	w->vcpu[id].fd = fd;
	w->vcpu[id].id = id;
	vcpu_map(w, &w->vcpu[id]);
}

static void op_vcpu_init(struct world *w)
{
	struct rng *r = &w->rng;
	struct kvm_vcpu_init init = { 0 };
	int i = any_vcpu(w);
	unsigned int k;

	if (i < 0)
		return;
	if (IOC(w->vm_fd, KVM_ARM_PREFERRED_TARGET, arg_ptr(r, &init, sizeof(init), true)))
		init.target = 0;
	if (chance(r, 85))
		init.features[0] = below(r, 4);
	else
		for (k = 0; k < 7; k++)
			init.features[k] = chance(r, 70) ? 0 : rnd32(r);
	if (chance(r, 10))
		init.target = chance(r, 50) ? below(r, 3) : rnd32(r);
	if (IOC(w->vcpu[i].fd, KVM_ARM_VCPU_INIT, arg_ptr(r, &init, sizeof(init), false)) == 0)
		w->vcpu[i].inited = true;
}

static void reg_list(struct world *w, int fd)
{
	struct rng *r = &w->rng;
	struct kvm_reg_list *l = (void *)w->valbuf;
	uint64_t n = chance(r, 80) ? 1020 : (chance(r, 50) ? below(r, 200) : edge64(r));

	l->n = n;
	if (IOC(fd, KVM_GET_REG_LIST, arg_ptr(r, l, 8, true)) == 0 && l->n <= 1020 &&
	    (void *)l == (void *)w->valbuf) {
		memcpy(w->reg_ids, l->reg, l->n * 8);
		w->nr_reg_ids = l->n;
	}
}

static uint64_t reg_id(struct world *w)
{
	struct rng *r = &w->rng;
	uint64_t id;

	if (!w->nr_reg_ids || chance(r, 5))
		return chance(r, 50) ? ARMVIRT_CORE_REG_ID(below(r, 64)) : rnd64(r);
	id = w->reg_ids[below(r, w->nr_reg_ids)];
	if (chance(r, 15)) {
		switch (below(r, 4)) {
		case 0:
			id ^= 1ULL << below(r, 64);
			break;
		case 1:
			id = (id & ~KVM_REG_SIZE_MASK) | (uint64_t)below(r, 16) << KVM_REG_SIZE_SHIFT;
			break;
		case 2:
			id = (id & ~KVM_REG_ARM_COPROC_MASK) | (uint64_t)below(r, 32) << KVM_REG_ARM_COPROC_SHIFT;
			break;
		default:
			id += (int)below(r, 9) - 4;
			break;
		}
	}
	return id;
}

static uint64_t reg_value(struct world *w, uint64_t id)
{
	static const uint32_t cpsr[] = { 0x10, 0x11, 0x12, 0x13, 0x16, 0x17, 0x1a, 0x1b, 0x1f, 0x00, 0x15 };
	struct rng *r = &w->rng;
	uint64_t v;

	if (id == ARMVIRT_CORE_REG_ID(16) && chance(r, 70))
		v = PICK(r, cpsr) | (rnd32(r) & 0xff0fffe0 & (chance(r, 50) ? 0x1e0 : ~0u));
	else if (id == ARMVIRT_CORE_REG_ID(15) && chance(r, 60))
		v = 0x40000100 + (rnd32(r) & 0x7fff);
	else
		v = chance(r, 50) ? edge64(r) : rnd64(r);
	/* FPEXC.EX (bit 31) by SET_ONE_REG: a known bug */
	if (avoid_known && (id & ~KVM_REG_SIZE_MASK) == (KVM_REG_ARM | KVM_REG_ARM_VFP | KVM_REG_ARM_VFP_FPEXC))
		v &= ~0x80000000ULL;
	return v;
}

static void op_one_reg(struct world *w, int fd)
{
	struct rng *r = &w->rng;
	struct kvm_one_reg one;
	uint64_t v;

	one.id = reg_id(w);
	one.addr = arg_ptr(r, w->valbuf, 16, true);
	if (avoid_known && (one.id & ~KVM_REG_SIZE_MASK) ==
	    (KVM_REG_ARM | KVM_REG_ARM_VFP | KVM_REG_ARM_VFP_FPEXC) && one.addr != (uintptr_t)w->valbuf)
		one.addr = (uintptr_t)w->valbuf;
	if (chance(r, 50)) {
		IOC(fd, KVM_GET_ONE_REG, arg_ptr(r, &one, sizeof(one), false));
		if (chance(r, 50))
			return;
		/* write back what was read, or a mutation of it */
		if (chance(r, 50)) {
			memcpy(&v, w->valbuf, 8);
			v ^= 1ULL << below(r, 64);
			if (avoid_known && (one.id & ~KVM_REG_SIZE_MASK) ==
			    (KVM_REG_ARM | KVM_REG_ARM_VFP | KVM_REG_ARM_VFP_FPEXC))
				v &= ~0x80000000ULL;
			memcpy(w->valbuf, &v, 8);
		}
	} else {
		v = reg_value(w, one.id);
		memcpy(w->valbuf, &v, 8);
	}
	IOC(fd, KVM_SET_ONE_REG, arg_ptr(r, &one, sizeof(one), false));
}

static void set_reg(int fd, uint64_t id, uint32_t val)
{
	struct kvm_one_reg one = { .id = id, .addr = (uintptr_t)&val };

	IOC(fd, KVM_SET_ONE_REG, &one);
}

static void op_vcpu_misc(struct world *w)
{
	struct rng *r = &w->rng;
	int i = any_vcpu(w), fd;
	struct kvm_mp_state mp = { 0 };

	if (i < 0)
		return;
	fd = w->vcpu[i].fd;
	switch (below(r, 7)) {
	case 0:
		reg_list(w, fd);
		break;
	case 1: case 2: case 3:
		op_one_reg(w, fd);
		break;
	case 4:
		mp.mp_state = chance(r, 80) ? (chance(r, 50) ? KVM_MP_STATE_RUNNABLE : KVM_MP_STATE_STOPPED) : rnd32(r);
		IOC(fd, chance(r, 50) ? KVM_SET_MP_STATE : KVM_GET_MP_STATE, arg_ptr(r, &mp, sizeof(mp), true));
		break;
	case 5:
		IOC(fd, chance(r, 50) ? KVM_GET_REGS : KVM_SET_REGS, w->valbuf);
		break;
	default:	/* mmap of the run page at odd offsets and sizes */
		{
			size_t len = chance(r, 50) ? 4096 : 4096 * below(r, 4);
			off_t off = chance(r, 70) ? 0 : (off_t)(4096 * below(r, 4));
			void *p = mmap(NULL, len, PROT_READ | (chance(r, 80) ? PROT_WRITE : 0),
				       chance(r, 90) ? MAP_SHARED : MAP_PRIVATE, fd, off);

			TR("mmap(vcpu fd %d, %zu, %lld) = %p", fd, len, (long long)off, p);
			if (p != MAP_FAILED)
				munmap(p, len);
		}
		break;
	}
}

/* Guest code into the RAM slot, a vCPU pointed at it with random registers */
static void op_guest(struct world *w, int i)
{
	struct rng *r = &w->rng;
	struct vcpu *v = &w->vcpu[i];
	struct gen_ctx g = { .rng = r, .avoid_known = avoid_known };
	uint32_t entry;
	unsigned int k, n = 0;

	if (!w->slot[0].used || w->slot[0].region != 0 || w->slot[0].gpa >= 1ULL << 32)
		return;
	g.ram = w->reg[0].host;
	g.ram_gpa = w->slot[0].gpa;
	g.ram_size = w->slot[0].size < w->reg[0].size ? w->slot[0].size : w->reg[0].size;
	if (g.ram_size < 0x10000)
		return;
	for (k = 1; k < MAX_SLOTS && n < 4; k++)
		if (w->slot[k].used && w->slot[k].gpa < 1ULL << 32)
			g.extra_gpa[n++] = w->slot[k].gpa;
	if (w->vgic) {
		g.gicd = w->gicd < 1ULL << 32 ? w->gicd : 0;
		g.gicc = w->gicc < 1ULL << 32 ? w->gicc : 0;
	}
	/* the region may be write-protected or gone just now */
	mprotect(w->reg[0].host, w->reg[0].size, PROT_READ | PROT_WRITE);
	entry = gen_guest(&g);
	atomic_fetch_add(&n_guests, 1);
	TR("guest code at %#x, entry %#x", g.ram_gpa, entry);
	set_reg(v->fd, ARMVIRT_CORE_REG_ID(15), entry & ~1u);
	set_reg(v->fd, ARMVIRT_CORE_REG_ID(16), (entry & 1 ? 0x20 : 0) | 0x1d3);
}

static void op_run(struct world *w, struct runner *rn)
{
	struct rng *r = &w->rng;
	int i = any_vcpu(w), k, n;

	/* mostly one that can run */
	for (k = 0; k < NR_IDS && chance(r, 90); k++) {
		n = below(r, NR_IDS);
		if (w->vcpu[n].fd >= 0 && w->vcpu[n].inited) {
			i = n;
			break;
		}
	}

	if (i < 0)
		return;
	if (chance(r, 50))
		op_guest(w, i);
	n = 1 + below(r, 8);
	for (k = 0; k < n; k++) {
		run_once(r, rn, w->vcpu[i].fd, w->vcpu[i].run);
		if (chance(r, 20))
			op_one_reg(w, w->vcpu[i].fd);
	}
}

/*
 * The module's test interface: a stopped vCPU handles a trap syndrome as if
 * its guest had trapped so (the traps QEMU never raises: set/way, faults on
 * cache maintenance...). Exception classes a guest can cause, random ISS.
 */
static void op_trap(struct world *w, struct runner *rn)
{
	static const uint32_t ecs[] = {
		0x00, 0x01, 0x03, 0x03, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08, 0x0c, 0x0e,
		0x11, 0x12, 0x13, 0x20, 0x24, 0x24, 0x24,
	};
	struct rng *r = &w->rng;
	char path[300], prefix[32], suffix[16], buf[64];
	uint32_t hsr, far, ipa;
	uint64_t ipa64;
	struct dirent *e;
	ssize_t ret;
	DIR *d;
	int i = any_vcpu(w), fd;

	if (i < 0)
		return;
	snprintf(prefix, sizeof(prefix), "%d-", getpid());
	snprintf(suffix, sizeof(suffix), "-%d", i);
	d = opendir("/sys/kernel/debug/armvirt/vcpus");
	path[0] = 0;
	while (d && (e = readdir(d))) {
		size_t len = strlen(e->d_name), sl = strlen(suffix);

		if (!strncmp(e->d_name, prefix, strlen(prefix)) && len > sl &&
		    !strcmp(e->d_name + len - sl, suffix))
			snprintf(path, sizeof(path), "/sys/kernel/debug/armvirt/vcpus/%s", e->d_name);
	}
	if (d)
		closedir(d);
	if (!path[0])
		return;
	static const uint32_t fsc[] = {
		0x05, 0x06, 0x07, 0x09, 0x0a, 0x0b, 0x0d, 0x0e, 0x0f, 0x10, 0x11, 0x21,
		0x22, 0x30, 0x34, 0x35, 0x15, 0x16, 0x17, 0x04, 0x0c, 0x08, 0x18, 0x19,
	};
	uint32_t ec = PICK(r, ecs);

	hsr = ec << 26 | 1u << 25 | (rnd32(r) & 0x1ffffff);
	if (chance(r, 50))	/* a condition that passes */
		hsr = (hsr & ~(0xfu << 20)) | 1u << 24 | 0xeu << 20;
	if ((ec == 0x20 || ec == 0x24) && chance(r, 80))	/* aborts: a fault status that exists */
		hsr = (hsr & ~0x3fu & ~(chance(r, 50) ? 0x380u : 0u)) | PICK(r, fsc);
	/* HPFAR holds IPA[39:12] */
	ipa64 = chance(r, 50) ? edge64(r) & ((1ULL << 40) - 1) : (uint64_t)PICK(r, ((const uint32_t[]){
		GUEST_GICD, GUEST_GICC, GUEST_GICC + 0x1000, UCALL_BASE, 0 }));
	if (chance(r, 40) && w->slot[0].used)
		ipa64 = w->slot[0].gpa + (rnd32(r) & 0xfffff);
	else if (chance(r, 20)) {
		unsigned int k = below(r, MAX_SLOTS);

		if (w->slot[k].used)
			ipa64 = w->slot[k].gpa + w->slot[k].size - 4096 * below(r, 2);
	}
	ipa = (uint32_t)ipa64;
	far = chance(r, 70) ? ipa : rnd32(r);
	snprintf(buf, sizeof(buf), "trap %x %x %x %u", hsr, far,
		 (uint32_t)((ipa64 >> 12) << 4), 1 + below(r, 3));
	fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return;
	TR("%s > %s", buf, path);
	arm_timer(rn, 1000 + below(r, 30000));	/* an injected WFI sleeps, as the guest's would */
	ret = write(fd, buf, strlen(buf));
	arm_timer(rn, 0);
	if (ret < 0)
		TR("  %s", strerror(errno));
	else
		atomic_fetch_add(&n_traps, 1);
	close(fd);
}

/* ---- The vGIC ------------------------------------------------------------- */

static void op_vgic_create(struct world *w)
{
	struct rng *r = &w->rng;
	struct kvm_create_device cd = { 0 };
	struct kvm_arm_device_addr da;
	int i;

	if (avoid_known && threads_running(w))
		return;
	switch (below(r, 3)) {
	case 0:
		if (IOC(w->vm_fd, KVM_CREATE_IRQCHIP, 0) == 0) {
			w->vgic = true;
			w->gicd = GUEST_GICD;
			w->gicc = GUEST_GICC;
		}
		break;
	case 1:
		da.id = chance(r, 80) ? below(r, 2) : (chance(r, 50) ? 1u << 16 | below(r, 3) : rnd64(r));
		da.addr = chance(r, 80) ? (da.id == 1 ? GUEST_GICC : GUEST_GICD) : edge64(r);
		if (avoid_known && da.id == 1)
			da.addr = GUEST_GICC;
		IOC(w->vm_fd, KVM_ARM_SET_DEVICE_ADDR, arg_ptr(r, &da, sizeof(da), false));
		break;
	default:
		cd.type = chance(r, 85) ? KVM_DEV_TYPE_ARM_VGIC_V2 : below(r, 10);
		cd.flags = chance(r, 80) ? 0 : (chance(r, 50) ? KVM_CREATE_DEVICE_TEST : rnd32(r));
		if (IOC(w->vm_fd, KVM_CREATE_DEVICE,
			avoid_known ? (unsigned long)&cd : arg_ptr(r, &cd, sizeof(cd), true)) == 0 &&
		    !(cd.flags & KVM_CREATE_DEVICE_TEST)) {
			w->vgic = true;
			for (i = 0; i < NR_DEVS && w->dev_fd[i] >= 0; i++)
				;
			if (i < NR_DEVS)
				w->dev_fd[i] = cd.fd;
			else
				close(cd.fd);
		}
		break;
	}
}

static void op_vgic_attr(struct world *w)
{
	static const uint32_t nr_irqs[] = { 0, 1, 31, 32, 64, 96, 128, 256, 992, 1020, 1024, 1056 };
	struct rng *r = &w->rng;
	struct kvm_device_attr a = { 0 };
	uint64_t val = 0;
	unsigned long req;
	int fd = w->dev_fd[below(r, NR_DEVS)];

	if (fd < 0)
		fd = chance(r, 80) ? w->dev_fd[0] : any_fd(w);
	a.group = chance(r, 92) ? below(r, 5) : (chance(r, 50) ? below(r, 8) : rnd32(r));
	a.flags = chance(r, 90) ? 0 : rnd32(r);
	switch (a.group) {
	case KVM_DEV_ARM_VGIC_GRP_ADDR:
		a.attr = chance(r, 85) ? below(r, 2) : edge64(r);
		val = chance(r, 70) ? (a.attr == 1 ? GUEST_GICC : GUEST_GICD) + (chance(r, 20) ? 0x10000 * below(r, 64) : 0) : edge64(r);
		if (avoid_known && a.attr == 1)
			val = GUEST_GICC;
		break;
	case KVM_DEV_ARM_VGIC_GRP_NR_IRQS:
		a.attr = chance(r, 90) ? 0 : rnd64(r);
		val = chance(r, 80) ? PICK(r, nr_irqs) : rnd32(r);
		break;
	case KVM_DEV_ARM_VGIC_GRP_CTRL:
		a.attr = chance(r, 85) ? KVM_DEV_ARM_VGIC_CTRL_INIT : edge64(r);
		break;
	case KVM_DEV_ARM_VGIC_GRP_DIST_REGS:
	case KVM_DEV_ARM_VGIC_GRP_CPU_REGS:
		a.attr = (uint64_t)(chance(r, 85) ? below(r, NR_IDS) : below(r, 256)) << KVM_DEV_ARM_VGIC_CPUID_SHIFT |
			 (chance(r, 80) ? (rnd32(r) & (a.group == KVM_DEV_ARM_VGIC_GRP_DIST_REGS ? 0xffc : 0x1ffc))
					: rnd32(r));
		if (chance(r, 5))
			a.attr |= rnd64(r) & ~0xff000000ffffffffULL;
		val = chance(r, 50) ? rnd32(r) : PICK(r, ((const uint32_t[]){ 0, 1, 0xffffffff, 0x80 }));
		break;
	default:
		a.attr = rnd64(r);
		val = rnd64(r);
		break;
	}
	a.addr = arg_ptr(r, &val, 8, false);
	req = PICK(r, ((const unsigned long[]){ KVM_SET_DEVICE_ATTR, KVM_SET_DEVICE_ATTR,
						KVM_GET_DEVICE_ATTR, KVM_HAS_DEVICE_ATTR }));
	if (IOC(fd, req, arg_ptr(r, &a, sizeof(a), false)) == 0 && req == KVM_SET_DEVICE_ATTR &&
	    fd == w->dev_fd[0]) {
		if (a.group == KVM_DEV_ARM_VGIC_GRP_ADDR && a.attr == 0)
			w->gicd = val;
		if (a.group == KVM_DEV_ARM_VGIC_GRP_ADDR && a.attr == 1)
			w->gicc = val;
		if (a.group == KVM_DEV_ARM_VGIC_GRP_CTRL)
			w->vgic_inited = true;
	}
}

/* A vGIC set up the ordinary way, so that the rest has one to work on */
static void vgic_standard(struct world *w)
{
	struct kvm_create_device cd = { .type = KVM_DEV_TYPE_ARM_VGIC_V2 };
	uint64_t d = GUEST_GICD, c = GUEST_GICC;
	uint32_t n = 64 + 32 * below(&w->rng, 4);
	struct kvm_device_attr a[] = {
		{ 0, KVM_DEV_ARM_VGIC_GRP_ADDR, KVM_VGIC_V2_ADDR_TYPE_DIST, (uintptr_t)&d },
		{ 0, KVM_DEV_ARM_VGIC_GRP_ADDR, KVM_VGIC_V2_ADDR_TYPE_CPU, (uintptr_t)&c },
		{ 0, KVM_DEV_ARM_VGIC_GRP_NR_IRQS, 0, (uintptr_t)&n },
		{ 0, KVM_DEV_ARM_VGIC_GRP_CTRL, KVM_DEV_ARM_VGIC_CTRL_INIT, 0 },
	};
	unsigned int i, last = chance(&w->rng, 70) ? 4 : 3;

	if (w->dev_fd[0] >= 0 || IOC(w->vm_fd, KVM_CREATE_DEVICE, &cd))
		return;
	w->dev_fd[0] = cd.fd;
	w->vgic = true;
	w->gicd = d;
	w->gicc = c;
	for (i = 0; i < last; i++)
		IOC(cd.fd, KVM_SET_DEVICE_ATTR, &a[i]);
	w->vgic_inited = last == 4;
}

static uint32_t gsi_of(struct rng *r)
{
	uint32_t g;

	if (chance(r, 70))
		g = below(r, 100);
	else if (chance(r, 50))
		g = 0xffffffe0 + below(r, 32);
	else
		g = rnd32(r);
	if (avoid_known && g >= 0xffffffe0)
		g = below(r, 2000);
	return g;
}

static void op_irq(struct world *w)
{
	struct rng *r = &w->rng;
	struct kvm_irq_level l;
	struct kvm_irqfd irqfd = { 0 };
	struct kvm_ioeventfd io = { 0 };
	int efd = w->efd[below(r, NR_EFDS)];
	uint64_t one = 1;

	switch (below(r, 6)) {
	case 0: case 1:
		l.irq = (chance(r, 85) ? below(r, 3) : below(r, 256)) << KVM_ARM_IRQ_TYPE_SHIFT |
			(chance(r, 85) ? below(r, NR_IDS) : below(r, 256)) << KVM_ARM_IRQ_VCPU_SHIFT |
			(chance(r, 85) ? below(r, 160) : (chance(r, 50) ? 1020 + below(r, 8) : below(r, 65536)));
		l.level = chance(r, 90) ? below(r, 2) : rnd32(r);
		IOC(w->vm_fd, KVM_IRQ_LINE, arg_ptr(r, &l, sizeof(l), false));
		break;
	case 2:
		irqfd.fd = chance(r, 90) ? (uint32_t)efd : (uint32_t)any_fd(w);
		irqfd.gsi = gsi_of(r);
		irqfd.flags = chance(r, 85) ? below(r, 4) : rnd32(r);
		irqfd.resamplefd = chance(r, 90) ? (uint32_t)w->efd[below(r, NR_EFDS)] : rnd32(r);
		if (chance(r, 5))
			irqfd.pad[below(r, 16)] = 1;
		if (avoid_known)
			pthread_mutex_lock(&w->irqfd_lock);
		IOC(w->vm_fd, KVM_IRQFD, arg_ptr(r, &irqfd, sizeof(irqfd), false));
		if (avoid_known)
			pthread_mutex_unlock(&w->irqfd_lock);
		break;
	case 3:
		io.fd = chance(r, 90) ? efd : any_fd(w);
		io.addr = chance(r, 60) ? PICK(r, ((const uint64_t[]){ UCALL_BASE, TESTDEV_BASE, GUEST_GICD, 0x40008000 })) +
			  4 * below(r, 4) : edge64(r);
		io.len = chance(r, 85) ? PICK(r, ((const uint32_t[]){ 0, 1, 2, 4, 8 })) : rnd32(r);
		io.datamatch = chance(r, 50) ? below(r, 4) : rnd64(r);
		io.flags = chance(r, 85) ? below(r, 8) : rnd32(r);
		if (chance(r, 5))
			io.pad[below(r, 36)] = 1;
		IOC(w->vm_fd, KVM_IOEVENTFD, arg_ptr(r, &io, sizeof(io), false));
		break;
	case 4:	/* signal, drain or replace an eventfd */
		if (efd < 0)
			break;
		if (chance(r, 60)) {
			TR("eventfd write %d", efd);
			if (write(efd, &one, 8) < 0)
				TR("eventfd write: %s", strerror(errno));
		} else if (chance(r, 70)) {
			if (read(efd, &one, 8) < 0)
				TR("eventfd read: %s", strerror(errno));
		} else {
			int k = below(r, NR_EFDS);

			close_fd(&w->efd[k]);
			w->efd[k] = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
		}
		break;
	default:
		op_vgic_attr(w);
		break;
	}
}

/* ---- Threads ----------------------------------------------------------------- */

static void *runner_main(void *arg)
{
	struct vcpu *v = arg;
	struct runner rn;
	struct rng r = { v->tseed };
	struct kvm_run *run;
	int size = v->w->mmap_size > 0 ? v->w->mmap_size : 4096;
	struct kvm_one_reg one;
	int stuck = 0;

	runner_init(&rn);
	run = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED, v->tfd, 0);
	if (run == MAP_FAILED)
		run = NULL;
	while (!atomic_load(&v->stop)) {
		stuck = run_once(&r, &rn, v->tfd, run) ? stuck + 1 : 0;
		if (stuck > 5 || chance(&r, 2)) {
			restart_guest(&r, v->tfd, v->ram_gpa);
			stuck = 0;
		}
		atomic_fetch_add(&progress, 1);
		if (chance(&r, 10)) {	/* registers between runs */
			uint64_t val = rnd64(&r);

			one.id = ARMVIRT_CORE_REG_ID(below(&r, 38));
			if (one.id == ARMVIRT_CORE_REG_ID(16))
				val = (val & ~0x1fULL) | 0x13;
			memcpy(rn.valbuf, &val, 8);
			one.addr = (uintptr_t)rn.valbuf;
			IOC(v->tfd, chance(&r, 50) ? KVM_GET_ONE_REG : KVM_SET_ONE_REG, &one);
		}
		if (chance(&r, 3)) {
			struct kvm_mp_state mp = { below(&r, 2) ? KVM_MP_STATE_RUNNABLE : KVM_MP_STATE_STOPPED };

			IOC(v->tfd, KVM_SET_MP_STATE, &mp);
		}
	}
	if (run)
		munmap(run, size);
	close(v->tfd);
	runner_fini(&rn);
	return NULL;
}

static void thread_start(struct world *w, int i)
{
	struct vcpu *v = &w->vcpu[i];

	if (v->fd < 0 || v->has_thread)
		return;
	v->tfd = dup(v->fd);
	if (v->tfd < 0)
		return;
	v->tseed = rnd64(&w->rng);
	v->ram_gpa = w->slot[0].gpa;
	v->w = w;
	atomic_store(&v->stop, false);
	TR("thread on vcpu %d", i);
	if (thread_create_small_stack(&v->th, runner_main, v)) {
		close(v->tfd);
		return;
	}
	v->has_thread = true;
	atomic_fetch_add(&n_threads, 1);
}

static void thread_stop(struct world *w, int i)
{
	struct vcpu *v = &w->vcpu[i];

	if (!v->has_thread)
		return;
	atomic_store(&v->stop, true);
	pthread_join(v->th, NULL);
	v->has_thread = false;
	TR("thread on vcpu %d stopped", i);
}

/* Assign and deassign one irqfd from a second thread (a race; a known bug) */
struct irqfd_racer {
	int vm_fd, efd;
	uint32_t gsi;
	unsigned int n;
};

static void *irqfd_race_main(void *arg)
{
	struct irqfd_racer *ir = arg;
	struct kvm_irqfd f = { .fd = ir->efd, .gsi = ir->gsi };
	unsigned int i;

	for (i = 0; i < ir->n; i++) {
		f.flags = i & 1 ? KVM_IRQFD_FLAG_DEASSIGN : 0;
		IOC(ir->vm_fd, KVM_IRQFD, &f);
	}
	return NULL;
}

static void op_irqfd_race(struct world *w)
{
	struct rng *r = &w->rng;
	struct irqfd_racer ir = { w->vm_fd, w->efd[0], below(r, 64), 50 + below(r, 200) };
	struct kvm_irqfd f = { .fd = ir.efd, .gsi = ir.gsi };
	pthread_t th;
	unsigned int i;

	if (avoid_known || ir.efd < 0)
		return;
	TR("irqfd race gsi %u", ir.gsi);
	if (thread_create_small_stack(&th, irqfd_race_main, &ir))
		return;
	for (i = 0; i < ir.n; i++) {
		f.flags = i & 1 ? 0 : KVM_IRQFD_FLAG_DEASSIGN;
		IOC(w->vm_fd, KVM_IRQFD, &f);
		if (chance(r, 20)) {
			uint64_t one = 1;

			if (write(ir.efd, &one, 8) < 0)
				TR("eventfd write: %s", strerror(errno));
		}
	}
	pthread_join(th, NULL);
}

/* A child process with the parent's fds: every use must fail cleanly */
static void op_fork(struct world *w)
{
	struct rng *r = &w->rng;
	uint64_t cseed = rnd64(r);
	pid_t pid;
	int status;

	atomic_fetch_add(&n_forks, 1);
	fflush(stdout);
	pid = fork();
	if (pid < 0)
		return;
	if (pid == 0) {
		struct rng cr = { cseed };
		struct kvm_userspace_memory_region m = {
			.slot = below(&cr, 4), .guest_phys_addr = 0x80000000,
			.memory_size = 0x1000, .userspace_addr = (uintptr_t)w->reg[1].host,
		};
		int i, k, fd, vm;

		for (k = 0; k < 12; k++) {
			i = below(&cr, NR_IDS);
			switch (below(&cr, 6)) {
			case 0:
				if (w->vcpu[i].fd >= 0)
					ioctl(w->vcpu[i].fd, KVM_RUN, 0);
				break;
			case 1:
				ioctl(w->vm_fd, KVM_SET_USER_MEMORY_REGION, &m);
				break;
			case 2:
				fd = ioctl(w->vm_fd, KVM_CREATE_VCPU, below(&cr, NR_IDS));
				if (fd >= 0)
					close(fd);
				break;
			case 3:	/* a VM of its own from the inherited system fd */
				vm = ioctl(w->sys_fd, KVM_CREATE_VM, 0);
				if (vm >= 0) {
					fd = ioctl(vm, KVM_CREATE_VCPU, 0);
					if (fd >= 0 && below(&cr, 2))
						ioctl(fd, KVM_RUN, 0);
					close(vm);
					if (fd >= 0)
						close(fd);
				}
				break;
			case 4:
				if (w->vcpu[i].fd >= 0)
					close(w->vcpu[i].fd);
				break;
			default:
				if (w->dev_fd[0] >= 0) {
					struct kvm_device_attr a = { .group = KVM_DEV_ARM_VGIC_GRP_CTRL };

					ioctl(w->dev_fd[0], KVM_SET_DEVICE_ATTR, &a);
				}
				break;
			}
		}
		_exit(0);
	}
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	TR("fork child: status %#x", status);
}

/*
 * The host under the VMs: CPU 1 offline and back, or a CPU's state lost as
 * in a low-power state, while vCPU threads may be running (--no-host-events
 * leaves these out).
 */
static void op_host(struct world *w)
{
	struct rng *r = &w->rng;
	char num[16];

	if (no_host_events)
		return;
	if (chance(r, 50)) {
		TR("cpu 1 offline and back");
		cpu_set_online(1, false);
		cpu_set_online(1, true);
	} else {
		snprintf(num, sizeof(num), "%u", below(r, 2));
		TR("cpu %s loses its state (cpu pm)", num);
		write_file(SIMULATE_PM_DEBUGFS, num);
	}
	atomic_fetch_add(&n_host_events, 1);
}

/* ---- One iteration -------------------------------------------------------------- */

/*
 * Anonymous memory for a region; a 2 MiB one aligned to 2 MiB, so that
 * the kernel can back it with one huge page (MADV_COLLAPSE, khugepaged).
 */
static uint8_t *region_map(size_t size, int flags)
{
	size_t align = size == HUGE_SIZE ? HUGE_SIZE : 0, head;
	uint8_t *p = mmap(NULL, size + align, PROT_READ | PROT_WRITE,
			  flags | MAP_ANONYMOUS, -1, 0);

	if (p == MAP_FAILED || !align)
		return p;
	head = (HUGE_SIZE - ((uintptr_t)p & (HUGE_SIZE - 1))) & (HUGE_SIZE - 1);
	if (head)
		munmap(p, head);
	if (align - head)
		munmap(p + head + size, align - head);
	return p + head;
}

static void world_init(struct world *w, uint64_t s)
{
	static const size_t sizes[NR_REGIONS] = { 1 << 20, 1 << 16, 1 << 12, HUGE_SIZE, 3 << 12 };
	struct kvm_userspace_memory_region m = { 0 };
	unsigned int i;

	memset(w, 0, sizeof(*w));
	w->rng.s = s;
	w->sys_fd = w->vm_fd = -1;
	for (i = 0; i < NR_EXTRA_VMS; i++)
		w->extra_vm[i] = -1;
	for (i = 0; i < NR_IDS; i++) {
		w->vcpu[i].fd = -1;
		w->vcpu[i].tfd = -1;
	}
	for (i = 0; i < NR_DEVS; i++)
		w->dev_fd[i] = -1;
	for (i = 0; i < NR_EFDS; i++)
		w->efd[i] = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
	pthread_mutex_init(&w->irqfd_lock, NULL);
	w->valbuf = malloc(VALBUF_SIZE);
	for (i = 0; i < NR_REGIONS; i++) {
		w->reg[i].size = sizes[i];
		w->reg[i].host = region_map(sizes[i], i == 4 ? MAP_SHARED : MAP_PRIVATE);
		if (w->reg[i].host == MAP_FAILED || !w->valbuf)
			tap_bail("mmap: %s", strerror(errno));
	}
	w->sys_fd = open(ARMVIRT_DEV, O_RDWR | O_CLOEXEC);
	if (w->sys_fd < 0)
		tap_bail("%s: %s", ARMVIRT_DEV, strerror(errno));
	w->mmap_size = IOC(w->sys_fd, KVM_GET_VCPU_MMAP_SIZE, 0);
	w->vm_fd = IOC(w->sys_fd, KVM_CREATE_VM, 0);
	if (w->vm_fd < 0)
		tap_bail("KVM_CREATE_VM: %s", strerror(errno));
	/* RAM where the guests expect it (most of the time) */
	m.guest_phys_addr = chance(&w->rng, 90) ? GUEST_RAM_BASE : (rnd32(&w->rng) & 0xfff00000);
	if (avoid_known && m.guest_phys_addr < 0x08100000 && m.guest_phys_addr + (1 << 20) > 0x08000000)
		m.guest_phys_addr = GUEST_RAM_BASE;
	m.memory_size = w->reg[0].size;
	m.userspace_addr = (uintptr_t)w->reg[0].host;
	if (IOC(w->vm_fd, KVM_SET_USER_MEMORY_REGION, &m) == 0) {
		w->slot[0].used = true;
		w->slot[0].gpa = m.guest_phys_addr;
		w->slot[0].size = m.memory_size;
	}
}

static void world_fini(struct world *w)
{
	struct rng *r = &w->rng;
	int *fds[1 + 1 + NR_EXTRA_VMS + NR_IDS + NR_DEVS + NR_EFDS];
	unsigned int n = 0, i, j;
	bool stop_first = chance(r, 50);

	if (stop_first)
		for (i = 0; i < NR_IDS; i++)
			thread_stop(w, i);
	fds[n++] = &w->sys_fd;
	fds[n++] = &w->vm_fd;
	for (i = 0; i < NR_EXTRA_VMS; i++)
		fds[n++] = &w->extra_vm[i];
	for (i = 0; i < NR_IDS; i++)
		fds[n++] = &w->vcpu[i].fd;
	for (i = 0; i < NR_DEVS; i++)
		fds[n++] = &w->dev_fd[i];
	for (i = 0; i < NR_EFDS; i++)
		fds[n++] = &w->efd[i];
	/* any order: shuffle */
	for (i = n - 1; i > 0; i--) {
		int *t;

		j = below(r, i + 1);
		t = fds[i];
		fds[i] = fds[j];
		fds[j] = t;
	}
	TR("teardown: %s", stop_first ? "threads first" : "fds first");
	for (i = 0; i < n; i++) {
		close_fd(fds[i]);
		if (chance(r, 10) && i < NR_REGIONS)	/* RAM gone while a vCPU may run */
			munmap(w->reg[i].host, w->reg[i].size), w->reg[i].host = NULL;
	}
	for (i = 0; i < NR_IDS; i++) {
		thread_stop(w, i);
		if (w->vcpu[i].run)
			munmap(w->vcpu[i].run, w->mmap_size > 0 ? w->mmap_size : 4096);
	}
	for (i = 0; i < NR_REGIONS; i++)
		if (w->reg[i].host)
			munmap(w->reg[i].host, w->reg[i].size);
	pthread_mutex_destroy(&w->irqfd_lock);
	free(w->valbuf);
}

static void op_close_some(struct world *w)
{
	struct rng *r = &w->rng;
	int i;

	switch (below(r, 4)) {
	case 0:
		i = any_vcpu(w);
		if (i >= 0 && chance(r, 30)) {
			TR("close vcpu %d (its thread may run on)", i);
			close_fd(&w->vcpu[i].fd);
		}
		break;
	case 1:
		close_fd(&w->dev_fd[below(r, NR_DEVS)]);
		break;
	case 2:
		close_fd(&w->extra_vm[below(r, NR_EXTRA_VMS)]);
		break;
	default:
		if (chance(r, 10)) {
			TR("close the VM fd");
			close_fd(&w->vm_fd);
		}
		break;
	}
}

static void iteration(uint64_t s, struct runner *rn)
{
	struct world *w = malloc(sizeof(*w));
	struct rng *r;
	unsigned int k, nops;
	int i;

	if (!w)
		tap_bail("malloc");
	world_init(w, s);
	r = &w->rng;
	/* a few vCPUs most of the time, sometimes a vGIC before or after them */
	if (chance(r, 40))
		vgic_standard(w);
	nops = below(r, 4);
	for (k = 0; k < nops; k++)
		op_create_vcpu(w);
	if (chance(r, 30))
		vgic_standard(w);
	for (i = 0; i < NR_IDS; i++)
		if (w->vcpu[i].fd >= 0 && chance(r, 80)) {
			struct kvm_vcpu_init init = { 0 };

			IOC(w->vm_fd, KVM_ARM_PREFERRED_TARGET, &init);
			init.features[0] = 1u << KVM_ARM_VCPU_PSCI_0_2 | (i && chance(r, 50) ? 1u : 0u);
			if (IOC(w->vcpu[i].fd, KVM_ARM_VCPU_INIT, &init) == 0)
				w->vcpu[i].inited = true;
			if (chance(r, 70))
				op_guest(w, i);
		}
	nops = 20 + below(r, 200);
	for (k = 0; k < nops; k++) {
		atomic_fetch_add(&n_ops, 1);
		atomic_fetch_add(&progress, 1);
		switch (below(r, 41)) {
		case 0: case 1:
			op_sys(w);
			break;
		case 2: case 3:
			op_random_ioctl(w);
			break;
		case 4: case 5: case 6:
			op_memslot(w);
			break;
		case 7:
			op_region(w);
			break;
		case 8: case 9:
			op_create_vcpu(w);
			break;
		case 10:
			op_vcpu_init(w);
			break;
		case 11: case 12: case 13: case 14:
			op_vcpu_misc(w);
			break;
		case 15: case 16: case 17: case 18: case 19: case 20: case 21: case 22:
			op_run(w, rn);
			break;
		case 23:
			op_vgic_create(w);
			break;
		case 24: case 25: case 26: case 27: case 28:
			op_irq(w);
			break;
		case 29: case 30:
			i = any_vcpu(w);
			if (i >= 0 && w->vcpu[i].inited && chance(r, 60))
				thread_start(w, i);
			break;
		case 31:
			thread_stop(w, below(r, NR_IDS));
			break;
		case 32:
			if (chance(r, 20))
				op_fork(w);
			else if (!no_trap_inject)
				op_trap(w, rn);
			break;
		case 33:
			if (chance(r, 20))
				op_irqfd_race(w);
			else if (!no_trap_inject)
				op_trap(w, rn);
			break;
		case 34:
			op_close_some(w);
			break;
		case 35:	/* immediate_exit into another thread's vCPU */
			i = any_vcpu(w);
			if (i >= 0 && w->vcpu[i].run)
				w->vcpu[i].run->immediate_exit = below(r, 2);
			break;
		case 36:	/* read, write, poll on the fds */
			{
				int fd = any_fd(w);
				struct pollfd p = { fd, POLLIN | POLLOUT, 0 };

				if (fd > 2) {
					TR("read/write/poll fd %d", fd);
					if (read(fd, w->valbuf, 8) < 0 || write(fd, w->valbuf, 8) < 0)
						errno = 0;
					poll(&p, 1, 0);
				}
			}
			break;
		case 40:
			if (chance(r, 25))
				op_host(w);
			break;
		default:
			op_vgic_attr(w);
			break;
		}
	}
	world_fini(w);
	free(w);
}

/* ---- The kernel log, watched during the run ------------------------------------------ */

static int kmsg_fd = -1;

static void kmsg_open(void)
{
	kmsg_fd = open("/dev/kmsg", O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	if (kmsg_fd >= 0)
		lseek(kmsg_fd, 0, SEEK_END);
}

/*
 * The known kernel report (health.h) waiting for its frame: its header
 * line, the iteration it came in, and how many records have followed.
 * Only kmsg_scan() touches it, from the main thread.
 */
#define KNOWN_FRAME_WITHIN	60	/* records, as tests/run.sh looks */
static struct {
	bool open;
	int records;
	long iter;
	char header[160];
} known_report;

static void kmsg_print(long iter, const char *line)
{
	printf("# fz: kernel (iter %ld): %s\n", iter, line);
}

/* The waiting report ends: set aside if its frame came, else counted. */
static void known_report_close(bool frame_seen)
{
	if (!known_report.open)
		return;
	known_report.open = false;
	if (frame_seen) {
		printf("# fz: kernel (iter %ld): set aside a report of the 6.1 kernel's own khugepaged bug (README)\n",
		       known_report.iter);
		return;
	}
	atomic_fetch_add(&kmsg_bad, 1);
	kmsg_print(known_report.iter, known_report.header);
}

/*
 * Prints what the kernel logged that looks wrong, with the iteration it
 * came in; counts the oopses, BUGs and WARNs, but for the known report.
 */
static void kmsg_scan(long iter)
{
	static const char *const bad[] = {
		"Oops", "BUG", "WARNING", "Internal error", "Unable to handle",
		"Unbalanced", "refcount", "list_", "use-after-free", "stack", "rcu",
		"hung", "lockup", "armvirt: HYP",
	};
	char buf[4096];
	const char *line;
	ssize_t n;
	unsigned int i;

	if (kmsg_fd < 0)
		return;
	while ((n = read(kmsg_fd, buf, sizeof(buf) - 1)) > 0 || (n < 0 && errno == EPIPE)) {
		if (n <= 0)
			continue;
		buf[n] = 0;
		buf[strcspn(buf, "\n")] = 0;
		line = strchr(buf, ';') ? strchr(buf, ';') + 1 : buf;
		if (known_report.open) {
			if (known_kernel_frame(line, strlen(line))) {
				known_report_close(true);
				continue;
			}
			if (!strstr(line, "BUG") && !strstr(line, "WARNING") &&
			    ++known_report.records <= KNOWN_FRAME_WITHIN)
				continue;	/* its trace: not printed */
			known_report_close(false);
		}
		if (strstr(line, KNOWN_KERNEL_HEADER)) {
			known_report.open = true;
			known_report.records = 0;
			known_report.iter = iter;
			snprintf(known_report.header, sizeof(known_report.header), "%s", line);
			continue;
		}
		for (i = 0; i < ARRAY_LEN(bad); i++)
			if (strstr(line, bad[i]))
				break;
		if (i == ARRAY_LEN(bad))
			continue;
		if (strstr(line, "Oops") || strstr(line, "BUG") || strstr(line, "WARNING") ||
		    strstr(line, "Internal error") || strstr(line, "Unable to handle"))
			atomic_fetch_add(&kmsg_bad, 1);
		kmsg_print(iter, line);
	}
	if (iter < 0)
		known_report_close(false);	/* the last look: its frame never came */
}

/* ---- A watchdog: if nothing moves for 30 s, what every thread is doing ---- */

static void dump_kmsg_since(int fd)
{
	char buf[4096];
	ssize_t n;

	while ((n = read(fd, buf, sizeof(buf) - 1)) > 0 || (n < 0 && errno == EPIPE)) {
		if (n <= 0)
			continue;
		buf[n] = 0;
		buf[strcspn(buf, "\n")] = 0;
		printf("# fz: | %s\n", strchr(buf, ';') ? strchr(buf, ';') + 1 : buf);
	}
}

static void *watchdog_main(void *arg)
{
	unsigned long last = 0, now;
	int still = 0;

	(void)arg;
	for (;;) {
		sleep(5);
		now = atomic_load(&progress);
		still = now == last ? still + 1 : 0;
		last = now;
		if (still == 6) {	/* 30 s */
			char path[300], buf[512];
			struct dirent *d;
			DIR *dir = opendir("/proc/self/task");
			int kfd;

			printf("# fz: no progress for 30 s in iteration %ld; the threads (stat, syscall):\n",
			       atomic_load(&cur_iter));
			while (dir && (d = readdir(dir))) {
				if (d->d_name[0] == '.')
					continue;
				snprintf(path, sizeof(path), "/proc/self/task/%s/stat", d->d_name);
				if (read_file(path, buf, sizeof(buf)) > 0)
					printf("# fz: %.60s", buf);
				snprintf(path, sizeof(path), "/proc/self/task/%s/syscall", d->d_name);
				if (read_file(path, buf, sizeof(buf)) > 0)
					printf(" | %s", buf);
				putchar('\n');
			}
			if (dir)
				closedir(dir);
			/* the kernel's own view: blocked tasks, then every CPU */
			kfd = open("/dev/kmsg", O_RDONLY | O_NONBLOCK | O_CLOEXEC);
			if (kfd >= 0) {
				lseek(kfd, 0, SEEK_END);
				write_file("/proc/sysrq-trigger", "w");
				write_file("/proc/sysrq-trigger", "l");
				sleep(2);
				dump_kmsg_since(kfd);
				close(kfd);
			}
			fflush(stdout);
		}
	}
	return NULL;
}

/* ---- Setup and the end ----------------------------------------------------------------- */

static int count_fds(void)
{
	return count_dir("/proc/self/fd") - 1;	/* the directory's own */
}

static long module_refcnt(void)
{
	char buf[32];

	if (read_file("/sys/module/armvirt/refcnt", buf, sizeof(buf)) < 0)
		return -1;
	return strtol(buf, NULL, 10);
}

static void from_cmdline(void)
{
	char buf[2048], *p;

	if (read_file("/proc/cmdline", buf, sizeof(buf)) < 0)
		return;
	if ((p = strstr(buf, "armvirt.fuzz_seconds=")))
		seconds = strtol(p + strlen("armvirt.fuzz_seconds="), NULL, 10);
	if ((p = strstr(buf, "armvirt.fuzz_seed=")))
		seed = strtoull(p + strlen("armvirt.fuzz_seed="), NULL, 0);
	if (strstr(buf, "armvirt.fuzz_avoid=known"))
		avoid_known = true;
	if ((p = strstr(buf, "armvirt.fuzz_iter=")))
		only_iter = strtol(p + strlen("armvirt.fuzz_iter="), NULL, 10);
	if (strstr(buf, "armvirt.fuzz_trace=1"))
		trace = true;
	if (strstr(buf, "armvirt.fuzz_trap=0"))
		no_trap_inject = true;
	if (strstr(buf, "armvirt.fuzz_host=0"))
		no_host_events = true;
}

static uint64_t iter_seed(uint64_t i)
{
	struct rng r = { seed ^ (i * 0xd1342543de82ef95ULL) };

	return rnd64(&r);
}

static void print_results(double elapsed)
{
	double min = elapsed / 60.0;
	unsigned long it = atomic_load(&n_iters), io = atomic_load(&n_ioctls), ru = atomic_load(&n_runs);
	unsigned int i;
	char line[1024];
	size_t len;

	printf("# fz: %.0f s, %lu iterations, %lu operations, %lu ioctls, %lu KVM_RUNs, %lu forks\n",
	       elapsed, it, atomic_load(&n_ops), io, ru, atomic_load(&n_forks));
	printf("# fz: per minute: %.1f iterations, %.0f ioctls, %.0f KVM_RUNs\n",
	       it / min, io / min, ru / min);
	printf("# fz: %lu guest programs generated, %lu vCPU threads, %lu trap syndromes injected, %lu host CPU events\n",
	       atomic_load(&n_guests), atomic_load(&n_threads), atomic_load(&n_traps),
	       atomic_load(&n_host_events));
	len = snprintf(line, sizeof(line), "# fz: exit reasons:");
	for (i = 0; i < HIST_EXITS; i++)
		if (atomic_load(&exit_hist[i]))
			len += snprintf(line + len, sizeof(line) - len, " %s(%u)=%lu",
					exit_name(i), i, atomic_load(&exit_hist[i]));
	puts(line);
	len = snprintf(line, sizeof(line), "# fz: errnos:");
	for (i = 0; i < HIST_ERRNOS && len < sizeof(line) - 40; i++)
		if (atomic_load(&errno_hist[i]))
			len += snprintf(line + len, sizeof(line) - len, " %s=%lu",
					i ? strerrorname_np(i) ? strerrorname_np(i) : "?" : "ok",
					atomic_load(&errno_hist[i]));
	puts(line);
	fflush(stdout);
}

static void usage(void)
{
	fprintf(stderr, "usage: 10-fuzz [--seed N] [--seconds N] [--iter N] [--trace] [--avoid-known] [--no-trap-inject] [--no-host-events]\n");
	exit(2);
}

int main(int argc, char **argv)
{
	struct sigaction sa = { .sa_handler = on_timer };
	struct runner rn;
	struct timespec t0, t1;
	double elapsed;
	pthread_t wd;
	int fds_before, fds_after, i, vcpus = -1;
	long ref = -1;
	bool have_seed;

	clock_gettime(CLOCK_MONOTONIC, &t0);
	seed = ((uint64_t)t0.tv_nsec << 20) ^ (uint64_t)time(NULL) ^ (uint64_t)getpid();
	from_cmdline();
	have_seed = false;
	for (i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--seed") && i + 1 < argc)
			seed = strtoull(argv[++i], NULL, 0), have_seed = true;
		else if (!strcmp(argv[i], "--seconds") && i + 1 < argc)
			seconds = strtol(argv[++i], NULL, 10);
		else if (!strcmp(argv[i], "--iter") && i + 1 < argc)
			only_iter = strtol(argv[++i], NULL, 10);
		else if (!strcmp(argv[i], "--trace"))
			trace = true;
		else if (!strcmp(argv[i], "--avoid-known"))
			avoid_known = true;
		else if (!strcmp(argv[i], "--no-trap-inject"))
			no_trap_inject = true;
		else if (!strcmp(argv[i], "--no-host-events"))
			no_host_events = true;
		else
			usage();
	}
	(void)have_seed;
	printf("fz: seed=%llu seconds=%ld%s\n", (unsigned long long)seed, seconds,
	       avoid_known ? " avoid-known" : "");
	printf("fuzz: seed=%llu\n", (unsigned long long)seed);
	fflush(stdout);
	tap_plan(10);

	if (!module_loaded("armvirt") && module_load(ARMVIRT_KO))
		tap_bail("armvirt does not load");
	sigemptyset(&sa.sa_mask);
	sigaction(SIGUSR1, &sa, NULL);	/* no SA_RESTART: KVM_RUN returns */
	signal(SIGPIPE, SIG_IGN);
	pointers_init();
	kmsg_open();
	fds_before = count_fds();
	runner_init(&rn);
	thread_create_small_stack(&wd, watchdog_main, NULL);

	for (i = 0;; i++) {
		long it = only_iter >= 0 ? only_iter : i;

		clock_gettime(CLOCK_MONOTONIC, &t1);
		elapsed = (t1.tv_sec - t0.tv_sec) + (t1.tv_nsec - t0.tv_nsec) / 1e9;
		if (only_iter >= 0 ? i == 1 : elapsed >= seconds)
			break;
		atomic_store(&cur_iter, it);
		printf("fz: iter %ld\n", it);
		fflush(stdout);
		iteration(iter_seed(it), &rn);
		atomic_fetch_add(&n_iters, 1);
		kmsg_scan(it);
	}
	runner_fini(&rn);
	munmap(guard, 8192);
	munmap(ro_page, 4096);
	if (!cpu_is_online(1))
		cpu_set_online(1, true);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	elapsed = (t1.tv_sec - t0.tv_sec) + (t1.tv_nsec - t0.tv_nsec) / 1e9;
	kmsg_scan(-1);
	print_results(elapsed);

	tap_ok(only_iter >= 0 || (elapsed >= seconds && atomic_load(&n_iters) > 0),
	       "fuzzed-for-%ld-seconds", seconds);
	fds_after = count_fds();
	if (!tap_eq(fds_after, fds_before, "every-fd-closed"))
		system("ls -l /proc/self/fd >&2");
	/* a VM goes when its last reference does, which may take a moment */
	for (i = 0; i < 50; i++) {
		ref = module_refcnt();
		vcpus = count_dir("/sys/kernel/debug/armvirt/vcpus");
		if (ref == 0 && vcpus == 0)
			break;
		usleep(100000);
	}
	tap_eq(ref, 0, "module-refcount-back-to-0");
	tap_eq(vcpus, 0, "no-vcpu-left");
	tap_eq(kmsg_fd >= 0 ? atomic_load(&kmsg_bad) : 0, 0, "no-oops-bug-or-warn-during-the-run");
	if (kmsg_fd >= 0)
		close(kmsg_fd);
	tap_eq(module_unload("armvirt"), 0, "rmmod-armvirt-after-the-run");
	tap_eq(module_load(ARMVIRT_KO), 0, "insmod-armvirt-again");
	check_kernel_healthy();
	tap_finish();
}
