/* SPDX-License-Identifier: MIT */
/* The virtual I/O APIC against the 82093AA datasheet: registers, read-only and reserved bits,
 * edge and level delivery, masking, polarity, Remote IRR and EOI, NMI/ExtINT entries, MMIO
 * widths, and a fuzz loop. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "chipset/vioapic.h"
#include "chipset/vioapic_regs.h"

#define MAX_MSGS	8

struct env {
	struct vioapic io;
	unsigned int delivered;		/* deliver calls */
	struct vioapic_msg msgs[MAX_MSGS];	/* the first MAX_MSGS since the last reset */
	bool masked[VIOAPIC_PINS];	/* as mask_changed last said */
	unsigned int mask_calls;
	unsigned int eois;
	uint32_t eoi_pins;
	bool resample;			/* the eoi op lowers the pin, as the glue would */
	unsigned int logs;
};

static void env_deliver(void *ctx, const struct vioapic_msg *msg)
{
	struct env *e = ctx;

	assert_true(msg->pin < VIOAPIC_PINS);
	/* a masked entry never delivers */
	assert_false(e->io.redir[msg->pin] & VIOAPIC_RTE_MASKED);
	assert_true(msg->delivery_mode < 8);
	if (msg->level)
		assert_true(msg->delivery_mode == VIOAPIC_DM_FIXED ||
			    msg->delivery_mode == VIOAPIC_DM_LOWEST);
	if (e->delivered < MAX_MSGS)
		e->msgs[e->delivered] = *msg;
	e->delivered++;
}

static void env_mask_changed(void *ctx, unsigned int pin, bool masked)
{
	struct env *e = ctx;

	assert_true(pin < VIOAPIC_PINS);
	assert_int_not_equal(e->masked[pin], masked);
	e->masked[pin] = masked;
	e->mask_calls++;
}

static void env_eoi(void *ctx, unsigned int pin)
{
	struct env *e = ctx;

	assert_true(pin < VIOAPIC_PINS);
	e->eois++;
	e->eoi_pins |= 1u << pin;
	if (e->resample)
		vioapic_set_irq(&e->io, pin, pin >= 16);
}

static void env_log(void *ctx, const char *msg)
{
	struct env *e = ctx;

	(void)msg;
	e->logs++;
}

static const struct vioapic_ops env_ops = {
	.deliver = env_deliver,
	.mask_changed = env_mask_changed,
	.eoi = env_eoi,
	.log = env_log,
};

static struct env *env_new(void)
{
	struct env *e = calloc(1, sizeof(*e));

	assert_non_null(e);
	vioapic_init(&e->io, &env_ops, e, VIOAPIC_DEFAULT_BASE);
	for (unsigned int i = 0; i < VIOAPIC_PINS; i++)
		e->masked[i] = true;
	return e;
}

static uint32_t rd(struct env *e, uint8_t reg)
{
	vioapic_mmio_write(&e->io, VIOAPIC_MMIO_REGSEL, reg, 4);
	return vioapic_mmio_read(&e->io, VIOAPIC_MMIO_WIN, 4);
}

static void wr(struct env *e, uint8_t reg, uint32_t val)
{
	vioapic_mmio_write(&e->io, VIOAPIC_MMIO_REGSEL, reg, 4);
	vioapic_mmio_write(&e->io, VIOAPIC_MMIO_WIN, val, 4);
}

/* Program entry `pin` the way Linux does: high half first, then the low half. */
static void set_rte(struct env *e, unsigned int pin, uint32_t lo, uint8_t dest)
{
	wr(e, (uint8_t)(VIOAPIC_REG_REDIR + 2 * pin + 1), (uint32_t)dest << 24);
	wr(e, (uint8_t)(VIOAPIC_REG_REDIR + 2 * pin), lo);
}

static uint32_t rte_lo(struct env *e, unsigned int pin)
{
	return rd(e, (uint8_t)(VIOAPIC_REG_REDIR + 2 * pin));
}

