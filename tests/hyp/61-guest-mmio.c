// SPDX-License-Identifier: GPL-2.0-only
/*
 * MMIO emulation, access by access: tests/guest/mmio.S makes every kind of
 * load and store the highvisor must turn into KVM_EXIT_MMIO (each width,
 * sign extension, writeback, register offsets, LDRD/STRD, Thumb-2,
 * big-endian data); this program answers and checks each exit in order,
 * and the values and base registers the guest reports back. Then one
 * instruction across two pages (tests/guest/straddle.S).
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "board.h"
#include "tap.h"
#include "vm.h"

enum { W, R, V };	/* a write to check, a read to answer, a reported value */

struct event {
	int kind;
	uint32_t off;	/* from TESTDEV_BASE */
	uint32_t len;
	uint8_t data[8];
	uint32_t value;
	const char *name;
};

#define B(...)	{ __VA_ARGS__ }
#define BASE	TESTDEV_BASE

static const struct event events[] = {
	{ W, 0, 1, B(0x11), 0, "strb" },
	{ W, 2, 2, B(0x33, 0x22), 0, "strh" },
	{ W, 4, 4, B(0x77, 0x66, 0x55, 0x44), 0, "str" },
	{ R, 8, 1, B(0x80), 0, "ldrb" },
	{ V, 0, 0, B(0), 0x80, "ldrb-zero-extends" },
	{ R, 9, 1, B(0x80), 0, "ldrsb" },
	{ V, 0, 0, B(0), 0xffffff80, "ldrsb-sign-extends" },
	{ R, 10, 2, B(0x01, 0x80), 0, "ldrh" },
	{ V, 0, 0, B(0), 0x8001, "ldrh-zero-extends" },
	{ R, 12, 2, B(0x01, 0x80), 0, "ldrsh" },
	{ V, 0, 0, B(0), 0xffff8001, "ldrsh-sign-extends" },
	{ R, 16, 4, B(0x78, 0x56, 0x34, 0x12), 0, "ldr" },
	{ V, 0, 0, B(0), 0x12345678, "ldr-value" },
	{ W, 4, 4, B(0x77, 0x66, 0x55, 0x44), 0, "str-pre-index-writeback" },
	{ V, 0, 0, B(0), BASE + 4, "str-writeback-base" },
	{ R, 4, 4, B(1, 2, 3, 4), 0, "ldr-post-index" },
	{ V, 0, 0, B(0), 0x04030201, "ldr-post-index-value" },
	{ V, 0, 0, B(0), BASE + 12, "ldr-post-index-base" },
	{ R, 10, 2, B(0xfe, 0xff), 0, "ldrh-negative-pre-index" },
	{ V, 0, 0, B(0), 0xfffe, "ldrh-negative-pre-index-value" },
	{ V, 0, 0, B(0), BASE + 10, "ldrh-negative-pre-index-base" },
	{ R, 8, 4, B(9, 9, 9, 9), 0, "ldr-register-offset-shifted" },
	{ V, 0, 0, B(0), 0x09090909, "ldr-register-offset-value" },
	{ R, 10, 1, B(0xc0), 0, "ldrsb-post-index-register" },
	{ V, 0, 0, B(0), 0xffffffc0, "ldrsb-post-index-register-value" },
	{ V, 0, 0, B(0), BASE + 8, "ldrsb-post-index-register-base" },
	{ W, 24, 8, B(0xdd, 0xcc, 0xbb, 0xaa, 0x44, 0x33, 0x22, 0x11), 0, "strd" },
	{ R, 32, 8, B(1, 2, 3, 4, 5, 6, 7, 8), 0, "ldrd" },
	{ V, 0, 0, B(0), 0x04030201, "ldrd-first-register" },
	{ V, 0, 0, B(0), 0x08070605, "ldrd-second-register" },
	{ W, 40, 8, B(1, 2, 3, 4, 5, 6, 7, 8), 0, "strd-writeback" },
	{ V, 0, 0, B(0), BASE + 40, "strd-writeback-base" },
	{ W, 48, 4, B(0x88, 0x77, 0x66, 0x55), 0, "thumb2-str-imm12" },
	{ R, 4, 4, B(0xaa, 0, 0, 0), 0, "thumb2-ldr-pre-index-writeback" },
	{ V, 0, 0, B(0), 0xaa, "thumb2-ldr-value" },
	{ V, 0, 0, B(0), BASE + 4, "thumb2-ldr-writeback-base" },
	{ R, 4, 2, B(0x00, 0x90), 0, "thumb2-ldrsh-post-index" },
	{ V, 0, 0, B(0), 0xffff9000, "thumb2-ldrsh-value" },
	{ V, 0, 0, B(0), BASE + 0, "thumb2-ldrsh-post-index-base" },
	{ R, 4, 1, B(0x7f), 0, "thumb2-ldrb-register-offset" },
	{ V, 0, 0, B(0), 0x7f, "thumb2-ldrb-register-value" },
	{ R, 56, 8, B(0x10, 0x20, 0x30, 0x40, 0x50, 0x60, 0x70, 0x80), 0, "thumb2-ldrd" },
	{ V, 0, 0, B(0), 0x40302010, "thumb2-ldrd-first-register" },
	{ V, 0, 0, B(0), 0x80706050, "thumb2-ldrd-second-register" },
	{ W, 8, 8, B(0x50, 0x60, 0x70, 0x80, 0x10, 0x20, 0x30, 0x40), 0, "thumb2-strd-writeback" },
	{ V, 0, 0, B(0), BASE + 8, "thumb2-strd-writeback-base" },
	{ W, 8, 2, B(0x88, 0x77), 0, "thumb2-strh-post-index" },
	{ V, 0, 0, B(0), BASE + 14, "thumb2-strh-post-index-base" },
	{ R, 64, 4, B(0x12, 0x34, 0x56, 0x78), 0, "big-endian-ldr" },
	{ W, 68, 4, B(0x11, 0x22, 0x33, 0x44), 0, "big-endian-str" },
	{ R, 72, 2, B(0x80, 0x01), 0, "big-endian-ldrsh" },
	{ R, 80, 8, B(1, 2, 3, 4, 5, 6, 7, 8), 0, "big-endian-ldrd" },
	{ V, 0, 0, B(0), 0x12345678, "big-endian-ldr-value" },
	{ V, 0, 0, B(0), 0xffff8001, "big-endian-ldrsh-value" },
	{ V, 0, 0, B(0), 0x01020304, "big-endian-ldrd-first-register" },
	{ V, 0, 0, B(0), 0x05060708, "big-endian-ldrd-second-register" },
};

