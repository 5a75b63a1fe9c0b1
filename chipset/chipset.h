/* SPDX-License-Identifier: MIT */
/*
 * The guest's interrupt chipset as one unit: the 8259 pair (vpic.h), the I/O APIC (vioapic.h)
 * and the 8254 (vpit.h), wired as on a PC, and the routing of interrupt lines (the virtual
 * devices' and the forwarded physical ones) to the one vCPU. Portable C like its parts: the VMX
 * glue (vmx/chipset_glue.c) gives it time, traps and the vLAPIC through struct chipset_ops.
 *
 * Wiring (the PC/AT's, and the MADT's that describes it, loader/acpi.h):
 *
 *	ISA IRQ n (0-15)	vPIC input n, and vIOAPIC pin n, except:
 *	IRQ0 (PIT OUT0)		vPIC input 0 and vIOAPIC pin 2 (the MADT's override IRQ0 -> GSI2)
 *	vPIC INT		vIOAPIC pin 0 (ExtINT through the I/O APIC) and the vLAPIC's LINT0
 *				(virtual wire: the glue checks LVT LINT0's ExtINT mode)
 *	SCI (acpi_pm.h)		ISA IRQ sci_irq: vPIC input and vIOAPIC pin, level, active high
 *				(the MADT's override for it says so)
 *
 * Edge sources (the vPIT's OUT0, forwarded ISA lines) pulse their lines: low, then high, and
 * leave them high (vpic.h: an edge request is dropped if the line falls before INTA). Where a
 * guest write moves OUT0 (a mode-0 control word or count puts it low, another mode's control
 * word high), IRQ0 takes that level, so a request withdrawn that way ends as the 8259's
 * spurious IR7, as on a PC.
 *
 * One deadline goes to the glue (ops->timer_arm): the earlier of the ACPI PM timer's (while it
 * wants one) and the vPIT's, which counts only while IRQ0 is unmasked at the vPIC or at the
 * vIOAPIC: an edge that no controller lets through needs no exit of its own. Every exit still
 * runs chipset_timer_check, which raises due edges while IRQ0 is unmasked; while it is masked
 * everywhere the edges are raised at the next access to the chipset's ports or the vIOAPIC's page
 * instead (where their one effect, the vPIC's IRR bit, shows, and where an unmask comes from),
 * and unmasking arms the held deadline.
 *
 * Forwarding. A physical ISA line in chipset_config.forward_mask is "wanted" while the guest has
 * it unmasked at the vPIC or at the vIOAPIC; ops->line_wanted tells the glue, which unmasks the
 * physical line while wanted. chipset_phys_irq() is the physical line's interrupt.
 *
 * How the glue drives it (one vCPU, one thread):
 *  - chipset_init; trap the ports for which chipset_port() is true and the vIOAPIC's MMIO page.
 *    After an I/O exit, chipset_powered_off() says the guest entered ACPI S5.
 *  - I/O exits: chipset_io; EPT violations in the page: chipset_mmio_read / _write.
 *  - every VM exit: chipset_timer_check(now), next to the vLAPIC's timer check.
 *  - the vLAPIC's EOI of a level-triggered vector (its EOI broadcast): chipset_eoi(vector).
 *  - before a VM entry: if chipset_extint_pending() and the vCPU takes ExtINT (LINT0 in ExtINT
 *    mode and unmasked, or chipset_extint_requested()), inject chipset_extint_ack()'s vector
 *    when the guest can take an external interrupt.
 */
#ifndef CHIPSET_CHIPSET_H
#define CHIPSET_CHIPSET_H

#include <stdbool.h>
#include <stdint.h>

#include "chipset/acpi_pm.h"
#include "chipset/vioapic.h"
#include "chipset/vpic.h"
#include "chipset/vpit.h"

#define CHIPSET_ISA_IRQS	16

struct chipset_ops {
	/* A fixed (or lowest-priority: one vCPU) interrupt message for the vLAPIC. */
	void (*post)(void *ctx, uint8_t vector, bool level);
	/* An NMI message (a vIOAPIC entry in NMI mode). */
	void (*nmi)(void *ctx);
	/* chipset_extint_pending() or chipset_extint_requested() may have changed. */
	void (*extint_changed)(void *ctx);
	/* The vPIT's deadline: the shared "exit at or after TSC T" owner (vpit.h ops). */
	void (*timer_arm)(void *ctx, uint64_t deadline);
	void (*timer_cancel)(void *ctx);
	/* Physical ISA line `irq` (in forward_mask): the guest wants (unmasked) it or not. */
	void (*line_wanted)(void *ctx, unsigned int irq, bool wanted);
	/* The guest finished with a level-triggered forwarded line: unmask it physically. */
	void (*line_eoi)(void *ctx, unsigned int irq);
	/* A guest-triggered diagnostic, without a newline: the glue rate-limits it. */
	void (*log)(void *ctx, const char *msg);
};

