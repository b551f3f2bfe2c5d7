// SPDX-License-Identifier: GPL-2.0-only
/*
 * Stage 2 taken away from a running guest from two sides at once: one
 * thread deletes and re-adds a slot while another discards the VMM's
 * pages behind it (MADV_DONTNEED, the MMU notifier), and the guest keeps
 * reading and writing every page of it (tests/guest/churn.S). The guest
 * must only ever see its pattern, zero (a discarded page) or the VMM's
 * MMIO answer (no slot), keep making progress, and the host stay healthy.
 *
 * Both paths clear entries and flush the TLB; whichever finds an entry
 * already cleared must not return before the other's flush (guest_mem.c).
 * A stale TLB entry lives for microseconds at most, so this cannot catch
 * that race reliably; it runs the paths against each other under lockdep
 * and KASAN on the debug board.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include "board.h"
#include "health.h"
#include "tap.h"
#include "thread.h"
#include "vm.h"

#define CHURN_SLOT	0x50000000ULL	/* tests/guest/churn.S */
#define CHURN_PAGES	16
#define CHURN_SIZE	(CHURN_PAGES * 4096)
#define CHURN_PATTERN	0xc0de0000U
#define ROUNDS		400	/* the guest's, each over all the pages */
#define STALL_S		30	/* no new round for this long: the guest is stuck */
#define ALARM_S		600	/* tvm_create()'s alarm, extended: 21 s on the debug board */

struct churn {
	struct tvm *vm;
	uint32_t *mem;
	atomic_bool stop;
	long slot_cycles, discards;
	int slot_errors;
};

static int set_churn_slot(struct churn *c, uint64_t size)
{
	struct kvm_userspace_memory_region r = {
		.slot = 1, .guest_phys_addr = CHURN_SLOT, .memory_size = size,
		.userspace_addr = (unsigned long)c->mem,
	};

	return ioctl(c->vm->vm_fd, KVM_SET_USER_MEMORY_REGION, &r) ? errno : 0;
}

static void *slot_flipper(void *arg)
{
	struct churn *c = arg;

	while (!atomic_load(&c->stop)) {
		if (set_churn_slot(c, 0) || set_churn_slot(c, CHURN_SIZE))
			c->slot_errors++;
		c->slot_cycles++;
	}
	return NULL;
}

static void *discarder(void *arg)
{
	struct churn *c = arg;

	while (!atomic_load(&c->stop)) {
		madvise(c->mem, CHURN_SIZE, MADV_DONTNEED);
		c->discards++;
		sched_yield();
	}
	return NULL;
}

/* Run the guest for ROUNDS rounds, answering its MMIO reads; false on any bad value. */
static bool run_rounds(struct tvm *vm, long *mmio_exits, uint32_t *bad)
{
	struct kvm_run *run = vm->vcpu[0].run;
	time_t t0 = time(NULL);
	time_t last_round = t0;
	struct ucall uc;
	uint32_t page, rounds = 0;

	/* bounded by work, not time: only a guest that stops making rounds fails */
	while (rounds < ROUNDS && time(NULL) - last_round < STALL_S) {
		uc = tvm_run_ucall(&vm->vcpu[0]);
		if (uc.kind == UC_VALUE) {
			if (uc.value != rounds)
				last_round = time(NULL);
			rounds = uc.value;
			continue;
		}
		if (uc.kind != UC_MMIO || run->mmio.phys_addr < CHURN_SLOT ||
		    run->mmio.phys_addr >= CHURN_SLOT + CHURN_SIZE) {
			tap_diag("exit kind %d value %#x at round %u", uc.kind, uc.value, rounds);
			*bad = uc.value;
			return false;
		}
		(*mmio_exits)++;
		if (!run->mmio.is_write) {
			page = CHURN_PATTERN | (uint32_t)((run->mmio.phys_addr - CHURN_SLOT) >> 12);
			memcpy(run->mmio.data, &page, sizeof(page));
		}
	}
	tap_diag("%u guest rounds in %ld s", rounds, (long)(time(NULL) - t0));
	return rounds >= ROUNDS;
}

int main(void)
{
	struct churn c = { 0 };
	pthread_t flipper, disc;
	long mmio_exits = 0;
	uint32_t bad = 0;
	struct tvm vm;
	bool ok;

	tap_plan(4);
	if (!module_loaded("armvirt") && module_load(ARMVIRT_KO))
		tap_bail("armvirt does not load");
	if (tvm_create(&vm, "churn", 1 << 20, 1))
		tap_bail("cannot create the VM");
	alarm(ALARM_S);
	c.vm = &vm;
	c.mem = mmap(NULL, CHURN_SIZE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (c.mem == MAP_FAILED || set_churn_slot(&c, CHURN_SIZE))
		tap_bail("cannot set up the churned slot");

	thread_create_small_stack(&flipper, slot_flipper, &c);
	thread_create_small_stack(&disc, discarder, &c);
	ok = run_rounds(&vm, &mmio_exits, &bad);
	atomic_store(&c.stop, true);
	pthread_join(flipper, NULL);
	pthread_join(disc, NULL);

	tap_diag("%ld slot delete/add cycles, %ld discards, %ld MMIO exits of the deleted slot",
		 c.slot_cycles, c.discards, mmio_exits);
	tap_ok(ok, "guest-sees-only-its-pattern-zero-or-the-mmio-answer (bad %#x)", bad);
	tap_ok(c.slot_cycles > 0 && c.discards > 0, "slot-deletion-and-discards-ran-under-the-guest");
	tap_eq(c.slot_errors, 0, "every-slot-delete-and-re-add-succeeded");
	tvm_destroy(&vm);
	munmap(c.mem, CHURN_SIZE);
	tap_ok(host_can_fork_exec(), "host-still-works");
	tap_finish();
}
