/* SPDX-License-Identifier: MIT */
/* IRQ0 from 8254 channel 0 through the I/O APIC: see pit_irq.h. */
#include "tests/guest/lib/pit_irq.h"

#include "tests/guest/lib/cpu.h"

/* I/O APIC (82093AA datasheet 3.0): an index register and a data window */
#define IOAPIC_IOREGSEL		(IOAPIC_BASE + 0x00)
#define IOAPIC_IOWIN		(IOAPIC_BASE + 0x10)
#define IOAPIC_REDTBL_LO(pin)	(0x10 + 2 * (pin))
#define IOAPIC_REDTBL_HI(pin)	(0x11 + 2 * (pin))

/*
 * Redirection entry, low dword:
 *	bits 0-7	vector
 *	bits 8-10	delivery mode: 000 fixed
 *	bit 11		destination mode: 0 physical
 *	bit 13		polarity: 0 active high
 *	bit 15		trigger: 0 edge
 *	bit 16		mask
 * high dword: bits 24-31 destination APIC ID (physical mode)
 */
#define IOAPIC_RTE_MASKED	(1u << 16)
#define IOAPIC_RTE_DEST_SHIFT	24

/* 8254 (82C54 datasheet): control word 00 11 010 0 = channel 0, LSB then MSB, mode 2, binary */
#define PIT_CH0			0x40
#define PIT_CMD			0x43
#define PIT_CW_CH0_MODE2	0x34
#define PIT_CW_CH0_MODE0	0x30

static void ioapic_write(uint32_t reg, uint32_t val)
{
	mmio_write32(IOAPIC_IOREGSEL, reg);
	mmio_write32(IOAPIC_IOWIN, val);
}

void ioapic_route(unsigned int pin, uint8_t vector, uint8_t apic_id)
{
	/* masked while the halves change, so no half-written entry can deliver */
	ioapic_write(IOAPIC_REDTBL_LO(pin), IOAPIC_RTE_MASKED | vector);
	ioapic_write(IOAPIC_REDTBL_HI(pin), (uint32_t)apic_id << IOAPIC_RTE_DEST_SHIFT);
	ioapic_write(IOAPIC_REDTBL_LO(pin), vector);
}

void ioapic_mask(unsigned int pin)
{
	ioapic_write(IOAPIC_REDTBL_LO(pin), IOAPIC_RTE_MASKED);
}

uint64_t pit_ch0_rate(uint16_t count)
{
	uint64_t t0;

	outb(PIT_CMD, PIT_CW_CH0_MODE2);
	outb(PIT_CH0, count & 0xff);
	t0 = rdtsc();
	outb(PIT_CH0, count >> 8);
	return t0;
}

void pit_ch0_stop(void)
{
	outb(PIT_CMD, PIT_CW_CH0_MODE0);
}
