/* SPDX-License-Identifier: MIT */
/* The PC's interrupt wiring between the vPIC, the vIOAPIC, the vPIT and the vCPU (chipset.h). */
#include "chipset/chipset.h"
#include "chipset/vioapic_regs.h"

#define PIT_GSI		2	/* MADT interrupt source override: ISA IRQ0 -> GSI2 */
#define PIC_INT_PIN	0	/* the 8259's INT on the I/O APIC's pin 0 */
#define BROADCAST_ID	0xff	/* physical destination "all" (xAPIC) */

static unsigned int gsi_of(unsigned int irq)
{
	return irq == 0 ? PIT_GSI : irq;
}

/* The ISA IRQ behind vIOAPIC pin `pin`, or -1 (pin 0: the 8259; pins 16-23: no ISA line). */
static int irq_of_pin(unsigned int pin)
{
	if (pin == PIT_GSI)
		return 0;
	if (pin == PIC_INT_PIN || pin >= CHIPSET_ISA_IRQS)
		return -1;
	return (int)pin;
}

static bool irq0_unmasked(const struct chipset *c)
{
	return (c->pic_unmasked & 1u) || (c->ioapic_unmasked & (1u << PIT_GSI));
}

/*
 * The one deadline the glue holds for the chipset: the PM timer's, and the vPIT's while an edge on
 * IRQ0 can reach the vCPU (chipset.h), whichever comes first.
 */
static void update_timer(struct chipset *c)
{
	bool pit = c->pit_armed && irq0_unmasked(c);
	uint64_t at = UINT64_MAX;

	if (pit)
		at = c->pit_deadline;
	if (c->pm_armed && c->pm_deadline < at)
		at = c->pm_deadline;
	if (at == UINT64_MAX) {
		if (c->timer_armed)
			c->ops->timer_cancel(c->ctx);
		c->timer_armed = false;
		return;
	}
	if (c->timer_armed && c->timer_deadline == at)
		return;
	c->timer_armed = true;
	c->timer_deadline = at;
	c->ops->timer_arm(c->ctx, at);
}

static void update_wanted(struct chipset *c, unsigned int irq)
{
	uint16_t bit = (uint16_t)(1u << irq);
	bool wanted = (c->pic_unmasked & bit) || (c->ioapic_unmasked & (1u << gsi_of(irq)));

	if (!(c->cfg.forward_mask & bit) || wanted == !!(c->wanted & bit))
		return;
	c->wanted ^= bit;
	c->ops->line_wanted(c->ctx, irq, wanted);
}

/* An edge on ISA line `irq`: both controllers see it, as both are wired to it on a PC. */
static void pulse(struct chipset *c, unsigned int irq)
{
	vpic_set_irq(&c->pic, irq, false);
	vpic_set_irq(&c->pic, irq, true);
	vioapic_set_irq(&c->ioapic, gsi_of(irq), false);
	vioapic_set_irq(&c->ioapic, gsi_of(irq), true);
}

/* ---- the vPIC's ops */

static void pic_output_changed(void *ctx)
{
	struct chipset *c = ctx;

	vioapic_set_irq(&c->ioapic, PIC_INT_PIN, vpic_output(&c->pic));
	c->ops->extint_changed(c->ctx);
}

static void pic_mask_changed(void *ctx, unsigned int irq, bool masked)
{
	struct chipset *c = ctx;

	if (masked)
		c->pic_unmasked &= (uint16_t)~(1u << irq);
	else
		c->pic_unmasked |= (uint16_t)(1u << irq);
	if (irq == 0)
		update_timer(c);
	update_wanted(c, irq);
}

/* A forwarded level line leaves service: lower it; the physical line raises it again if the
 * device still asserts it, once unmasked (vpic.h, the eoi op). */
