/* SPDX-License-Identifier: MIT */
/*
 * Rate limiting for log lines a guest or a device can trigger at will: the first few events are
 * reported one by one, then only the 2^k-th, so that a storm prints a logarithmic number of
 * lines and the console (shared with the guest) stays usable. The caller keeps the count.
 */
#ifndef ARCH_X86_RATELIMIT_H
#define ARCH_X86_RATELIMIT_H

#include <stdbool.h>
#include <stdint.h>

#define RATELIMIT_BURST		10

/* Whether the event numbered n (1 for the first) gets a log line. */
static inline bool ratelimit_report(uint64_t n)
{
	return n <= RATELIMIT_BURST || !(n & (n - 1));
}

/*
 * For an event n that ratelimit_report() let through: how many were left out since the last one
 * it let through (n / 2, or the burst's last), for the line to say so.
 */
static inline uint64_t ratelimit_suppressed(uint64_t n)
{
	if (n <= RATELIMIT_BURST)
		return 0;
	return n - 1 - (n / 2 > RATELIMIT_BURST ? n / 2 : RATELIMIT_BURST);
}

#endif
