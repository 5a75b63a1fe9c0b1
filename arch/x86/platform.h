/* SPDX-License-Identifier: MIT */
/* Ending the run: every test run and every fatal error leaves through platform_exit(). */
#ifndef ARCH_X86_PLATFORM_H
#define ARCH_X86_PLATFORM_H

#include <stdint.h>

#define STATUS_SUCCESS	0
#define STATUS_FAILURE	1

/*
 * Prints "tickvisor: exit status N" (the runners read the status from this line, since Bochs
 * can only report 0 or 1), then leaves through the emulator's exit device, else halts.
 */
void __attribute__((noreturn)) platform_exit(uint32_t code);

#endif
