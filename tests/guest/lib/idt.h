/* SPDX-License-Identifier: MIT */
/*
 * The guest's IDT. Every exception is fatal unless expected: it is reported as a FAIL line with
 * the vector, the error code and EIP, and the run ends. Vectors 32-255 can get handlers of their
 * own.
 */
#ifndef GUEST_LIB_IDT_H
#define GUEST_LIB_IDT_H

#include <stdint.h>

#define IDT_FIRST_IRQ		32

/* tsc: read by the entry stub before anything else, for latency measurements. */
typedef void (*irq_handler_fn)(unsigned int vector, uint64_t tsc);

/* Masks the 8259 PICs and loads the IDT; call before anything can fault or execute sti. */
void idt_init(void);
/*
 * Routes vector (IDT_FIRST_IRQ..255) to fn, which runs with interrupts off and sends any EOI
 * itself. A vector without a handler has no gate: its delivery is reported as an unexpected #GP
 * with error code (vector << 3) | 2, plus 1 when an external event caused it. An exception vector
 * for which the CPU pushes no error code (NMI 2, 16, 18-20, 22-28, 31) may get a handler too, for
 * a test that has interrupts (or NMIs) delivered there: every exception on it then goes to fn.
 */
void idt_set_handler(unsigned int vector, irq_handler_fn fn);
/*
 * An exception at eip, until idt_expected_fault(), resumes at resume instead of ending the run.
 * idt_expected_fault() returns the vector it raised, or -1 when none came.
 */
void idt_expect_fault(uint32_t eip, uint32_t resume);
int idt_expected_fault(void);

#endif
