/* SPDX-License-Identifier: MIT */
/* The virtual 8259A pair against the datasheet: initialization, masks, priority and rotation,
 * EOIs, AEOI, edge and level inputs, cascade, poll, spurious IR7, OCW3 reads, and a fuzz loop. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "chipset/vpic.h"
#include "chipset/vpic_regs.h"

struct env {
	struct vpic p;
	unsigned int output_calls;
	bool seen_output;		/* vpic_output() at the last output_changed */
	bool masked[VPIC_IRQS];		/* as mask_changed last said */
	unsigned int mask_calls;
	unsigned int eois;
	uint16_t eoi_irqs;		/* IRQs the eoi op named */
	bool resample;			/* the eoi op lowers the line, as the glue would */
	unsigned int logs;
	char last_log[128];
};

static void env_output_changed(void *ctx)
{
	struct env *e = ctx;

	e->output_calls++;
	e->seen_output = vpic_output(&e->p);
}

static void env_mask_changed(void *ctx, unsigned int irq, bool masked)
{
	struct env *e = ctx;

	assert_true(irq < VPIC_IRQS);
	/* only real changes are reported */
	assert_int_not_equal(e->masked[irq], masked);
	e->masked[irq] = masked;
	e->mask_calls++;
}

static void env_eoi(void *ctx, unsigned int irq)
{
	struct env *e = ctx;

	assert_true(irq < VPIC_IRQS);
	e->eois++;
	e->eoi_irqs |= 1u << irq;
	if (e->resample)
		vpic_set_irq(&e->p, irq, false);
}

static void env_log(void *ctx, const char *msg)
{
	struct env *e = ctx;

	e->logs++;
	strncpy(e->last_log, msg, sizeof(e->last_log) - 1);
}

static const struct vpic_ops env_ops = {
	.output_changed = env_output_changed,
	.mask_changed = env_mask_changed,
	.eoi = env_eoi,
	.log = env_log,
};

static struct env *env_new(void)
{
	struct env *e = calloc(1, sizeof(*e));

	assert_non_null(e);
	vpic_init(&e->p, &env_ops, e);
	for (unsigned int i = 0; i < VPIC_IRQS; i++)
		e->masked[i] = true;
	return e;
}

static void out(struct env *e, uint16_t port, uint8_t val)
{
	vpic_io_write(&e->p, port, val);
}

static uint8_t in(struct env *e, uint16_t port)
{
	return vpic_io_read(&e->p, port);
}

/* OCW3 reads: IRR or ISR of the chip at `cmd` */
static uint8_t read_irr(struct env *e, uint16_t cmd)
{
	out(e, cmd, VPIC_OCW3 | VPIC_OCW3_RR);
	return in(e, cmd);
}

static uint8_t read_isr(struct env *e, uint16_t cmd)
{
	out(e, cmd, VPIC_OCW3 | VPIC_OCW3_RR | VPIC_OCW3_RIS);
	return in(e, cmd);
}

/* An edge: the line low then high, left high (how the vPIT and forwarded edges drive it). */
static void pulse(struct env *e, unsigned int irq)
{
	vpic_set_irq(&e->p, irq, false);
	vpic_set_irq(&e->p, irq, true);
}

/* Linux's init_8259A: ICW1 0x11, ICW2 0x20 / 0x28, ICW3 4 / 2, ICW4 1, with `icw4` instead. */
static void linux_init(struct env *e, uint8_t master_icw4, uint8_t slave_icw4)
{
	out(e, VPIC_PORT_MASTER_CMD, 0x11);
	out(e, VPIC_PORT_MASTER_DATA, 0x20);
	out(e, VPIC_PORT_MASTER_DATA, 0x04);
	out(e, VPIC_PORT_MASTER_DATA, master_icw4);
	out(e, VPIC_PORT_SLAVE_CMD, 0x11);
	out(e, VPIC_PORT_SLAVE_DATA, 0x28);
	out(e, VPIC_PORT_SLAVE_DATA, 0x02);
	out(e, VPIC_PORT_SLAVE_DATA, slave_icw4);
}

static struct env *env_linux(void)
{
	struct env *e = env_new();

	linux_init(e, 0x01, 0x01);
	assert_int_equal(e->logs, 0);
	return e;
}

