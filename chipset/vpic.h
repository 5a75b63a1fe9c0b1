/* SPDX-License-Identifier: MIT */
/*
 * The guest's 8259A pair as wired on a PC (Intel 8259A datasheet, order no. 231468; the ELCR as
 * on the PIIX/ICH south bridges): a master at ports 0x20/0x21 whose IR2 is the slave's INT, a
 * slave at 0xa0/0xa1 (IRQ8-15), and the edge/level control registers at 0x4d0/0x4d1. Portable
 * C: it never touches the VMCS or the hardware; it builds unchanged into the host unit tests.
 *
 * What it models: the ICW1-ICW4 sequence (8086 mode, single or cascade, auto-EOI, special fully
 * nested mode), OCW1 (IMR), every OCW2 command (non-specific, specific and rotating EOIs, rotate
 * in AEOI mode, set priority), OCW3 (IRR/ISR read, poll, special mask mode), rotating priority,
 * edge and level inputs, and the INTA cycle with the datasheet's default IR7 when a request went
 * away before it was acknowledged (spurious IRQ7). A withdrawn slave request drops the slave's
 * INT and with it the master's IR2, so it too ends as the master's IR7: the slave's own default
 * (spurious IRQ15) needs a request to vanish between the two INTA pulses, which one vpic_ack()
 * never splits.
 * What it refuses (logged through vpic_ops.log, then carried on in the nearest supported mode):
 * MCS-80/85 mode (ICW4 uPM = 0, or no ICW4 at all): the vector comes from ICW2 as in 8086 mode;
 * buffered mode (ICW4 BUF): ignored, the wiring decides master and slave; a slave in single mode
 * or with an ID other than 2, and slaves on master inputs other than IR2: no chip answers the
 * INTA there, and the floating bus reads 0xff.
 *
 * Lines. vpic_set_irq takes the level of input `irq` (0-15); edges are detected inside. An edge-
 * triggered input requests service on its rising edge and withdraws the request when it falls
 * before the INTA (the datasheet's "IR must remain high until after the first INTA"): so a source
 * that signals events, like the PIT's OUT in mode 2 or a forwarded edge-triggered device line,
 * drives the line low then high (vpic_set_irq(irq, false); vpic_set_irq(irq, true)) per event
 * and leaves it high. A level-triggered input requests service while it is high.
 * Edge or level: ICW1 LTIM makes all eight inputs of a chip level-triggered, as the 8259A
 * datasheet says (the PIIX/ICH ignore LTIM; a guest that sets it gets the 8259A); otherwise the
 * ELCR bit decides. ELCR bits of IRQ0, 1, 2, 8 and 13 are wired to edge on a PC and read 0.
 *
 * State after vpic_init: what a PC BIOS leaves: both chips initialized in 8086 cascade mode
 * (ICW1 0x11, master ICW2 0x08 / ICW3 0x04, slave ICW2 0x70 / ICW3 0x02, ICW4 0x01), every input
 * masked (IMR 0xff), all edge-triggered, no request. The glue may copy the physical IMRs in with
 * vpic_io_write(0x21 / 0xa1) before the guest runs, if it wants the BIOS's unmasks.
 *
 * How the glue drives it (one vCPU, one thread: nothing here is called concurrently, and no op
 * may call back into the vpic but the eoi op, as it says):
 *  - setup: vpic_init. Trap the guest's port I/O to 0x20, 0x21, 0xa0, 0xa1, 0x4d0, 0x4d1 (byte
 *    accesses; a wider access is split by the glue or refused): vpic_io_read / vpic_io_write.
 *  - device models and forwarded physical lines call vpic_set_irq. A forwarded level-triggered
 *    line stays masked at the physical controller until the guest's EOI reaches it (the eoi
 *    op); the vpic reports every change of a guest mask bit through mask_changed, for the glue
 *    to follow.
 *  - output_changed: vpic_output() (the INT pin, wired to the vLAPIC's LINT0 and the vIOAPIC's
 *    pin 0) may have changed: the router re-evaluates it before the next VM entry. The router
 *    passes INT on as an ExtINT interrupt; when the guest can take it (an ExtINT bypasses the
 *    vLAPIC's IRR, ISR and priorities: the SDM's "Local Vector Table", delivery mode 111), it
 *    injects the vector vpic_ack() returns, which is the INTA cycle: call it exactly once per
 *    injected ExtINT, at injection time.
 *    vpic_ack() when INT is not asserted still answers, as the chip would: the spurious IR7.
 */
