// SPDX-License-Identifier: GPL-2.0-only
/*
 * The VMM's threads (vCPUs, I/O, disk workers, control, throttle ticker),
 * and the test programs', start here, on a 256 KiB stack instead of the C
 * library's 8 MiB.
 *
 * Why: with transparent huge pages on ("always"), an 8 MiB stack gets a
 * 2 MiB huge page as soon as it is touched: 2 MiB of RAM a thread that
 * needs a few KiB. And when such a thread exits, the C library gives its
 * stack back with MADV_DONTNEED, which splits that huge page while
 * pthread_join() in another thread waits on a futex in the same 2 MiB;
 * on 32-bit ARM with LPAE the split leaves the entry invalid for a moment,
 * and 6.1's get_user_pages() takes that for a BUG with CONFIG_DEBUG_VM
 * (the debug board crashed in follow_pmd_mask() this way, under the VMM
 * and under the fuzz test). A stack smaller than 2 MiB can never be a
 * huge page.
 */
#include <errno.h>
#include <pthread.h>

#include "thread.h"

#define SMALL_STACK_BYTES	(256 * 1024)

int thread_create_small_stack(pthread_t *thread, void *(*fn)(void *), void *arg)
{
	pthread_attr_t attr;
	int ret = pthread_attr_init(&attr);

	if (ret)
		return ret;
	ret = pthread_attr_setstacksize(&attr, SMALL_STACK_BYTES);
	if (!ret)
		ret = pthread_create(thread, &attr, fn, arg);
	pthread_attr_destroy(&attr);
	return ret;
}