/* The post-BIOS state: vectors 0x08 / 0x70, all masked, edge, nothing pending. */
static void bios_state(void **state)
{
	struct env *e = env_new();

	(void)state;
	assert_int_equal(in(e, VPIC_PORT_MASTER_DATA), 0xff);
	assert_int_equal(in(e, VPIC_PORT_SLAVE_DATA), 0xff);
	assert_int_equal(in(e, VPIC_PORT_ELCR_MASTER), 0);
	assert_int_equal(in(e, VPIC_PORT_ELCR_SLAVE), 0);
	assert_int_equal(in(e, VPIC_PORT_MASTER_CMD), 0);
	assert_false(vpic_output(&e->p));
	/* an IRQ0 edge is held in IRR behind the mask */
	pulse(e, 0);
	assert_false(vpic_output(&e->p));
	assert_int_equal(read_irr(e, VPIC_PORT_MASTER_CMD), 0x01);
	/* unmask: the BIOS vector base 8 */
	out(e, VPIC_PORT_MASTER_DATA, 0xfe);
	assert_true(vpic_output(&e->p));
	assert_int_equal(e->output_calls, 1);
	assert_int_equal(e->mask_calls, 1);
	assert_false(e->masked[0]);
	assert_int_equal(vpic_ack(&e->p), 0x08);
	assert_false(vpic_output(&e->p));
	out(e, VPIC_PORT_MASTER_CMD, VPIC_OCW2_EOI);
	/* the slave sits at 0x70: IRQ8 through the master's IR2 */
	out(e, VPIC_PORT_MASTER_DATA, 0xfa);
	out(e, VPIC_PORT_SLAVE_DATA, 0xfe);
	pulse(e, 8);
	assert_true(vpic_output(&e->p));
	assert_int_equal(vpic_ack(&e->p), 0x70);
	/* ports that are not ours */
	assert_int_equal(in(e, 0x22), 0xff);
	out(e, 0x22, 0x00);
	assert_int_equal(e->logs, 0);
	free(e);
}

/* Linux's sequence: ICW1 clears IMR (reported per line), vectors from ICW2, EOI clears ISR. */
static void linux_sequence(void **state)
{
	struct env *e = env_new();

	(void)state;
	linux_init(e, 0x01, 0x01);
	assert_int_equal(e->logs, 0);
	assert_int_equal(e->mask_calls, 16);
	for (unsigned int i = 0; i < VPIC_IRQS; i++)
		assert_false(e->masked[i]);
	assert_int_equal(in(e, VPIC_PORT_MASTER_DATA), 0x00);
	/* Linux masks everything, then unmasks the cascade and the timer */
	out(e, VPIC_PORT_MASTER_DATA, 0xff);
	out(e, VPIC_PORT_SLAVE_DATA, 0xff);
	out(e, VPIC_PORT_MASTER_DATA, 0xfa);
	assert_false(e->masked[0]);
	assert_false(e->masked[2]);
	assert_true(e->masked[1]);

	pulse(e, 0);
	assert_true(vpic_output(&e->p));
	assert_true(e->seen_output);
	assert_int_equal(vpic_ack(&e->p), 0x20);
	assert_false(vpic_output(&e->p));
	assert_false(e->seen_output);
	assert_int_equal(read_isr(e, VPIC_PORT_MASTER_CMD), 0x01);
	assert_int_equal(read_irr(e, VPIC_PORT_MASTER_CMD), 0x00);
	/* the next tick waits in IRR behind the in-service IR0 */
	pulse(e, 0);
	assert_false(vpic_output(&e->p));
	assert_int_equal(read_irr(e, VPIC_PORT_MASTER_CMD), 0x01);
	out(e, VPIC_PORT_MASTER_CMD, VPIC_OCW2_EOI);
	assert_int_equal(read_isr(e, VPIC_PORT_MASTER_CMD), 0x00);
	assert_true(vpic_output(&e->p));
	assert_int_equal(vpic_ack(&e->p), 0x20);
	free(e);
}

/* Masked requests stay in IRR; unmasking delivers them; the IMR reads back. */
static void imr(void **state)
{
	struct env *e = env_linux();

	(void)state;
	out(e, VPIC_PORT_MASTER_DATA, 0xff);
	out(e, VPIC_PORT_SLAVE_DATA, 0xff);
	e->mask_calls = 0;
	pulse(e, 4);
	pulse(e, 12);
	assert_false(vpic_output(&e->p));
	assert_int_equal(read_irr(e, VPIC_PORT_MASTER_CMD), 0x10);
	assert_int_equal(read_irr(e, VPIC_PORT_SLAVE_CMD), 0x10);
	/* the slave's line is unmasked, the cascade input is not */
	out(e, VPIC_PORT_SLAVE_DATA, 0xef);
	assert_false(e->masked[12]);
	assert_int_equal(e->mask_calls, 1);
	assert_false(vpic_output(&e->p));
	assert_int_equal(read_irr(e, VPIC_PORT_MASTER_CMD), 0x14);
	out(e, VPIC_PORT_MASTER_DATA, 0xfb);
	assert_true(vpic_output(&e->p));
	assert_int_equal(vpic_ack(&e->p), 0x2c);
	out(e, VPIC_PORT_SLAVE_CMD, VPIC_OCW2_EOI);
	out(e, VPIC_PORT_MASTER_CMD, VPIC_OCW2_EOI);
	out(e, VPIC_PORT_MASTER_DATA, 0xeb);
	assert_int_equal(in(e, VPIC_PORT_MASTER_DATA), 0xeb);
	assert_int_equal(in(e, VPIC_PORT_SLAVE_DATA), 0xef);
	assert_int_equal(vpic_ack(&e->p), 0x24);
	/* masking an in-service line does not take it out of service */
	out(e, VPIC_PORT_MASTER_DATA, 0xff);
	assert_int_equal(read_isr(e, VPIC_PORT_MASTER_CMD), 0x10);
	free(e);
}

