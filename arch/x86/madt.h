/* SPDX-License-Identifier: MIT */
/*
 * The host's interrupt topology from ACPI's MADT (ACPI 6.5 section 5.2.12): where the first
 * I/O APIC is, and how ISA IRQs map onto its inputs (the interrupt source overrides). Read
 * through the RSDP copy that GRUB puts into the multiboot2 information.
 */
#ifndef ARCH_X86_MADT_H
#define ARCH_X86_MADT_H

#include <stdbool.h>
#include <stdint.h>

#include "arch/x86/mb2.h"

#define ISA_IRQS		16

/* An ISA IRQ's GSI and electrical mode: the PC defaults unless an override says otherwise. */
struct isa_route {
	uint32_t gsi;
	bool level;		/* ISA default: edge */
	bool active_low;	/* ISA default: active high */
};

struct host_irq_topology {
	bool from_madt;		/* false: no usable MADT, the PC defaults below */
	uint64_t ioapic_base;	/* 0 when the MADT lists none */
	uint32_t ioapic_gsi_base;
	struct isa_route isa[ISA_IRQS];
};

/*
 * Fills *t from the MADT when the RSDP, the RSDT/XSDT and the MADT are all found in memory
 * that the hypervisor maps and their checksums hold; otherwise with the PC defaults: the I/O
 * APIC at 0xfec00000 with GSI base 0, ISA IRQ n on GSI n, edge, active high.
 */
void madt_read(const struct mb2_info *mbi, struct host_irq_topology *t);

#endif
