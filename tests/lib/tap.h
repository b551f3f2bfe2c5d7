/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * A small TAP 13 producer in the style of the kernel's kselftest.h.
 * Every check names the behaviour it checks; a failing check also prints
 * what was expected and what was seen, as a TAP comment.
 */
#ifndef ARMVIRT_TESTS_TAP_H
#define ARMVIRT_TESTS_TAP_H

#include <stdbool.h>
#include <stdint.h>

void tap_plan(int n);
/* Returns cond, so that a test can stop when a check it depends on fails. */
bool tap_ok(bool cond, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
void tap_skip(const char *reason, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
void tap_diag(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Ends the program: exit status 0 if every planned check ran and passed. */
_Noreturn void tap_finish(void);
/* Abandons the program, counting the checks not yet run as failures. */
_Noreturn void tap_bail(const char *fmt, ...)
	__attribute__((format(printf, 1, 2)));

/* A check of an integer against its expected value; a failure prints both. */
bool tap_eq_ll(long long actual, long long expected, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
#define tap_eq(actual, expected, ...) \
	tap_eq_ll((long long)(actual), (long long)(expected), __VA_ARGS__)

#endif
