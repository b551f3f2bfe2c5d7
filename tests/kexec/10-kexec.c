// SPDX-License-Identifier: GPL-2.0-only
/*
 * kexec with armvirt loaded: the reboot notifier gives every CPU its stub
 * back, the kernel soft-restarts through it, and the payload starts in HYP
 * mode (the payload prints check 4 and powers the board off).
 */
#define _GNU_SOURCE
#include <linux/reboot.h>
#include <sys/reboot.h>
#include <unistd.h>

#include "board.h"
#include "kexec.h"
#include "tap.h"

#define PAYLOAD_PA 0x48000000ul	/* RAM on the board starts at 0x40000000 */

int main(void)
{
	tap_plan(4);
	tap_eq(module_load(ARMVIRT_KO), 0, "armvirt-loads");
	if (!kexec_prepare_payload(PAYLOAD_PA, false))
		tap_bail("no payload to kexec");
	sync();
	reboot(LINUX_REBOOT_CMD_KEXEC);
	tap_bail("reboot(LINUX_REBOOT_CMD_KEXEC) returned");
}
