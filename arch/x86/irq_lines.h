/* SPDX-License-Identifier: MIT */
/*
 * Physical device interrupt lines, for forwarding them to the guest. A line is a GSI 0-23 when
 * the host has an I/O APIC (ISA IRQ n is the GSI that the MADT's overrides give it), else an
 * ISA IRQ 0-15 on the 8259 pair. Each line has a host vector of its own at 32 or above; all
 * start masked at the physical controller.
 *
 * irq_line_enable(line, fn, ctx) unmasks the line; fn then runs for each of its interrupts,
 * from the host IDT or from an external-interrupt VM exit (vmx/vcpu.c), with interrupts off and
 * the physical EOI already sent. A level-triggered line is masked at the controller before its
 * EOI and stays masked until irq_line_unmask(), which the glue calls at the guest's EOI: a line
 * the device still asserts can't storm the host meanwhile.
 */
#ifndef ARCH_X86_IRQ_LINES_H
#define ARCH_X86_IRQ_LINES_H

#include <stdbool.h>
#include <stdint.h>

#include "arch/x86/mb2.h"

#define IRQ_LINES_MAX		24

typedef void (*irq_line_fn)(unsigned int line, void *ctx);

/*
 * Remaps and masks the 8259 pair, finds the I/O APIC (MADT, else 0xfec00000) and programs it;
 * says which controller forwards the lines. Runs before the first STI.
 */
void irq_lines_init(const struct mb2_info *mbi);
/* Whether lines are I/O APIC GSIs (else 8259 IRQs), and how many there are. */
bool irq_lines_use_ioapic(void);
unsigned int irq_lines_count(void);
/* The line that carries ISA IRQ isa_irq (0-15). */
unsigned int irq_line_of_isa(unsigned int isa_irq);
bool irq_line_level(unsigned int line);

/* False for a line out of range, already enabled, or the 8259's cascade input (IRQ2). */
bool irq_line_enable(unsigned int line, irq_line_fn fn, void *ctx);
void irq_line_disable(unsigned int line);
/* Unmasks a level-triggered line after its delivery (the guest's EOI); no-op otherwise. */
void irq_line_unmask(unsigned int line);

/* Interrupts taken on the line since boot; strays: on a line vector with no handler. */
uint64_t irq_line_count(unsigned int line);
uint64_t irq_lines_stray_count(void);
/* One line per line that took interrupts, for the exit statistics. */
void irq_lines_print_stats(void);

#endif
