/* SPDX-License-Identifier: MIT */
/*
 * Unit tests for the physical page allocator. The allocator zero-fills through the physical
 * address, so every test that allocates describes memory that lies inside a real heap arena;
 * the tests that only look at the range table use made-up low addresses.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "arch/x86/pmm.h"

#define KIB		1024ull
#define MIB		(1024 * KIB)
#define PAGE		PMM_PAGE_SIZE
#define ARENA_SIZE	(16 * MIB)

static uint8_t *arena;
static uint64_t A;	/* the arena's address, as the allocator sees it */

static int setup(void **state)
{
	(void)state;
	arena = aligned_alloc(2 * MIB, ARENA_SIZE);
	if (!arena)
		return -1;
	A = (uintptr_t)arena;
	/* The tests rely on the arena lying above the allocator's 1 MiB floor. */
	return A >= PMM_LOW_LIMIT ? 0 : -1;
}

static int teardown(void **state)
{
	(void)state;
	free(arena);
	return 0;
}

static void expect_ranges(const struct pmm_range *want, unsigned int n)
{
	struct pmm_range r;

	assert_int_equal(pmm_range_count(), n);
	for (unsigned int i = 0; i < n; i++) {
		pmm_get_range(i, &r);
		assert_int_equal(r.start, want[i].start);
		assert_int_equal(r.end, want[i].end);
	}
	pmm_get_range(n, &r);
	assert_int_equal(r.start, 0);
	assert_int_equal(r.end, 0);
}

static bool all_zero(uint64_t pa, uint64_t len)
{
	const uint8_t *p = (const uint8_t *)(uintptr_t)pa;

	for (uint64_t i = 0; i < len; i++)
		if (p[i])
			return false;
	return true;
}

static void test_low_memory_excluded(void **state)
{
	static const struct mb2_mmap_entry map[] = {
		{ 0, 0x9fc00, 1 },		/* conventional memory: below 1 MiB, never used */
		{ 0x80000, 0x180000, 1 },	/* straddles 1 MiB */
		{ 0x400000, 0x400000, 1 },
	};
	static const struct pmm_range want[] = { { 0x100000, 0x200000 }, { 0x400000, 0x800000 } };

	(void)state;
	assert_int_equal(pmm_init(map, 3, NULL, 0), 0);
	expect_ranges(want, 2);
	assert_int_equal(pmm_free_bytes(), 5 * MIB);
}

static void test_page_alignment(void **state)
{
	static const struct mb2_mmap_entry map[] = {
		{ 0x100001, 0x3ffffe, 1 },	/* shrinks inward: [1M + 4K, 5M - 4K) */
		{ 0x200001, 1, 2 },		/* a single reserved byte costs its whole page */
		{ 0x300fff, 2, 4 },		/* two bytes across a page boundary: two pages */
	};
	static const struct pmm_range want[] = {
		{ 0x101000, 0x200000 }, { 0x201000, 0x300000 }, { 0x302000, 0x4ff000 },
	};

	(void)state;
	assert_int_equal(pmm_init(map, 3, NULL, 0), 0);
	expect_ranges(want, 3);
}

/* Real firmware maps overlap and come unsorted; any non-available claim wins. */
static void test_overlapping_unsorted(void **state)
{
	static const struct mb2_mmap_entry map[] = {
		{ 0x300000, 0x500000, 1 },	/* [3M, 8M) */
		{ 0xa00000, 0x200000, 1 },	/* [10M, 12M) */
		{ 0x500000, 0x100000, 2 },	/* reserved [5M, 6M) inside available memory */
		{ 0x100000, 0x300000, 1 },	/* [1M, 4M): overlaps the first */
		{ 0x580000, 0x180000, 1 },	/* available again over the reserved part */
		{ 0x780000, 1, 3 },		/* ACPI data: one page at 7.5M */
		{ 0xc00000, 0x200000, 1 },	/* touches [10M, 12M): merged */
		{ 0x2000000, 0, 1 },		/* zero-length: adds nothing */
	};
	static const struct pmm_range want[] = {
		{ 0x100000, 0x500000 }, { 0x600000, 0x780000 }, { 0x781000, 0x800000 },
		{ 0xa00000, 0xe00000 },
	};
	/* A bad-memory entry over everything, listed last, still wins. */
	struct mb2_mmap_entry bad[9];

	(void)state;
	assert_int_equal(pmm_init(map, 8, NULL, 0), 0);
	expect_ranges(want, 4);
	assert_int_equal(pmm_free_bytes(), 4 * MIB + 0x180000 + 0x7f000 + 4 * MIB);

	memcpy(bad, map, sizeof(map));
	bad[8] = (struct mb2_mmap_entry){ 0, 0x100000000, 5 };
	assert_int_equal(pmm_init(bad, 9, NULL, 0), -1);
	assert_int_equal(pmm_free_bytes(), 0);
}