static void reset_state(void **state)
{
	struct env *e = env_new();

	(void)state;
	assert_int_equal(vioapic_base(&e->io), 0xfec00000);
	assert_int_equal(vioapic_mmio_read(&e->io, VIOAPIC_MMIO_REGSEL, 4), 0);
	assert_int_equal(rd(e, VIOAPIC_REG_ID), 0);
	assert_int_equal(rd(e, VIOAPIC_REG_VERSION), 0x00170020);
	assert_int_equal(rd(e, VIOAPIC_REG_ARB), 0);
	for (unsigned int pin = 0; pin < VIOAPIC_PINS; pin++) {
		assert_int_equal(rte_lo(e, pin), VIOAPIC_RTE_MASKED);
		assert_int_equal(rd(e, (uint8_t)(VIOAPIC_REG_REDIR + 2 * pin + 1)), 0);
	}
	assert_int_equal(vioapic_mmio_read(&e->io, VIOAPIC_MMIO_REGSEL, 4), 0x3f);
	/* masked pins deliver nothing */
	for (unsigned int pin = 0; pin < VIOAPIC_PINS; pin++) {
		vioapic_set_irq(&e->io, pin, true);
		vioapic_set_irq(&e->io, pin, false);
	}
	assert_int_equal(e->delivered, 0);
	assert_int_equal(e->logs, 0);
	free(e);
}

/* ID bits 27:24 are writable and the arbitration ID follows them; the rest is read-only. */
static void id_version_arb(void **state)
{
	struct env *e = env_new();

	(void)state;
	wr(e, VIOAPIC_REG_ID, 0xffffffff);
	assert_int_equal(rd(e, VIOAPIC_REG_ID), 0x0f000000);
	assert_int_equal(rd(e, VIOAPIC_REG_ARB), 0x0f000000);
	wr(e, VIOAPIC_REG_ID, 0x02000000);
	assert_int_equal(rd(e, VIOAPIC_REG_ARB), 0x02000000);
	wr(e, VIOAPIC_REG_VERSION, 0);
	wr(e, VIOAPIC_REG_ARB, 0x05000000);
	assert_int_equal(rd(e, VIOAPIC_REG_VERSION), 0x00170020);
	assert_int_equal(rd(e, VIOAPIC_REG_ARB), 0x02000000);
	/* IOREGSEL keeps bits 7:0 */
	vioapic_mmio_write(&e->io, VIOAPIC_MMIO_REGSEL, 0x1234501, 4);
	assert_int_equal(vioapic_mmio_read(&e->io, VIOAPIC_MMIO_REGSEL, 4), 0x01);
	/* undefined registers: 0, writes dropped, logged */
	assert_int_equal(rd(e, 0x03), 0);
	assert_int_equal(rd(e, 0x40), 0);
	wr(e, 0x0f, 1);
	assert_int_equal(e->logs, 3);
	free(e);
}

/* Writable, read-only and reserved bits of an entry; mask changes are reported. */
static void rte_bits(void **state)
{
	struct env *e = env_new();

	(void)state;
	wr(e, VIOAPIC_REG_REDIR + 2 * 5, 0xffffffff);
	/* vector, mode, dest mode, polarity, trigger, mask; not delivery status or Remote IRR */
	assert_int_equal(rte_lo(e, 5), 0x0001afff);
	wr(e, VIOAPIC_REG_REDIR + 2 * 5 + 1, 0xffffffff);
	assert_int_equal(rd(e, VIOAPIC_REG_REDIR + 2 * 5 + 1), 0xff000000);
	assert_int_equal(e->mask_calls, 0);
	wr(e, VIOAPIC_REG_REDIR + 2 * 5, 0x00000031);
	assert_int_equal(rte_lo(e, 5), 0x31);
	assert_int_equal(e->mask_calls, 1);
	assert_false(e->masked[5]);
	wr(e, VIOAPIC_REG_REDIR + 2 * 5, 0x00010031);
	assert_true(e->masked[5]);
	assert_int_equal(e->mask_calls, 2);
	/* the last entry is 23 (0x3e/0x3f) */
	wr(e, VIOAPIC_REG_REDIR + 2 * 23, 0x47);
	assert_int_equal(rte_lo(e, 23), 0x47);
	assert_false(e->masked[23]);
	assert_int_equal(e->logs, 0);
	free(e);
}

