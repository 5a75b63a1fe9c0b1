/* SPDX-License-Identifier: MIT */
#include "arch/x86/ioapic.h"
#include "arch/x86/log.h"
#include "arch/x86/pmm.h"
#include "lib/apic_regs.h"
#include "lib/fmt.h"
#include "lib/util.h"
#include "vmx/caps.h"
#include "vmx/ept.h"
#include "vmx/mmio_dispatch.h"
#include "vmx/vmx_ops.h"

/* EPT paging-structure entry bits (SDM 29.3.2, tables 29-1 to 29-6) */
#define EPT_R		(1ull << 0)
#define EPT_W		(1ull << 1)
#define EPT_X		(1ull << 2)
#define EPT_RWX		(EPT_R | EPT_W | EPT_X)
#define EPT_MT_SHIFT	3		/* leaf memory type, bits 5:3 */
#define EPT_IGNORE_PAT	(1ull << 6)
#define EPT_LARGE	(1ull << 7)	/* 2 MiB leaf in a PDE */
#define EPT_ADDR	0x000ffffffffff000ull

/* EPT pointer (SDM 25.6.11): memory type WB in bits 2:0, page-walk length - 1 in bits 5:3 */
#define EPTP_WB		6ull
#define EPTP_WALK_4	(3ull << 3)

#define SIZE_4K		0x1000ull
#define SIZE_4G		0x100000000ull

static uint64_t *pml4;
static uint64_t eptp;
static bool oom;

static uint64_t *table(uint64_t *parent, unsigned int idx)
{
	if (!(parent[idx] & EPT_RWX)) {
		uint64_t pa = pmm_alloc_page();

		if (!pa) {
			oom = true;
			return NULL;
		}
		/* Non-leaf entries grant everything; the leaves decide. */
		parent[idx] = pa | EPT_RWX;
	}
	return (uint64_t *)(uintptr_t)(parent[idx] & EPT_ADDR);
}

static uint64_t *pd_for(uint64_t gpa)
{
	uint64_t *pdpt = table(pml4, (gpa >> 39) & 511);

	return pdpt ? table(pdpt, (gpa >> 30) & 511) : NULL;
}

static void map_4k(uint64_t gpa, uint64_t hpa, unsigned int mt)
{
	uint64_t *pd = pd_for(gpa), *pt;

	if (!pd || !(pt = table(pd, (gpa >> 21) & 511)))
		return;
	pt[(gpa >> 12) & 511] = hpa | EPT_RWX | ((uint64_t)mt << EPT_MT_SHIFT) |
				(mt == EPT_MT_UC ? EPT_IGNORE_PAT : 0);
}

static void map_2m(uint64_t gpa, uint64_t hpa, unsigned int mt)
{
	uint64_t *pd = pd_for(gpa);

	if (pd)
		pd[(gpa >> 21) & 511] = hpa | EPT_RWX | EPT_LARGE |
					((uint64_t)mt << EPT_MT_SHIFT) |
					(mt == EPT_MT_UC ? EPT_IGNORE_PAT : 0);
}

/* Maps [gpa, gpa + len) -> hpa.., with 2 MiB leaves where both sides are aligned. */
static void map_range(uint64_t gpa, uint64_t hpa, uint64_t len, unsigned int mt)
{
	while (len && !oom) {
		if (vmx_caps.ept_2m && !(gpa & (SIZE_2M - 1)) && !(hpa & (SIZE_2M - 1)) &&
		    len >= SIZE_2M) {
			map_2m(gpa, hpa, mt);
			gpa += SIZE_2M, hpa += SIZE_2M, len -= SIZE_2M;
		} else {
			map_4k(gpa, hpa, mt);
			gpa += SIZE_4K, hpa += SIZE_4K, len -= SIZE_4K;
		}
	}
}

static bool is_ram_type(uint32_t type)
{
	return type == 1 || type == 3 || type == 4;	/* available, ACPI reclaimable, ACPI NVS */
}

/*
 * Pages the passthrough never maps: the xAPIC page (the APIC-access page goes there), the MMIO
 * that tickvisor emulates (vmx/mmio_dispatch: the I/O APIC, the HPET), and the host's own I/O
 * APIC wherever the MADT puts it. Sorted, so that map_passthrough() walks them in order.
 */
#define HOLES_MAX	16

static uint64_t holes[HOLES_MAX];
static unsigned int nr_holes;

static void add_hole(uint64_t page)
{
	unsigned int i = nr_holes;

	if (nr_holes == HOLES_MAX)
		return;
	for (; i && holes[i - 1] > page; i--)
		holes[i] = holes[i - 1];
	holes[i] = page;
	nr_holes++;
}

static void collect_holes(void)
{
	uint64_t gpa, len;

	nr_holes = 0;
	add_hole(APIC_BASE_DEFAULT);
	if (ioapic_base())
		add_hole(ioapic_base() & ~(SIZE_4K - 1));
	for (unsigned int i = 0; mmio_dispatch_range(i, &gpa, &len); i++)
		for (uint64_t page = gpa; page < gpa + len; page += SIZE_4K)
			add_hole(page);
}

/*
 * Maps [start, end) uncached and identity, minus the holes. Rounds inward: a page that is partly
 * host RAM stays unmapped.
 */
