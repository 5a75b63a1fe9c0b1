/* SPDX-License-Identifier: MIT */
/* The virtual 8259A pair: see vpic.h for the model and how the glue drives it. */
#include "chipset/vpic.h"
#include "chipset/vpic_regs.h"

enum { MASTER, SLAVE };

/* The input the chip reports in IMR/IRR/ISR bit n is IRQ chip * 8 + n. */
#define IRQS_PER_CHIP	8
/* When nothing is left to serve at the INTA, the chip answers with its IR7 (datasheet,
 * "Interrupt sequence"): the spurious IRQ7 / IRQ15. */
#define DEFAULT_IR	7
/* No chip drives the data bus at the INTA: the pulled-up bus reads all ones. */
#define FLOATING_BUS	0xff

static void vpic_log(struct vpic *p, const char *msg)
{
	p->ops->log(p->ctx, msg);
}

static uint8_t level_inputs(const struct vpic_chip *c)
{
	return c->ltim ? 0xff : c->elcr;
}

/* The priority of input `ir`: 0 is the highest. Input `lowest` has 7 and the rest follow it in
 * a circle (datasheet, "Rotation"); after ICW1, IR0 is the highest and IR7 the lowest. */
static unsigned int priority(const struct vpic_chip *c, unsigned int ir)
{
	return (ir - c->lowest - 1) & 7;
}

/* The input of highest priority among `bits`, or -1. */
static int highest(const struct vpic_chip *c, uint8_t bits)
{
	for (unsigned int i = 1; i <= IRQS_PER_CHIP; i++) {
		unsigned int ir = (c->lowest + i) & 7;

		if (bits & (1u << ir))
			return (int)ir;
	}
	return -1;
}

static bool has_slave(const struct vpic_chip *c, unsigned int ir)
{
	return c->is_master && !c->single && (c->icw3 & (1u << ir));
}

/*
 * The input the chip would present to the CPU now, or -1: the unmasked request of highest
 * priority, if it beats everything in service (fully nested mode). In special fully nested
 * mode a master also lets a request through on an input with a slave while that input is in
 * service, so the slave's higher-priority requests nest (datasheet, "Special fully nested
 * mode"). In special mask mode the priority structure is off: every unmasked request whose own
 * level is not in service gets through (datasheet, "Special mask mode").
 */
static int chip_pending(const struct vpic_chip *c)
{
	uint8_t requests = c->irr & ~c->imr;
	int req, svc;

	if (c->smm)
		return highest(c, requests & ~c->isr);
	req = highest(c, requests);
	if (req < 0)
		return -1;
	svc = highest(c, c->isr);
	if (svc < 0 || priority(c, (unsigned int)req) < priority(c, (unsigned int)svc))
		return req;
	if (req == svc && c->sfnm && has_slave(c, (unsigned int)req))
		return req;
	return -1;
}

/*
 * Drives input `ir`. An edge-triggered request is latched on the rising edge and withdrawn
 * when the line falls before the INTA ("IR must remain high until after the first INTA"); a
 * level-triggered one follows the line.
 */
static void set_line(struct vpic_chip *c, unsigned int ir, bool level)
{
	uint8_t bit = 1u << ir;

	if (level) {
		if (!(c->lines & bit) || (level_inputs(c) & bit))
			c->irr |= bit;
		c->lines |= bit;
	} else {
		c->irr &= ~bit;
		c->lines &= ~bit;
	}
}

/* Takes level `ir` of `chip` out of service, and tells the glue if it was in service. */
static void end_service(struct vpic *p, unsigned int chip, unsigned int ir)
{
	struct vpic_chip *c = &p->chip[chip];

	if (!(c->isr & (1u << ir)))
		return;
	c->isr &= ~(1u << ir);
	p->ops->eoi(p->ctx, chip * IRQS_PER_CHIP + ir);
}

/* Non-specific EOI: ends the in-service level of highest priority; returns it or -1. */
static int eoi_highest(struct vpic *p, unsigned int chip)
{
	int ir = highest(&p->chip[chip], p->chip[chip].isr);

	if (ir >= 0)
		end_service(p, chip, (unsigned int)ir);
	return ir;
}

