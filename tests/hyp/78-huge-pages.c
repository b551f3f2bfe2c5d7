// SPDX-License-Identifier: GPL-2.0-only
/*
 * Stage-2 blocks (tests/guest/huge.S): a slot whose VMM memory is 2 MiB
 * transparent huge pages is mapped with one 2 MiB block per huge page
 * (a fault per 2 MiB, not per 4 KiB); a 4 KiB page the VMM discards in a
 * block is gone for the guest too (the block goes with it, never left
 * pointing at the freed page); when the host collapses small pages back
 * into a new huge page (MADV_COLLAPSE, as khugepaged does), the guest
 * follows the new page and never the freed ones; and dirty logging keeps
 * a block mapped read-only and still sees every 4 KiB page written in
 * it. Non-LPAE hosts have no huge pages for user memory: there only
 * the data checks apply.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include "board.h"
#include "tap.h"
#include "vm.h"

#define HUGE_SLOT	0x50000000ULL
#define HUGE_SIZE	(4u << 20)
#define HUGE_PAGES	(HUGE_SIZE / 4096)
#define THP_DIR		"/sys/kernel/mm/transparent_hugepage"
#ifndef MADV_COLLAPSE
#define MADV_COLLAPSE	25	/* Linux 6.1 */
#endif

static struct tvm vm;

static int set_huge_slot(void *mem, unsigned int flags)
{
	struct kvm_userspace_memory_region r = {
		.slot = 1, .flags = flags, .guest_phys_addr = HUGE_SLOT,
		.memory_size = HUGE_SIZE, .userspace_addr = (unsigned long)mem,
	};

	return ioctl(vm.vm_fd, KVM_SET_USER_MEMORY_REGION, &r) ? errno : 0;
}

/* AnonHugePages (KiB) of this process's mapping that holds @addr, or -1. */
static long anon_huge_kb(const void *addr)
{
	unsigned long start, end, a = (unsigned long)addr;
	char line[256];
	bool in = false;
	long kb = -1;
	FILE *f = fopen("/proc/self/smaps", "r");

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f)) {
		if (sscanf(line, "%lx-%lx ", &start, &end) == 2 && strchr(line, '-') < strchr(line, ' '))
			in = a >= start && a < end;
		else if (in && sscanf(line, "AnonHugePages: %ld kB", &kb) == 1)
			break;
	}
	fclose(f);
	return kb;
}

/* MADV_COLLAPSE the first 2 MiB of @mem, where the kernel can. */
static void collapse_checked(void *mem)
{
	const char *name = "madv-collapse-makes-the-first-2-mib-huge-again";

	if (access(THP_DIR, F_OK)) {
		tap_skip("no transparent huge pages in a non-LPAE kernel", "%s", name);
		return;
	}
	if (madvise(mem, 2u << 20, MADV_COLLAPSE)) {
		if (errno == EINVAL)
			tap_skip("no MADV_COLLAPSE before Linux 6.1", "%s", name);
		else
			tap_ok(false, "%s (madvise: %s)", name, strerror(errno));
		return;
	}
	tap_eq(anon_huge_kb(mem), HUGE_SIZE / 1024, "%s", name);
}

