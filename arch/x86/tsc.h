/* SPDX-License-Identifier: MIT */
#ifndef ARCH_X86_TSC_H
#define ARCH_X86_TSC_H

#include <stdbool.h>
#include <stdint.h>

/* TSC frequency in Hz, measured by clock_calibrate(). */
uint64_t tsc_hz(void);

/*
 * Measures the TSC and the host LAPIC timer clock against PIT channel 2 and cross-checks the
 * TSC with CPUID leaves 0x15/0x16. Needs lapic_init() first. Returns false if no sane value.
 */
bool clock_calibrate(void);

static inline uint64_t tsc_to_ns(uint64_t ticks)
{
	return (uint64_t)(((unsigned __int128)ticks * 1000000000u) / tsc_hz());
}

static inline uint64_t ns_to_tsc(uint64_t ns)
{
	return (uint64_t)(((unsigned __int128)ns * tsc_hz()) / 1000000000u);
}

#endif
