/* SPDX-License-Identifier: MIT */
/*
 * chipset_robust: a guest that programs the PC's interrupt chipset the way that used to bring
 * tickvisor down (before it gave the guest a chipset of its own), then halts with its LAPIC timer
 * as the only sure wake-up. It passes when it gets back from every halt, ends the run itself,
 * and sees what the datasheets say. Under tickvisor only: natively the host's interrupts would
 * arrive on the guest's exception vectors.
 *
 *   case=pic      the master 8259 at the BIOS's vector base 8 with IRQ0 unmasked, the PIT
 *                 running at 1 kHz; LVT LINT0 stays masked, so the request waits in the 8259's
 *                 IRR (8259A: IRR latches a request whatever the CPU does)
 *   case=ioapic   every I/O APIC pin sent to a vector below 32, unmasked, the PIT running and
 *                 COM1's transmitter interrupt raised: IRQ0 (pin 2) on 0x13, which a local APIC
 *                 accepts (vectors 16-255 are legal, SDM 11.5.2), every other pin on 8-15, which
 *                 it refuses with ESR bit 6 "received illegal vector" and never delivers
 *   case=storm    EOIs and garbage to the 8259s, the ELCR, the PIT, port B and the I/O APIC
 *                 page (its redirection entries kept masked, so that the garbage sends this
 *                 guest nothing it would take for an exception), then string I/O (INS/OUTS,
 *                 REP, both directions) on the 8259's ports
 */
#include "lib/string.h"
#include "tests/guest/lib/apic.h"
#include "tests/guest/lib/cmdline.h"
#include "tests/guest/lib/cpu.h"
#include "tests/guest/lib/idt.h"
#include "tests/guest/lib/report.h"
#include "tests/guest/lib/start.h"

#define PIC1_CMD		0x20
#define PIC1_DATA		0x21
#define PIC2_CMD		0xa0
#define PIC2_DATA		0xa1
#define ELCR1			0x4d0
#define PIT_CH0			0x40
#define PIT_CMD			0x43
#define PORT_B			0x61
#define COM1			0x3f8
#define COM1_IER		(COM1 + 1)
#define COM1_MCR		(COM1 + 4)
#define IOAPIC_BASE		0xfec00000u
#define IOAPIC_IOREGSEL		(IOAPIC_BASE + 0x00)
#define IOAPIC_IOWIN		(IOAPIC_BASE + 0x10)
#define IOAPIC_EOI		(IOAPIC_BASE + 0x40)	/* version 0x20 and later */
#define IOAPIC_PINS		24

#define WAKE_VECTOR		0x40
#define HALTS			50
#define PIT_1KHZ		1193		/* 1.193182 MHz / 1 kHz */
#define STORM_WRITES		4000
#define STRING_LONG		5000		/* more than tickvisor moves per exit */

#define IRQ0_VECTOR		0x13	/* #XM's: no error code, so an interrupt can use it */
#define ESR_RECEIVE_ILLEGAL	(1u << 6)

static volatile uint32_t wakeups, irq0_interrupts;
static uint32_t rng = 0x12345678;
static uint8_t buf[STRING_LONG + 2];

static uint32_t next_random(void)
{
	/* xorshift32 (Marsaglia 2003): the same garbage on every run */
	rng ^= rng << 13;
	rng ^= rng >> 17;
	rng ^= rng << 5;
	return rng;
}

static void wake_isr(unsigned int vector, uint64_t tsc)
{
	(void)vector, (void)tsc;
	wakeups++;
	apic_eoi();
}

/* A periodic LAPIC timer of about 1 ms at the emulators' rates: the halts' only way out. */
static void start_wake_timer(void)
{
	idt_set_handler(WAKE_VECTOR, wake_isr);
	apic_write(APIC_REG_SVR, APIC_SVR_ON);
	apic_write(APIC_REG_LVT_LINT0, APIC_LVT_MASKED | (7u << 8));	/* ExtINT, masked */
	apic_write(APIC_REG_TDCR, APIC_TDCR_DIV16);
	apic_write(APIC_REG_LVT_TIMER, APIC_TIMER_PERIODIC | WAKE_VECTOR);
	apic_write(APIC_REG_TMICT, 3125);
}

