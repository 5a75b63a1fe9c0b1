/* SPDX-License-Identifier: MIT */
/* Fatal errors in the hypervisor: message, stack trace, failure exit. */
#ifndef ARCH_X86_PANIC_H
#define ARCH_X86_PANIC_H

#include <stdint.h>

void __attribute__((noreturn, format(printf, 1, 2))) panic(const char *fmt, ...);
/* Return addresses along the RBP chain (the hypervisor keeps frame pointers). */
void panic_backtrace(uint64_t rbp);
void __attribute__((noreturn)) panic_stop(void);
/* fn runs once in panic_stop, before the failure exit: a layer above adds its state (the exit
 * trace) without arch/x86 depending on it. */
void panic_set_hook(void (*fn)(void));

/*
 * The hypervisor's functions, sorted by address: a table that tools/ksyms generates from the
 * first link pass's nm output and the second pass links in (Makefile), so that a stack trace
 * names functions. size is 0 where nm knows none (assembly labels).
 */
struct ksym {
	uint64_t addr;
	uint64_t size;
	const char *name;
};

extern const struct ksym ksyms[];
extern const unsigned int ksyms_count;

/* The function holding addr and addr's offset in it; NULL when no entry covers addr. */
const struct ksym *ksym_lookup(uint64_t addr);

#endif
