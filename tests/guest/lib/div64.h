/* SPDX-License-Identifier: MIT */
/*
 * 64-bit division for the 32-bit guests, which have no libgcc (tests/guest/guest.mk): gcc would
 * call __udivdi3 for a plain 64-bit '/'.
 */
#ifndef GUEST_LIB_DIV64_H
#define GUEST_LIB_DIV64_H

#include <stdint.h>

/* n / d for a 32-bit d: two divl, the first one's remainder feeding the second. */
static inline uint64_t div_u64_u32(uint64_t n, uint32_t d)
{
	uint32_t hi = (uint32_t)(n >> 32), lo = (uint32_t)n, qhi = hi / d, r = hi % d, qlo;

	asm("divl %4" : "=a"(qlo), "=d"(r) : "a"(lo), "d"(r), "rm"(d));
	return ((uint64_t)qhi << 32) | qlo;
}

/* n / d rounded to nearest, for n + d / 2 below 2^64. */
static inline uint64_t div_round_u64_u32(uint64_t n, uint32_t d)
{
	return div_u64_u32(n + d / 2, d);
}

/* n / d for any d in 1..2^63: restoring division, one bit at a time. */
static inline uint64_t div_u64(uint64_t n, uint64_t d)
{
	uint64_t q = 0, r = 0;
	int i;

	if (!(d >> 32))
		return div_u64_u32(n, (uint32_t)d);
	for (i = 63; i >= 0; i--) {
		r = (r << 1) | ((n >> i) & 1);
		if (r >= d) {
			r -= d;
			q |= 1ull << i;
		}
	}
	return q;
}

#endif
