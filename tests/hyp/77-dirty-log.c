// SPDX-License-Identifier: GPL-2.0-only
/*
 * Dirty logging (KVM_MEM_LOG_DIRTY_PAGES, KVM_GET_DIRTY_LOG, and with
 * KVM_CAP_MANUAL_DIRTY_LOG_PROTECT2, KVM_CLEAR_DIRTY_LOG): the guest
 * (tests/guest/dirty.S) writes and reads pages of a logged slot in rounds;
 * each round's log must hold exactly the pages written since the last
 * harvest, through re-protection, the host taking pages away, logging
 * turned off and on, and manual clearing. Then every bad argument.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include "board.h"
#include "tap.h"
#include "vm.h"

#define CMD_GPA		(GUEST_RAM_BASE + 0x80000)	/* tests/guest/dirty.S */
#define DATA_GPA	0x50000000ULL
#define DATA_PAGES	256
#define READ_ONLY	0x80000000u
#define END		(~0u)

static struct tvm vm;
static void *data;

static int set_data_slot(unsigned int flags)
{
	struct kvm_userspace_memory_region r = {
		.slot = 1, .flags = flags, .guest_phys_addr = DATA_GPA,
		.memory_size = DATA_PAGES * 4096, .userspace_addr = (unsigned long)data,
	};

	return ioctl(vm.vm_fd, KVM_SET_USER_MEMORY_REGION, &r) ? errno : 0;
}

/* One round: the guest accesses the pages listed (END-terminated). */
static void guest_round(unsigned int round, ...)
{
	uint32_t *cmd = tvm_gpa(&vm, CMD_GPA), n = 0, page;
	va_list ap;

	va_start(ap, round);
	while ((page = va_arg(ap, uint32_t)) != END)
		cmd[1 + n++] = page;
	va_end(ap);
	cmd[0] = n;
	if (tvm_next_value(&vm.vcpu[0], "dirty round") != round)
		tap_bail("the guest lost count of the rounds");
}

static int get_log(uint32_t slot, void *bitmap)
{
	struct kvm_dirty_log log = { .slot = slot };

	log.dirty_bitmap = bitmap;
	return ioctl(vm.vm_fd, KVM_GET_DIRTY_LOG, &log) ? errno : 0;
}

static int clear_log(uint32_t slot, uint64_t first, uint32_t num, void *bitmap)
{
	struct kvm_clear_dirty_log log = { .slot = slot, .first_page = first, .num_pages = num };

	log.dirty_bitmap = bitmap;
	return ioctl(vm.vm_fd, KVM_CLEAR_DIRTY_LOG, &log) ? errno : 0;
}

static int enable_cap(uint32_t cap, uint32_t flags, uint64_t arg0)
{
	struct kvm_enable_cap c = { .cap = cap, .flags = flags, .args = { arg0 } };

	return ioctl(vm.vm_fd, KVM_ENABLE_CAP, &c) ? errno : 0;
}

/* The slot's log is exactly @pages (END-terminated); differences are shown. */
static bool log_is(const char *name, ...)
{
	uint32_t bitmap[DATA_PAGES / 32], want[DATA_PAGES / 32] = { 0 }, page;
	char got[512] = "", exp[512] = "";
	unsigned int i;
	va_list ap;
	int err;

	va_start(ap, name);
	while ((page = va_arg(ap, uint32_t)) != END)
		want[page / 32] |= 1u << (page % 32);
	va_end(ap);
	memset(bitmap, 0x5a, sizeof(bitmap));
	err = get_log(1, bitmap);
	for (i = 0; i < DATA_PAGES; i++) {
		if (bitmap[i / 32] & (1u << (i % 32)))
			snprintf(got + strlen(got), sizeof(got) - strlen(got), " %u", i);
		if (want[i / 32] & (1u << (i % 32)))
			snprintf(exp + strlen(exp), sizeof(exp) - strlen(exp), " %u", i);
	}
	return tap_ok(!err && !memcmp(bitmap, want, sizeof(want)),
		      "%s (errno %d; logged:%s; written:%s)", name, err, got, exp);
}

static void rounds(void)
{
	uint32_t one[DATA_PAGES / 32] = { 0 };

	tap_eq(set_data_slot(KVM_MEM_LOG_DIRTY_PAGES), 0, "a-slot-can-log-dirty-pages");
	if (tvm_next_value(&vm.vcpu[0], "start") != 0)
		tap_bail("the dirty guest did not start");
	log_is("a-new-logged-slot-has-no-dirty-page", END);
	guest_round(1, 0, 5, 63, 64, 255, END);
	log_is("the-log-holds-exactly-the-pages-written", 0, 5, 63, 64, 255, END);
	log_is("get-dirty-log-cleans-what-it-returns", END);
	guest_round(2, 5, 100, 7 | READ_ONLY, END);
	log_is("pages-written-after-a-harvest-are-logged-again-reads-are-not", 5, 100, END);

	guest_round(3, 200, END);
	madvise((char *)data + 200 * 4096, 4096, MADV_DONTNEED);
	log_is("a-page-the-host-took-away-keeps-its-dirty-bit", 200, END);

	tap_eq(set_data_slot(0), 0, "dirty-logging-turns-off");
	tap_eq(get_log(1, one), ENOENT, "get-dirty-log-of-a-slot-that-does-not-log-is-enoent");
	guest_round(4, 10, END);	/* mapped writable, unlogged */
	tap_eq(set_data_slot(KVM_MEM_LOG_DIRTY_PAGES), 0, "dirty-logging-turns-on-again");
	guest_round(5, 10, 11, END);
	log_is("turning-logging-on-write-protects-pages-already-mapped", 10, 11, END);

	tap_eq(enable_cap(KVM_CAP_MANUAL_DIRTY_LOG_PROTECT2, 0, KVM_DIRTY_LOG_MANUAL_PROTECT_ENABLE), 0,
	       "manual-dirty-log-protect-enables");
	guest_round(6, 1, 2, END);
	log_is("manual-protect-get-returns-the-written-pages", 1, 2, END);
	log_is("manual-protect-get-does-not-clean-them", 1, 2, END);
	one[0] = 1u << 1;
	tap_eq(clear_log(1, 0, DATA_PAGES, one), 0, "clear-dirty-log-of-one-page");
	log_is("clear-dirty-log-cleans-only-the-pages-asked", 2, END);
	guest_round(7, 1, END);
	log_is("a-cleared-page-is-logged-on-its-next-write", 1, 2, END);
	memset(one, 0xff, sizeof(one));
	tap_eq(clear_log(1, 192, 64, one), 0, "clear-dirty-log-of-the-last-64-pages");
	log_is("clear-from-first-page-192-leaves-the-others", 1, 2, END);
	tap_eq(enable_cap(KVM_CAP_MANUAL_DIRTY_LOG_PROTECT2, 0, 0), 0, "manual-dirty-log-protect-disables");
	log_is("without-manual-protect-get-cleans-again", 1, 2, END);
	log_is("so-the-next-get-is-empty", END);

	*(uint32_t *)tvm_gpa(&vm, CMD_GPA) = END;
	tap_ok(tvm_run_ucall(&vm.vcpu[0]).kind == UC_DONE, "dirty-guest-finishes");
}

