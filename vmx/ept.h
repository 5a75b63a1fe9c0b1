/* SPDX-License-Identifier: MIT */
/* Extended page tables: the guest-physical address space (SDM vol. 3C 29.3). */
#ifndef VMX_EPT_H
#define VMX_EPT_H

#include <stdbool.h>
#include <stdint.h>

#include "arch/x86/mb2.h"

/* EPT memory types (SDM 29.3.7, table 29-7 / the PAT encodings) */
#define EPT_MT_UC	0
#define EPT_MT_WB	6

/*
 * Builds the guest's EPT:
 *   - guest RAM at GPA 0..ram_size -> host ram_hpa.., write-back;
 *   - the xAPIC page at GPA 0xfee00000 -> apic_access_hpa (accesses become APIC-access exits);
 *   - every other GPA below 4 GiB that the host memory map does not give to RAM (types 1, 3
 *     and 4) -> the same host-physical address, uncached: IOAPIC, HPET, PCI MMIO, firmware.
 * The hypervisor's memory is host RAM, so it is never mapped into the guest.
 * Returns the EPT pointer (SDM 25.6.11), 0 when out of memory.
 */
uint64_t ept_build(uint64_t ram_hpa, uint64_t ram_size, uint64_t apic_access_hpa,
		   const struct mb2_info *host_map);

/*
 * Takes the 4 KiB page at `gpa` out of the guest's address space, so that every access there is an
 * EPT violation (a 2 MiB mapping around it is split into 4 KiB ones first), and invalidates the
 * EPT's cached translations. *saved gets the entry that mapped the page, 0 where none did, for
 * ept_restore_4k. false: no memory for the split; nothing changed.
 */
bool ept_unmap_4k(uint64_t gpa, uint64_t *saved);
/* Maps the page at `gpa` again as ept_unmap_4k found it (`saved` 0: it stays unmapped). */
void ept_restore_4k(uint64_t gpa, uint64_t saved);

/* The EPT entry bits of an EPT-violation exit qualification, decoded (SDM 28.2.1, table 28-7). */
void ept_describe_violation(uint64_t qual, char *buf, unsigned long len);

#endif
