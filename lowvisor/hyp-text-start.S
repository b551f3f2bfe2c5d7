/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * First object in the link order that puts code in .hyp.text: the label
 * below opens the range of module text that the HYP page tables map.
 */
#include <linux/linkage.h>

	.section .hyp.text, "ax"
ENTRY(__lv_text_start)
