/* SPDX-License-Identifier: MIT */
/*
 * printf-style formatting into a sink callback, shared by the hypervisor console, the guest test
 * kernels and the host unit tests. Supported: %d %i %u %x %X %o %p %s %c %%, the length
 * modifiers hh h l ll z, flags '-' '0' '#' (hex only), a field width and a precision (also as '*').
 * %p prints 0x and 16 hex digits. No floating point: nothing here may touch the FPU/SSE state.
 */
#ifndef LIB_FMT_H
#define LIB_FMT_H

#include <stdarg.h>
#include <stddef.h>

/* Receives each output character; ctx is the caller's. */
typedef void (*fmt_sink_fn)(char c, void *ctx);

/* Returns the number of characters produced. */
int vformat(fmt_sink_fn sink, void *ctx, const char *fmt, va_list ap);
int format(fmt_sink_fn sink, void *ctx, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* snprintf semantics: always NUL-terminates when size > 0, returns the untruncated length. */
int vsnprintf(char *buf, size_t size, const char *fmt, va_list ap);
int snprintf(char *buf, size_t size, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

#endif