/* Fully nested priority: lower numbers first, higher levels nest, lower ones wait. */
static void priority(void **state)
{
	struct env *e = env_linux();

	(void)state;
	out(e, VPIC_PORT_MASTER_DATA, 0x00);
	pulse(e, 3);
	pulse(e, 1);
	assert_int_equal(vpic_ack(&e->p), 0x21);
	/* IR3 is lower than the in-service IR1: no INT */
	assert_false(vpic_output(&e->p));
	/* IR0 is higher: it nests */
	pulse(e, 0);
	assert_true(vpic_output(&e->p));
	assert_int_equal(vpic_ack(&e->p), 0x20);
	assert_int_equal(read_isr(e, VPIC_PORT_MASTER_CMD), 0x03);
	/* non-specific EOI ends the highest in service, IR0; IR1 still blocks IR3 */
	out(e, VPIC_PORT_MASTER_CMD, VPIC_OCW2_EOI);
	assert_int_equal(read_isr(e, VPIC_PORT_MASTER_CMD), 0x02);
	assert_false(vpic_output(&e->p));
	out(e, VPIC_PORT_MASTER_CMD, VPIC_OCW2_EOI);
	assert_true(vpic_output(&e->p));
	assert_int_equal(vpic_ack(&e->p), 0x23);
	/* the same level doesn't nest on itself */
	pulse(e, 3);
	assert_false(vpic_output(&e->p));
	free(e);
}

/* Specific EOI, set priority, rotate on (specific) EOI, and the no-op. */
static void eoi_and_rotation(void **state)
{
	struct env *e = env_linux();

	(void)state;
	out(e, VPIC_PORT_MASTER_DATA, 0x00);
	pulse(e, 5);
	assert_int_equal(vpic_ack(&e->p), 0x25);
	pulse(e, 1);
	assert_int_equal(vpic_ack(&e->p), 0x21);
	/* a specific EOI for the lower level leaves the higher one in service */
	out(e, VPIC_PORT_MASTER_CMD, VPIC_OCW2_SPECIFIC_EOI | 5);
	assert_int_equal(read_isr(e, VPIC_PORT_MASTER_CMD), 0x02);
	out(e, VPIC_PORT_MASTER_CMD, VPIC_OCW2_NOP | 1);
	assert_int_equal(read_isr(e, VPIC_PORT_MASTER_CMD), 0x02);
	out(e, VPIC_PORT_MASTER_CMD, VPIC_OCW2_SPECIFIC_EOI | 1);
	assert_int_equal(read_isr(e, VPIC_PORT_MASTER_CMD), 0x00);

	/* set priority: IR3 lowest, so IR4 is the highest */
	out(e, VPIC_PORT_MASTER_CMD, VPIC_OCW2_SET_PRIORITY | 3);
	pulse(e, 3);
	pulse(e, 4);
	pulse(e, 7);
	assert_int_equal(vpic_ack(&e->p), 0x24);
	/* IR7 now beats IR3... but IR4 in service blocks both */
	assert_false(vpic_output(&e->p));
	/* rotate on non-specific EOI: IR4 ends and becomes the lowest: IR5 highest */
	out(e, VPIC_PORT_MASTER_CMD, VPIC_OCW2_ROTATE_EOI);
	assert_int_equal(read_isr(e, VPIC_PORT_MASTER_CMD), 0x00);
	pulse(e, 4);
	assert_int_equal(vpic_ack(&e->p), 0x27);
	/* rotate on specific EOI of IR7: IR0 becomes the highest */
	out(e, VPIC_PORT_MASTER_CMD, VPIC_OCW2_ROTATE_SPECIFIC_EOI | 7);
	pulse(e, 3);
	assert_int_equal(vpic_ack(&e->p), 0x23);
	out(e, VPIC_PORT_MASTER_CMD, VPIC_OCW2_EOI);
	assert_int_equal(vpic_ack(&e->p), 0x24);
	/* ICW1 brings IR0 back to the highest */
	linux_init(e, 0x01, 0x01);
	pulse(e, 7);
	pulse(e, 6);
	assert_int_equal(vpic_ack(&e->p), 0x26);
	free(e);
}

/* Auto-EOI: nothing stays in service; with rotate in AEOI mode each served level drops to the
 * lowest priority. */
static void aeoi(void **state)
{
	struct env *e = env_new();

	(void)state;
	linux_init(e, VPIC_ICW4_UPM | VPIC_ICW4_AEOI, 0x01);
	assert_int_equal(e->logs, 0);
	pulse(e, 1);
	pulse(e, 3);
	assert_int_equal(vpic_ack(&e->p), 0x21);
	assert_int_equal(read_isr(e, VPIC_PORT_MASTER_CMD), 0x00);
	/* IR3 goes at once: no EOI needed */
	assert_true(vpic_output(&e->p));
	assert_int_equal(vpic_ack(&e->p), 0x23);
	assert_false(vpic_output(&e->p));

	out(e, VPIC_PORT_MASTER_CMD, VPIC_OCW2_ROTATE_AEOI_SET);
	pulse(e, 1);
	assert_int_equal(vpic_ack(&e->p), 0x21);
	/* IR1 is now the lowest: IR2..7 and IR0 beat it */
	pulse(e, 1);
	pulse(e, 6);
	assert_int_equal(vpic_ack(&e->p), 0x26);
	/* ... and now IR6 is the lowest, IR1 beats it */
	pulse(e, 6);
	assert_int_equal(vpic_ack(&e->p), 0x21);
	out(e, VPIC_PORT_MASTER_CMD, VPIC_OCW2_ROTATE_AEOI_CLEAR);
	pulse(e, 0);
	assert_int_equal(vpic_ack(&e->p), 0x26);
	pulse(e, 6);
	/* no rotation this time: IR1 is still the lowest, so IR6 still beats IR0 */
	assert_int_equal(vpic_ack(&e->p), 0x26);
	assert_int_equal(vpic_ack(&e->p), 0x20);
	free(e);
}

