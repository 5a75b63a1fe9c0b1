/* SPDX-License-Identifier: MIT */
/* The virtual I/O APIC: see vioapic.h for the model and how the glue drives it. */
#include "chipset/vioapic.h"
#include "chipset/vioapic_regs.h"

static void vioapic_log(struct vioapic *io, const char *msg)
{
	io->ops->log(io->ctx, msg);
}

static uint32_t rte_lo(const struct vioapic *io, unsigned int pin)
{
	return (uint32_t)io->redir[pin];
}

static unsigned int delivery_mode(uint32_t lo)
{
	return (lo & VIOAPIC_RTE_DM_MASK) >> VIOAPIC_RTE_DM_SHIFT;
}

/* Level-triggered in effect: SMI, NMI, INIT and ExtINT are edge-only (82093AA 3.2.4). */
static bool level_entry(uint32_t lo)
{
	unsigned int dm = delivery_mode(lo);

	return (lo & VIOAPIC_RTE_LEVEL) && (dm == VIOAPIC_DM_FIXED || dm == VIOAPIC_DM_LOWEST);
}

/* The pin after its polarity: true = asserted. */
static bool pin_active(const struct vioapic *io, unsigned int pin)
{
	bool line = io->lines & (1u << pin);

	return line != !!(rte_lo(io, pin) & VIOAPIC_RTE_POLARITY_LOW);
}

static void send(struct vioapic *io, unsigned int pin)
{
	uint32_t lo = rte_lo(io, pin);
	struct vioapic_msg msg = {
		.pin = (uint8_t)pin,
		.vector = lo & VIOAPIC_RTE_VECTOR,
		.delivery_mode = (uint8_t)delivery_mode(lo),
		.level = level_entry(lo),
		.logical = lo & VIOAPIC_RTE_DEST_LOGICAL,
		.dest = (uint8_t)(io->redir[pin] >> 56),
	};

	if (msg.level)
		io->redir[pin] |= VIOAPIC_RTE_REMOTE_IRR;
	io->ops->deliver(io->ctx, &msg);
}

/* A level entry delivers while its pin is active, unmasked and not awaiting an EOI. */
static void level_check(struct vioapic *io, unsigned int pin)
{
	uint32_t lo = rte_lo(io, pin);

	if (level_entry(lo) && !(lo & (VIOAPIC_RTE_MASKED | VIOAPIC_RTE_REMOTE_IRR)) &&
	    pin_active(io, pin))
		send(io, pin);
}

void vioapic_set_irq(struct vioapic *io, unsigned int pin, bool level)
{
	bool was;
	uint32_t lo;

	if (pin >= VIOAPIC_PINS)
		return;
	was = pin_active(io, pin);
	if (level)
		io->lines |= 1u << pin;
	else
		io->lines &= ~(1u << pin);
	lo = rte_lo(io, pin);
	if (level_entry(lo))
		level_check(io, pin);
	else if (!was && pin_active(io, pin) && !(lo & VIOAPIC_RTE_MASKED))
		send(io, pin);
}

void vioapic_eoi(struct vioapic *io, uint8_t vector)
{
	for (unsigned int pin = 0; pin < VIOAPIC_PINS; pin++) {
		uint32_t lo = rte_lo(io, pin);

		if (!(lo & VIOAPIC_RTE_REMOTE_IRR) || (lo & VIOAPIC_RTE_VECTOR) != vector)
			continue;
		io->redir[pin] &= ~(uint64_t)VIOAPIC_RTE_REMOTE_IRR;
		io->ops->eoi(io->ctx, pin);
		level_check(io, pin);
	}
}

/*
 * A write to half of entry `pin`. Read-only and reserved bits keep their values. Switching to
 * edge clears Remote IRR, which means nothing for an edge entry (Linux clears a stuck one this
 * way on versions below 0x20). Unmasking, or any change, re-evaluates an active level pin.
 */
