/* SPDX-License-Identifier: MIT */
/*
 * The host's I/O APIC (Intel 82093AA datasheet; the ICH/PCH datasheets' "APIC" chapters).
 * ioapic_init() masks every redirection entry and gives each pin a host vector of its own,
 * IOAPIC_VECTOR_BASE + pin, edge, fixed, physical destination the host's LAPIC, still masked.
 * arch/x86/irq_lines then sets the trigger mode and unmasks the pins it forwards.
 */
#ifndef ARCH_X86_IOAPIC_H
#define ARCH_X86_IOAPIC_H

#include <stdbool.h>
#include <stdint.h>

#define IOAPIC_VECTOR_BASE	0x30	/* pin n -> 0x30 + n, after the 8259's 0x20-0x2f */
#define IOAPIC_MAX_PINS		24	/* pins with a vector of their own; more stay masked */

/*
 * Checks that something answers at base (the version register reads neither 0 nor all-ones
 * and has a plausible pin count), maps the page, then masks and programs every pin. False
 * when nothing answers: the caller falls back to the 8259.
 */
bool ioapic_init(uint64_t base, uint8_t dest_apic_id);
/* The I/O APIC's physical address, 0 when ioapic_init() found none. */
uint64_t ioapic_base(void);
unsigned int ioapic_pins(void);
uint32_t ioapic_version(void);
/* Sets the pin's trigger mode and polarity; the pin stays masked. */
void ioapic_configure(unsigned int pin, bool level, bool active_low);
void ioapic_mask(unsigned int pin);
void ioapic_unmask(unsigned int pin);

#endif