/* Edge entries: one message per inactive-to-active transition; masked edges are lost. */
static void edge_delivery(void **state)
{
	struct env *e = env_new();

	(void)state;
	set_rte(e, 4, 0x31, 0x00);
	vioapic_set_irq(&e->io, 4, true);
	assert_int_equal(e->delivered, 1);
	assert_int_equal(e->msgs[0].pin, 4);
	assert_int_equal(e->msgs[0].vector, 0x31);
	assert_int_equal(e->msgs[0].delivery_mode, VIOAPIC_DM_FIXED);
	assert_false(e->msgs[0].level);
	assert_false(e->msgs[0].logical);
	assert_int_equal(e->msgs[0].dest, 0);
	/* held high: nothing more; no Remote IRR for edge */
	vioapic_set_irq(&e->io, 4, true);
	assert_int_equal(e->delivered, 1);
	assert_int_equal(rte_lo(e, 4), 0x31);
	vioapic_set_irq(&e->io, 4, false);
	vioapic_set_irq(&e->io, 4, true);
	assert_int_equal(e->delivered, 2);
	/* an edge on a masked pin is ignored, not held pending */
	vioapic_set_irq(&e->io, 4, false);
	set_rte(e, 4, VIOAPIC_RTE_MASKED | 0x31, 0x00);
	vioapic_set_irq(&e->io, 4, true);
	set_rte(e, 4, 0x31, 0x00);
	assert_int_equal(e->delivered, 2);
	/* logical destination, lowest priority */
	set_rte(e, 1, VIOAPIC_RTE_DEST_LOGICAL | VIOAPIC_DM_LOWEST << 8 | 0x39, 0x01);
	vioapic_set_irq(&e->io, 1, true);
	assert_int_equal(e->delivered, 3);
	assert_int_equal(e->msgs[2].delivery_mode, VIOAPIC_DM_LOWEST);
	assert_true(e->msgs[2].logical);
	assert_int_equal(e->msgs[2].dest, 0x01);
	assert_int_equal(e->msgs[2].vector, 0x39);
	/* pins out of range are ignored */
	vioapic_set_irq(&e->io, 24, true);
	vioapic_set_irq(&e->io, 1000, true);
	assert_int_equal(e->delivered, 3);
	free(e);
}

/* Level entries: Remote IRR, EOI, re-delivery of a pin still asserted. */
static void level_remote_irr(void **state)
{
	struct env *e = env_new();
	uint32_t lo = VIOAPIC_RTE_LEVEL | 0x41;

	(void)state;
	set_rte(e, 9, lo, 0x00);
	assert_int_equal(e->delivered, 0);
	vioapic_set_irq(&e->io, 9, true);
	assert_int_equal(e->delivered, 1);
	assert_true(e->msgs[0].level);
	assert_int_equal(rte_lo(e, 9), lo | VIOAPIC_RTE_REMOTE_IRR);
	/* Remote IRR holds further messages */
	vioapic_set_irq(&e->io, 9, true);
	assert_int_equal(e->delivered, 1);
	/* an EOI for another vector leaves it */
	vioapic_eoi(&e->io, 0x42);
	assert_int_equal(e->delivered, 1);
	assert_int_equal(e->eois, 0);
	/* the EOI with the pin still asserted: delivered again */
	vioapic_eoi(&e->io, 0x41);
	assert_int_equal(e->eois, 1);
	assert_int_equal(e->eoi_pins, 1u << 9);
	assert_int_equal(e->delivered, 2);
	assert_int_equal(rte_lo(e, 9), lo | VIOAPIC_RTE_REMOTE_IRR);
	/* deasserted before the EOI: Remote IRR clears, nothing more */
	vioapic_set_irq(&e->io, 9, false);
	vioapic_eoi(&e->io, 0x41);
	assert_int_equal(e->delivered, 2);
	assert_int_equal(rte_lo(e, 9), lo);
	/* a spurious EOI does nothing */
	vioapic_eoi(&e->io, 0x41);
	assert_int_equal(e->eois, 2);
	/* masking a level pin holds it; unmasking an asserted one delivers */
	set_rte(e, 9, lo | VIOAPIC_RTE_MASKED, 0x00);
	vioapic_set_irq(&e->io, 9, true);
	assert_int_equal(e->delivered, 2);
	set_rte(e, 9, lo, 0x00);
	assert_int_equal(e->delivered, 3);
	/* one EOI serves every pin with that vector */
	set_rte(e, 10, lo, 0x00);
	vioapic_set_irq(&e->io, 10, true);
	assert_int_equal(e->delivered, 4);
	vioapic_set_irq(&e->io, 9, false);
	vioapic_set_irq(&e->io, 10, false);
	vioapic_eoi(&e->io, 0x41);
	assert_int_equal(rte_lo(e, 9), lo);
	assert_int_equal(rte_lo(e, 10), lo);
	assert_int_equal(e->eoi_pins, 3u << 9);
	free(e);
}

