// SPDX-License-Identifier: GPL-2.0-only
/* After everything else: the host kernel is healthy and armvirt still works. */
#define _GNU_SOURCE
#include "board.h"
#include "health.h"
#include "lowvisor_check.h"
#include "tap.h"

int main(void)
{
	char why[256] = "";

	tap_plan(4);
	check_kernel_healthy();
	if (!tap_ok(module_loaded("armvirt") && lowvisor_everywhere(why, sizeof(why)),
		    "lowvisor-still-everywhere"))
		tap_diag("%s", why);
	tap_finish();
}
