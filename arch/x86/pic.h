/* SPDX-License-Identifier: MIT */
/*
 * The host's 8259A pair (master IRQ 0-7, slave IRQ 8-15 cascaded on the master's IRQ2). The
 * BIOS leaves the master on vectors 8-15, which are the CPU's exception vectors: pic_init()
 * moves both chips to tickvisor's own vectors before the first STI and masks every line, so
 * that no device can ever raise a vector below 32. Lines are unmasked one at a time by
 * arch/x86/irq_lines when the 8259 is the interrupt controller in use.
 */
#ifndef ARCH_X86_PIC_H
#define ARCH_X86_PIC_H

#include <stdbool.h>
#include <stdint.h>

#define PIC_LINES		16
/* IRQ n -> vector PIC_VECTOR_BASE + n: the master on 0x20-0x27, the slave on 0x28-0x2f */
#define PIC_VECTOR_BASE		0x20
#define PIC_CASCADE_IRQ		2

/* Reprograms both chips (ICW1-4) to PIC_VECTOR_BASE, every line masked. */
void pic_init(void);
void pic_mask(unsigned int irq);
void pic_unmask(unsigned int irq);
/* Specific EOI for irq, and for the cascade line on the master when irq is on the slave. */
void pic_eoi(unsigned int irq);
/*
 * Whether an interrupt on irq 7 or 15 is the 8259's spurious one (the request went away before
 * the INTA cycle: the chip answers with its IRQ7 vector and sets no ISR bit, datasheet
 * "Interrupt Sequence"). A spurious IRQ15 still needs the master's EOI for the cascade; this
 * sends it.
 */
bool pic_spurious(unsigned int irq);
/* The chipset's edge/level control register (ELCR, ports 0x4d0/0x4d1): whether irq is level. */
bool pic_level_triggered(unsigned int irq);

#endif