/* The EOI register (version 0x20) and the switch to edge both clear Remote IRR. */
static void remote_irr_clearing(void **state)
{
	struct env *e = env_new();
	uint32_t lo = VIOAPIC_RTE_LEVEL | 0x51;

	(void)state;
	set_rte(e, 3, lo, 0x00);
	vioapic_set_irq(&e->io, 3, true);
	vioapic_set_irq(&e->io, 3, false);
	assert_int_equal(rte_lo(e, 3), lo | VIOAPIC_RTE_REMOTE_IRR);
	vioapic_mmio_write(&e->io, VIOAPIC_MMIO_EOI, 0x51, 4);
	assert_int_equal(rte_lo(e, 3), lo);
	assert_int_equal(vioapic_mmio_read(&e->io, VIOAPIC_MMIO_EOI, 4), 0);
	/* Linux's way below version 0x20: mask, edge, level, unmask */
	vioapic_set_irq(&e->io, 3, true);
	vioapic_set_irq(&e->io, 3, false);
	assert_int_equal(rte_lo(e, 3), lo | VIOAPIC_RTE_REMOTE_IRR);
	set_rte(e, 3, VIOAPIC_RTE_MASKED | 0x51, 0x00);
	assert_int_equal(rte_lo(e, 3), VIOAPIC_RTE_MASKED | 0x51);
	set_rte(e, 3, lo, 0x00);
	assert_int_equal(rte_lo(e, 3), lo);
	/* a write that keeps the entry level keeps Remote IRR (read-only) */
	vioapic_set_irq(&e->io, 3, true);
	wr(e, VIOAPIC_REG_REDIR + 2 * 3, lo);
	assert_int_equal(rte_lo(e, 3), lo | VIOAPIC_RTE_REMOTE_IRR);
	assert_int_equal(e->delivered, 3);
	assert_int_equal(e->logs, 0);
	free(e);
}

/* Polarity: an active-low entry asserts on a low pin; PCI pins idle high. */
static void polarity(void **state)
{
	struct env *e = env_new();
	uint32_t lo = VIOAPIC_RTE_LEVEL | VIOAPIC_RTE_POLARITY_LOW | 0x61;

	(void)state;
	/* Linux's PCI INTx entry: level, active low, on an idle (high) pin: nothing */
	set_rte(e, 16, lo, 0x00);
	assert_int_equal(e->delivered, 0);
	vioapic_set_irq(&e->io, 16, false);
	assert_int_equal(e->delivered, 1);
	vioapic_set_irq(&e->io, 16, true);
	vioapic_eoi(&e->io, 0x61);
	assert_int_equal(e->delivered, 1);
	/* active-low edge: the falling line is the edge */
	set_rte(e, 17, VIOAPIC_RTE_POLARITY_LOW | 0x62, 0x00);
	vioapic_set_irq(&e->io, 17, true);
	assert_int_equal(e->delivered, 1);
	vioapic_set_irq(&e->io, 17, false);
	assert_int_equal(e->delivered, 2);
	assert_int_equal(e->msgs[1].vector, 0x62);
	/* an ISA pin (idle low) made active low by the guest asserts at once if level */
	set_rte(e, 5, lo, 0x00);
	assert_int_equal(e->delivered, 3);
	/* and the active-high level entry on the same low pin does not */
	vioapic_eoi(&e->io, 0x61);
	assert_int_equal(e->delivered, 4);
	set_rte(e, 5, VIOAPIC_RTE_LEVEL | 0x61, 0x00);
	vioapic_eoi(&e->io, 0x61);
	assert_int_equal(e->delivered, 4);
	free(e);
}

