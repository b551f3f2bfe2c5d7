// SPDX-License-Identifier: GPL-2.0-only
#define _GNU_SOURCE
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

#include "tap.h"

static int planned, ran, failed;

void tap_plan(int n)
{
	planned = n;
	printf("TAP version 13\n1..%d\n", n);
	fflush(stdout);
}

static void vline(const char *prefix, const char *fmt, va_list ap,
		  const char *suffix)
{
	fputs(prefix, stdout);
	vprintf(fmt, ap);
	fputs(suffix, stdout);
	fflush(stdout);
}

/* Counts and prints one check. */
static bool vreport(bool cond, const char *fmt, va_list ap)
{
	char prefix[32];

	ran++;
	if (!cond)
		failed++;
	snprintf(prefix, sizeof(prefix), "%sok %d ", cond ? "" : "not ", ran);
	vline(prefix, fmt, ap, "\n");
	return cond;
}

bool tap_ok(bool cond, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vreport(cond, fmt, ap);
	va_end(ap);
	return cond;
}

bool tap_eq_ll(long long actual, long long expected, const char *fmt, ...)
{
	bool cond = actual == expected;
	va_list ap;

	va_start(ap, fmt);
	vreport(cond, fmt, ap);
	va_end(ap);
	if (!cond)
		tap_diag("expected %lld (%#llx), got %lld (%#llx)",
			 expected, expected, actual, actual);
	return cond;
}

void tap_skip(const char *reason, const char *fmt, ...)
{
	char prefix[32];
	va_list ap;

	ran++;
	snprintf(prefix, sizeof(prefix), "ok %d ", ran);
	va_start(ap, fmt);
	vline(prefix, fmt, ap, " # SKIP ");
	va_end(ap);
	printf("%s\n", reason);
	fflush(stdout);
}

void tap_diag(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vline("# ", fmt, ap, "\n");
	va_end(ap);
}

_Noreturn void tap_finish(void)
{
	if (ran != planned)
		tap_diag("planned %d checks, ran %d", planned, ran);
	exit(failed || ran != planned ? 1 : 0);
}

_Noreturn void tap_bail(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vline("Bail out! ", fmt, ap, "\n");
	va_end(ap);
	while (ran < planned)
		tap_ok(false, "not run (bailed out)");
	exit(1);
}