/* ELCR: writable bits, edge vs level behaviour, LTIM. */
static void level_and_edge(void **state)
{
	struct env *e = env_linux();

	(void)state;
	out(e, VPIC_PORT_ELCR_MASTER, 0xff);
	out(e, VPIC_PORT_ELCR_SLAVE, 0xff);
	assert_int_equal(in(e, VPIC_PORT_ELCR_MASTER), 0xf8);
	assert_int_equal(in(e, VPIC_PORT_ELCR_SLAVE), 0xde);
	out(e, VPIC_PORT_ELCR_MASTER, 0x20);
	out(e, VPIC_PORT_ELCR_SLAVE, 0x00);

	/* edge IR4 held high: one interrupt */
	vpic_set_irq(&e->p, 4, true);
	assert_int_equal(vpic_ack(&e->p), 0x24);
	out(e, VPIC_PORT_MASTER_CMD, VPIC_OCW2_EOI);
	assert_false(vpic_output(&e->p));
	vpic_set_irq(&e->p, 4, true);
	assert_false(vpic_output(&e->p));
	vpic_set_irq(&e->p, 4, false);

	/* level IR5 held high: interrupts again after every EOI */
	vpic_set_irq(&e->p, 5, true);
	assert_int_equal(vpic_ack(&e->p), 0x25);
	assert_int_equal(read_irr(e, VPIC_PORT_MASTER_CMD), 0x20);
	assert_false(vpic_output(&e->p));
	out(e, VPIC_PORT_MASTER_CMD, VPIC_OCW2_EOI);
	assert_true(vpic_output(&e->p));
	assert_int_equal(vpic_ack(&e->p), 0x25);
	/* the device deasserts before the EOI: nothing more */
	vpic_set_irq(&e->p, 5, false);
	out(e, VPIC_PORT_MASTER_CMD, VPIC_OCW2_EOI);
	assert_false(vpic_output(&e->p));
	assert_int_equal(read_irr(e, VPIC_PORT_MASTER_CMD), 0x00);

	/* switching a high edge input to level requests service; IRQ0 can't be level */
	vpic_set_irq(&e->p, 6, true);
	assert_int_equal(vpic_ack(&e->p), 0x26);
	out(e, VPIC_PORT_MASTER_CMD, VPIC_OCW2_EOI);
	assert_false(vpic_output(&e->p));
	out(e, VPIC_PORT_ELCR_MASTER, 0x61);
	assert_int_equal(in(e, VPIC_PORT_ELCR_MASTER), 0x60);
	assert_true(vpic_output(&e->p));
	assert_int_equal(vpic_ack(&e->p), 0x26);
	vpic_set_irq(&e->p, 6, false);
	out(e, VPIC_PORT_MASTER_CMD, VPIC_OCW2_EOI);

	/* ICW1 LTIM: every master input level, IR0 included */
	out(e, VPIC_PORT_MASTER_CMD, 0x19);
	out(e, VPIC_PORT_MASTER_DATA, 0x20);
	out(e, VPIC_PORT_MASTER_DATA, 0x04);
	out(e, VPIC_PORT_MASTER_DATA, 0x01);
	out(e, VPIC_PORT_SLAVE_DATA, 0xff);
	vpic_set_irq(&e->p, 0, true);
	assert_int_equal(vpic_ack(&e->p), 0x20);
	out(e, VPIC_PORT_MASTER_CMD, VPIC_OCW2_EOI);
	assert_int_equal(vpic_ack(&e->p), 0x20);
	free(e);
}

/* ICW1 resets the edge sense: a line already high must rise again. */
static void icw1_resets_edge_sense(void **state)
{
	struct env *e = env_linux();

	(void)state;
	vpic_set_irq(&e->p, 3, true);
	assert_true(vpic_output(&e->p));
	linux_init(e, 0x01, 0x01);
	assert_false(vpic_output(&e->p));
	assert_int_equal(read_irr(e, VPIC_PORT_MASTER_CMD), 0x00);
	pulse(e, 3);
	assert_int_equal(vpic_ack(&e->p), 0x23);
	/* ICW1 also ends what was in service */
	linux_init(e, 0x01, 0x01);
	assert_int_equal(read_isr(e, VPIC_PORT_MASTER_CMD), 0x00);
	free(e);
}

/* Cascade: IRQ8-15 through IR2, fully nested (the master's IR2 blocks the slave's higher
 * requests) and special fully nested (it doesn't). */