static void irq0_isr(unsigned int vector, uint64_t tsc)
{
	(void)vector, (void)tsc;
	irq0_interrupts++;
	apic_eoi();
}

static void halt_a_while(const char *name)
{
	uint32_t start = wakeups + irq0_interrupts, woken;

	for (unsigned int i = 0; i < HALTS; i++) {
		sti();
		hlt();
		cli();
	}
	woken = wakeups + irq0_interrupts - start;
	check(woken >= HALTS, name, "%u halts ended by %u interrupts", HALTS, woken);
	apic_write(APIC_REG_TMICT, 0);
}

static void start_pit_1khz(void)
{
	outb(PIT_CMD, 0x34);		/* channel 0, lobyte/hibyte, mode 2, binary */
	outb(PIT_CH0, PIT_1KHZ & 0xff);
	outb(PIT_CH0, PIT_1KHZ >> 8);
}

static void pic_at_bios_base(void)
{
	/* ICW1-4 (8259A datasheet): cascade, edge, ICW4; base 8 and 0x70 as the BIOS sets them */
	outb(PIC1_CMD, 0x11);
	outb(PIC1_DATA, 0x08);
	outb(PIC1_DATA, 0x04);
	outb(PIC1_DATA, 0x01);
	outb(PIC2_CMD, 0x11);
	outb(PIC2_DATA, 0x70);
	outb(PIC2_DATA, 0x02);
	outb(PIC2_DATA, 0x01);
	outb(PIC2_DATA, 0xff);
	outb(PIC1_DATA, 0xfe);		/* IRQ0 only */
	start_pit_1khz();
	start_wake_timer();
	halt_a_while("pic.irq0_at_vector8_halt");
	outb(PIC1_CMD, 0x0a);		/* OCW3: read IRR */
	check(inb(PIC1_CMD) & 1, "pic.irq0_pending_in_irr", "IRR 0x%02x", inb(PIC1_CMD));
}

static void ioapic_write(uint32_t reg, uint32_t val)
{
	mmio_write32(IOAPIC_IOREGSEL, reg);
	mmio_write32(IOAPIC_IOWIN, val);
}

static void ioapic_low_vectors(void)
{
	/* Redirection entries (82093AA 3.2.4): fixed, physical, edge, unmasked, to APIC ID 0 */
	idt_set_handler(IRQ0_VECTOR, irq0_isr);
	apic_write(APIC_REG_SVR, APIC_SVR_ON);
	apic_write(APIC_REG_ESR, 0);
	for (unsigned int pin = 0; pin < IOAPIC_PINS; pin++) {
		ioapic_write(0x11 + 2 * pin, 0);
		ioapic_write(0x10 + 2 * pin, pin == 2 ? IRQ0_VECTOR : 8 + pin % 8);
	}
	start_pit_1khz();
	/* COM1 THR-empty interrupt (16550: IER bit 1, OUT2 gates IRQ4), then a byte to send */
	outb(COM1_MCR, inb(COM1_MCR) | 0x08);
	outb(COM1_IER, 0x02);
	outb(COM1, '\n');
	start_wake_timer();
	halt_a_while("ioapic.low_vectors_halt");
	outb(COM1_IER, 0);
	for (unsigned int pin = 0; pin < IOAPIC_PINS; pin++)
		ioapic_write(0x10 + 2 * pin, 0x10000);	/* masked */
	check(irq0_interrupts > 0, "ioapic.irq0_on_vector_0x13", "%u interrupts",
	      irq0_interrupts);
	apic_write(APIC_REG_ESR, 0);
	check(apic_read(APIC_REG_ESR) & ESR_RECEIVE_ILLEGAL, "ioapic.illegal_vectors_refused",
	      "ESR 0x%x", apic_read(APIC_REG_ESR));
}