static void pic_eoi(void *ctx, unsigned int irq)
{
	struct chipset *c = ctx;

	if (!(c->cfg.forward_mask & (1u << irq)) || !(c->pic.chip[irq >> 3].elcr & (1u << (irq & 7))))
		return;
	vpic_set_irq(&c->pic, irq, false);
	c->ops->line_eoi(c->ctx, irq);
}

static void pic_log(void *ctx, const char *msg)
{
	struct chipset *c = ctx;

	c->ops->log(c->ctx, msg);
}

static const struct vpic_ops pic_ops = {
	.output_changed = pic_output_changed,
	.mask_changed = pic_mask_changed,
	.eoi = pic_eoi,
	.log = pic_log,
};

/* ---- the vIOAPIC's ops */

/*
 * One vCPU: a physical destination names it by its APIC ID or broadcasts; a logical one names it
 * if any bit of the destination is set (flat model, one CPU: Linux gives its one CPU bit 0).
 */
static bool for_us(const struct chipset *c, const struct vioapic_msg *m)
{
	return m->logical ? m->dest != 0 : (m->dest == c->apic_id || m->dest == BROADCAST_ID);
}

static void ioapic_deliver(void *ctx, const struct vioapic_msg *m)
{
	struct chipset *c = ctx;

	if (!for_us(c, m)) {
		c->stats.dropped_msgs++;
		return;
	}
	switch (m->delivery_mode) {
	case VIOAPIC_DM_FIXED:
	case VIOAPIC_DM_LOWEST:
		c->ops->post(c->ctx, m->vector, m->level);
		break;
	case VIOAPIC_DM_NMI:
		c->stats.ioapic_nmis++;
		c->ops->nmi(c->ctx);
		break;
	case VIOAPIC_DM_EXTINT:
		/* The vector comes from the vPIC's INTA when the vCPU takes it (vioapic.h). */
		c->extint_requested = true;
		c->ops->extint_changed(c->ctx);
		break;
	default:
		/* SMI and INIT: a one-vCPU machine without SMM has nothing to do with them. */
		c->stats.dropped_msgs++;
		c->ops->log(c->ctx, "vIOAPIC: SMI or INIT message dropped");
		break;
	}
}

static void ioapic_mask_changed(void *ctx, unsigned int pin, bool masked)
{
	struct chipset *c = ctx;
	int irq = irq_of_pin(pin);

	if (masked)
		c->ioapic_unmasked &= ~(1u << pin);
	else
		c->ioapic_unmasked |= 1u << pin;
	if (pin == PIT_GSI)
		update_timer(c);
	if (irq >= 0)
		update_wanted(c, (unsigned int)irq);
}

static void ioapic_eoi(void *ctx, unsigned int pin)
{
	struct chipset *c = ctx;
	int irq = irq_of_pin(pin);

	if (irq < 0 || !(c->cfg.forward_mask & (1u << irq)))
		return;
	vioapic_set_irq(&c->ioapic, pin, false);
	c->ops->line_eoi(c->ctx, (unsigned int)irq);
}

static const struct vioapic_ops ioapic_ops = {
	.deliver = ioapic_deliver,
	.mask_changed = ioapic_mask_changed,
	.eoi = ioapic_eoi,
	.log = pic_log,
};

/* ---- the vPIT's ops */

static void pit_arm(void *ctx, uint64_t deadline)
{
	struct chipset *c = ctx;

	c->pit_armed = true;
	c->pit_deadline = deadline;
	update_timer(c);
}

static void pit_cancel(void *ctx)
{
	struct chipset *c = ctx;

	c->pit_armed = false;
	update_timer(c);
}

static void pit_irq0(void *ctx)
{
	pulse(ctx, 0);
}

/* OUT0 moved by a guest write: the line takes its level (a rise is the edge pulse() makes). */
static void pit_irq0_level(void *ctx, bool high)
{
	struct chipset *c = ctx;

	vpic_set_irq(&c->pic, 0, high);
	vioapic_set_irq(&c->ioapic, PIT_GSI, high);
}