static void bad_arguments(void)
{
	uint32_t bitmap[4] = { 0 }, guard[4];
	struct kvm_userspace_memory_region r = {
		.slot = 2, .flags = KVM_MEM_LOG_DIRTY_PAGES, .guest_phys_addr = 0x60000000,
		.memory_size = 33 * 4096, .userspace_addr = (unsigned long)data,
	};

	tap_eq(ioctl(vm.vm_fd, KVM_CHECK_EXTENSION, KVM_CAP_MANUAL_DIRTY_LOG_PROTECT2), 1,
	       "check-extension-manual-dirty-log-protect2");
	tap_eq(ioctl(vm.vm_fd, KVM_CHECK_EXTENSION, KVM_CAP_ENABLE_CAP_VM), 1,
	       "check-extension-enable-cap-vm");
	tap_eq(get_log(1000, bitmap), EINVAL, "get-dirty-log-of-slot-1000-is-einval");
	tap_eq(get_log(1 | 1 << 16, bitmap), EINVAL, "get-dirty-log-of-address-space-1-is-einval");
	tap_eq(get_log(0, bitmap), ENOENT, "get-dirty-log-of-an-unlogged-slot-is-enoent");
	tap_eq(get_log(1, (void *)8), EFAULT, "get-dirty-log-to-a-bad-pointer-is-efault");
	tap_eq(clear_log(1, 1, 64, bitmap), EINVAL, "clear-dirty-log-first-page-not-a-multiple-of-64-is-einval");
	tap_eq(clear_log(1, 0, DATA_PAGES + 64, bitmap), EINVAL, "clear-dirty-log-past-the-slot-is-einval");
	tap_eq(clear_log(1, 0, 10, bitmap), EINVAL, "clear-dirty-log-of-10-pages-mid-slot-is-einval");
	tap_eq(clear_log(1, 1ULL << 40, 0, bitmap), EINVAL, "clear-dirty-log-first-page-beyond-is-einval");
	tap_eq(clear_log(1, 0, 64, (void *)8), EFAULT, "clear-dirty-log-from-a-bad-pointer-is-efault");
	tap_eq(enable_cap(KVM_CAP_MANUAL_DIRTY_LOG_PROTECT2, 0, 2), EINVAL,
	       "manual-dirty-log-protect-unknown-bit-is-einval");
	tap_eq(enable_cap(KVM_CAP_MANUAL_DIRTY_LOG_PROTECT2, 1, 1), EINVAL,
	       "manual-dirty-log-protect-flags-are-einval");
	tap_eq(enable_cap(1000, 0, 0), EINVAL, "enable-cap-unknown-is-einval");

	/* 33 pages: ALIGN(33, BITS_PER_LONG) / 8 = 8 bytes, not one more */
	if (ioctl(vm.vm_fd, KVM_SET_USER_MEMORY_REGION, &r))
		tap_bail("a 33-page logged slot");
	memset(bitmap, 0x5a, sizeof(bitmap));
	memcpy(guard, bitmap, sizeof(guard));
	tap_ok(get_log(2, bitmap) == 0 && bitmap[0] == 0 && bitmap[1] == 0 &&
	       !memcmp(&bitmap[2], &guard[2], 8), "dirty-bitmap-of-33-pages-is-8-bytes");
	r.memory_size = 0;
	tap_eq(ioctl(vm.vm_fd, KVM_SET_USER_MEMORY_REGION, &r) ? errno : 0, 0,
	       "a-logged-slot-deletes");
}

int main(void)
{
	tap_plan(38);
	if (!module_loaded("armvirt") && module_load(ARMVIRT_KO))
		tap_bail("armvirt does not load");
	if (tvm_create(&vm, "dirty", 1 << 20, 1))
		tap_bail("cannot create the VM");
	data = mmap(NULL, DATA_PAGES * 4096, PROT_READ | PROT_WRITE,
		    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (data == MAP_FAILED)
		tap_bail("mmap");
	rounds();
	bad_arguments();
	tvm_destroy(&vm);
	munmap(data, DATA_PAGES * 4096);
	tap_finish();
}