static void storm(void)
{
	for (unsigned int i = 0; i < STORM_WRITES; i++) {
		uint32_t r = next_random();

		outb(PIC1_CMD, 0x20);			/* non-specific EOI */
		outb(PIC2_CMD, 0x60 | (r & 7));		/* specific EOI */
		outb(i & 1 ? PIC1_CMD : PIC2_CMD, (uint8_t)(r >> 8));
		outb(i & 2 ? PIC1_DATA : PIC2_DATA, (uint8_t)(r >> 16));
		outb(ELCR1 + (i & 1), (uint8_t)(r >> 24));
		outb(PIT_CMD, (uint8_t)r);
		outb(PIT_CH0 + (i % 3), (uint8_t)(r >> 5));
		outb(PORT_B, (uint8_t)(r >> 11));
		(void)inb(PIC1_CMD), (void)inb(PIC2_DATA), (void)inb(PIT_CH0), (void)inb(PORT_B);
		mmio_write32(IOAPIC_IOREGSEL, r & 0xff);
		/* the low half of a redirection entry: kept masked */
		mmio_write32(IOAPIC_IOWIN, next_random() |
			     ((r & 0xff) >= 0x10 && (r & 0xff) < 0x40 && !(r & 1) ? 0x10000 : 0));
		mmio_write32(IOAPIC_EOI, r & 0xff);
		(void)mmio_read32(IOAPIC_IOWIN);
	}
	pass("storm.survived");
}

/* REP INS/OUTS on a trapped port: every element moves, the registers end where the SDM says. */
static void string_io(void)
{
	uint32_t si = (uint32_t)(uintptr_t)buf, di = si, n = 64;

	asm volatile("cld; rep outsb" : "+S"(si), "+c"(n) : "d"(PIC1_DATA) : "memory");
	check(n == 0 && si == (uint32_t)(uintptr_t)buf + 64, "string.rep_outsb",
	      "ECX %u, ESI advanced by %d", n, (int)(si - (uint32_t)(uintptr_t)buf));
	si = (uint32_t)(uintptr_t)buf, n = 16;
	asm volatile("cld; rep outsw" : "+S"(si), "+c"(n) : "d"(PIC1_CMD) : "memory");
	check(n == 0 && si == (uint32_t)(uintptr_t)buf + 32, "string.rep_outsw",
	      "ECX %u, ESI advanced by %d", n, (int)(si - (uint32_t)(uintptr_t)buf));
	n = STRING_LONG;
	asm volatile("cld; rep insb" : "+D"(di), "+c"(n) : "d"(PIC1_DATA) : "memory");
	check(n == 0 && di == (uint32_t)(uintptr_t)buf + STRING_LONG, "string.rep_insb_long",
	      "ECX %u, EDI advanced by %d", n, (int)(di - (uint32_t)(uintptr_t)buf));
	di = (uint32_t)(uintptr_t)buf + 63, n = 64;
	asm volatile("std; rep insb; cld" : "+D"(di), "+c"(n) : "d"(PIC2_DATA) : "memory");
	check(n == 0 && di == (uint32_t)(uintptr_t)buf - 1, "string.rep_insb_backwards",
	      "ECX %u, EDI moved by %d", n, (int)(di - (uint32_t)(uintptr_t)buf - 63));
	di = (uint32_t)(uintptr_t)buf;
	asm volatile("insb" : "+D"(di) : "d"(PIT_CH0) : "memory");
	check(di == (uint32_t)(uintptr_t)buf + 1, "string.insb", "EDI advanced by %d",
	      (int)(di - (uint32_t)(uintptr_t)buf));
}

void guest_main(uint32_t magic, uint32_t info)
{
	struct boot_info bi;
	const char *which;

	guest_start(magic, info, &bi);
	cmdline_init(bi.cmdline);
	which = cmdline_get("case");
	if (which && !strcmp(which, "pic")) {
		pic_at_bios_base();
	} else if (which && !strcmp(which, "ioapic")) {
		ioapic_low_vectors();
	} else if (which && !strcmp(which, "storm")) {
		storm();
		string_io();
		start_wake_timer();
		halt_a_while("storm.halt_after");
	} else {
		fail("case", "case=pic|ioapic|storm expected, got '%s'", which ? which : "");
	}
	summary();
}