/* The vPIT's debug lines (minimum period, modes a PC never uses) stay out of the log. */
static void pit_log(void *ctx, enum vpit_log_level level, const char *msg)
{
	struct chipset *c = ctx;

	if (level != VPIT_LOG_DEBUG)
		c->ops->log(c->ctx, msg);
}

static const struct vpit_ops pit_ops = {
	.arm = pit_arm,
	.cancel = pit_cancel,
	.irq0_edge = pit_irq0,
	.irq0_level = pit_irq0_level,
	.log = pit_log,
};

/* ---- the ACPI fixed hardware's ops */

/* The SCI: a level line on both controllers, active high (the MADT's override for it). */
static void pm_sci(void *ctx, bool level)
{
	struct chipset *c = ctx;

	vpic_set_irq(&c->pic, c->cfg.sci_irq, level);
	vioapic_set_irq(&c->ioapic, gsi_of(c->cfg.sci_irq), level);
}

static void pm_arm(void *ctx, uint64_t deadline)
{
	struct chipset *c = ctx;

	c->pm_armed = true;
	c->pm_deadline = deadline;
	update_timer(c);
}

static void pm_cancel(void *ctx)
{
	struct chipset *c = ctx;

	c->pm_armed = false;
	update_timer(c);
}

static void pm_power_off(void *ctx)
{
	((struct chipset *)ctx)->powered_off = true;
}

static const struct acpi_pm_ops pm_ops = {
	.sci = pm_sci,
	.arm = pm_arm,
	.cancel = pm_cancel,
	.power_off = pm_power_off,
	.log = pic_log,
};

bool chipset_init(struct chipset *c, const struct chipset_config *cfg,
		  const struct chipset_ops *ops, void *ctx, uint8_t apic_id, uint64_t now)
{
	struct vpit_config pit_cfg = {
		.tsc_hz = cfg->tsc_hz, .min_period_us = cfg->min_period_us, .bios_state = true,
	};

	struct acpi_pm_config pm_cfg = cfg->pm;

	*c = (struct chipset){ .ops = ops, .ctx = ctx, .cfg = *cfg, .apic_id = apic_id };
	vpic_init(&c->pic, &pic_ops, c);
	vioapic_init(&c->ioapic, &ioapic_ops, c, cfg->ioapic_base);
	pm_cfg.tsc_hz = cfg->tsc_hz;
	if (cfg->acpi_pm && (cfg->sci_irq >= CHIPSET_ISA_IRQS ||
			     !acpi_pm_init(&c->pm, &pm_cfg, &pm_ops, c, now)))
		return false;
	return vpit_init(&c->pit, &pit_cfg, &pit_ops, c, now);
}

bool chipset_port(const struct chipset *c, uint16_t port)
{
	if (c->cfg.acpi_pm && acpi_pm_port(&c->pm, port))
		return true;
	switch (port) {
	case VPIC_PORT_MASTER_CMD: case VPIC_PORT_MASTER_DATA:
	case VPIC_PORT_SLAVE_CMD: case VPIC_PORT_SLAVE_DATA:
	case VPIC_PORT_ELCR_MASTER: case VPIC_PORT_ELCR_SLAVE:
		return true;
	default:
		return vpit_port(port);
	}
}

static uint8_t io_read8(struct chipset *c, uint16_t port, uint64_t now)
{
	if (c->cfg.acpi_pm && acpi_pm_port(&c->pm, port))
		return acpi_pm_read(&c->pm, port, now);
	if (vpit_port(port))
		return vpit_io_read(&c->pit, port, now);
	return vpic_io_read(&c->pic, port);	/* 0xff for a port that is no one's */
}

static void io_write8(struct chipset *c, uint16_t port, uint8_t val, uint64_t now)
{
	if (c->cfg.acpi_pm && acpi_pm_port(&c->pm, port))
		acpi_pm_write(&c->pm, port, val, now);
	else if (vpit_port(port))
		vpit_io_write(&c->pit, port, val, now);
	else
		vpic_io_write(&c->pic, port, val);
}

