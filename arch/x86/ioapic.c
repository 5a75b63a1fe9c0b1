/* SPDX-License-Identifier: MIT */
#include "arch/x86/ioapic.h"
#include "arch/x86/paging.h"

/*
 * Registers (82093AA datasheet 3.0): two 32-bit windows in the MMIO page, IOREGSEL at 0x00
 * selects the register that IOWIN at 0x10 reads or writes.
 *	0x00		IOAPICID
 *	0x01		IOAPICVER: bits 7:0 version, bits 23:16 maximum redirection entry (pins - 1)
 *	0x10 + 2n	redirection entry n, bits 31:0; 0x11 + 2n its bits 63:32
 * Redirection entry (3.2.4):
 *	7:0 vector, 10:8 delivery mode (000 fixed), 11 destination mode (0 physical),
 *	12 delivery status (RO), 13 polarity (1 active low), 14 remote IRR (RO),
 *	15 trigger mode (1 level), 16 mask; 63:56 destination APIC ID
 */
#define IOREGSEL		0x00
#define IOWIN			0x10
#define IOAPIC_REG_VER		0x01
#define IOAPIC_REG_REDTBL(n)	(0x10 + 2 * (n))
#define RTE_POLARITY_LOW	(1u << 13)
#define RTE_LEVEL		(1u << 15)
#define RTE_MASKED		(1u << 16)
#define RTE_DEST_SHIFT		24	/* in the high dword */
#define VER_MAX_REDIR(v)	(((v) >> 16) & 0xff)
#define IOAPIC_DEFAULT_BASE	0xfec00000ull

static volatile uint32_t *regs;
static uint64_t base_pa;
static unsigned int pins;
static uint32_t version;

static uint32_t ioapic_read(uint32_t reg)
{
	regs[IOREGSEL / 4] = reg;
	return regs[IOWIN / 4];
}

static void ioapic_write(uint32_t reg, uint32_t val)
{
	regs[IOREGSEL / 4] = reg;
	regs[IOWIN / 4] = val;
}

/* Pins past IOAPIC_MAX_PINS share the last vector: they are never unmasked. */
static uint8_t pin_vector(unsigned int pin)
{
	return IOAPIC_VECTOR_BASE + (pin < IOAPIC_MAX_PINS ? pin : IOAPIC_MAX_PINS);
}

bool ioapic_init(uint64_t base, uint8_t dest_apic_id)
{
	/* paging_init() maps the default page; any other comes from the MADT. */
	if (base != IOAPIC_DEFAULT_BASE)
		paging_map_mmio(base);
	regs = (volatile uint32_t *)(uintptr_t)base;
	version = ioapic_read(IOAPIC_REG_VER);
	if (version == 0 || version == 0xffffffffu || VER_MAX_REDIR(version) == 0)
		return false;
	base_pa = base;
	pins = VER_MAX_REDIR(version) + 1;
	for (unsigned int pin = 0; pin < pins; pin++) {
		/* Mask first, so that no half-written entry can ever deliver. */
		ioapic_write(IOAPIC_REG_REDTBL(pin), RTE_MASKED | pin_vector(pin));
		ioapic_write(IOAPIC_REG_REDTBL(pin) + 1, (uint32_t)dest_apic_id << RTE_DEST_SHIFT);
		ioapic_write(IOAPIC_REG_REDTBL(pin), RTE_MASKED | pin_vector(pin));
	}
	return true;
}

uint64_t ioapic_base(void)
{
	return base_pa;
}

unsigned int ioapic_pins(void)
{
	return pins;
}

uint32_t ioapic_version(void)
{
	return version & 0xff;
}

void ioapic_configure(unsigned int pin, bool level, bool active_low)
{
	ioapic_write(IOAPIC_REG_REDTBL(pin), RTE_MASKED | pin_vector(pin) |
		     (level ? RTE_LEVEL : 0) | (active_low ? RTE_POLARITY_LOW : 0));
}

void ioapic_mask(unsigned int pin)
{
	ioapic_write(IOAPIC_REG_REDTBL(pin), ioapic_read(IOAPIC_REG_REDTBL(pin)) | RTE_MASKED);
}

void ioapic_unmask(unsigned int pin)
{
	ioapic_write(IOAPIC_REG_REDTBL(pin), ioapic_read(IOAPIC_REG_REDTBL(pin)) & ~RTE_MASKED);
}