/*
 * The chip's part of an INTA cycle or a poll: the input it serves, or -1 if none. IRR -> ISR;
 * an edge-triggered request is consumed (a level one stays while the line is high). In AEOI
 * mode the non-specific EOI follows at once, with the rotation if rotate-in-AEOI is on.
 */
static int chip_inta(struct vpic *p, unsigned int chip)
{
	struct vpic_chip *c = &p->chip[chip];
	int ir = chip_pending(c);
	uint8_t bit;

	if (ir < 0)
		return -1;
	bit = 1u << ir;
	if (!(level_inputs(c) & bit))
		c->irr &= ~bit;
	c->isr |= bit;
	if (c->aeoi) {
		int done = eoi_highest(p, chip);

		if (c->rotate_aeoi && done >= 0)
			c->lowest = (uint8_t)done;
	}
	return ir;
}

static uint8_t chip_vector(const struct vpic_chip *c, int ir)
{
	return (uint8_t)(c->vector_base | (ir < 0 ? DEFAULT_IR : ir));
}

/* The slave's INT is the master's IR2; the master's INT is the pair's output. */
static void update(struct vpic *p)
{
	bool out;

	set_line(&p->chip[MASTER], VPIC_CASCADE_IR, chip_pending(&p->chip[SLAVE]) >= 0);
	out = chip_pending(&p->chip[MASTER]) >= 0;
	if (out != p->output) {
		p->output = out;
		p->ops->output_changed(p->ctx);
	}
}

static void set_imr(struct vpic *p, unsigned int chip, uint8_t imr)
{
	struct vpic_chip *c = &p->chip[chip];
	uint8_t changed = c->imr ^ imr;

	c->imr = imr;
	for (unsigned int ir = 0; ir < IRQS_PER_CHIP; ir++) {
		if (changed & (1u << ir))
			p->ops->mask_changed(p->ctx, chip * IRQS_PER_CHIP + ir, imr & (1u << ir));
	}
}

/* A trigger-mode change: inputs now level-triggered and high request service. */
static void retrigger(struct vpic_chip *c)
{
	c->irr |= c->lines & level_inputs(c);
}

/*
 * ICW1 starts initialization (datasheet, "Initialization command words"): the edge sense is
 * reset (an edge-triggered input must rise again), IMR is cleared, IR7 gets the lowest priority,
 * special mask mode goes off and reads return IRR; without IC4 the ICW4 functions are zero.
 * The datasheet is silent on ISR; we clear it, like the rotate-in-AEOI and poll state, so that a
 * guest re-initializing the pair (Linux after the BIOS) starts with nothing in service.
 */
static void write_icw1(struct vpic *p, unsigned int chip, uint8_t val)
{
	struct vpic_chip *c = &p->chip[chip];

	c->icw4_expected = val & VPIC_ICW1_IC4;
	c->single = val & VPIC_ICW1_SNGL;
	c->ltim = val & VPIC_ICW1_LTIM;
	c->init_step = 2;
	for (unsigned int ir = 0; ir < IRQS_PER_CHIP; ir++)
		end_service(p, chip, ir);
	c->irr = c->lines & level_inputs(c);
	c->lowest = DEFAULT_IR;
	c->smm = false;
	c->read_isr = false;
	c->poll = false;
	c->rotate_aeoi = false;
	if (!c->icw4_expected) {
		c->aeoi = false;
		c->sfnm = false;
	}
	if (chip == SLAVE && c->single)
		vpic_log(p, "vpic: slave in single mode: it will not answer INTA cycles");
	set_imr(p, chip, 0);
}

static void finish_init(struct vpic *p, unsigned int chip)
{
	p->chip[chip].init_step = 0;
	if (!p->chip[chip].icw4_expected)
		vpic_log(p, "vpic: no ICW4 means MCS-80/85 mode, unsupported: 8086 vectors");
}

static void write_icw3(struct vpic *p, unsigned int chip, uint8_t val)
{
	p->chip[chip].icw3 = val;
	if (chip == MASTER && val != 1u << VPIC_CASCADE_IR)
		vpic_log(p, "vpic: master ICW3 is not 0x04: on a PC only IR2 has a slave");
	if (chip == SLAVE && (val & VPIC_ICW3_SLAVE_ID) != VPIC_CASCADE_IR)
		vpic_log(p, "vpic: slave ID in ICW3 is not 2: it will not answer INTA cycles");
}