/*
 * The edges held back while IRQ0 was masked everywhere (chipset_timer_check), raised before the
 * guest looks at or changes the controllers: an edge that came while masked must not count as
 * one after an unmask.
 */
static void catch_up(struct chipset *c, uint64_t now)
{
	if (!irq0_unmasked(c))
		vpit_timer_check(&c->pit, now);
}

void chipset_io(struct chipset *c, uint16_t port, unsigned int size, bool write, uint32_t *val,
		uint64_t now)
{
	uint32_t in = 0;

	catch_up(c, now);
	for (unsigned int i = 0; i < size && i < 4; i++) {
		uint16_t p = (uint16_t)(port + i);

		if (write)
			io_write8(c, p, (uint8_t)(*val >> (8 * i)), now);
		else
			in |= (uint32_t)io_read8(c, p, now) << (8 * i);
	}
	if (!write)
		*val = in;
}

uint32_t chipset_ioapic_base(const struct chipset *c)
{
	return vioapic_base(&c->ioapic);
}

uint32_t chipset_mmio_read(struct chipset *c, uint32_t offset, unsigned int size, uint64_t now)
{
	catch_up(c, now);
	return vioapic_mmio_read(&c->ioapic, offset, size);
}

void chipset_mmio_write(struct chipset *c, uint32_t offset, uint32_t val, unsigned int size,
			uint64_t now)
{
	catch_up(c, now);
	vioapic_mmio_write(&c->ioapic, offset, val, size);
}

bool chipset_powered_off(const struct chipset *c)
{
	return c->powered_off;
}

/*
 * While IRQ0 is masked at both controllers an edge only latches the vPIC's IRR (the vIOAPIC
 * loses a masked edge), which the guest can see through the chipset's ports alone: the edges
 * are raised there (chipset_io), not at every exit, where they would cost an exit that serves
 * another timer a few hundred instructions now and then.
 */
bool chipset_timer_check(struct chipset *c, uint64_t now)
{
	if (c->cfg.acpi_pm)
		acpi_pm_timer_check(&c->pm, now);
	return irq0_unmasked(c) && vpit_timer_check(&c->pit, now);
}

void chipset_eoi(struct chipset *c, uint8_t vector)
{
	vioapic_eoi(&c->ioapic, vector);
}

void chipset_phys_irq(struct chipset *c, unsigned int irq, bool level_triggered, bool level)
{
	if (irq >= CHIPSET_ISA_IRQS || !(c->cfg.forward_mask & (1u << irq)))
		return;
	c->stats.forwarded[irq]++;
	if (!level_triggered) {
		pulse(c, irq);
		return;
	}
	vpic_set_irq(&c->pic, irq, level);
	vioapic_set_irq(&c->ioapic, gsi_of(irq), level);
}

bool chipset_extint_pending(const struct chipset *c)
{
	return vpic_output(&c->pic);
}

bool chipset_extint_requested(const struct chipset *c)
{
	return c->extint_requested;
}

/*
 * The INTA cycle. The vIOAPIC's ExtINT is edge-only (vioapic.h): if the vPIC still requests
 * after this one, pin 0 is pulsed so that the I/O APIC asks again, as the 8259's INT, which
 * stays high while a request is pending, makes a PC's I/O APIC do in virtual-wire mode.
 */
uint8_t chipset_extint_ack(struct chipset *c)
{
	uint8_t vector = vpic_ack(&c->pic);

	c->stats.extint_acks++;
	c->extint_requested = false;
	if (vpic_output(&c->pic)) {
		vioapic_set_irq(&c->ioapic, PIC_INT_PIN, false);
		vioapic_set_irq(&c->ioapic, PIC_INT_PIN, true);
	}
	return vector;
}

const struct chipset_stats *chipset_stats(const struct chipset *c)
{
	return &c->stats;
}

const struct vpit_stats *chipset_pit_stats(const struct chipset *c)
{
	return vpit_stats(&c->pit);
}
