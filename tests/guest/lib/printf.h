/* SPDX-License-Identifier: MIT */
/* printf to COM1 through lib/fmt.c (its conversions: see lib/fmt.h). */
#ifndef GUEST_LIB_PRINTF_H
#define GUEST_LIB_PRINTF_H

#include <stdarg.h>

int printf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
int vprintf(const char *fmt, va_list ap);

#endif