static void cascade(void **state)
{
	struct env *e = env_linux();

	(void)state;
	pulse(e, 12);
	assert_int_equal(vpic_ack(&e->p), 0x2c);
	assert_int_equal(read_isr(e, VPIC_PORT_MASTER_CMD), 0x04);
	assert_int_equal(read_isr(e, VPIC_PORT_SLAVE_CMD), 0x10);
	/* IRQ9 beats IRQ12 on the slave, but the master's IR2 is in service */
	pulse(e, 9);
	assert_false(vpic_output(&e->p));
	assert_int_equal(read_irr(e, VPIC_PORT_MASTER_CMD), 0x04);
	/* master IR0 and IR1 are above IR2 and nest; IR3 doesn't */
	pulse(e, 3);
	assert_false(vpic_output(&e->p));
	pulse(e, 1);
	assert_int_equal(vpic_ack(&e->p), 0x21);
	out(e, VPIC_PORT_MASTER_CMD, VPIC_OCW2_EOI);
	/* an EOI on the master alone: IRQ9 nests on the slave above its in-service IRQ12 */
	out(e, VPIC_PORT_MASTER_CMD, VPIC_OCW2_SPECIFIC_EOI | 2);
	assert_true(vpic_output(&e->p));
	assert_int_equal(vpic_ack(&e->p), 0x29);
	out(e, VPIC_PORT_SLAVE_CMD, VPIC_OCW2_SPECIFIC_EOI | 1);
	out(e, VPIC_PORT_SLAVE_CMD, VPIC_OCW2_SPECIFIC_EOI | 4);
	out(e, VPIC_PORT_MASTER_CMD, VPIC_OCW2_SPECIFIC_EOI | 2);
	assert_int_equal(vpic_ack(&e->p), 0x23);
	out(e, VPIC_PORT_MASTER_CMD, VPIC_OCW2_EOI);

	/* two slave requests: after the first INTA the slave's INT is a fresh edge on IR2 */
	out(e, VPIC_PORT_SLAVE_CMD, 0x11);
	out(e, VPIC_PORT_SLAVE_DATA, 0x28);
	out(e, VPIC_PORT_SLAVE_DATA, 0x02);
	out(e, VPIC_PORT_SLAVE_DATA, VPIC_ICW4_UPM | VPIC_ICW4_AEOI);
	pulse(e, 10);
	pulse(e, 11);
	assert_int_equal(vpic_ack(&e->p), 0x2a);
	out(e, VPIC_PORT_MASTER_CMD, VPIC_OCW2_EOI);
	assert_true(vpic_output(&e->p));
	assert_int_equal(vpic_ack(&e->p), 0x2b);
	out(e, VPIC_PORT_MASTER_CMD, VPIC_OCW2_EOI);
	assert_false(vpic_output(&e->p));
	free(e);
}

static void special_fully_nested(void **state)
{
	struct env *e = env_new();

	(void)state;
	linux_init(e, VPIC_ICW4_UPM | VPIC_ICW4_SFNM, 0x01);
	assert_int_equal(e->logs, 0);
	pulse(e, 12);
	assert_int_equal(vpic_ack(&e->p), 0x2c);
	/* the slave's higher IRQ9 nests though IR2 is in service on the master */
	pulse(e, 9);
	assert_true(vpic_output(&e->p));
	assert_int_equal(vpic_ack(&e->p), 0x29);
	/* the slave's lower IRQ14 does not: the slave blocks it */
	pulse(e, 14);
	assert_false(vpic_output(&e->p));
	/* lower master inputs stay blocked by the in-service IR2 */
	pulse(e, 5);
	assert_false(vpic_output(&e->p));
	out(e, VPIC_PORT_SLAVE_CMD, VPIC_OCW2_EOI);
	out(e, VPIC_PORT_SLAVE_CMD, VPIC_OCW2_EOI);
	/* IRQ14 is free on the slave now and nests on IR2 */
	assert_int_equal(vpic_ack(&e->p), 0x2e);
	free(e);
}

/* Poll: the read is the INTA for that chip alone. */
static void poll_mode(void **state)
{
	struct env *e = env_linux();

	(void)state;
	out(e, VPIC_PORT_MASTER_CMD, VPIC_OCW3 | VPIC_OCW3_POLL);
	assert_int_equal(in(e, VPIC_PORT_MASTER_CMD), 0x00);
	/* one-shot: the next read is IRR again */
	pulse(e, 5);
	assert_int_equal(in(e, VPIC_PORT_MASTER_CMD), 0x20);
	out(e, VPIC_PORT_MASTER_CMD, VPIC_OCW3 | VPIC_OCW3_POLL);
	assert_int_equal(in(e, VPIC_PORT_MASTER_CMD), 0x85);
	assert_false(vpic_output(&e->p));
	assert_int_equal(read_isr(e, VPIC_PORT_MASTER_CMD), 0x20);
	out(e, VPIC_PORT_MASTER_CMD, VPIC_OCW2_EOI);
	/* a slave request: the master says IR2, the slave says its level */
	pulse(e, 13);
	out(e, VPIC_PORT_MASTER_CMD, VPIC_OCW3 | VPIC_OCW3_POLL);
	assert_int_equal(in(e, VPIC_PORT_MASTER_CMD), 0x82);
	out(e, VPIC_PORT_SLAVE_CMD, VPIC_OCW3 | VPIC_OCW3_POLL);
	assert_int_equal(in(e, VPIC_PORT_SLAVE_CMD), 0x85);
	assert_int_equal(read_isr(e, VPIC_PORT_SLAVE_CMD), 0x20);
	assert_int_equal(read_isr(e, VPIC_PORT_MASTER_CMD), 0x04);
	/* the poll word doesn't change the IRR/ISR read selection */
	assert_int_equal(in(e, VPIC_PORT_MASTER_CMD), 0x04);
	free(e);
}

