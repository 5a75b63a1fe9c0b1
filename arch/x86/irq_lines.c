/* SPDX-License-Identifier: MIT */
#include "arch/x86/ioapic.h"
#include "arch/x86/irq_lines.h"
#include "arch/x86/lapic.h"
#include "arch/x86/log.h"
#include "arch/x86/madt.h"
#include "arch/x86/pic.h"
#include "arch/x86/ratelimit.h"
#include "arch/x86/trap.h"

struct irq_line {
	irq_line_fn fn;
	void *ctx;
	bool level;
	bool active_low;
	bool held;		/* level line masked from its delivery until irq_line_unmask() */
	uint64_t count;
};

static struct irq_line lines[IRQ_LINES_MAX];
static struct host_irq_topology topo;
static bool use_ioapic;
static unsigned int nr_lines;
static uint64_t strays;

static uint8_t line_vector(unsigned int line)
{
	return (use_ioapic ? IOAPIC_VECTOR_BASE : PIC_VECTOR_BASE) + line;
}

/* GSI -> I/O APIC input: the MADT's GSI base is where the chip's pin 0 sits. */
static unsigned int line_pin(unsigned int line)
{
	return line - topo.ioapic_gsi_base;
}

static void line_mask(unsigned int line)
{
	if (use_ioapic)
		ioapic_mask(line_pin(line));
	else
		pic_mask(line);
}

static void line_unmask(unsigned int line)
{
	if (use_ioapic)
		ioapic_unmask(line_pin(line));
	else
		pic_unmask(line);
}

/*
 * The physical EOI. Through the I/O APIC: the host LAPIC's EOI, whose broadcast also clears a
 * level entry's remote IRR (82093AA 3.2.4). Through the 8259: a specific EOI to the chip(s);
 * the LAPIC takes the 8259's interrupt as ExtINT on LINT0, which needs no EOI (SDM vol. 3A
 * 11.8.5).
 */
static void line_eoi(unsigned int line)
{
	if (use_ioapic)
		lapic_eoi();
	else
		pic_eoi(line);
}

static void line_interrupt(struct trap_frame *f)
{
	unsigned int line = (unsigned int)f->vector - line_vector(0);
	struct irq_line *l = &lines[line];

	if (!use_ioapic && pic_spurious(line)) {
		/* No ISR bit was set: no EOI, and no interrupt to forward. */
		if (ratelimit_report(++strays))
			pr_warn("spurious 8259 interrupt on IRQ%u (%lu strays so far)\n", line,
				strays);
		return;
	}
	if (!l->fn) {
		/* Masked when it was raised, or a pin nobody enabled: mask it again. */
		line_mask(line);
		line_eoi(line);
		if (ratelimit_report(++strays))
			pr_warn("interrupt on line %u, which no one forwards (%lu strays so far)\n",
				line, strays);
		return;
	}
	l->count++;
	if (l->level) {
		line_mask(line);
		l->held = true;
	}
	line_eoi(line);
	l->fn(line, l->ctx);
}

static void describe(void)
{
	if (use_ioapic)
		pr_info("host interrupts: I/O APIC at %#lx (version %#x, %u pins, GSI base %u, "
			"routing from %s) forwards device lines, vectors %#x-%#x, all masked; "
			"8259 remapped to %#x-%#x and masked\n", ioapic_base(), ioapic_version(),
			ioapic_pins(), topo.ioapic_gsi_base,
			topo.from_madt ? "the MADT" : "PC defaults", line_vector(0),
			line_vector(nr_lines - 1), PIC_VECTOR_BASE, PIC_VECTOR_BASE + 15);
	else
		pr_info("host interrupts: no I/O APIC answers; the 8259 pair forwards device "
			"lines, remapped to vectors %#x-%#x, all masked\n", PIC_VECTOR_BASE,
			PIC_VECTOR_BASE + 15);
}

