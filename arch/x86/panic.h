/* SPDX-License-Identifier: MIT */
/* Fatal errors in the hypervisor: message, stack trace, failure exit. */
#ifndef ARCH_X86_PANIC_H
#define ARCH_X86_PANIC_H

#include <stdint.h>

void __attribute__((noreturn, format(printf, 1, 2))) panic(const char *fmt, ...);
/* Return addresses along the RBP chain (the hypervisor keeps frame pointers). */
void panic_backtrace(uint64_t rbp);
void __attribute__((noreturn)) panic_stop(void);

#endif
