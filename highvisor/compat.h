/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * armvirt: every difference between the kernels armvirt builds against
 * (Debian armhf 5.10, 6.1, 6.12 and 7.x; armmp, armmp-lpae, rt-armmp) in one
 * place. The rest of the module calls only the armvirt_* names below, or
 * interfaces that are the same on all of them.
 *
 * Wrappers carry an armvirt_ prefix instead of back-porting the new names:
 * stable and -rt trees sometimes gain a new interface before the version
 * that introduced it (5.10-rt has kmap_local_page()), and a same-named
 * inline would then clash.
 */
#ifndef ARMVIRT_COMPAT_H
#define ARMVIRT_COMPAT_H

#include <linux/eventfd.h>
#include <linux/highmem.h>
#include <linux/hrtimer.h>
#include <linux/version.h>
#include <linux/workqueue.h>

/* 5.11 added kmap_local_page()/kunmap_local(); 5.10 has only kmap_atomic(). */
#if LINUX_VERSION_CODE >= KERNEL_VERSION(5, 11, 0)
#define armvirt_kmap_local_page(page)	kmap_local_page(page)
#define armvirt_kunmap_local(addr)	kunmap_local(addr)
#else
#define armvirt_kmap_local_page(page)	kmap_atomic(page)
#define armvirt_kunmap_local(addr)	kunmap_atomic(addr)
#endif

/* 6.8 dropped eventfd_signal()'s count argument (always 1) and its return value. */
static inline void armvirt_eventfd_signal(struct eventfd_ctx *ctx)
{
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 8, 0)
	eventfd_signal(ctx);
#else
	eventfd_signal(ctx, 1);
#endif
}

/* 6.13 added hrtimer_setup(); 6.15 removed hrtimer_init() and made ->function private. */
static inline void armvirt_hrtimer_setup(struct hrtimer *timer,
					 enum hrtimer_restart (*fn)(struct hrtimer *),
					 clockid_t clock_id, enum hrtimer_mode mode)
{
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 13, 0)
	hrtimer_setup(timer, fn, clock_id, mode);
#else
	hrtimer_init(timer, clock_id, mode);
	timer->function = fn;
#endif
}

/* 6.17 added WQ_PERCPU; 7.2 warns if alloc_workqueue() gets neither it nor WQ_UNBOUND. */
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 17, 0)
#define ARMVIRT_WQ_PERCPU	WQ_PERCPU
#else
#define ARMVIRT_WQ_PERCPU	0	/* no flag: per-CPU */
#endif

#endif /* ARMVIRT_COMPAT_H */
