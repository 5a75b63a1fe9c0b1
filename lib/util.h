/* SPDX-License-Identifier: MIT */
/* Sizes, alignment and array lengths: the few helpers every part of the hypervisor wants. */
#ifndef LIB_UTIL_H
#define LIB_UTIL_H

#include <stdint.h>

#define KIB		1024ull
#define MIB		(1024 * KIB)
#define GIB		(1024 * MIB)
#define SIZE_2M		(2 * MIB)	/* a large page, in the host tables and the EPT */

#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))

/* x rounded up to a multiple of align, a power of two. */
static inline uint64_t align_up(uint64_t x, uint64_t align)
{
	return (x + align - 1) & ~(align - 1);
}

#endif