#define NR_EVENTS	(sizeof(events) / sizeof(events[0]))
#define NR_DOUBLES	7	/* LDRD/STRD: never a valid syndrome */

static bool check_event(const struct event *e, struct ucall uc, struct kvm_run *run)
{
	if (e->kind == V) {
		if (uc.kind != UC_VALUE)
			return tap_ok(false, "%s (exit %d, not a reported value)", e->name, uc.kind);
		return tap_eq(uc.value, e->value, "%s", e->name);
	}
	if (uc.kind != UC_MMIO)
		return tap_ok(false, "%s (exit %d %#x, not MMIO)", e->name, uc.kind, uc.value);
	if (run->mmio.phys_addr != BASE + e->off || run->mmio.len != e->len ||
	    run->mmio.is_write != (e->kind == W)) {
		return tap_ok(false, "%s (got %s of %u at %#llx, expected %s of %u at %#x)",
			      e->name, run->mmio.is_write ? "write" : "read",
			      run->mmio.len, (unsigned long long)run->mmio.phys_addr,
			      e->kind == W ? "write" : "read", e->len, BASE + e->off);
	}
	if (e->kind == R) {
		memcpy(run->mmio.data, e->data, sizeof(run->mmio.data));
		return tap_ok(true, "%s", e->name);
	}
	if (memcmp(run->mmio.data, e->data, e->len)) {
		tap_diag("data %02x %02x %02x %02x %02x %02x %02x %02x", run->mmio.data[0],
			 run->mmio.data[1], run->mmio.data[2], run->mmio.data[3],
			 run->mmio.data[4], run->mmio.data[5], run->mmio.data[6],
			 run->mmio.data[7]);
		return tap_ok(false, "%s (data differs)", e->name);
	}
	return tap_ok(true, "%s", e->name);
}

