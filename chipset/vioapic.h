/* SPDX-License-Identifier: MIT */
/*
 * The guest's I/O APIC: an Intel 82093AA with 24 pins (82093AA datasheet, order no. 290566;
 * SDM vol. 3A 11.11 for the message fields) that reports version 0x20 and has the EOI register
 * at offset 0x40, as the ICH/PCH I/O APICs do. Portable C: it never touches the VMCS or the
 * hardware; it builds unchanged into the host unit tests.
 *
 * Why version 0x20: Linux (arch/x86/kernel/apic/io_apic.c, eoi_ioapic_pin) clears a stuck
 * Remote IRR with the EOI register when the version is 0x20 or above, and otherwise by
 * switching the pin to edge and back to level; QEMU's I/O APIC reports 0x20, and KVM's in-kernel
 * one, while it says 0x11, takes the EOI register write the same way. Both of Linux's ways work
 * here: a pin switched to edge loses its Remote IRR, and so does an EOI register write.
 *
 * What it models. IOREGSEL/IOWIN with the ID (bits 27:24 writable), version, arbitration (the
 * ID, loaded at each ID write) and the 24 redirection entries; read-only bits (delivery status,
 * Remote IRR) and reserved bits ignore writes, reserved bits read 0. Delivery is immediate, so
 * delivery status always reads 0. Input pins: polarity inverts the line (active low); an edge-
 * triggered entry delivers on the pin's inactive-to-active transition as vioapic_set_irq drives
 * it, a masked one ignores it (82093AA 3.2.4: "not delivered or held pending"); a register write
 * is never an edge. A level-triggered entry of fixed or lowest-priority delivery delivers while
 * its pin is active, unmasked and its Remote IRR clear, and sets Remote IRR; an EOI for its
 * vector clears it, and a pin still active is delivered again. SMI, NMI, INIT and ExtINT are
 * edge-only (82093AA 3.2.4): those entries deliver on the edge whatever the trigger bit says,
 * and never set Remote IRR. MMIO: IOREGSEL takes 1-, 2- and 4-byte accesses at offset 0 (only
 * bits 7:0 are there); IOWIN and EOI take aligned 4-byte accesses; anything else is logged, a
 * read gives 0, a write is dropped.
 *
 * State after vioapic_init (82093AA reset): ID 0, every entry masked and otherwise 0, IOREGSEL 0.
 *
 * Pins carry electrical levels, and each idles where its pull-up or pull-down leaves it on a PC:
 * ISA pins 0-15 low (active high, edge), PCI pins 16-23 high (INTx#, active low, level; the
 * ACPI tables say so and the guest programs the polarity to match). A source drives its pin
 * the way its wiring does: an ISA device or the PIT high to assert, a PCI device low.
 *
 * How the glue drives it (one vCPU, one thread: nothing here is called concurrently; no op may
 * call into the vioapic but the eoi op, as it says):
 *  - setup: vioapic_init with the base the ACPI MADT names (0xfec00000); trap the guest's
 *    accesses to the 4 KiB page there: vioapic_mmio_read / vioapic_mmio_write with the offset
 *    in the page and the access size.
 *  - device models and forwarded physical lines call vioapic_set_irq (GSI = pin). Pin 0 is the
 *    8259's INT (vpic_output), pin 2 the PIT's OUT (the MADT's IRQ0 -> GSI2 override).
 *  - deliver: turn the message into an interrupt for the one vCPU: fixed and lowest priority
 *    post the vector to the vLAPIC if the destination names it (lowest priority is fixed
 *    delivery to it); NMI is an NMI; ExtINT makes the vCPU take vpic_ack()'s vector, acked at
 *    injection time, not from inside deliver (vpic_ack may change pin 0 through the router);
 *    SMI and INIT the router logs and drops. The glue must not call into the vioapic from
 *    deliver.
 *  - the vLAPIC's EOI of a vector that its TMR marks level-triggered (the EOI broadcast), and
 *    the EOI register: vioapic_eoi(vector). Under virtual-interrupt delivery set the EOI-exit
 *    bitmap bit of every vector an unmasked level entry holds, so those EOIs exit.
 *  - mask_changed: the guest masked or unmasked a pin, for the glue to follow at the physical
 *    controller; eoi: a level pin's Remote IRR was cleared by an EOI (see the op).
 */
#ifndef CHIPSET_VIOAPIC_H
#define CHIPSET_VIOAPIC_H

#include <stdbool.h>
#include <stdint.h>

#define VIOAPIC_PINS		24
#define VIOAPIC_DEFAULT_BASE	0xfec00000u

/* One interrupt message as the 82093AA would send it (fields of the redirection entry) */
struct vioapic_msg {
	uint8_t pin;			/* the input it came from */
	uint8_t vector;			/* fixed, lowest priority; ignored by the others */
	uint8_t delivery_mode;		/* VIOAPIC_DM_* (vioapic_regs.h) */
	bool level;			/* level: the vLAPIC sets TMR, its EOI comes back */
	bool logical;			/* destination mode logical, else physical */
	uint8_t dest;			/* bits 63:56 of the entry */
};

/* What the vioapic needs from the glue; every op gets the ctx given to vioapic_init. */
struct vioapic_ops {
	/* Deliver `msg` (see above). */
	void (*deliver)(void *ctx, const struct vioapic_msg *msg);
	/* The guest masked (true) or unmasked (false) pin `pin`. */
	void (*mask_changed)(void *ctx, unsigned int pin, bool masked);
	/*
	 * An EOI cleared pin `pin`'s Remote IRR. For a forwarded level-triggered line the glue
	 * lowers the pin here (vioapic_set_irq(pin, false), the one call it may make into the
	 * vioapic from an op) and unmasks the physical line, which raises it again if the device
	 * still asserts it; a pin left active is delivered again right after the op.
	 */
	void (*eoi)(void *ctx, unsigned int pin);
	/* One line of diagnostics about the guest's accesses, without a newline; guest-
	 * triggered, so the glue rate-limits it. */
	void (*log)(void *ctx, const char *msg);
};

/* Fields are private to vioapic.c: use the functions below. */
struct vioapic {
	const struct vioapic_ops *ops;
	void *ctx;
	uint32_t base;			/* guest-physical address of the MMIO page */
	uint8_t regsel;			/* IOREGSEL */
	uint32_t id;			/* ID register (bits 27:24) */
	uint32_t arb;			/* arbitration register (bits 27:24) */
	uint32_t lines;			/* pin levels as last driven, before polarity */
	uint64_t redir[VIOAPIC_PINS];	/* redirection table */
};

/* Sets `io` up in the reset state described above. No op runs here. */
void vioapic_init(struct vioapic *io, const struct vioapic_ops *ops, void *ctx, uint32_t base);
uint32_t vioapic_base(const struct vioapic *io);

/* An access of `size` bytes (1, 2, 4 or 8) at `offset` in the MMIO page (see above). */
uint32_t vioapic_mmio_read(struct vioapic *io, uint32_t offset, unsigned int size);
void vioapic_mmio_write(struct vioapic *io, uint32_t offset, uint32_t val, unsigned int size);

/* Drives pin `pin` (0-23; others are ignored) to `level`, before the entry's polarity. */
void vioapic_set_irq(struct vioapic *io, unsigned int pin, bool level);

/* An EOI for `vector`: clears the Remote IRR of every level entry holding it (see above). */
void vioapic_eoi(struct vioapic *io, uint8_t vector);

#endif