/* A request that goes away before the INTA: the default IR7, nothing in service. */
static void spurious(void **state)
{
	struct env *e = env_linux();

	(void)state;
	vpic_set_irq(&e->p, 3, true);
	assert_true(vpic_output(&e->p));
	vpic_set_irq(&e->p, 3, false);
	assert_false(vpic_output(&e->p));
	assert_int_equal(vpic_ack(&e->p), 0x27);
	assert_int_equal(read_isr(e, VPIC_PORT_MASTER_CMD), 0x00);
	/* the same for a level input */
	out(e, VPIC_PORT_ELCR_MASTER, 0x08);
	vpic_set_irq(&e->p, 3, true);
	vpic_set_irq(&e->p, 3, false);
	assert_int_equal(vpic_ack(&e->p), 0x27);
	/* a masked request is not served either */
	pulse(e, 4);
	out(e, VPIC_PORT_MASTER_DATA, 0x10);
	assert_int_equal(vpic_ack(&e->p), 0x27);
	assert_int_equal(read_isr(e, VPIC_PORT_MASTER_CMD), 0x00);
	/*
	 * A slave request withdrawn before the INTA drops the slave's INT, so the master's IR2
	 * too: the master answers (IR7). The slave's own default (IRQ15, 0x2f) needs the request
	 * to vanish between the two INTA pulses, which one vpic_ack() call never splits.
	 */
	vpic_set_irq(&e->p, 11, true);
	assert_true(vpic_output(&e->p));
	vpic_set_irq(&e->p, 11, false);
	assert_int_equal(vpic_ack(&e->p), 0x27);
	assert_int_equal(read_isr(e, VPIC_PORT_SLAVE_CMD), 0x00);
	assert_int_equal(read_isr(e, VPIC_PORT_MASTER_CMD), 0x00);
	/* a real IR7 is served like any other and does go in service */
	pulse(e, 7);
	assert_int_equal(vpic_ack(&e->p), 0x27);
	assert_int_equal(read_isr(e, VPIC_PORT_MASTER_CMD), 0x80);
	free(e);
}

/* OCW3 RR/RIS stays selected until changed; RR = 0 leaves it. */
static void ocw3_reads(void **state)
{
	struct env *e = env_linux();

	(void)state;
	pulse(e, 6);
	pulse(e, 1);
	assert_int_equal(vpic_ack(&e->p), 0x21);
	out(e, VPIC_PORT_MASTER_CMD, VPIC_OCW3 | VPIC_OCW3_RR | VPIC_OCW3_RIS);
	assert_int_equal(in(e, VPIC_PORT_MASTER_CMD), 0x02);
	assert_int_equal(in(e, VPIC_PORT_MASTER_CMD), 0x02);
	out(e, VPIC_PORT_MASTER_CMD, VPIC_OCW3 | VPIC_OCW3_RIS);
	assert_int_equal(in(e, VPIC_PORT_MASTER_CMD), 0x02);
	out(e, VPIC_PORT_MASTER_CMD, VPIC_OCW3 | VPIC_OCW3_RR);
	assert_int_equal(in(e, VPIC_PORT_MASTER_CMD), 0x40);
	/* the data port reads IMR whatever OCW3 said */
	assert_int_equal(in(e, VPIC_PORT_MASTER_DATA), 0x00);
	free(e);
}

/* Special mask mode: a masked in-service level lets the lower ones through. */
static void special_mask_mode(void **state)
{
	struct env *e = env_linux();

	(void)state;
	pulse(e, 1);
	assert_int_equal(vpic_ack(&e->p), 0x21);
	pulse(e, 5);
	assert_false(vpic_output(&e->p));
	out(e, VPIC_PORT_MASTER_CMD, VPIC_OCW3 | VPIC_OCW3_ESMM | VPIC_OCW3_SMM);
	/* the datasheet's usage: the routine of IR1 masks its own level, then IR5 gets in */
	out(e, VPIC_PORT_MASTER_DATA, 0x02);
	assert_true(vpic_output(&e->p));
	assert_int_equal(vpic_ack(&e->p), 0x25);
	assert_int_equal(read_isr(e, VPIC_PORT_MASTER_CMD), 0x22);
	/* IR5 in service: it does not interrupt itself */
	pulse(e, 5);
	assert_false(vpic_output(&e->p));
	out(e, VPIC_PORT_MASTER_CMD, VPIC_OCW2_SPECIFIC_EOI | 5);
	assert_int_equal(vpic_ack(&e->p), 0x25);
	/* SMM off (ESMM with SMM = 0): the in-service IR1 blocks again */
	out(e, VPIC_PORT_MASTER_CMD, VPIC_OCW2_SPECIFIC_EOI | 5);
	out(e, VPIC_PORT_MASTER_CMD, VPIC_OCW3 | VPIC_OCW3_ESMM);
	pulse(e, 5);
	assert_false(vpic_output(&e->p));
	/* OCW3 without ESMM leaves the mode alone */
	out(e, VPIC_PORT_MASTER_CMD, VPIC_OCW3 | VPIC_OCW3_SMM);
	assert_false(vpic_output(&e->p));
	free(e);
}