/*
 * A Thumb-2 load without syndrome whose halfwords lie in two pages the
 * guest maps apart (tests/guest/straddle.S): its second halfword is not
 * the one after the first in guest-physical order, which holds a decoy.
 */
static void test_insn_across_pages(void)
{
	struct kvm_run *run;
	struct tvm vm;
	struct ucall uc;

	if (tvm_create(&vm, "straddle", 4 << 20, 1))
		tap_bail("cannot create the VM");
	uc = tvm_run_ucall(&vm.vcpu[0]);
	tap_ok(uc.kind == UC_VALUE && uc.value == 1, "straddle-guest-turns-its-mmu-on");
	uc = tvm_run_ucall(&vm.vcpu[0]);
	run = vm.vcpu[0].run;
	if (uc.kind == UC_MMIO)
		tap_diag("decoded as an access at %#llx", (unsigned long long)run->mmio.phys_addr);
	tap_ok(uc.kind == UC_OTHER_EXIT && uc.value == KVM_EXIT_INTERNAL_ERROR &&
	       run->internal.suberror == KVM_INTERNAL_ERROR_EMULATION &&
	       run->internal.data[1] == 0x800ffffe,
	       "thumb2-mmio-across-pages-mapped-apart-is-an-emulation-failure (exit kind %d, %d)",
	       uc.kind, uc.value);
	tvm_destroy(&vm);
}

int main(void)
{
	struct kvm_run *run;
	struct tvm vm;
	struct ucall uc;
	unsigned int i;
	uint32_t pc;

	tap_plan(NR_EVENTS + 5);
	if (!module_loaded("armvirt") && module_load(ARMVIRT_KO))
		tap_bail("armvirt does not load");
	if (tvm_create(&vm, "mmio", 1 << 20, 1))
		tap_bail("cannot create the VM");

	for (i = 0; i < NR_EVENTS; i++) {
		uc = tvm_run_ucall(&vm.vcpu[0]);
		if (!check_event(&events[i], uc, vm.vcpu[0].run)) {
			tap_diag("guest pc %#x cpsr %#x", tvm_core_reg(&vm.vcpu[0], 15),
				 tvm_core_reg(&vm.vcpu[0], 16));
			tap_bail("the guest went off the expected sequence");
		}
	}
	uc = tvm_run_ucall(&vm.vcpu[0]);
	run = vm.vcpu[0].run;
	pc = tvm_core_reg(&vm.vcpu[0], 15);
	tap_ok(uc.kind == UC_OTHER_EXIT && uc.value == KVM_EXIT_INTERNAL_ERROR &&
	       run->internal.suberror == KVM_INTERNAL_ERROR_EMULATION &&
	       run->internal.data[1] == pc && run->internal.data[2] == BASE,
	       "ldm-to-mmio-is-an-emulation-failure-exit (exit %d, pc %#x)", uc.value, pc);
	tvm_set_core_reg(&vm.vcpu[0], 15, pc + 4);	/* the VMM skips it */
	uc = tvm_run_ucall(&vm.vcpu[0]);
	tap_ok(uc.kind == UC_SYSTEM_EVENT, "guest-powers-off-after-the-sequence");
	tap_ok(tvm_exit_count(0, "mmio_decoded") >= NR_DOUBLES,
	       "accesses-without-syndrome-were-decoded (%ld)",
	       tvm_exit_count(0, "mmio_decoded"));
	tvm_destroy(&vm);
	test_insn_across_pages();
	tap_finish();
}
