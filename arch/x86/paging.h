/* SPDX-License-Identifier: MIT */
/* The hypervisor's own page tables: an identity map of RAM and of the MMIO it touches. */
#ifndef ARCH_X86_PAGING_H
#define ARCH_X86_PAGING_H

#include <stdint.h>

#include "arch/x86/mb2.h"

/*
 * Builds 4-level tables mapping every RAM range of the memory map write-back (2 MiB pages),
 * plus the host LAPIC and IOAPIC pages uncached, and switches CR3 to them. Table pages come
 * from the page allocator, which hands out the lowest pages first, all inside the boot map.
 */
void paging_init(const struct mb2_info *mbi);

/* Maps one 4 KiB MMIO page uncached (PCD | PWT = UC with the default PAT). */
void paging_map_mmio(uint64_t pa);

#endif