static void test_reserved_ranges(void **state)
{
	static const struct mb2_mmap_entry map[] = { { 0, 0x8000000, 1 } };
	static const struct pmm_range res[] = {
		{ 0x100000, 0x112345 },		/* kernel image: rounded out to 0x113000 */
		{ 0x2000010, 0x2000020 },	/* multiboot info, 16 bytes: a whole page */
		{ 0x3000000, 0x3400000 },	/* a module */
		{ 0x5000000, 0x4000000 },	/* start > end: empty, ignored */
	};
	static const struct pmm_range want[] = {
		{ 0x113000, 0x2000000 }, { 0x2001000, 0x3000000 }, { 0x3400000, 0x8000000 },
	};

	(void)state;
	assert_int_equal(pmm_init(map, 1, res, 4), 0);
	expect_ranges(want, 3);
}

/* The way to keep the allocator inside the identity map: reserve everything above it. */
static void test_reserve_to_top(void **state)
{
	static const struct mb2_mmap_entry map[] = {
		{ 0x100000, 0xfff00000, 1 }, { 0x100000000, 0x400000000, 1 },
	};
	static const struct pmm_range res[] = { { 0x40000000, UINT64_MAX } };
	static const struct pmm_range want[] = { { 0x100000, 0x40000000 } };

	(void)state;
	assert_int_equal(pmm_init(map, 2, res, 1), 0);
	expect_ranges(want, 1);
}

/* Entries reaching the end of the address space saturate instead of wrapping. */
static void test_top_of_address_space(void **state)
{
	static const struct mb2_mmap_entry map[] = {
		{ 0x100000, UINT64_MAX, 1 },
		{ 0xfffffffffffff800, 0x800, 2 },
	};
	static const struct pmm_range want[] = { { 0x100000, 0xfffffffffffff000 } };

	(void)state;
	assert_int_equal(pmm_init(map, 2, NULL, 0), 0);
	expect_ranges(want, 1);
}

static void test_nothing_usable(void **state)
{
	static const struct mb2_mmap_entry low[] = { { 0, 0xa0000, 1 }, { 0x100000, 0x800, 1 } };
	static const struct mb2_mmap_entry reserved_only[] = { { 0x100000, 0x1000000, 2 } };
	static const struct mb2_mmap_entry map[] = { { 0x100000, 0x100000, 1 } };
	static const struct pmm_range all[] = { { 0, 0x200000 } };

	(void)state;
	assert_int_equal(pmm_init(NULL, 0, NULL, 0), -1);
	assert_int_equal(pmm_init(low, 2, NULL, 0), -1);
	assert_int_equal(pmm_init(reserved_only, 1, NULL, 0), -1);
	assert_int_equal(pmm_init(map, 1, all, 1), -1);
	assert_int_equal(pmm_alloc_page(), 0);
}

static void test_too_many_ranges(void **state)
{
	struct mb2_mmap_entry map[PMM_MAX_RANGES + 1];
	struct pmm_range hole;

	(void)state;
	for (unsigned int i = 0; i <= PMM_MAX_RANGES; i++)
		map[i] = (struct mb2_mmap_entry){ 0x200000 + i * 0x2000ull, 0x1000, 1 };
	assert_int_equal(pmm_init(map, PMM_MAX_RANGES, NULL, 0), 0);
	assert_int_equal(pmm_range_count(), PMM_MAX_RANGES);
	assert_int_equal(pmm_init(map, PMM_MAX_RANGES + 1, NULL, 0), -1);

	/* The first range three pages long: reserving its first page keeps 128 ranges ... */
	map[0] = (struct mb2_mmap_entry){ 0x1fc000, 0x3000, 1 };
	hole = (struct pmm_range){ 0x1fc000, 0x1fc001 };
	assert_int_equal(pmm_init(map, PMM_MAX_RANGES, &hole, 1), 0);
	assert_int_equal(pmm_range_count(), PMM_MAX_RANGES);
	/* ... reserving its middle page would need 129. */
	hole = (struct pmm_range){ 0x1fd000, 0x1fd001 };
	assert_int_equal(pmm_init(map, PMM_MAX_RANGES, &hole, 1), -1);
}