/* NMI, ExtINT, SMI, INIT entries are edge-only: no Remote IRR whatever the trigger bit. */
static void nmi_and_extint(void **state)
{
	struct env *e = env_new();

	(void)state;
	set_rte(e, 0, VIOAPIC_DM_EXTINT << 8, 0x00);
	vioapic_set_irq(&e->io, 0, true);
	assert_int_equal(e->delivered, 1);
	assert_int_equal(e->msgs[0].delivery_mode, VIOAPIC_DM_EXTINT);
	vioapic_set_irq(&e->io, 0, false);
	set_rte(e, 7, VIOAPIC_RTE_LEVEL | VIOAPIC_DM_NMI << 8, 0x00);
	vioapic_set_irq(&e->io, 7, true);
	assert_int_equal(e->delivered, 2);
	assert_int_equal(e->msgs[1].delivery_mode, VIOAPIC_DM_NMI);
	assert_false(e->msgs[1].level);
	assert_int_equal(rte_lo(e, 7), VIOAPIC_RTE_LEVEL | VIOAPIC_DM_NMI << 8);
	/* held: no storm; again on the next edge */
	vioapic_set_irq(&e->io, 7, true);
	vioapic_eoi(&e->io, 0);
	assert_int_equal(e->delivered, 2);
	vioapic_set_irq(&e->io, 7, false);
	vioapic_set_irq(&e->io, 7, true);
	assert_int_equal(e->delivered, 3);
	set_rte(e, 8, VIOAPIC_DM_SMI << 8, 0x00);
	set_rte(e, 11, VIOAPIC_DM_INIT << 8, 0x00);
	vioapic_set_irq(&e->io, 8, true);
	vioapic_set_irq(&e->io, 11, true);
	assert_int_equal(e->delivered, 5);
	assert_int_equal(e->msgs[3].delivery_mode, VIOAPIC_DM_SMI);
	assert_int_equal(e->msgs[4].delivery_mode, VIOAPIC_DM_INIT);
	/* a reserved mode (3) is passed on as it is, edge */
	set_rte(e, 12, VIOAPIC_RTE_LEVEL | 3 << 8 | 0x70, 0x00);
	vioapic_set_irq(&e->io, 12, true);
	assert_int_equal(e->delivered, 6);
	assert_int_equal(e->msgs[5].delivery_mode, 3);
	assert_false(e->msgs[5].level);
	free(e);
}

/* A vector below 16 is passed on as it is: the vLAPIC decides (it flags an illegal vector). */
static void low_vectors(void **state)
{
	struct env *e = env_new();

	(void)state;
	set_rte(e, 2, 0x08, 0x00);
	set_rte(e, 4, VIOAPIC_RTE_LEVEL | 0x13, 0x00);
	vioapic_set_irq(&e->io, 2, true);
	vioapic_set_irq(&e->io, 4, true);
	assert_int_equal(e->delivered, 2);
	assert_int_equal(e->msgs[0].vector, 0x08);
	assert_int_equal(e->msgs[1].vector, 0x13);
	free(e);
}

/* The eoi op may lower a forwarded pin: then no re-delivery. */
static void eoi_resample(void **state)
{
	struct env *e = env_new();
	uint32_t lo = VIOAPIC_RTE_LEVEL | VIOAPIC_RTE_POLARITY_LOW | 0x71;

	(void)state;
	set_rte(e, 19, lo, 0x00);
	vioapic_set_irq(&e->io, 19, false);
	assert_int_equal(e->delivered, 1);
	e->resample = true;
	vioapic_eoi(&e->io, 0x71);
	assert_int_equal(e->eois, 1);
	assert_int_equal(e->delivered, 1);
	assert_int_equal(rte_lo(e, 19), lo);
	/* the glue sees the device still asserting after it unmasks: delivered again */
	vioapic_set_irq(&e->io, 19, false);
	assert_int_equal(e->delivered, 2);
	free(e);
}

