/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Never reads its console: waits for an interrupt, with none enabled,
 * forever. The VMM's console tests fill its UART's buffer.
 */
#include "guest.h"

_start:
1:	wfi
	b	1b
