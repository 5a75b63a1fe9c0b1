/* SPDX-License-Identifier: MIT */
/* The parsers' way of saying why they failed: a sentence in the caller's buffer, and -1. */
#ifndef LIB_ERROR_H
#define LIB_ERROR_H

#include <stddef.h>

/* Formats into err (snprintf rules; nothing when errlen is 0) and returns -1. */
int error_set(char *err, size_t errlen, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

#endif