struct chipset_config {
	uint64_t tsc_hz;
	uint32_t min_period_us;		/* the vPIT's periodic floor, as the vLAPIC's */
	uint32_t ioapic_base;		/* guest-physical; VIOAPIC_DEFAULT_BASE on a PC */
	uint16_t forward_mask;		/* ISA IRQs that are physical lines given to the guest */
	bool acpi_pm;			/* ACPI fixed hardware (acpi_pm.h) ... */
	struct acpi_pm_config pm;	/* ... at these ports (pm.tsc_hz is tsc_hz) */
	uint8_t sci_irq;		/* ... with its SCI on this ISA IRQ */
};

struct chipset_stats {
	uint64_t forwarded[CHIPSET_ISA_IRQS];	/* physical interrupts passed on, per ISA IRQ */
	uint64_t extint_acks;			/* vectors the vCPU took from the vPIC */
	uint64_t ioapic_nmis;			/* NMI messages */
	uint64_t dropped_msgs;			/* SMI/INIT messages, or none for our APIC ID */
};

/* Fields are private to chipset/: use the functions below. */
struct chipset {
	const struct chipset_ops *ops;
	void *ctx;
	struct chipset_config cfg;
	uint8_t apic_id;		/* the vCPU's, for physical-destination messages */
	struct vpic pic;
	struct vioapic ioapic;
	struct vpit pit;
	uint16_t pic_unmasked;		/* vPIC inputs the guest unmasked */
	uint32_t ioapic_unmasked;	/* vIOAPIC pins the guest unmasked */
	uint16_t wanted;		/* forward_mask lines reported wanted */
	bool extint_requested;		/* the vIOAPIC's pin 0 sent an ExtINT message */
	bool pit_armed;			/* the vPIT holds a deadline ... */
	uint64_t pit_deadline;		/* ... this one, armed while IRQ0 is unmasked somewhere */
	struct acpi_pm pm;
	bool pm_armed;			/* the PM timer holds a deadline ... */
	uint64_t pm_deadline;		/* ... this one */
	bool timer_armed;		/* ops->timer_arm holds ... */
	uint64_t timer_deadline;	/* ... this one */
	bool powered_off;		/* the guest entered S5 */
	struct chipset_stats stats;
};

/* Sets up the PC's chipset as a BIOS leaves it, at host TSC `now`. False on a bad config. */
bool chipset_init(struct chipset *c, const struct chipset_config *cfg,
		  const struct chipset_ops *ops, void *ctx, uint8_t apic_id, uint64_t now);
/* True for the I/O ports chipset_io serves. */
bool chipset_port(const struct chipset *c, uint16_t port);
/*
 * An IN (write false: *val receives the value) or OUT of `size` bytes (1, 2, 4) at `port`, at
 * host TSC `now`. A wider access is byte accesses to port, port + 1, ... as on the ISA bus.
 */
void chipset_io(struct chipset *c, uint16_t port, unsigned int size, bool write, uint32_t *val,
		uint64_t now);
uint32_t chipset_ioapic_base(const struct chipset *c);
/* An access to the vIOAPIC's page at host TSC `now`. */
uint32_t chipset_mmio_read(struct chipset *c, uint32_t offset, unsigned int size, uint64_t now);
void chipset_mmio_write(struct chipset *c, uint32_t offset, uint32_t val, unsigned int size,
			uint64_t now);
/* The guest wrote SLP_EN with \_S5's sleep type: the machine is off. */
bool chipset_powered_off(const struct chipset *c);
/* The vPIT's and the PM timer's expiries due at `now`; true if IRQ0 was raised. */
bool chipset_timer_check(struct chipset *c, uint64_t now);
/* The vLAPIC's EOI broadcast for a level-triggered vector. */
void chipset_eoi(struct chipset *c, uint8_t vector);
/* A forwarded physical ISA line fired (edge), or changed level (level-triggered lines). */
void chipset_phys_irq(struct chipset *c, unsigned int irq, bool level_triggered, bool level);
/* The vPIC's INT pin, the vIOAPIC's ExtINT message, and the INTA cycle that takes a vector. */
bool chipset_extint_pending(const struct chipset *c);
bool chipset_extint_requested(const struct chipset *c);
uint8_t chipset_extint_ack(struct chipset *c);

const struct chipset_stats *chipset_stats(const struct chipset *c);
const struct vpit_stats *chipset_pit_stats(const struct chipset *c);

#endif
