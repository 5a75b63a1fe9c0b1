/* SPDX-License-Identifier: MIT */
#include <stdarg.h>

#include "arch/x86/cpu.h"
#include "arch/x86/log.h"
#include "arch/x86/panic.h"
#include "arch/x86/platform.h"

extern char __image_start[], __image_end[];

#define BACKTRACE_MAX 16

void panic_backtrace(uint64_t rbp)
{
	uint64_t lo = (uint64_t)__image_start, hi = (uint64_t)__image_end;

	kprintf("  stack trace:");
	/* Each frame: [rbp] = caller's rbp, [rbp + 8] = return address. Stop at anything odd. */
	for (int i = 0; i < BACKTRACE_MAX && rbp >= lo && rbp + 16 <= hi && !(rbp & 7); i++) {
		const uint64_t *frame = (const uint64_t *)rbp;

		kprintf(" %lx", frame[1]);
		if (frame[0] <= rbp)
			break;
		rbp = frame[0];
	}
	kprintf("\n");
}

void panic_stop(void)
{
	platform_exit(EXIT_FAILURE_CODE);
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
