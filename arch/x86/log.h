/* SPDX-License-Identifier: MIT */
/*
 * The hypervisor's console: printf-style output to COM1 with log levels. Every line the
 * hypervisor prints starts with "tickvisor: " so a log shared with the guest stays readable.
 */
#ifndef ARCH_X86_LOG_H
#define ARCH_X86_LOG_H

#include <stdarg.h>

enum log_level {
	LOG_ERROR,
	LOG_WARN,
	LOG_INFO,
	LOG_DEBUG,
};

void log_set_level(enum log_level level);
/* Prints at `level` when the console's level allows it; the prefix is added, the newline not. */
void log_printf(enum log_level level, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void log_vprintf(enum log_level level, const char *fmt, va_list ap);
/* Raw output, no prefix and no level: for multi-part lines and the exit statistics. */
void kprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#define pr_err(...)	log_printf(LOG_ERROR, __VA_ARGS__)
#define pr_warn(...)	log_printf(LOG_WARN, __VA_ARGS__)
#define pr_info(...)	log_printf(LOG_INFO, __VA_ARGS__)
#define pr_debug(...)	log_printf(LOG_DEBUG, __VA_ARGS__)

#endif