#ifndef CHIPSET_VPIC_H
#define CHIPSET_VPIC_H

#include <stdbool.h>
#include <stdint.h>

/* I/O ports (PC wiring) */
#define VPIC_PORT_MASTER_CMD	0x20	/* A0 = 0: ICW1, OCW2, OCW3; IRR/ISR/poll read */
#define VPIC_PORT_MASTER_DATA	0x21	/* A0 = 1: ICW2-4, OCW1; IMR read */
#define VPIC_PORT_SLAVE_CMD	0xa0
#define VPIC_PORT_SLAVE_DATA	0xa1
#define VPIC_PORT_ELCR_MASTER	0x4d0	/* edge/level of IRQ0-7: 1 = level */
#define VPIC_PORT_ELCR_SLAVE	0x4d1	/* edge/level of IRQ8-15 */

#define VPIC_IRQS		16
#define VPIC_CASCADE_IR		2	/* the master input the slave's INT drives */

/* What the vpic needs from the glue; every op gets the ctx given to vpic_init. */
struct vpic_ops {
	/* vpic_output() may have changed: re-evaluate the ExtINT before the next VM entry. */
	void (*output_changed)(void *ctx);
	/* The guest masked (true) or unmasked (false) IRQ `irq` (0-15) in an IMR. */
	void (*mask_changed)(void *ctx, unsigned int irq, bool masked);
	/*
	 * IRQ `irq` (0-15) left service: an EOI of any kind, auto-EOI, or ICW1. For a forwarded
	 * level-triggered line the glue lowers the line here (vpic_set_irq(irq, false), the one
	 * call it may make into the vpic from an op) and unmasks the physical line, which raises
	 * it again if the device still asserts it.
	 */
	void (*eoi)(void *ctx, unsigned int irq);
	/* One line of diagnostics about the guest's programming, without a newline; guest-
	 * triggered, so the glue rate-limits it. */
	void (*log)(void *ctx, const char *msg);
};

/* One 8259A. Private to vpic.c: use the functions below. */
struct vpic_chip {
	uint8_t irr;			/* interrupt request register */
	uint8_t isr;			/* in-service register */
	uint8_t imr;			/* interrupt mask register (OCW1) */
	uint8_t lines;			/* input levels as last driven */
	uint8_t elcr;			/* level-triggered inputs (ELCR), wired-edge bits 0 */
	uint8_t elcr_writable;		/* ELCR bits that exist */
	uint8_t vector_base;		/* ICW2 T7-T3 */
	uint8_t icw3;			/* master: inputs with a slave; slave: its ID */
	uint8_t init_step;		/* next ICW expected (2, 3, 4), 0 when initialized */
	uint8_t lowest;			/* the input with the lowest priority (rotation) */
	bool is_master;
	bool icw4_expected;		/* ICW1 IC4 */
	bool single;			/* ICW1 SNGL */
	bool ltim;			/* ICW1 LTIM: every input level-triggered */
	bool aeoi;			/* ICW4 AEOI */
	bool sfnm;			/* ICW4 SFNM: special fully nested mode */
	bool rotate_aeoi;		/* OCW2 rotate in AEOI mode */
	bool read_isr;			/* OCW3 RR/RIS: the even port reads ISR, else IRR */
	bool poll;			/* OCW3 P: the next even-port read is the poll */
	bool smm;			/* OCW3 special mask mode */
};

/* The pair. Fields are private to vpic.c. */
struct vpic {
	const struct vpic_ops *ops;
	void *ctx;
	struct vpic_chip chip[2];	/* [0] master, [1] slave */
	bool output;			/* vpic_output() as last reported */
};

/* Sets `p` up in the post-BIOS state described above. No op runs here. */
void vpic_init(struct vpic *p, const struct vpic_ops *ops, void *ctx);

/* Byte port I/O to one of the six ports above; other ports read 0xff and drop writes. */
uint8_t vpic_io_read(struct vpic *p, uint16_t port);
void vpic_io_write(struct vpic *p, uint16_t port, uint8_t val);

/* Drives input `irq` (0-15; others are ignored) to `level`. Input 2 is the slave's INT and
 * ignores what it is given. */
void vpic_set_irq(struct vpic *p, unsigned int irq, bool level);

/* The master's INT pin: a request the master would present to the CPU now. */
bool vpic_output(const struct vpic *p);

/* The INTA cycle: the vector the pair puts on the bus (see above). */
uint8_t vpic_ack(struct vpic *p);

#endif
