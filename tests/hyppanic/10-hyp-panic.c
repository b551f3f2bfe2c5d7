// SPDX-License-Identifier: GPL-2.0-only
/*
 * The lowvisor's panic path: an undefined instruction in HYP (a self-test
 * the module offers only with hyp_panic_selftest=1) must bring the host back
 * to SVC mode, report through panic() (tests/run.sh checks the console for
 * the message), and leave a host that can still crash-kexec through the
 * lowvisor into the payload in HYP mode (which reports check 4).
 */
#define _GNU_SOURCE
#include "board.h"
#include "kexec.h"
#include "tap.h"

#define SELFTEST "/sys/kernel/debug/armvirt/hyp_panic_selftest"

int main(void)
{
	unsigned long base;

	tap_plan(4);
	tap_eq(module_load_params(ARMVIRT_KO, "hyp_panic_selftest=1"), 0,
	       "armvirt-loads-with-the-self-test");
	base = kexec_crash_region();
	if (!base)
		tap_bail("no \"Crash kernel\" region in /proc/iomem (crashkernel= missing?)");
	if (!kexec_prepare_payload(base, true))
		tap_bail("no crash payload");
	write_file(SELFTEST, "1");
	tap_bail("writing %s did not panic the host", SELFTEST);
}
