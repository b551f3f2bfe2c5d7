// SPDX-License-Identifier: GPL-2.0-only
/*
 * Trapped CP15 and CP14 accesses and other trapped instructions, as seen
 * by a guest (tests/guest/traps.S): emulated registers read what ONE_REG
 * says, writes to them are ignored, PMU, debug and CBAR read as zero,
 * unknown registers and SMC are undefined instructions, a trapped
 * instruction whose condition fails does nothing, an MRC to APSR_nzcv
 * sets the condition flags.
 */
#include <stdio.h>

#include "board.h"
#include "tap.h"
#include "vm.h"

static uint32_t one_reg32(struct tvm_vcpu *v, uint64_t id)
{
	uint32_t val = 0xdeadbeef;

	tvm_get_reg(v, id, &val);
	return val;
}

int main(void)
{
	uint32_t actlr, l2ctlr, midr, mpidr, value;
	long cp15_before;
	struct tvm_vcpu *v;
	struct tvm vm;
	struct ucall uc;

	tap_plan(16);
	if (!module_loaded("armvirt") && module_load(ARMVIRT_KO))
		tap_bail("armvirt does not load");
	if (tvm_create(&vm, "traps", 1 << 20, 1))
		tap_bail("cannot create the VM");
	v = &vm.vcpu[0];
	actlr = one_reg32(v, ARM_CP15_REG32(0, 1, 0, 1));
	l2ctlr = one_reg32(v, ARM_CP15_REG32(1, 9, 0, 2));
	midr = one_reg32(v, ARM_CP15_REG32(0, 0, 0, 0));
	mpidr = one_reg32(v, ARM_CP15_REG32(0, 0, 0, 5));

	tap_eq(tvm_next_value(v, "actlr"), actlr, "actlr-reads-the-vcpu-value");
	tap_eq(tvm_next_value(v, "actlr-write"), actlr, "actlr-writes-are-ignored");
	/* QEMU's TCG (7.2) does not implement every trap: see what trapped. */
	cp15_before = tvm_exit_count(0, "cp15");
	value = tvm_next_value(v, "l2ctlr");
	if (tvm_exit_count(0, "cp15") > cp15_before)
		tap_eq(value, l2ctlr, "l2ctlr-reads-the-vcpu-value");
	else
		tap_skip("this CPU does not trap L2CTLR with HCR.TIDCP (QEMU TCG)",
			 "l2ctlr-reads-the-vcpu-value");
	tap_eq(tvm_next_value(v, "pmcr"), 0, "pmu-registers-read-as-zero");
	tap_eq(tvm_next_value(v, "dbgdidr"), 0, "debug-registers-read-as-zero");
	tap_eq(tvm_next_value(v, "midr"), midr, "midr-is-the-invariant-register");
	tap_eq(tvm_next_value(v, "mpidr"), mpidr, "mpidr-is-the-vcpu-value");
	tap_eq(tvm_next_value(v, "cbar"), 0, "cbar-reads-as-zero");
	tap_eq(tvm_next_value(v, "unknown-cp15"), 0xdd, "unknown-cp15-register-is-undefined");
	tap_eq(tvm_next_value(v, "smc"), 0xdd, "smc-is-undefined");
	tap_eq(tvm_next_value(v, "condition"), 7, "trapped-instruction-failing-its-condition-does-nothing");
	tap_eq(tvm_next_value(v, "set-way"), 0x5e7, "set-way-and-wfe-return-to-the-guest");
	tap_eq(tvm_next_value(v, "pmcr-to-flags"), 0, "mrc-to-apsr-nzcv-sets-the-flags");
	tap_eq(tvm_next_value(v, "dscr-to-flags"), 0, "cp14-mrc-to-apsr-nzcv-sets-the-flags");
	uc = tvm_run_ucall(v);
	tap_ok(uc.kind == UC_SYSTEM_EVENT, "guest-powers-off");
	tap_eq(tvm_exit_count(0, "undef_injected"), 2, "debugfs-counts-two-undefs");
	tap_diag("set/way operations trapped: %ld (QEMU TCG does not trap them with HCR.TSW)",
		 tvm_exit_count(0, "set_way"));
	tvm_destroy(&vm);
	tap_finish();
}
