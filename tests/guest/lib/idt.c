/* SPDX-License-Identifier: MIT */
#include "tests/guest/lib/boot.h"
#include "tests/guest/lib/cpu.h"
#include "tests/guest/lib/idt.h"
#include "tests/guest/lib/report.h"

#define IDT_VECTORS		256
#define GATE_INTR32		0x8e	/* present, DPL 0, 32-bit interrupt gate: clears IF */
#define PIC1_DATA		0x21
#define PIC2_DATA		0xa1

struct idt_gate {
	uint16_t offset_lo;
	uint16_t sel;
	uint8_t zero;
	uint8_t type;
	uint16_t offset_hi;
} __attribute__((packed));

/* Pushed by isr.S's exception stubs and the CPU. */
struct exception_frame {
	uint32_t vector, error, eip, cs, eflags;
};

/* isr.S */
extern const uint32_t exception_stubs[IDT_FIRST_IRQ];
extern const uint32_t irq_stubs[IDT_VECTORS - IDT_FIRST_IRQ];
void exception_handle(struct exception_frame *f);
void irq_dispatch(uint32_t vector, uint64_t tsc);

static struct idt_gate idt[IDT_VECTORS];
static irq_handler_fn handlers[IDT_VECTORS];
/* The one instruction allowed to fault now, where to resume, and what it raised. */
static volatile uint32_t expect_eip, expect_resume;
static volatile int expect_vector;

static const char *const exception_names[IDT_FIRST_IRQ] = {
	"#DE", "#DB", "NMI", "#BP", "#OF", "#BR", "#UD", "#NM",
	"#DF", "coprocessor segment overrun", "#TS", "#NP", "#SS", "#GP", "#PF", "reserved",
	"#MF", "#AC", "#MC", "#XM", "#VE", "#CP", "reserved", "reserved",
	"reserved", "reserved", "reserved", "reserved", "#HV", "#VC", "#SX", "reserved",
};

static void set_gate(unsigned int vector, uint32_t stub)
{
	idt[vector] = (struct idt_gate){
		.offset_lo = (uint16_t)stub,
		.sel = BOOT_CODE_SEL,
		.type = GATE_INTR32,
		.offset_hi = (uint16_t)(stub >> 16),
	};
}

void idt_init(void)
{
	struct {
		uint16_t limit;
		uint32_t base;
	} __attribute__((packed)) idtr = { sizeof(idt) - 1, (uint32_t)(uintptr_t)idt };
	unsigned int v;

	/*
	 * The BIOS leaves the 8259s unmasked with the timer on vector 8, which would arrive as a
	 * #DF at the first sti. The tests use the local APIC only.
	 */
	outb(PIC1_DATA, 0xff);
	outb(PIC2_DATA, 0xff);
	for (v = 0; v < IDT_FIRST_IRQ; v++)
		set_gate(v, exception_stubs[v]);
	asm volatile("lidt %0" : : "m"(idtr));
}

/* Exception vectors an interrupt can use without misleading the stub: no CPU error code. */
static bool irq_capable_exception(unsigned int vector)
{
	return vector == 2 || vector == 16 || (vector >= 18 && vector <= 20) ||
	       (vector >= 22 && vector <= 28) || vector == 31;
}

void idt_set_handler(unsigned int vector, irq_handler_fn fn)
{
	if (vector < IDT_FIRST_IRQ && irq_capable_exception(vector)) {
		handlers[vector] = fn;	/* exception_handle calls it; the gate stays */
		return;
	}
	if (vector < IDT_FIRST_IRQ || vector >= IDT_VECTORS) {
		fail("idt_set_handler", "vector %u is not in %u..%u", vector, IDT_FIRST_IRQ,
		     IDT_VECTORS - 1);
		summary();
	}
	handlers[vector] = fn;
	set_gate(vector, irq_stubs[vector - IDT_FIRST_IRQ]);
}

void idt_expect_fault(uint32_t eip, uint32_t resume)
{
	expect_vector = -1;
	expect_resume = resume;
	expect_eip = eip;
}

int idt_expected_fault(void)
{
	expect_eip = 0;
	return expect_vector;
}

void exception_handle(struct exception_frame *f)
{
	if (expect_eip && f->eip == expect_eip) {
		expect_vector = (int)f->vector;
		expect_eip = 0;
		f->eip = expect_resume;
		return;
	}
	if (handlers[f->vector]) {
		handlers[f->vector](f->vector, rdtsc());
		return;
	}
	fail("unexpected_exception",
	     "vector %u %s, error code 0x%x, eip 0x%08x, cs 0x%x, eflags 0x%08x", f->vector,
	     exception_names[f->vector], f->error, f->eip, f->cs, f->eflags);
	summary();
}

void irq_dispatch(uint32_t vector, uint64_t tsc)
{
	handlers[vector](vector, tsc);
}