static const struct mb2_mmap_entry *arena_map(void)
{
	static struct mb2_mmap_entry map[1];

	map[0] = (struct mb2_mmap_entry){ A, ARENA_SIZE, 1 };
	return map;
}

/* Every page, once, until exhaustion: none reserved, all zero-filled, then 0. */
static void test_exhaustion(void **state)
{
	/* A pretend kernel image and multiboot info inside the arena. */
	const struct pmm_range res[] = {
		{ A + 4 * MIB, A + 5 * MIB + 123 }, { A + 9 * MIB + 8, A + 9 * MIB + 16 },
	};
	const uint64_t reserved_pages = (1 * MIB + 4096) / PAGE + 1;
	const uint64_t pages = ARENA_SIZE / PAGE - reserved_pages;
	bool *seen = calloc(ARENA_SIZE / PAGE, sizeof(bool));
	uint64_t pa, count = 0, prev = 0;

	(void)state;
	assert_non_null(seen);
	memset(arena, 0xaa, ARENA_SIZE);
	assert_int_equal(pmm_init(arena_map(), 1, res, 2), 0);
	assert_int_equal(pmm_free_bytes(), pages * PAGE);
	while ((pa = pmm_alloc_page())) {
		uint64_t idx = (pa - A) / PAGE;

		assert_true(pa >= A && pa + PAGE <= A + ARENA_SIZE);
		assert_int_equal(pa % PAGE, 0);
		assert_true(pa >= PMM_LOW_LIMIT);
		for (unsigned int i = 0; i < 2; i++)
			assert_true(pa + PAGE <= (res[i].start & ~(PAGE - 1)) || pa >= res[i].end);
		assert_false(seen[idx]);
		seen[idx] = true;
		/* Lowest first: addresses only grow. */
		assert_true(pa > prev);
		prev = pa;
		assert_true(all_zero(pa, PAGE));
		memset(arena + (pa - A), 0x55, PAGE);
		count++;
	}
	assert_int_equal(count, pages);
	assert_int_equal(pmm_free_bytes(), 0);
	assert_int_equal(pmm_range_count(), 0);
	assert_int_equal(pmm_alloc_contig(PAGE, PAGE), 0);
	/* The reserved bytes were never written. */
	assert_int_equal(arena[4 * MIB], 0xaa);
	assert_int_equal(arena[5 * MIB + 122], 0xaa);
	assert_int_equal(arena[9 * MIB + 4095], 0xaa);
	free(seen);
}

static void test_contig_alignment(void **state)
{
	const struct mb2_mmap_entry map[] = { { A + PAGE, ARENA_SIZE - PAGE, 1 } };
	const struct pmm_range after[] = {
		{ A + PAGE, A + 2 * MIB }, { A + 4 * MIB, A + ARENA_SIZE },
	};
	uint64_t pa;

	(void)state;
	memset(arena, 0xcc, ARENA_SIZE);
	assert_int_equal(pmm_init(map, 1, NULL, 0), 0);

	pa = pmm_alloc_contig(2 * MIB, 2 * MIB);
	assert_int_equal(pa, A + 2 * MIB);
	assert_true(all_zero(pa, 2 * MIB));
	assert_int_equal(arena[4 * MIB], 0xcc);		/* not one byte more */
	assert_int_equal(arena[2 * MIB - 1], 0xcc);
	expect_ranges(after, 2);

	/* 5000 bytes round up to two pages, at the lowest address. */
	pa = pmm_alloc_contig(5000, PAGE);
	assert_int_equal(pa, A + PAGE);
	assert_true(all_zero(pa, 2 * PAGE));
	assert_int_equal(arena[3 * PAGE], 0xcc);

	/* The first 1 MiB boundary above what is taken. */
	pa = pmm_alloc_contig(MIB, MIB);
	assert_int_equal(pa, A + MIB);

	/* Too big for what is left below A + 1M: taken from the next range. */
	pa = pmm_alloc_contig(MIB, 64 * KIB);
	assert_int_equal(pa, A + 4 * MIB);

	/* Bad arguments, or no fit (nothing is 2^63-aligned in the arena). */
	assert_int_equal(pmm_alloc_contig(0, PAGE), 0);
	assert_int_equal(pmm_alloc_contig(PAGE, 0), 0);
	assert_int_equal(pmm_alloc_contig(PAGE, 2048), 0);
	assert_int_equal(pmm_alloc_contig(PAGE, 3 * PAGE), 0);
	assert_int_equal(pmm_alloc_contig(PAGE, 1ull << 63), 0);
	assert_int_equal(pmm_alloc_contig(UINT64_MAX, PAGE), 0);
	assert_int_equal(pmm_alloc_contig(ARENA_SIZE, PAGE), 0);
}