int main(void)
{
	uint32_t bitmap[HUGE_PAGES / 32] = { 0 }, *mem;
	struct kvm_dirty_log log = { .slot = 1, .dirty_bitmap = bitmap };
	long faults, huge_kb;
	bool thp = access(THP_DIR, F_OK) == 0;
	unsigned int i, bad, set;
	uint8_t *area;

	tap_plan(15);
	if (!module_loaded("armvirt") && module_load(ARMVIRT_KO))
		tap_bail("armvirt does not load");
	if (tvm_create(&vm, "huge", 1 << 20, 1))
		tap_bail("cannot create the VM");
	/* 4 MiB aligned to 2 MiB, asked to be huge (THP is "always" on Debian anyway). */
	area = mmap(NULL, HUGE_SIZE + (2u << 20), PROT_READ | PROT_WRITE,
		    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (area == MAP_FAILED)
		tap_bail("mmap");
	mem = (uint32_t *)(((uintptr_t)area + (2u << 20) - 1) & ~(uintptr_t)((2u << 20) - 1));
	if (thp)
		madvise(mem, HUGE_SIZE, MADV_HUGEPAGE);
	if (set_huge_slot(mem, 0))
		tap_bail("cannot add the slot");

	faults = tvm_exit_count(0, "mem_fault");
	tap_eq(tvm_next_value(&vm.vcpu[0], "write"), HUGE_PAGES, "guest-writes-every-page");
	faults = tvm_exit_count(0, "mem_fault") - faults;
	huge_kb = anon_huge_kb(mem);
	tap_diag("%ld stage-2 faults for %u pages; AnonHugePages %ld kB; THP %s", faults,
		 HUGE_PAGES, huge_kb, thp ? "available" : "not in this kernel");
	if (thp) {
		tap_eq(huge_kb, HUGE_SIZE / 1024, "the-host-backs-the-slot-with-huge-pages");
		tap_ok(faults > 0 && faults <= 8, "one-stage-2-fault-per-2-mib (%ld)", faults);
	} else {
		tap_skip("no transparent huge pages in a non-LPAE kernel", "the-host-backs-the-slot-with-huge-pages");
		tap_skip("no transparent huge pages in a non-LPAE kernel", "one-stage-2-fault-per-2-mib");
	}
	for (i = 0, bad = 0; i < HUGE_PAGES; i++)
		bad += mem[i * 1024] != i;
	tap_eq(bad, 0, "the-vmm-sees-every-guest-write");
	tap_eq(tvm_next_value(&vm.vcpu[0], "read back"), 0, "guest-reads-every-page-back");

	/* Discard one 4 KiB page inside the first huge page: the host splits it. */
	tap_eq(madvise(mem + 0x101 * 1024, 4096, MADV_DONTNEED), 0, "vmm-discards-a-page-in-a-huge-page");
	tap_eq(tvm_next_value(&vm.vcpu[0], "discarded"), 0, "guest-sees-the-discarded-page-as-zero");
	tap_eq(tvm_next_value(&vm.vcpu[0], "read again"), 1, "guest-still-reads-every-other-page");

	/*
	 * Collapse that split 2 MiB into a new huge page: the host copies it
	 * and frees the small pages, under the MMU notifier. The guest must
	 * then see what the VMM writes, and the VMM what the guest writes.
	 */
	collapse_checked(mem);
	mem[0x101 * 1024] = 0x101;
	tap_eq(tvm_next_value(&vm.vcpu[0], "after the collapse"), 0,
	       "guest-sees-the-vmm-s-write-after-a-collapse");
	tvm_next_value(&vm.vcpu[0], "written after the collapse");
	tap_eq(mem[7 * 1024], 0xabc, "the-vmm-sees-the-guest-s-write-after-a-collapse");

	/*
	 * Logging: the second 2 MiB is still one block. It stays mapped,
	 * read-only (never unmapped between two chunks of write-protection,
	 * which the MMU notifier would not see: freed memory left mapped), so
	 * reads take no fault; each write must be logged.
	 */
	if (set_huge_slot(mem, KVM_MEM_LOG_DIRTY_PAGES))
		tap_bail("cannot start dirty logging");
	faults = tvm_exit_count(0, "mem_fault");
	tap_eq(tvm_next_value(&vm.vcpu[0], "logged reads"), 0, "guest-reads-a-logged-block");
	faults = tvm_exit_count(0, "mem_fault") - faults;
	if (thp)
		tap_eq(faults, 0, "a-logged-block-stays-mapped-read-only");
	else
		tap_skip("no transparent huge pages in a non-LPAE kernel", "a-logged-block-stays-mapped-read-only");
	tvm_next_value(&vm.vcpu[0], "logged writes");
	if (ioctl(vm.vm_fd, KVM_GET_DIRTY_LOG, &log))
		tap_bail("KVM_GET_DIRTY_LOG: %s", strerror(errno));
	for (i = 0, set = 0; i < HUGE_PAGES; i++)
		set += bitmap[i / 32] >> (i % 32) & 1;
	tap_ok(set == 2 && bitmap[0xa / 32] & 1u << (0xa % 32) && bitmap[0x300 / 32] & 1u << (0x300 % 32),
	       "dirty-log-holds-exactly-the-two-pages-written-in-blocks (%u set)", set);
	tvm_diag_exit_counts(0);
	tap_ok(tvm_run_ucall(&vm.vcpu[0]).kind == UC_SYSTEM_EVENT, "guest-powers-off");
	tvm_destroy(&vm);
	munmap(area, HUGE_SIZE + (2u << 20));
	tap_finish();
}
