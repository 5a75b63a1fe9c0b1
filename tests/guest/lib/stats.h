/* SPDX-License-Identifier: MIT */
/* Order statistics and histogram buckets of a set of samples, for the benchmark guest. */
#ifndef GUEST_LIB_STATS_H
#define GUEST_LIB_STATS_H

#include <stdint.h>

struct sample_stats {
	uint32_t n;
	int32_t min, p50, p90, p99, max;
	int64_t sum;
};

/*
 * Sorts a[0..n) in place, ascending, and summarises it: percentiles by the nearest-rank method.
 * 0 < n < 2^32 / 100.
 */
void sample_stats(int32_t *a, uint32_t n, struct sample_stats *s);

/*
 * The histogram bucket [*lo, *hi] that holds v (> INT32_MIN): one per value up to 15 in
 * magnitude, then eight per power of two (at most 12.5% wide), mirrored for negative values.
 * Buckets are ordered as their values are, so a sorted array falls into them in runs.
 */
void hist_bucket(int32_t v, int32_t *lo, int32_t *hi);

#endif