static void write_rte(struct vioapic *io, unsigned int pin, bool high, uint32_t val)
{
	uint64_t old = io->redir[pin];
	uint64_t e = old;

	if (high) {
		e = (e & 0xffffffffull) | (uint64_t)(val & VIOAPIC_RTE_HI_WRITABLE) << 32;
	} else {
		e = (e & ~(uint64_t)VIOAPIC_RTE_LO_WRITABLE) | (val & VIOAPIC_RTE_LO_WRITABLE);
		if (!(e & VIOAPIC_RTE_LEVEL))
			e &= ~(uint64_t)VIOAPIC_RTE_REMOTE_IRR;
	}
	io->redir[pin] = e;
	if ((old ^ e) & VIOAPIC_RTE_MASKED)
		io->ops->mask_changed(io->ctx, pin, e & VIOAPIC_RTE_MASKED);
	level_check(io, pin);
}

static uint32_t read_reg(struct vioapic *io, uint8_t reg)
{
	unsigned int pin;

	switch (reg) {
	case VIOAPIC_REG_ID:
		return io->id;
	case VIOAPIC_REG_VERSION:
		return VIOAPIC_VERSION;
	case VIOAPIC_REG_ARB:
		return io->arb;
	default:
		pin = (unsigned int)(reg - VIOAPIC_REG_REDIR) / 2;
		if (reg < VIOAPIC_REG_REDIR || pin >= VIOAPIC_PINS) {
			vioapic_log(io, "vioapic: read of an undefined register: 0");
			return 0;
		}
		return (uint32_t)(io->redir[pin] >> (reg & 1 ? 32 : 0));
	}
}

static void write_reg(struct vioapic *io, uint8_t reg, uint32_t val)
{
	unsigned int pin;

	switch (reg) {
	case VIOAPIC_REG_ID:
		io->id = val & VIOAPIC_ID_MASK;
		io->arb = io->id;
		break;
	case VIOAPIC_REG_VERSION:
	case VIOAPIC_REG_ARB:
		/* read-only */
		break;
	default:
		pin = (unsigned int)(reg - VIOAPIC_REG_REDIR) / 2;
		if (reg < VIOAPIC_REG_REDIR || pin >= VIOAPIC_PINS) {
			vioapic_log(io, "vioapic: write to an undefined register: dropped");
			return;
		}
		write_rte(io, pin, reg & 1, val);
		break;
	}
}

/* IOREGSEL: any width at offset 0 (bits 7:0); IOWIN and EOI: aligned dwords. */
static bool access_ok(struct vioapic *io, uint32_t offset, unsigned int size)
{
	if (offset == VIOAPIC_MMIO_REGSEL && (size == 1 || size == 2 || size == 4))
		return true;
	if ((offset == VIOAPIC_MMIO_WIN || offset == VIOAPIC_MMIO_EOI) && size == 4)
		return true;
	vioapic_log(io, "vioapic: access of an unsupported offset or size: ignored");
	return false;
}

uint32_t vioapic_mmio_read(struct vioapic *io, uint32_t offset, unsigned int size)
{
	if (!access_ok(io, offset, size))
		return 0;
	switch (offset) {
	case VIOAPIC_MMIO_REGSEL:
		return io->regsel;
	case VIOAPIC_MMIO_WIN:
		return read_reg(io, io->regsel);
	default:
		/* the EOI register is write-only */
		return 0;
	}
}

void vioapic_mmio_write(struct vioapic *io, uint32_t offset, uint32_t val, unsigned int size)
{
	if (!access_ok(io, offset, size))
		return;
	switch (offset) {
	case VIOAPIC_MMIO_REGSEL:
		io->regsel = (uint8_t)val;
		break;
	case VIOAPIC_MMIO_WIN:
		write_reg(io, io->regsel, val);
		break;
	default:
		vioapic_eoi(io, (uint8_t)val);
		break;
	}
}

/* PCI INTx# pins are pulled up: they idle high (see vioapic.h). */
#define PCI_PINS_IDLE	0x00ff0000u

void vioapic_init(struct vioapic *io, const struct vioapic_ops *ops, void *ctx, uint32_t base)
{
	*io = (struct vioapic){ .ops = ops, .ctx = ctx, .base = base, .lines = PCI_PINS_IDLE };
	for (unsigned int pin = 0; pin < VIOAPIC_PINS; pin++)
		io->redir[pin] = VIOAPIC_RTE_MASKED;
}

uint32_t vioapic_base(const struct vioapic *io)
{
	return io->base;
}
