/* SPDX-License-Identifier: GPL-2.0-only */
/* Cache maintenance the kernel does not export in a stable form (cache.S). */
#ifndef ARMVIRT_MMU_CACHE_H
#define ARMVIRT_MMU_CACHE_H

#include <linux/types.h>

void armvirt_dcache_clean_poc(const void *start, size_t size);
void armvirt_dcache_flush_poc(const void *start, size_t size);
void armvirt_icache_inval_all(void);
void armvirt_bp_invalidate_local(void);

#endif /* ARMVIRT_MMU_CACHE_H */
