/* SPDX-License-Identifier: MIT */
#include <stddef.h>

#include "lib/fmt.h"
#include "tests/guest/lib/printf.h"
#include "tests/guest/lib/serial.h"

static void serial_sink(char c, void *ctx)
{
	(void)ctx;
	serial_putc(c);
}

int vprintf(const char *fmt, va_list ap)
{
	return vformat(serial_sink, NULL, fmt, ap);
}

int printf(const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vprintf(fmt, ap);
	va_end(ap);
	return n;
}
