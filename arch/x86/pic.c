/* SPDX-License-Identifier: MIT */
/* The host's 8259A pair (Intel 8259A datasheet, "Programming the 8259A"). */
#include "arch/x86/cpu.h"
#include "arch/x86/pic.h"

#define PIC1_CMD	0x20
#define PIC1_DATA	0x21
#define PIC2_CMD	0xa0
#define PIC2_DATA	0xa1
#define ELCR1		0x4d0	/* one bit per IRQ 0-7: 1 = level (PIIX/ICH chipsets) */
#define ELCR2		0x4d1	/* IRQ 8-15 */

/*
 * Initialization command words (datasheet figure 6):
 *	ICW1 (command port)	bit 4 = 1: ICW1; bit 0 IC4: ICW4 follows; bit 1 SNGL = 0: cascade;
 *				bit 3 LTIM = 0: edge (the ELCR decides per line on PCs)
 *	ICW2 (data port)	vector base, bits 7:3 (bits 2:0 are the IRQ number)
 *	ICW3 (data port)	master: bit mask of the inputs with a slave; slave: its cascade ID
 *	ICW4 (data port)	bit 0 uPM = 1: 8086 mode; AEOI = 0: normal EOI
 * Operation command words:
 *	OCW2 (command port)	0x60 | irq: specific EOI
 *	OCW3 (command port)	0x0b: the next command-port read returns the ISR
 */
#define ICW1_INIT_ICW4	0x11
#define ICW4_8086	0x01
#define OCW2_SEOI	0x60
#define OCW3_READ_ISR	0x0b

/* Delay after each 8259 write: a write to unused port 0x80 takes about 1 us on ISA buses. */
static void io_wait(void)
{
	outb(0x80, 0);
}

static void pic_write(uint16_t port, uint8_t val)
{
	outb(port, val);
	io_wait();
}

void pic_init(void)
{
	pic_write(PIC1_CMD, ICW1_INIT_ICW4);
	pic_write(PIC2_CMD, ICW1_INIT_ICW4);
	pic_write(PIC1_DATA, PIC_VECTOR_BASE);
	pic_write(PIC2_DATA, PIC_VECTOR_BASE + 8);
	pic_write(PIC1_DATA, 1u << PIC_CASCADE_IRQ);
	pic_write(PIC2_DATA, PIC_CASCADE_IRQ);
	pic_write(PIC1_DATA, ICW4_8086);
	pic_write(PIC2_DATA, ICW4_8086);
	/* OCW1 after initialization: every line masked, the master's cascade input too. */
	pic_write(PIC1_DATA, 0xff);
	pic_write(PIC2_DATA, 0xff);
}

static uint16_t data_port(unsigned int irq)
{
	return irq < 8 ? PIC1_DATA : PIC2_DATA;
}

void pic_mask(unsigned int irq)
{
	uint16_t port = data_port(irq);

	outb(port, inb(port) | (uint8_t)(1u << (irq & 7)));
}

void pic_unmask(unsigned int irq)
{
	uint16_t port = data_port(irq);

	outb(port, inb(port) & (uint8_t)~(1u << (irq & 7)));
	/* A slave line reaches the CPU only through the master's cascade input. */
	if (irq >= 8)
		outb(PIC1_DATA, inb(PIC1_DATA) & (uint8_t)~(1u << PIC_CASCADE_IRQ));
}

void pic_eoi(unsigned int irq)
{
	if (irq >= 8)
		outb(PIC2_CMD, OCW2_SEOI | (irq & 7));
	outb(PIC1_CMD, OCW2_SEOI | (irq >= 8 ? PIC_CASCADE_IRQ : irq));
}

bool pic_spurious(unsigned int irq)
{
	uint16_t cmd = irq < 8 ? PIC1_CMD : PIC2_CMD;
	bool in_service;

	if ((irq & 7) != 7)
		return false;
	outb(cmd, OCW3_READ_ISR);
	in_service = inb(cmd) & 0x80;
	if (!in_service && irq >= 8)
		outb(PIC1_CMD, OCW2_SEOI | PIC_CASCADE_IRQ);
	return !in_service;
}

bool pic_level_triggered(unsigned int irq)
{
	return inb(irq < 8 ? ELCR1 : ELCR2) & (1u << (irq & 7));
}
