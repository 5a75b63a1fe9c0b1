/* SPDX-License-Identifier: MIT */
#include <stdbool.h>

#include "tests/guest/lib/stats.h"

#define HIST_EXACT		16	/* magnitudes below this get a bucket each */
#define HIST_SUB_SHIFT		3	/* 2^3 buckets per power of two above them */

static void sift_down(int32_t *a, uint32_t root, uint32_t n)
{
	uint32_t child;
	int32_t t;

	while ((child = 2 * root + 1) < n) {
		if (child + 1 < n && a[child + 1] > a[child])
			child++;
		if (a[root] >= a[child])
			return;
		t = a[root];
		a[root] = a[child];
		a[child] = t;
		root = child;
	}
}

/* Heapsort: O(n log n) without recursion or extra memory, on a small guest stack. */
static void sort_i32(int32_t *a, uint32_t n)
{
	uint32_t i;
	int32_t t;

	for (i = n / 2; i-- > 0;)
		sift_down(a, i, n);
	for (i = n; i-- > 1;) {
		t = a[0];
		a[0] = a[i];
		a[i] = t;
		sift_down(a, 0, i);
	}
}

/* The pct-th percentile (0-100) of sorted[0..n) */
static int32_t percentile_i32(const int32_t *sorted, uint32_t n, uint32_t pct)
{
	/*
	 * Nearest rank: the smallest value with at least pct% of the samples at or below it. 32-bit
	 * arithmetic (no __udivdi3): n stays far below 2^32 / 100.
	 */
	uint32_t rank = (n * pct + 99) / 100;

	return sorted[rank ? rank - 1 : 0];
}

void sample_stats(int32_t *a, uint32_t n, struct sample_stats *s)
{
	uint32_t i;

	sort_i32(a, n);
	s->n = n;
	s->min = a[0];
	s->max = a[n - 1];
	s->p50 = percentile_i32(a, n, 50);
	s->p90 = percentile_i32(a, n, 90);
	s->p99 = percentile_i32(a, n, 99);
	s->sum = 0;
	for (i = 0; i < n; i++)
		s->sum += a[i];
}

void hist_bucket(int32_t v, int32_t *lo, int32_t *hi)
{
	bool neg = v < 0;
	uint32_t m = neg ? 0u - (uint32_t)v : (uint32_t)v, shift, l, h;

	if (m < HIST_EXACT) {
		l = h = m;
	} else {
		shift = 31 - (uint32_t)__builtin_clz(m) - HIST_SUB_SHIFT;
		l = m >> shift << shift;
		h = l + (1u << shift) - 1;
	}
	*lo = neg ? -(int32_t)h : (int32_t)l;
	*hi = neg ? -(int32_t)l : (int32_t)h;
}