/* Programming the model refuses is logged, and the pair goes on. */
static void bad_programming(void **state)
{
	struct env *e = env_linux();

	(void)state;
	/* ICW4 without uPM: MCS-80/85 */
	out(e, VPIC_PORT_MASTER_CMD, 0x11);
	out(e, VPIC_PORT_MASTER_DATA, 0x30);
	out(e, VPIC_PORT_MASTER_DATA, 0x04);
	out(e, VPIC_PORT_MASTER_DATA, 0x00);
	assert_int_equal(e->logs, 1);
	assert_non_null(strstr(e->last_log, "MCS-80"));
	pulse(e, 1);
	assert_int_equal(vpic_ack(&e->p), 0x31);
	out(e, VPIC_PORT_MASTER_CMD, VPIC_OCW2_EOI);
	/* no ICW4 at all */
	out(e, VPIC_PORT_MASTER_CMD, 0x10);
	out(e, VPIC_PORT_MASTER_DATA, 0x20);
	assert_int_equal(e->logs, 1);
	out(e, VPIC_PORT_MASTER_DATA, 0x04);
	assert_int_equal(e->logs, 2);
	assert_non_null(strstr(e->last_log, "MCS-80"));
	/* buffered mode */
	out(e, VPIC_PORT_MASTER_CMD, 0x11);
	out(e, VPIC_PORT_MASTER_DATA, 0x20);
	out(e, VPIC_PORT_MASTER_DATA, 0x04);
	out(e, VPIC_PORT_MASTER_DATA, VPIC_ICW4_UPM | VPIC_ICW4_BUF | VPIC_ICW4_MS);
	assert_int_equal(e->logs, 3);
	assert_non_null(strstr(e->last_log, "buffered"));
	/* an OCW in the middle of the ICWs is dropped */
	out(e, VPIC_PORT_MASTER_CMD, 0x11);
	out(e, VPIC_PORT_MASTER_CMD, VPIC_OCW3 | VPIC_OCW3_POLL);
	assert_int_equal(e->logs, 4);
	out(e, VPIC_PORT_MASTER_DATA, 0x20);
	out(e, VPIC_PORT_MASTER_DATA, 0x04);
	out(e, VPIC_PORT_MASTER_DATA, 0x01);
	assert_int_equal(e->logs, 4);
	pulse(e, 1);
	assert_int_equal(in(e, VPIC_PORT_MASTER_CMD), 0x02);
	assert_int_equal(vpic_ack(&e->p), 0x21);
	out(e, VPIC_PORT_MASTER_CMD, VPIC_OCW2_EOI);

	/* a slave with ID 3 doesn't answer: the bus floats; the master's IR2 is in service */
	out(e, VPIC_PORT_SLAVE_CMD, 0x11);
	out(e, VPIC_PORT_SLAVE_DATA, 0x28);
	out(e, VPIC_PORT_SLAVE_DATA, 0x03);
	assert_int_equal(e->logs, 5);
	out(e, VPIC_PORT_SLAVE_DATA, 0x01);
	pulse(e, 8);
	assert_int_equal(vpic_ack(&e->p), 0xff);
	assert_int_equal(read_isr(e, VPIC_PORT_SLAVE_CMD), 0x00);
	assert_int_equal(read_isr(e, VPIC_PORT_MASTER_CMD), 0x04);
	out(e, VPIC_PORT_MASTER_CMD, VPIC_OCW2_EOI);
	/* the master in single mode: IR2 is an ordinary input with the master's vector */
	out(e, VPIC_PORT_MASTER_CMD, 0x13);
	out(e, VPIC_PORT_MASTER_DATA, 0x40);
	out(e, VPIC_PORT_MASTER_DATA, 0x01);
	assert_int_equal(e->logs, 5);
	vpic_set_irq(&e->p, 8, false);
	pulse(e, 8);
	assert_int_equal(vpic_ack(&e->p), 0x42);
	free(e);
}

/* The eoi op: every way a level leaves service names it once; a forwarded level line lowered
 * from inside it doesn't interrupt again. */