static void test_free_merges(void **state)
{
	const struct pmm_range whole[] = { { A, A + ARENA_SIZE } };
	struct pmm_range mid[2];
	uint64_t total, p1, p2, p3;

	(void)state;
	assert_int_equal(pmm_init(arena_map(), 1, NULL, 0), 0);
	total = pmm_free_bytes();
	p1 = pmm_alloc_page();
	p2 = pmm_alloc_page();
	p3 = pmm_alloc_page();
	assert_int_equal(p2, p1 + PAGE);
	assert_int_equal(p3, p2 + PAGE);
	assert_int_equal(pmm_range_count(), 1);

	pmm_free(p2, PAGE);			/* a hole: a range of its own */
	assert_int_equal(pmm_range_count(), 2);
	pmm_free(p1, PAGE);			/* merges with p2 */
	mid[0] = (struct pmm_range){ p1, p3 };
	mid[1] = (struct pmm_range){ p3 + PAGE, A + ARENA_SIZE };
	expect_ranges(mid, 2);
	pmm_free(p3, 100);			/* joins both sides */
	expect_ranges(whole, 1);
	assert_int_equal(pmm_free_bytes(), total);
	assert_int_equal(pmm_bad_frees(), 0);

	/* Contiguous blocks come back whole too. */
	p1 = pmm_alloc_contig(3 * MIB, 2 * MIB);
	assert_int_equal(pmm_free_bytes(), total - 3 * MIB);
	pmm_free(p1, 3 * MIB);
	expect_ranges(whole, 1);
}

/* Freeing what is not allocated changes nothing and is counted. */
static void test_bad_free(void **state)
{
	const struct pmm_range res[] = { { A + 8 * MIB, A + 9 * MIB } };
	struct pmm_range before[8];
	unsigned int n;
	uint64_t p, total;

	(void)state;
	assert_int_equal(pmm_init(arena_map(), 1, res, 1), 0);
	p = pmm_alloc_contig(4 * PAGE, PAGE);
	total = pmm_free_bytes();
	n = pmm_range_count();
	for (unsigned int i = 0; i < n; i++)
		pmm_get_range(i, &before[i]);

	pmm_free(p + 4 * PAGE, PAGE);		/* already free */
	pmm_free(p + 3 * PAGE, 2 * PAGE);	/* half allocated, half free */
	pmm_free(p + 1, PAGE);			/* misaligned */
	pmm_free(p, 0);				/* nothing */
	pmm_free(A + 8 * MIB, PAGE);		/* reserved */
	pmm_free(0x1000, PAGE);			/* below 1 MiB */
	pmm_free(A + ARENA_SIZE, PAGE);		/* outside memory */
	pmm_free(A + ARENA_SIZE - PAGE, 2 * PAGE);	/* runs off the end */
	pmm_free(UINT64_MAX & ~(PAGE - 1), 2 * PAGE);	/* wraps */
	assert_int_equal(pmm_bad_frees(), 9);
	assert_int_equal(pmm_free_bytes(), total);
	expect_ranges(before, n);

	pmm_free(p, 4 * PAGE);
	assert_int_equal(pmm_bad_frees(), 9);
	assert_int_equal(pmm_free_bytes(), total + 4 * PAGE);
	pmm_free(p, 4 * PAGE);			/* double free */
	assert_int_equal(pmm_bad_frees(), 10);

	/* pmm_init starts the count again. */
	assert_int_equal(pmm_init(arena_map(), 1, NULL, 0), 0);
	assert_int_equal(pmm_bad_frees(), 0);
}