static void write_icw4(struct vpic *p, unsigned int chip, uint8_t val)
{
	struct vpic_chip *c = &p->chip[chip];

	c->aeoi = val & VPIC_ICW4_AEOI;
	c->sfnm = val & VPIC_ICW4_SFNM;
	if (!(val & VPIC_ICW4_UPM))
		vpic_log(p, "vpic: ICW4 selects MCS-80/85 mode, unsupported: using 8086 vectors");
	if (val & VPIC_ICW4_BUF)
		vpic_log(p, "vpic: ICW4 selects buffered mode, unsupported: ignored");
	if (chip == SLAVE && c->sfnm)
		vpic_log(p, "vpic: special fully nested mode on the slave has no effect");
	c->init_step = 0;
}

static void write_data(struct vpic *p, unsigned int chip, uint8_t val)
{
	struct vpic_chip *c = &p->chip[chip];

	switch (c->init_step) {
	case 2:
		c->vector_base = val & VPIC_ICW2_VECTOR;
		if (!c->single)
			c->init_step = 3;
		else if (c->icw4_expected)
			c->init_step = 4;
		else
			finish_init(p, chip);
		break;
	case 3:
		write_icw3(p, chip, val);
		if (c->icw4_expected)
			c->init_step = 4;
		else
			finish_init(p, chip);
		break;
	case 4:
		write_icw4(p, chip, val);
		break;
	default:
		set_imr(p, chip, val);
		break;
	}
}

static void write_ocw2(struct vpic *p, unsigned int chip, uint8_t val)
{
	struct vpic_chip *c = &p->chip[chip];
	uint8_t level = val & VPIC_OCW2_LEVEL;
	int done;

	switch (val & VPIC_OCW2_CMD) {
	case VPIC_OCW2_EOI:
		eoi_highest(p, chip);
		break;
	case VPIC_OCW2_SPECIFIC_EOI:
		end_service(p, chip, level);
		break;
	case VPIC_OCW2_ROTATE_EOI:
		done = eoi_highest(p, chip);
		if (done >= 0)
			c->lowest = (uint8_t)done;
		break;
	case VPIC_OCW2_ROTATE_SPECIFIC_EOI:
		end_service(p, chip, level);
		c->lowest = level;
		break;
	case VPIC_OCW2_SET_PRIORITY:
		c->lowest = level;
		break;
	case VPIC_OCW2_ROTATE_AEOI_SET:
		c->rotate_aeoi = true;
		break;
	case VPIC_OCW2_ROTATE_AEOI_CLEAR:
		c->rotate_aeoi = false;
		break;
	default:	/* VPIC_OCW2_NOP */
		break;
	}
}

static void write_ocw3(struct vpic_chip *c, uint8_t val)
{
	if (val & VPIC_OCW3_ESMM)
		c->smm = val & VPIC_OCW3_SMM;
	if (val & VPIC_OCW3_POLL)
		c->poll = true;
	if (val & VPIC_OCW3_RR)
		c->read_isr = val & VPIC_OCW3_RIS;
}

static void write_cmd(struct vpic *p, unsigned int chip, uint8_t val)
{
	struct vpic_chip *c = &p->chip[chip];

	if (val & VPIC_ICW1) {
		write_icw1(p, chip, val);
	} else if (c->init_step) {
		/* The datasheet defines no OCW in the middle of the ICW sequence. */
		vpic_log(p, "vpic: OCW2/OCW3 written during the ICW sequence: dropped");
	} else if (val & VPIC_OCW3) {
		write_ocw3(c, val);
	} else {
		write_ocw2(p, chip, val);
	}
}

/*
 * Poll command (datasheet, "The poll command"): the read is the INTA for this chip alone:
 * I = 1 and the level if one was served (now in service), else 0. A master that serves its
 * slave's input says so (0x82); the guest then polls the slave.
 */
static uint8_t read_poll(struct vpic *p, unsigned int chip)
{
	int ir;

	p->chip[chip].poll = false;
	ir = chip_inta(p, chip);
	return ir < 0 ? 0 : (uint8_t)(VPIC_POLL_INT | ir);
}

static void write_elcr(struct vpic_chip *c, uint8_t val)
{
	c->elcr = val & c->elcr_writable;
	retrigger(c);
}

