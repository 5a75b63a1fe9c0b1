/* SPDX-License-Identifier: MIT */
/*
 * The PC's timer interrupt as an APIC system routes it: 8254 channel 0 (Intel 82C54 datasheet)
 * raises ISA IRQ0, which the I/O APIC (82093AA datasheet) takes on pin 2, the interrupt source
 * override every PC's MADT has for IRQ0 (ACPI 6.5, 5.2.12.5), and sends to a local APIC vector.
 * The 8259 pair stays masked (idt_init() masks it), so IRQ0 arrives once, never also as ExtINT.
 *
 * The I/O APIC sits at IOAPIC_BASE: Bochs' own natively, tickvisor's vIOAPIC as its guest (the
 * MADT names the same address in both).
 */
#ifndef GUEST_LIB_PIT_IRQ_H
#define GUEST_LIB_PIT_IRQ_H

#include <stdint.h>

#define PIT_HZ			1193182u	/* the 8254's clock, as guests count it */
#define PIT_IRQ0_GSI		2u		/* IRQ0 -> GSI 2: the MADT's override */
#define IOAPIC_BASE		0xfec00000u

/*
 * Sends I/O APIC pin `pin` to `vector` of the local APIC with ID apic_id: fixed delivery,
 * physical destination, edge-triggered, active high (ISA polarity), unmasked.
 */
void ioapic_route(unsigned int pin, uint8_t vector, uint8_t apic_id);
void ioapic_mask(unsigned int pin);

/*
 * Channel 0 in mode 2 (rate generator) with `count` (2..65535, binary): OUT0 rises every count
 * PIT ticks, the first time count ticks after the count's second byte is written. Returns the
 * TSC read just before that write, the count's start as the guest sees it.
 */
uint64_t pit_ch0_rate(uint16_t count);
/*
 * Channel 0 stopped: mode 0 with no count written holds OUT0 low and counts nothing
 * (datasheet, "Mode 0"), so no edge reaches IRQ0.
 */
void pit_ch0_stop(void);

#endif
