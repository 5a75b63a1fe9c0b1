/* SPDX-License-Identifier: MIT */
#include <stdbool.h>

#include "arch/x86/cpu.h"
#include "arch/x86/log.h"
#include "arch/x86/paging.h"
#include "arch/x86/panic.h"
#include "arch/x86/pmm.h"
#include "lib/apic_regs.h"
#include "lib/util.h"

/* Page-table entry bits (SDM vol. 3A 4.5, tables 4-15 to 4-20) */
#define PTE_ADDR	0x000ffffffffff000ull

#define IOAPIC_BASE	0xfec00000ull

/* Memory-map types that hold RAM the hypervisor may touch (ACPI tables included). */
#define MMAP_AVAILABLE		1
#define MMAP_ACPI_RECLAIMABLE	3
#define MMAP_ACPI_NVS		4

static uint64_t *pml4;

static uint64_t *table_alloc(void)
{
	uint64_t pa = pmm_alloc_page();

	if (!pa)
		panic("out of memory for the hypervisor's page tables\n");
	return (uint64_t *)(uintptr_t)pa;
}

/* The next-level table behind entry `idx`, created on first use. */
static uint64_t *next_table(uint64_t *table, unsigned int idx)
{
	if (!(table[idx] & PTE_P))
		table[idx] = (uint64_t)(uintptr_t)table_alloc() | PTE_P | PTE_W;
	else if (table[idx] & PTE_PS)
		panic("paging: %#lx is already a large page\n", (uint64_t)idx);
	return (uint64_t *)(uintptr_t)(table[idx] & PTE_ADDR);
}

static void map_2m(uint64_t pa)
{
	uint64_t *pdpt = next_table(pml4, (pa >> 39) & 511);
	uint64_t *pd = next_table(pdpt, (pa >> 30) & 511);

	pd[(pa >> 21) & 511] = pa | PTE_P | PTE_W | PTE_PS;
}

void paging_map_mmio(uint64_t pa)
{
	uint64_t *pdpt = next_table(pml4, (pa >> 39) & 511);
	uint64_t *pd = next_table(pdpt, (pa >> 30) & 511);
	uint64_t *pt;

	/* An MMIO page inside a RAM large page would get two memory types: refuse. */
	if (pd[(pa >> 21) & 511] & PTE_PS)
		panic("paging: MMIO page %#lx lies inside RAM\n", pa);
	pt = next_table(pd, (pa >> 21) & 511);
	pt[(pa >> 12) & 511] = (pa & PTE_ADDR) | PTE_P | PTE_W | PTE_PCD | PTE_PWT;
	asm volatile("invlpg (%0)" : : "r"(pa) : "memory");
}

void paging_init(const struct mb2_info *mbi)
{
	uint64_t mapped = 0;

	pml4 = table_alloc();
	for (unsigned int i = 0; i < mbi->mmap_count; i++) {
		const struct mb2_mmap_entry *e = &mbi->mmap[i];
		uint64_t start, end;

		if (e->type != MMAP_AVAILABLE && e->type != MMAP_ACPI_RECLAIMABLE &&
		    e->type != MMAP_ACPI_NVS)
			continue;
		/* 2 MiB pages: round out; MTRRs keep any legacy hole inside them uncached. */
		start = e->base & ~(SIZE_2M - 1);
		end = (e->base + e->len + SIZE_2M - 1) & ~(SIZE_2M - 1);
		for (uint64_t pa = start; pa < end; pa += SIZE_2M) {
			uint64_t *pdpt = next_table(pml4, (pa >> 39) & 511);
			uint64_t *pd = next_table(pdpt, (pa >> 30) & 511);

			if (!(pd[(pa >> 21) & 511] & PTE_P)) {
				map_2m(pa);
				mapped += SIZE_2M;
			}
		}
	}
	paging_map_mmio(APIC_BASE_DEFAULT);
	paging_map_mmio(IOAPIC_BASE);
	write_cr3((uint64_t)(uintptr_t)pml4);
	pr_info("paging: %lu MiB of RAM identity-mapped write-back, LAPIC and IOAPIC uncached\n",
		mapped >> 20);
}
