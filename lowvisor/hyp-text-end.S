/* SPDX-License-Identifier: GPL-2.0-only */
/* Last object with code in .hyp.text: closes the range HYP maps. */
#include <linux/linkage.h>

	.section .hyp.text, "ax"
ENTRY(__lv_text_end)
