/* SPDX-License-Identifier: MIT */
#include <stdarg.h>

#include "tests/guest/lib/exit.h"
#include "tests/guest/lib/printf.h"
#include "tests/guest/lib/report.h"

static unsigned int nr_pass, nr_fail, nr_skip;

static void report(const char *kind, const char *name, const char *fmt, va_list ap)
{
	printf("%s: %s (", kind, name);
	vprintf(fmt, ap);
	printf(")\n");
}

void pass(const char *name)
{
	nr_pass++;
	printf("PASS: %s\n", name);
}

void fail(const char *name, const char *fmt, ...)
{
	va_list ap;

	nr_fail++;
	va_start(ap, fmt);
	report("FAIL", name, fmt, ap);
	va_end(ap);
}

void skip(const char *name, const char *fmt, ...)
{
	va_list ap;

	nr_skip++;
	va_start(ap, fmt);
	report("SKIP", name, fmt, ap);
	va_end(ap);
}

bool check(bool cond, const char *name, const char *fmt, ...)
{
	va_list ap;

	if (cond) {
		pass(name);
		return true;
	}
	nr_fail++;
	va_start(ap, fmt);
	report("FAIL", name, fmt, ap);
	va_end(ap);
	return false;
}

void info(const char *fmt, ...)
{
	va_list ap;

	printf("INFO: ");
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
}

void summary(void)
{
	printf("SUMMARY: %u tests, %u failures, %u skipped\n", nr_pass + nr_fail + nr_skip, nr_fail,
	       nr_skip);
	guest_exit(nr_fail ? 1 : 0);
}
