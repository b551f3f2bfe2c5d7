// SPDX-License-Identifier: GPL-2.0-only
/*
 * Guest memory (tests/guest/memory.S): read-only slots read but never
 * write, accesses outside every slot are MMIO and never reach host memory,
 * a file-backed shared slot, pages the VMM replaces under a running guest
 * (MMU notifier), a deleted slot, and memory unmapped under a slot.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include "board.h"
#include "tap.h"
#include "vm.h"

#define RO_SLOT		0x50000000
#define FILE_SLOT	0x60000000
#define NO_SLOT		0x70000000
#define SLOT_SIZE	0x10000

static int set_slot(struct tvm *vm, unsigned int slot, unsigned int flags,
		    uint64_t gpa, uint64_t size, void *mem)
{
	struct kvm_userspace_memory_region r = {
		.slot = slot, .flags = flags, .guest_phys_addr = gpa,
		.memory_size = size, .userspace_addr = (unsigned long)mem,
	};

	return ioctl(vm->vm_fd, KVM_SET_USER_MEMORY_REGION, &r) ? errno : 0;
}

int main(void)
{
	struct tvm vm;
	struct ucall uc;
	struct kvm_run *run;
	uint32_t *ro, *file, word = 0;
	volatile uint32_t *ram_word;
	int memfd;

	tap_plan(14);
	if (!module_loaded("armvirt") && module_load(ARMVIRT_KO))
		tap_bail("armvirt does not load");
	if (tvm_create(&vm, "memory", 1 << 20, 1))
		tap_bail("cannot create the VM");
	run = vm.vcpu[0].run;

	ro = mmap(NULL, SLOT_SIZE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	memset(ro, 0x11, SLOT_SIZE);
	memfd = memfd_create("guest-file", MFD_CLOEXEC);
	if (memfd < 0 || ftruncate(memfd, SLOT_SIZE))
		tap_bail("memfd");
	file = mmap(NULL, SLOT_SIZE, PROT_READ | PROT_WRITE, MAP_SHARED, memfd, 0);
	if (ro == MAP_FAILED || file == MAP_FAILED ||
	    set_slot(&vm, 1, KVM_MEM_READONLY, RO_SLOT, SLOT_SIZE, ro) ||
	    set_slot(&vm, 2, 0, FILE_SLOT, SLOT_SIZE, file))
		tap_bail("cannot set up the slots");
	ram_word = tvm_gpa(&vm, GUEST_RAM_BASE + 0x80000);
	*ram_word = 0xaaaa0001;

	tap_eq(tvm_next_value(&vm.vcpu[0], "ro read"), 0x11111111, "read-only-slot-reads-the-vmm-memory");
	uc = tvm_run_ucall(&vm.vcpu[0]);
	tap_ok(uc.kind == UC_MMIO && run->mmio.is_write && run->mmio.phys_addr == RO_SLOT + 4 &&
	       run->mmio.len == 4 && run->mmio.data[0] == 0x22,
	       "write-to-read-only-slot-is-an-mmio-write-exit");
	tap_eq(tvm_next_value(&vm.vcpu[0], "ro reread"), 0x11111111, "read-only-slot-is-unchanged");
	tap_eq(ro[1], 0x11111111, "vmm-memory-behind-read-only-slot-is-unchanged");

	uc = tvm_run_ucall(&vm.vcpu[0]);
	tap_ok(uc.kind == UC_MMIO && !run->mmio.is_write && run->mmio.phys_addr == NO_SLOT,
	       "access-outside-memory-is-an-mmio-exit");
	memcpy(run->mmio.data, "\x77\x77\x77\x77", 4);
	tap_eq(tvm_next_value(&vm.vcpu[0], "no slot"), 0x77777777, "mmio-read-returns-the-vmm-answer");

	tvm_next_value(&vm.vcpu[0], "file write");
	tap_ok(pread(memfd, &word, 4, 0) == 4 && word == 0xf11e0001,
	       "guest-write-reaches-the-shared-file");

	tap_eq(tvm_next_value(&vm.vcpu[0], "ram first"), 0xaaaa0001, "guest-reads-the-vmm-page");
	madvise((void *)((unsigned long)ram_word & ~4095UL), 4096, MADV_DONTNEED);
	*ram_word = 0xbbbb0002;	/* a new page behind the same address */
	tap_eq(tvm_next_value(&vm.vcpu[0], "ram replaced"), 0xbbbb0002,
	       "guest-sees-the-page-that-replaced-it (mmu notifier)");
	tvm_next_value(&vm.vcpu[0], "ram write");
	tap_eq(*(volatile uint32_t *)tvm_gpa(&vm, GUEST_RAM_BASE + 0x90000), 0x600d,
	       "guest-write-reaches-vmm-memory");

	tap_eq(set_slot(&vm, 1, KVM_MEM_READONLY, RO_SLOT, 0, ro), 0, "slot-deleted-while-guest-mapped-it");
	uc = tvm_run_ucall(&vm.vcpu[0]);
	tap_ok(uc.kind == UC_MMIO && run->mmio.phys_addr == RO_SLOT,
	       "deleted-slot-becomes-mmio");
	memset(run->mmio.data, 0, 8);
	tvm_next_value(&vm.vcpu[0], "after delete");

	munmap(file, SLOT_SIZE);
	uc = tvm_run_ucall(&vm.vcpu[0]);
	tap_ok(uc.kind == UC_ERROR && uc.value == EFAULT,
	       "memory-unmapped-under-a-slot-fails-kvm-run-with-efault (%d %u)", uc.kind, uc.value);
	tap_ok(host_can_fork_exec(), "host-still-works");
	close(memfd);
	munmap(ro, SLOT_SIZE);
	tvm_destroy(&vm);
	tap_finish();
}