static void eoi_notifications(void **state)
{
	struct env *e = env_linux();

	(void)state;
	out(e, VPIC_PORT_ELCR_SLAVE, 0x08);
	vpic_set_irq(&e->p, 11, true);
	assert_int_equal(vpic_ack(&e->p), 0x2b);
	assert_int_equal(e->eois, 0);
	/* nothing in service at level 3 of the slave: no EOI to report */
	out(e, VPIC_PORT_SLAVE_CMD, VPIC_OCW2_SPECIFIC_EOI | 4);
	assert_int_equal(e->eois, 0);
	e->resample = true;
	out(e, VPIC_PORT_SLAVE_CMD, VPIC_OCW2_EOI);
	assert_int_equal(e->eois, 1);
	assert_int_equal(e->eoi_irqs, 1u << 11);
	out(e, VPIC_PORT_MASTER_CMD, VPIC_OCW2_EOI);
	assert_int_equal(e->eoi_irqs, 1u << 11 | 1u << 2);
	/* the line was lowered in the op: no second interrupt */
	assert_false(vpic_output(&e->p));
	assert_int_equal(read_irr(e, VPIC_PORT_SLAVE_CMD), 0x00);
	/* without the resample the still-high level line comes back */
	e->resample = false;
	vpic_set_irq(&e->p, 11, true);
	assert_int_equal(vpic_ack(&e->p), 0x2b);
	out(e, VPIC_PORT_SLAVE_CMD, VPIC_OCW2_ROTATE_SPECIFIC_EOI | 3);
	out(e, VPIC_PORT_MASTER_CMD, VPIC_OCW2_ROTATE_EOI);
	assert_int_equal(e->eois, 4);
	assert_true(vpic_output(&e->p));
	/* ICW1 ends what is in service, and says so */
	e->eoi_irqs = 0;
	assert_int_equal(vpic_ack(&e->p), 0x2b);
	vpic_set_irq(&e->p, 11, false);
	linux_init(e, 0x03, 0x01);
	assert_int_equal(e->eoi_irqs, 1u << 11 | 1u << 2);
	/* auto-EOI reports at the INTA */
	e->eoi_irqs = 0;
	pulse(e, 6);
	assert_int_equal(vpic_ack(&e->p), 0x26);
	assert_int_equal(e->eoi_irqs, 1u << 6);
	free(e);
}

/* Random port writes, lines and INTAs: no crash, and the state stays consistent. */
static void fuzz(void **state)
{
	static const uint16_t ports[] = {
		VPIC_PORT_MASTER_CMD, VPIC_PORT_MASTER_DATA, VPIC_PORT_SLAVE_CMD,
		VPIC_PORT_SLAVE_DATA, VPIC_PORT_ELCR_MASTER, VPIC_PORT_ELCR_SLAVE, 0x22,
	};
	struct env *e = env_linux();
	unsigned int seed = 12345;

	(void)state;
	for (unsigned int i = 0; i < 200000; i++) {
		unsigned int r = (unsigned int)rand_r(&seed);
		uint16_t port = ports[(r >> 8) % (sizeof(ports) / sizeof(ports[0]))];
		uint8_t vec;

		switch (r % 5) {
		case 0:
			/* mostly OCWs: an ICW1 every so often */
			out(e, port, (uint8_t)(r >> 16));
			break;
		case 1:
			in(e, port);
			break;
		case 2:
			vpic_set_irq(&e->p, (r >> 16) % 20, r & 0x100);
			break;
		case 3:
			vec = vpic_ack(&e->p);
			/* a vector of one chip's base, or the floating bus */
			assert_true(vec == 0xff ||
				    (vec & 0xf8) == e->p.chip[0].vector_base ||
				    (vec & 0xf8) == e->p.chip[1].vector_base);
			break;
		default:
			if ((r >> 16) % 64 == 0)
				linux_init(e, (uint8_t)(r >> 24), (uint8_t)(r >> 28));
			break;
		}
		/* every output change was reported */
		assert_int_equal(e->seen_output, vpic_output(&e->p));
		for (unsigned int c = 0; c < 2; c++) {
			const struct vpic_chip *chip = &e->p.chip[c];

			assert_true(chip->lowest < 8);
			assert_true(chip->init_step == 0 ||
				    (chip->init_step >= 2 && chip->init_step <= 4));
			assert_int_equal(chip->elcr & ~chip->elcr_writable, 0);
			for (unsigned int b = 0; b < 8; b++)
				assert_int_equal(e->masked[c * 8 + b], !!(chip->imr & (1u << b)));
		}
		/* the slave's INT is the master's IR2: low without an unmasked request, high with
		 * one and nothing in service */
		if (!(e->p.chip[1].irr & ~e->p.chip[1].imr))
			assert_false(e->p.chip[0].lines & 0x04);
		else if (!e->p.chip[1].isr)
			assert_true(e->p.chip[0].lines & 0x04);
	}
	free(e);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(bios_state),
		cmocka_unit_test(linux_sequence),
		cmocka_unit_test(imr),
		cmocka_unit_test(priority),
		cmocka_unit_test(eoi_and_rotation),
		cmocka_unit_test(aeoi),
		cmocka_unit_test(level_and_edge),
		cmocka_unit_test(icw1_resets_edge_sense),
		cmocka_unit_test(cascade),
		cmocka_unit_test(special_fully_nested),
		cmocka_unit_test(poll_mode),
		cmocka_unit_test(spurious),
		cmocka_unit_test(ocw3_reads),
		cmocka_unit_test(special_mask_mode),
		cmocka_unit_test(bad_programming),
		cmocka_unit_test(eoi_notifications),
		cmocka_unit_test(fuzz),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
