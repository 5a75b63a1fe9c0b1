/* SPDX-License-Identifier: MIT */
#include <stdarg.h>

#include "lib/error.h"
#include "lib/fmt.h"

int error_set(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
	return -1;
}