static void chip_init(struct vpic_chip *c, bool master)
{
	c->is_master = master;
	c->elcr_writable = master ? VPIC_ELCR_MASTER_WRITABLE : VPIC_ELCR_SLAVE_WRITABLE;
	c->vector_base = master ? 0x08 : 0x70;
	c->icw3 = master ? 1u << VPIC_CASCADE_IR : VPIC_CASCADE_IR;
	c->icw4_expected = true;
	c->imr = 0xff;
	c->lowest = DEFAULT_IR;
}

void vpic_init(struct vpic *p, const struct vpic_ops *ops, void *ctx)
{
	*p = (struct vpic){ .ops = ops, .ctx = ctx };
	chip_init(&p->chip[MASTER], true);
	chip_init(&p->chip[SLAVE], false);
}

uint8_t vpic_io_read(struct vpic *p, uint16_t port)
{
	struct vpic_chip *c;
	uint8_t val;

	switch (port) {
	case VPIC_PORT_MASTER_CMD:
	case VPIC_PORT_SLAVE_CMD:
		c = &p->chip[port == VPIC_PORT_SLAVE_CMD];
		if (!c->poll)
			return c->read_isr ? c->isr : c->irr;
		val = read_poll(p, port == VPIC_PORT_SLAVE_CMD);
		update(p);
		return val;
	case VPIC_PORT_MASTER_DATA:
		return p->chip[MASTER].imr;
	case VPIC_PORT_SLAVE_DATA:
		return p->chip[SLAVE].imr;
	case VPIC_PORT_ELCR_MASTER:
		return p->chip[MASTER].elcr;
	case VPIC_PORT_ELCR_SLAVE:
		return p->chip[SLAVE].elcr;
	default:
		return FLOATING_BUS;
	}
}

void vpic_io_write(struct vpic *p, uint16_t port, uint8_t val)
{
	switch (port) {
	case VPIC_PORT_MASTER_CMD:
		write_cmd(p, MASTER, val);
		break;
	case VPIC_PORT_SLAVE_CMD:
		write_cmd(p, SLAVE, val);
		break;
	case VPIC_PORT_MASTER_DATA:
		write_data(p, MASTER, val);
		break;
	case VPIC_PORT_SLAVE_DATA:
		write_data(p, SLAVE, val);
		break;
	case VPIC_PORT_ELCR_MASTER:
		write_elcr(&p->chip[MASTER], val);
		break;
	case VPIC_PORT_ELCR_SLAVE:
		write_elcr(&p->chip[SLAVE], val);
		break;
	default:
		return;
	}
	update(p);
}

void vpic_set_irq(struct vpic *p, unsigned int irq, bool level)
{
	if (irq >= VPIC_IRQS || irq == VPIC_CASCADE_IR)
		return;
	set_line(&p->chip[irq / IRQS_PER_CHIP], irq % IRQS_PER_CHIP, level);
	update(p);
}

bool vpic_output(const struct vpic *p)
{
	return p->output;
}

/*
 * The slave's part of an INTA on the master's input `ir`: it answers if it sits on that input
 * in cascade mode with the matching ID (datasheet, "Cascading"). Its INT is sampled anew after
 * the cycle, so a request still pending there is a fresh edge on the master's IR2: the master's
 * edge-triggered input would otherwise hold a request it has just consumed.
 */
static uint8_t slave_inta(struct vpic *p, unsigned int ir)
{
	struct vpic_chip *s = &p->chip[SLAVE];
	int sir;

	if (ir != VPIC_CASCADE_IR || s->single || (s->icw3 & VPIC_ICW3_SLAVE_ID) != ir)
		return FLOATING_BUS;
	sir = chip_inta(p, SLAVE);
	set_line(&p->chip[MASTER], VPIC_CASCADE_IR, false);
	return chip_vector(s, sir);
}

uint8_t vpic_ack(struct vpic *p)
{
	struct vpic_chip *m = &p->chip[MASTER];
	int ir = chip_inta(p, MASTER);
	uint8_t vec;

	if (ir >= 0 && has_slave(m, (unsigned int)ir))
		vec = slave_inta(p, (unsigned int)ir);
	else
		vec = chip_vector(m, ir);
	update(p);
	return vec;
}
