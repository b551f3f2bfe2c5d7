/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Threads on a small stack (thread.c): the VMM's, and the test programs'
 * (tests/Makefile builds thread.c into their library), so that no thread
 * stack is ever a transparent huge page.
 */
#ifndef ARMVIRT_VMM_THREAD_H
#define ARMVIRT_VMM_THREAD_H

#include <pthread.h>

/* pthread_create() on a 256 KiB stack: 0 or an errno. */
int thread_create_small_stack(pthread_t *thread, void *(*fn)(void *), void *arg);

#endif
