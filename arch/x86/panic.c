/* SPDX-License-Identifier: MIT */
#include <stdarg.h>
#include <stddef.h>

#include "arch/x86/cpu.h"
#include "arch/x86/log.h"
#include "arch/x86/panic.h"
#include "arch/x86/platform.h"

extern char __image_start[], __image_end[];

#define BACKTRACE_MAX 16

const struct ksym *ksym_lookup(uint64_t addr)
{
	unsigned int lo = 0, hi = ksyms_count;
	const struct ksym *k;

	/* The last entry at or below addr: binary search for the first one above it. */
	while (lo < hi) {
		unsigned int mid = lo + (hi - lo) / 2;

		if (ksyms[mid].addr <= addr)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (!lo)
		return NULL;
	k = &ksyms[lo - 1];
	/* A sized function ends where nm says; an assembly label runs to the next entry. */
	if (k->size && addr - k->addr >= k->size)
		return NULL;
	return k;
}

/*
 * A return address names its caller by the byte before it: a call that ends a function (to a
 * noreturn callee) returns to the first byte of the next one.
 */
static void print_frame(unsigned int i, uint64_t ret)
{
	const struct ksym *k = ksym_lookup(ret - 1);

	if (k)
		kprintf("    #%u %016lx %s+%#lx\n", i, ret, k->name, ret - k->addr);
	else
		kprintf("    #%u %016lx ?\n", i, ret);
}

void panic_backtrace(uint64_t rbp)
{
	uint64_t lo = (uint64_t)__image_start, hi = (uint64_t)__image_end;
	uint64_t rets[BACKTRACE_MAX];
	unsigned int n = 0;

	/* Each frame: [rbp] = caller's rbp, [rbp + 8] = return address. Stop at anything odd. */
	while (n < BACKTRACE_MAX && rbp >= lo && rbp + 16 <= hi && !(rbp & 7)) {
		const uint64_t *frame = (const uint64_t *)rbp;

		rets[n++] = frame[1];
		if (frame[0] <= rbp)
			break;
		rbp = frame[0];
	}
	/* One line of addresses (for addr2line), then each with its function. */
	kprintf("  stack trace:");
	for (unsigned int i = 0; i < n; i++)
		kprintf(" %lx", rets[i]);
	kprintf("\n");
	for (unsigned int i = 0; i < n; i++)
		print_frame(i, rets[i]);
}

static void (*stop_hook)(void);

void panic_set_hook(void (*fn)(void))
{
	stop_hook = fn;
}

void panic_stop(void)
{
	void (*fn)(void) = stop_hook;

	/* Cleared first: a fault inside the hook must not run it again. */
	stop_hook = NULL;
	if (fn)
		fn();
	platform_exit(STATUS_FAILURE);
}

void panic(const char *fmt, ...)
{
	va_list ap;

	cli();
	va_start(ap, fmt);
	log_vprintf(LOG_ERROR, fmt, ap);
	va_end(ap);
	panic_backtrace((uint64_t)__builtin_frame_address(0));
	panic_stop();
}
