/* SPDX-License-Identifier: MIT */
/*
 * Physical page allocator: a sorted array of free ranges, built once from the boot memory map.
 * Pages are zero-filled through their physical address, which relies on the hypervisor's
 * identity map: memory the identity map does not reach must be passed to pmm_init as reserved
 * (e.g. { mapped_limit, UINT64_MAX }). Not reentrant; the hypervisor allocates on one CPU.
 */
#ifndef ARCH_X86_PMM_H
#define ARCH_X86_PMM_H

#include <stdint.h>

#include "arch/x86/mb2.h"

#define PMM_PAGE_SIZE		4096ull
#define PMM_MAX_RANGES		128
/* Nothing below 1 MiB is handed out: real-mode IVT, BIOS data area, EBDA, option ROMs. */
#define PMM_LOW_LIMIT		0x100000ull

struct pmm_range {
	uint64_t start;
	uint64_t end;		/* exclusive */
};

/*
 * Free memory is what some available (type 1) entry covers, shrunk to whole pages, minus
 * everything below PMM_LOW_LIMIT, minus every page that a non-available entry touches (entries
 * may overlap and come in any order) and minus every page a reserved range touches (the kernel
 * image, the multiboot info, the modules). Returns 0, or -1 when nothing is left or the result
 * needs more than PMM_MAX_RANGES ranges.
 */
int pmm_init(const struct mb2_mmap_entry *map, unsigned int n, const struct pmm_range *reserved,
	     unsigned int nres);

/* A zero-filled page, the lowest free one; 0 when out of memory. */
uint64_t pmm_alloc_page(void);

/*
 * bytes rounded up to whole pages, zero-filled, at a multiple of align (a power of two, at least
 * PMM_PAGE_SIZE), the lowest such block; 0 on failure or bad arguments. A block carved out of
 * the middle of a free range splits it in two, so while the range table is full only blocks at
 * the start of a range can be had.
 */
uint64_t pmm_alloc_contig(uint64_t bytes, uint64_t align);

/*
 * Gives back [pa, pa + bytes rounded up to pages); it merges with its free neighbours. Freeing
 * what is not allocated (misaligned, zero bytes, outside the memory pmm_init found free, or
 * already free) is a caller bug: nothing changes and pmm_bad_frees() counts it.
 */
void pmm_free(uint64_t pa, uint64_t bytes);

uint64_t pmm_free_bytes(void);
unsigned int pmm_range_count(void);
/* The i-th free range in address order, { 0, 0 } past the end; for the boot log. */
void pmm_get_range(unsigned int i, struct pmm_range *out);

/* Caller bugs caught by pmm_free since pmm_init. */
unsigned int pmm_bad_frees(void);
/* Bytes freed while the range table was full and too fragmented to take them: lost for good. */
uint64_t pmm_leaked_bytes(void);

#endif