static void map_passthrough(uint64_t start, uint64_t end)
{
	start = (start + SIZE_4K - 1) & ~(SIZE_4K - 1);
	end &= ~(SIZE_4K - 1);
	for (unsigned int i = 0; i < nr_holes && start < end; i++) {
		if (holes[i] < start || holes[i] >= end)
			continue;
		map_range(start, start, holes[i] - start, EPT_MT_UC);
		start = holes[i] + SIZE_4K;
	}
	if (start < end)
		map_range(start, start, end - start, EPT_MT_UC);
}

/* Identity-maps, uncached, the gaps between host RAM ranges in [pos, 4 GiB): a PC's MMIO. */
static void map_mmio_holes(uint64_t pos, const struct mb2_info *m)
{
	while (pos < SIZE_4G && !oom) {
		const struct mb2_mmap_entry *next = NULL;

		/* The lowest-based RAM range that still extends past pos (ranges may overlap). */
		for (unsigned int i = 0; i < m->mmap_count; i++) {
			const struct mb2_mmap_entry *e = &m->mmap[i];

			if (is_ram_type(e->type) && e->base + e->len > pos &&
			    (!next || e->base < next->base))
				next = e;
		}
		if (!next || next->base >= SIZE_4G) {
			map_passthrough(pos, SIZE_4G);
			return;
		}
		if (next->base > pos)
			map_passthrough(pos, next->base);
		pos = next->base + next->len;
	}
}

uint64_t ept_build(uint64_t ram_hpa, uint64_t ram_size, uint64_t apic_access_hpa,
		   const struct mb2_info *host_map)
{
	uint64_t pa = pmm_alloc_page();

	if (!pa)
		return 0;
	pml4 = (uint64_t *)(uintptr_t)pa;
	oom = false;
	collect_holes();
	map_range(0, ram_hpa, ram_size, EPT_MT_WB);
	map_4k(APIC_BASE_DEFAULT, apic_access_hpa, EPT_MT_WB);
	map_mmio_holes(ram_size, host_map);
	if (oom)
		return 0;
	eptp = pa | EPTP_WALK_4 | EPTP_WB;
	return eptp;
}

/* The next level's table under a present entry, or NULL: the walk of ept_unmap_4k allocates none */
static uint64_t *next_table(uint64_t *parent, unsigned int idx)
{
	if (!parent || !(parent[idx] & EPT_RWX))
		return NULL;
	return (uint64_t *)(uintptr_t)(parent[idx] & EPT_ADDR);
}

/*
 * A 2 MiB leaf becomes a page table of 512 4 KiB leaves with the same translation and attributes
 * (SDM 29.3.2: the memory type and ignore-PAT bits mean the same in both; bit 7 is the large bit
 * only in a PDE, ignored in a PTE).
 */
static bool split_2m(uint64_t *pde)
{
	uint64_t pa = pmm_alloc_page(), attrs = *pde & ~EPT_ADDR & ~EPT_LARGE;
	uint64_t *pt = (uint64_t *)(uintptr_t)pa;

	if (!pa)
		return false;
	for (unsigned int i = 0; i < 512; i++)
		pt[i] = ((*pde & EPT_ADDR) + i * SIZE_4K) | attrs;
	*pde = pa | EPT_RWX;
	return true;
}

/*
 * INVEPT of the single context (SDM 30.4.3.3): the EPT entry that changed may be cached for this
 * EPTP, as a translation or as a paging-structure entry. One vCPU, one logical processor: no
 * other CPU to shoot down.
 */
bool ept_unmap_4k(uint64_t gpa, uint64_t *saved)
{
	uint64_t *pd = next_table(next_table(pml4, (gpa >> 39) & 511), (gpa >> 30) & 511);
	uint64_t *pde = pd ? &pd[(gpa >> 21) & 511] : NULL, *pt;

	*saved = 0;
	if (!pde || !(*pde & EPT_RWX))
		return true;
	if ((*pde & EPT_LARGE) && !split_2m(pde))
		return false;
	pt = next_table(pd, (gpa >> 21) & 511);
	*saved = pt[(gpa >> 12) & 511];
	pt[(gpa >> 12) & 511] = 0;
	invept_single(eptp);
	return true;
}

void ept_restore_4k(uint64_t gpa, uint64_t saved)
{
	uint64_t *pd = next_table(next_table(pml4, (gpa >> 39) & 511), (gpa >> 30) & 511);
	uint64_t *pt = next_table(pd, (gpa >> 21) & 511);

	/* ept_unmap_4k left the page table there whenever it saved an entry */
	if (!saved || !pt)
		return;
	pt[(gpa >> 12) & 511] = saved;
	invept_single(eptp);
}

void ept_describe_violation(uint64_t qual, char *buf, unsigned long len)
{
	/* Qualification bits 2:0 = the access, 5:3 = what the entry allowed (table 28-7) */
	snprintf(buf, len, "%s%s%s access; the GPA was %s%s%s%s",
		 qual & 1 ? "read" : "", qual & 2 ? "write" : "",
		 qual & 4 ? "instruction fetch" : "", (qual & 0x38) ? "mapped " : "not mapped",
		 qual & 8 ? "R" : "", qual & 16 ? "W" : "", qual & 32 ? "X" : "");
}