/* Widths and offsets: what the datasheet defines works, the rest is logged and ignored. */
static void mmio_widths(void **state)
{
	struct env *e = env_new();

	(void)state;
	vioapic_mmio_write(&e->io, VIOAPIC_MMIO_REGSEL, VIOAPIC_REG_VERSION, 1);
	assert_int_equal(vioapic_mmio_read(&e->io, VIOAPIC_MMIO_WIN, 4), 0x00170020);
	assert_int_equal(vioapic_mmio_read(&e->io, VIOAPIC_MMIO_REGSEL, 1), 0x01);
	vioapic_mmio_write(&e->io, VIOAPIC_MMIO_REGSEL, 0x0210, 2);
	assert_int_equal(vioapic_mmio_read(&e->io, VIOAPIC_MMIO_REGSEL, 2), 0x10);
	assert_int_equal(e->logs, 0);
	/* IOWIN in bytes, an 8-byte access, a misaligned one, an offset with nothing there */
	assert_int_equal(vioapic_mmio_read(&e->io, VIOAPIC_MMIO_WIN, 1), 0);
	vioapic_mmio_write(&e->io, VIOAPIC_MMIO_WIN, 0x20, 2);
	assert_int_equal(vioapic_mmio_read(&e->io, VIOAPIC_MMIO_WIN, 8), 0);
	assert_int_equal(vioapic_mmio_read(&e->io, 0x11, 4), 0);
	vioapic_mmio_write(&e->io, 0x20, 0, 4);
	vioapic_mmio_write(&e->io, VIOAPIC_MMIO_REGSEL + 1, 0x12, 1);
	vioapic_mmio_write(&e->io, VIOAPIC_MMIO_EOI, 0x41, 1);
	vioapic_mmio_write(&e->io, 0xffc, 0, 4);
	assert_int_equal(e->logs, 8);
	/* nothing changed */
	assert_int_equal(vioapic_mmio_read(&e->io, VIOAPIC_MMIO_REGSEL, 4), 0x10);
	assert_int_equal(vioapic_mmio_read(&e->io, VIOAPIC_MMIO_WIN, 4), VIOAPIC_RTE_MASKED);
	free(e);
}

/* Random MMIO, pins and EOIs: no crash, and the state stays within bounds. */
static void fuzz(void **state)
{
	static const uint32_t offsets[] = {
		VIOAPIC_MMIO_REGSEL, VIOAPIC_MMIO_WIN, VIOAPIC_MMIO_WIN, VIOAPIC_MMIO_EOI, 0x04,
	};
	static const unsigned int sizes[] = { 1, 2, 4, 4, 4, 8 };
	struct env *e = env_new();
	unsigned int seed = 4242;

	(void)state;
	for (unsigned int i = 0; i < 300000; i++) {
		unsigned int r = (unsigned int)rand_r(&seed);
		uint32_t val = (uint32_t)rand_r(&seed) << 1 ^ (uint32_t)rand_r(&seed);
		uint32_t off = offsets[(r >> 4) % 5];
		unsigned int size = sizes[(r >> 8) % 6];

		switch (r % 6) {
		case 0:
			/* select mostly real registers */
			vioapic_mmio_write(&e->io, VIOAPIC_MMIO_REGSEL, (r >> 12) % 0x44, 4);
			break;
		case 1:
			vioapic_mmio_write(&e->io, off, val, size);
			break;
		case 2:
			vioapic_mmio_read(&e->io, off, size);
			break;
		case 3:
			vioapic_set_irq(&e->io, (r >> 12) % 26, r & 0x800);
			break;
		case 4:
			vioapic_eoi(&e->io, (uint8_t)(r >> 12));
			break;
		default:
			vioapic_mmio_write(&e->io, r & 0xfff, val, size);
			break;
		}
		assert_int_equal(e->io.id & ~VIOAPIC_ID_MASK, 0);
		assert_int_equal(e->io.arb, e->io.id);
		for (unsigned int pin = 0; pin < VIOAPIC_PINS; pin++) {
			uint64_t rte = e->io.redir[pin];

			/* reserved bits 55:17 and delivery status stay 0 */
			assert_int_equal(rte & 0x00fffffffffe0000ull, 0);
			assert_false(rte & VIOAPIC_RTE_DELIVS);
			/* Remote IRR only on a level entry */
			if (rte & VIOAPIC_RTE_REMOTE_IRR)
				assert_true(rte & VIOAPIC_RTE_LEVEL);
			assert_int_equal(e->masked[pin], !!(rte & VIOAPIC_RTE_MASKED));
		}
		assert_int_equal(e->io.lines >> VIOAPIC_PINS, 0);
	}
	/* the loop did exercise delivery */
	assert_true(e->delivered > 1000);
	free(e);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(reset_state),
		cmocka_unit_test(id_version_arb),
		cmocka_unit_test(rte_bits),
		cmocka_unit_test(edge_delivery),
		cmocka_unit_test(level_remote_irr),
		cmocka_unit_test(remote_irr_clearing),
		cmocka_unit_test(polarity),
		cmocka_unit_test(nmi_and_extint),
		cmocka_unit_test(low_vectors),
		cmocka_unit_test(eoi_resample),
		cmocka_unit_test(mmio_widths),
		cmocka_unit_test(fuzz),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