/*
 * The I/O APIC where there is one: it reaches the LAPIC with vectors of tickvisor's choosing
 * and per-pin trigger mode and polarity, covers the PCI GSIs above 15, and does not depend on
 * the BIOS having set LINT0 up as a virtual wire. The 8259 only where it is all there is.
 */
void irq_lines_init(const struct mb2_info *mbi)
{
	pic_init();
	madt_read(mbi, &topo);
	use_ioapic = topo.ioapic_base && ioapic_init(topo.ioapic_base, (uint8_t)lapic_id());
	if (use_ioapic) {
		unsigned int end = topo.ioapic_gsi_base + ioapic_pins();

		nr_lines = end < IRQ_LINES_MAX ? end : IRQ_LINES_MAX;
		/* PCI interrupts (GSIs above the ISA range): level, active low (PCI 2.3 2.2.6) */
		for (unsigned int gsi = ISA_IRQS; gsi < nr_lines; gsi++)
			lines[gsi] = (struct irq_line){ .level = true, .active_low = true };
		/* ISA IRQ2 is the 8259 cascade, no device: its GSI is IRQ0's on a PC. */
		for (unsigned int irq = 0; irq < ISA_IRQS; irq++) {
			const struct isa_route *r = &topo.isa[irq];

			if (irq != PIC_CASCADE_IRQ && r->gsi < nr_lines)
				lines[r->gsi] = (struct irq_line){ .level = r->level,
								   .active_low = r->active_low };
		}
		for (unsigned int gsi = topo.ioapic_gsi_base; gsi < nr_lines; gsi++)
			ioapic_configure(line_pin(gsi), lines[gsi].level, lines[gsi].active_low);
	} else {
		nr_lines = PIC_LINES;
		for (unsigned int irq = 0; irq < PIC_LINES; irq++)
			lines[irq].level = pic_level_triggered(irq);
	}
	for (unsigned int line = 0; line < nr_lines; line++)
		irq_register(line_vector(line), line_interrupt);
	describe();
}

bool irq_lines_use_ioapic(void)
{
	return use_ioapic;
}

unsigned int irq_lines_count(void)
{
	return nr_lines;
}

unsigned int irq_line_of_isa(unsigned int isa_irq)
{
	return use_ioapic ? topo.isa[isa_irq & 15].gsi : isa_irq & 15;
}

bool irq_line_level(unsigned int line)
{
	return line < nr_lines && lines[line].level;
}

static bool usable(unsigned int line)
{
	if (line >= nr_lines)
		return false;
	if (use_ioapic)
		return line >= topo.ioapic_gsi_base;
	return line != PIC_CASCADE_IRQ;
}

bool irq_line_enable(unsigned int line, irq_line_fn fn, void *ctx)
{
	if (!usable(line) || lines[line].fn || !fn)
		return false;
	lines[line].fn = fn;
	lines[line].ctx = ctx;
	lines[line].held = false;
	line_unmask(line);
	return true;
}

void irq_line_disable(unsigned int line)
{
	if (!usable(line))
		return;
	line_mask(line);
	lines[line].fn = NULL;
	lines[line].held = false;
}

void irq_line_unmask(unsigned int line)
{
	if (!usable(line) || !lines[line].held || !lines[line].fn)
		return;
	lines[line].held = false;
	line_unmask(line);
}

uint64_t irq_line_count(unsigned int line)
{
	return line < nr_lines ? lines[line].count : 0;
}

uint64_t irq_lines_stray_count(void)
{
	return strays;
}

void irq_lines_print_stats(void)
{
	for (unsigned int line = 0; line < nr_lines; line++)
		if (lines[line].count)
			kprintf("tickvisor:   %s %2u (%s): %lu interrupts forwarded\n",
				use_ioapic ? "GSI" : "IRQ", line,
				lines[line].level ? "level" : "edge", lines[line].count);
	kprintf("tickvisor:   stray host interrupts: %lu on device lines, %lu on other "
		"vectors\n", strays, trap_stray_count());
}
