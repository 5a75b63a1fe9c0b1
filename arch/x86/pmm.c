/* SPDX-License-Identifier: MIT */
/*
 * Physical page allocator over a sorted, coalesced array of free ranges. The hypervisor allocates
 * little and mostly at boot (VMXON/VMCS pages, EPT tables, guest RAM), so a first-fit scan of at
 * most PMM_MAX_RANGES ranges costs nothing worth a cleverer structure.
 */
#include <stdbool.h>

#include "arch/x86/pmm.h"
#include "lib/string.h"

/* Sorted by start, non-overlapping, never adjacent (adjacent ranges are merged). */
static struct pmm_range free_ranges[PMM_MAX_RANGES];
static unsigned int free_count;
/* The free set as pmm_init left it: a range given back must lie inside one of these. */
static struct pmm_range managed[PMM_MAX_RANGES];
static unsigned int managed_count;
static unsigned int bad_frees;
static uint64_t leaked_bytes;

static uint64_t page_down(uint64_t x)
{
	return x & ~(PMM_PAGE_SIZE - 1);
}

/* Saturates: an end at the top of the address space stays there instead of wrapping to 0. */
static uint64_t page_up(uint64_t x)
{
	return x > UINT64_MAX - (PMM_PAGE_SIZE - 1) ? UINT64_MAX : page_down(x + PMM_PAGE_SIZE - 1);
}

static uint64_t sat_add(uint64_t a, uint64_t b)
{
	return a > UINT64_MAX - b ? UINT64_MAX : a + b;
}

static void remove_at(unsigned int i)
{
	memmove(&free_ranges[i], &free_ranges[i + 1],
		(free_count - i - 1) * sizeof(free_ranges[0]));
	free_count--;
}

static int insert_at(unsigned int i, uint64_t start, uint64_t end)
{
	if (free_count == PMM_MAX_RANGES)
		return -1;
	memmove(&free_ranges[i + 1], &free_ranges[i], (free_count - i) * sizeof(free_ranges[0]));
	free_ranges[i] = (struct pmm_range){ start, end };
	free_count++;
	return 0;
}

/* Adds [start, end) to the free set, merged with every range it overlaps or touches. */
static int add_free(uint64_t start, uint64_t end)
{
	unsigned int i = 0, j;

	if (start >= end)
		return 0;
	while (i < free_count && free_ranges[i].end < start)
		i++;
	for (j = i; j < free_count && free_ranges[j].start <= end; j++) {
		if (free_ranges[j].start < start)
			start = free_ranges[j].start;
		if (free_ranges[j].end > end)
			end = free_ranges[j].end;
	}
	if (i == j)
		return insert_at(i, start, end);
	/* Ranges i..j-1 become one: keep slot i, close the gap after it. */
	free_ranges[i] = (struct pmm_range){ start, end };
	memmove(&free_ranges[i + 1], &free_ranges[j], (free_count - j) * sizeof(free_ranges[0]));
	free_count -= j - i - 1;
	return 0;
}

/*
 * Takes [start, end) out of the free set. Fails, changing nothing, only when it would split one
 * range in two and the table is full.
 */
static int remove_free(uint64_t start, uint64_t end)
{
	unsigned int i = 0;

	while (i < free_count && free_ranges[i].start < end) {
		struct pmm_range *r = &free_ranges[i];

		if (r->end <= start) {
			i++;
		} else if (r->start < start && r->end > end) {
			if (insert_at(i + 1, end, r->end))
				return -1;
			free_ranges[i].end = start;
			return 0;
		} else if (r->start < start) {
			r->end = start;
			i++;
		} else if (r->end > end) {
			r->start = end;
			return 0;
		} else {
			remove_at(i);
		}
	}
	return 0;
}

int pmm_init(const struct mb2_mmap_entry *map, unsigned int n, const struct pmm_range *reserved,
	     unsigned int nres)
{
	free_count = 0;
	managed_count = 0;
	bad_frees = 0;
	leaked_bytes = 0;

	/* Available memory shrinks inward to whole pages: a partial page is not ours to give. */
	for (unsigned int i = 0; i < n; i++)
		if (map[i].type == MB2_MMAP_AVAILABLE &&
		    add_free(page_up(map[i].base), page_down(sat_add(map[i].base, map[i].len))))
			return -1;
	/*
	 * Firmware maps overlap (an ACPI or reserved entry inside an available one is common), and
	 * the reserved claim wins: it grows outward, since a page with any reserved byte is unsafe.
	 */
	for (unsigned int i = 0; i < n; i++)
		if (map[i].type != MB2_MMAP_AVAILABLE &&
		    remove_free(page_down(map[i].base), page_up(sat_add(map[i].base, map[i].len))))
			return -1;
	for (unsigned int i = 0; i < nres; i++)
		if (reserved[i].start < reserved[i].end &&
		    remove_free(page_down(reserved[i].start), page_up(reserved[i].end)))
			return -1;
	if (remove_free(0, PMM_LOW_LIMIT) || !free_count)
		return -1;
	memcpy(managed, free_ranges, free_count * sizeof(free_ranges[0]));
	managed_count = free_count;
	return 0;
}

uint64_t pmm_alloc_contig(uint64_t bytes, uint64_t align)
{
	uint64_t size = page_up(bytes);

	if (!bytes || size == UINT64_MAX || align < PMM_PAGE_SIZE || (align & (align - 1)))
		return 0;
	for (unsigned int i = 0; i < free_count; i++) {
		struct pmm_range r = free_ranges[i];
		uint64_t a;

		if (r.start > UINT64_MAX - (align - 1))
			break;
		a = (r.start + align - 1) & ~(align - 1);
		if (a >= r.end || r.end - a < size)
			continue;
		/* Carving from the middle of a range needs a new slot; try the next range then. */
		if (remove_free(a, a + size))
			continue;
		memset((void *)(uintptr_t)a, 0, size);
		return a;
	}
	return 0;
}

uint64_t pmm_alloc_page(void)
{
	return pmm_alloc_contig(PMM_PAGE_SIZE, PMM_PAGE_SIZE);
}

static bool is_managed(uint64_t start, uint64_t end)
{
	for (unsigned int i = 0; i < managed_count; i++)
		if (managed[i].start <= start && end <= managed[i].end)
			return true;
	return false;
}

static bool overlaps_free(uint64_t start, uint64_t end)
{
	for (unsigned int i = 0; i < free_count; i++)
		if (free_ranges[i].start < end && start < free_ranges[i].end)
			return true;
	return false;
}

void pmm_free(uint64_t pa, uint64_t bytes)
{
	uint64_t size = page_up(bytes);

	if (!bytes || pa % PMM_PAGE_SIZE || size == UINT64_MAX || pa > UINT64_MAX - size ||
	    !is_managed(pa, pa + size) || overlaps_free(pa, pa + size)) {
		bad_frees++;
		return;
	}
	if (add_free(pa, pa + size))
		leaked_bytes += size;
}

uint64_t pmm_free_bytes(void)
{
	uint64_t sum = 0;

	for (unsigned int i = 0; i < free_count; i++)
		sum += free_ranges[i].end - free_ranges[i].start;
	return sum;
}

unsigned int pmm_range_count(void)
{
	return free_count;
}

void pmm_get_range(unsigned int i, struct pmm_range *out)
{
	*out = i < free_count ? free_ranges[i] : (struct pmm_range){ 0, 0 };
}

unsigned int pmm_bad_frees(void)
{
	return bad_frees;
}

uint64_t pmm_leaked_bytes(void)
{
	return leaked_bytes;
}