/* A page freed dirty comes back zeroed. */
static void test_realloc_zeroed(void **state)
{
	uint64_t p, q;

	(void)state;
	assert_int_equal(pmm_init(arena_map(), 1, NULL, 0), 0);
	p = pmm_alloc_page();
	memset((void *)(uintptr_t)p, 0xee, PAGE);
	pmm_free(p, PAGE);
	q = pmm_alloc_page();
	assert_int_equal(q, p);
	assert_true(all_zero(q, PAGE));
}

/* Freeing every other page fills the table; what no longer fits is counted as leaked. */
static void test_fragmentation(void **state)
{
	enum { N = 2 * PMM_MAX_RANGES + 20 };
	uint64_t pages[N], total, free_now;

	(void)state;
	assert_int_equal(pmm_init(arena_map(), 1, NULL, 0), 0);
	total = pmm_free_bytes();
	for (unsigned int i = 0; i < N; i++)
		pages[i] = pmm_alloc_page();
	/* Each even page becomes a range of its own beside the tail, until the table is full. */
	for (unsigned int i = 0; i < N; i += 2)
		pmm_free(pages[i], PAGE);
	assert_int_equal(pmm_range_count(), PMM_MAX_RANGES);
	assert_int_equal(pmm_leaked_bytes(), (N / 2 - (PMM_MAX_RANGES - 1)) * PAGE);
	assert_int_equal(pmm_bad_frees(), 0);
	assert_int_equal(pmm_free_bytes() + pmm_leaked_bytes(), total - N / 2 * PAGE);

	/* Taking a whole one-page range frees a slot ... */
	assert_int_equal(pmm_alloc_page(), pages[0]);
	assert_int_equal(pmm_range_count(), PMM_MAX_RANGES - 1);
	/* ... which carving a block out of the middle of the tail takes. */
	assert_int_equal(pmm_alloc_contig(2 * PAGE, 2 * MIB), A + 2 * MIB);
	assert_int_equal(pmm_range_count(), PMM_MAX_RANGES);
	/* Now a carve that would split a range has no slot: it fails and changes nothing. */
	free_now = pmm_free_bytes();
	assert_int_equal(pmm_alloc_contig(2 * PAGE, 2 * MIB), 0);
	assert_int_equal(pmm_free_bytes(), free_now);
	assert_int_equal(pmm_range_count(), PMM_MAX_RANGES);
	/* A page off the front of a range still works. */
	assert_int_equal(pmm_alloc_page(), pages[2]);
}

/* With the table full, a fit that would split a range is passed over for one that does not. */
static void test_full_table_looks_further(void **state)
{
	struct mb2_mmap_entry map[PMM_MAX_RANGES];

	(void)state;
	map[0] = (struct mb2_mmap_entry){ A + PAGE, MIB - 2 * PAGE, 1 };
	for (unsigned int i = 1; i < PMM_MAX_RANGES; i++)
		map[i] = (struct mb2_mmap_entry){ A + MIB + (i - 1) * 16 * KIB, PAGE, 1 };
	assert_int_equal(pmm_init(map, PMM_MAX_RANGES, NULL, 0), 0);
	assert_int_equal(pmm_range_count(), PMM_MAX_RANGES);
	/* A + 64K lies inside the first range; A + 1M starts the second. */
	assert_int_equal(pmm_alloc_contig(PAGE, 64 * KIB), A + MIB);
	assert_int_equal(pmm_range_count(), PMM_MAX_RANGES - 1);
	/* Now there is a slot, and the first range gives its aligned middle. */
	assert_int_equal(pmm_alloc_contig(PAGE, 64 * KIB), A + 64 * KIB);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_low_memory_excluded),
		cmocka_unit_test(test_page_alignment),
		cmocka_unit_test(test_overlapping_unsorted),
		cmocka_unit_test(test_reserved_ranges),
		cmocka_unit_test(test_reserve_to_top),
		cmocka_unit_test(test_top_of_address_space),
		cmocka_unit_test(test_nothing_usable),
		cmocka_unit_test(test_too_many_ranges),
		cmocka_unit_test(test_exhaustion),
		cmocka_unit_test(test_contig_alignment),
		cmocka_unit_test(test_free_merges),
		cmocka_unit_test(test_bad_free),
		cmocka_unit_test(test_realloc_zeroed),
		cmocka_unit_test(test_fragmentation),
		cmocka_unit_test(test_full_table_looks_further),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
