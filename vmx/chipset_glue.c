/* SPDX-License-Identifier: MIT */
/* The guest's interrupt chipset on VT-x (chipset_glue.h). */
#include "arch/x86/cpu.h"
#include "arch/x86/irq_lines.h"
#include "arch/x86/log.h"
#include "arch/x86/platform.h"
#include "arch/x86/ratelimit.h"
#include "chipset/chipset.h"
#include "vlapic/vlapic.h"
#include "vmx/apic_glue.h"
#include "vmx/chipset_glue.h"
#include "vmx/deadlines.h"
#include "vmx/io_dispatch.h"
#include "vmx/mmio_dispatch.h"

/*
 * The ISA lines of the passed-through PC whose interrupts the guest gets: every one but IRQ0 (the
 * vPIT's), IRQ2 (the 8259 cascade), IRQ9 (the virtual SCI's) and IRQ13 (the FPU's error line,
 * inside the CPU): COM1 (4), COM2 (3), the keyboard and mouse (1, 12), the RTC (8), the ATA
 * channels (14, 15), and the lines a PC leaves to cards.
 */
#define FORWARDED_IRQS	((uint16_t)~((1u << 0) | (1u << 2) | (1u << CHIPSET_SCI_IRQ) | \
				     (1u << 13)))

static struct chipset cs;
static unsigned int isa_of_line[IRQ_LINES_MAX];
static uint16_t enabled;		/* ISA lines forwarded now */

static void op_post(void *ctx, uint8_t vector, bool level)
{
	(void)ctx;
	vlapic_set_irq(apic_glue_vlapic(), vector, level);
}

static void op_nmi(void *ctx)
{
	(void)ctx;
	vlapic_nmi(apic_glue_vlapic());
}

/* The 8259's INT is the LINT0 pin (the LVT decides: ExtINT on a PC); an I/O APIC ExtINT too. */
static void op_extint_changed(void *ctx)
{
	(void)ctx;
	vlapic_lint(apic_glue_vlapic(), 0, chipset_extint_pending(&cs));
	apic_glue_chipset_changed();
}

static void op_timer_arm(void *ctx, uint64_t deadline)
{
	(void)ctx;
	deadlines_set_auto(DEADLINE_VPIT, deadline, rdtsc());
}

static void op_timer_cancel(void *ctx)
{
	(void)ctx;
	deadlines_set(DEADLINE_VPIT, DEADLINE_NONE, 0);
}

/* A physical line's interrupt (host IDT or external-interrupt exit; EOI already sent). */
static void phys_irq(unsigned int line, void *ctx)
{
	(void)ctx;
	chipset_phys_irq(&cs, isa_of_line[line], irq_line_level(line), true);
}

static void op_line_wanted(void *ctx, unsigned int irq, bool wanted)
{
	static uint64_t refused;	/* the guest may unmask the line again and again */
	unsigned int line = irq_line_of_isa(irq);

	(void)ctx;
	if (line >= IRQ_LINES_MAX)
		return;
	if (!wanted) {
		irq_line_disable(line);
		enabled &= (uint16_t)~(1u << irq);
		return;
	}
	isa_of_line[line] = irq;
	if (irq_line_enable(line, phys_irq, NULL))
		enabled |= (uint16_t)(1u << irq);
	else if (ratelimit_report(++refused))
		pr_warn("chipset: ISA IRQ%u can't be forwarded (host line %u; %lu suppressed "
			"before this line)\n", irq, line, ratelimit_suppressed(refused));
}

static void op_line_eoi(void *ctx, unsigned int irq)
{
	(void)ctx;
	irq_line_unmask(irq_line_of_isa(irq));
}

/* The models' complaints about the guest's programming: a guest can repeat them at will. */
static void op_log(void *ctx, const char *msg)
{
	static uint64_t n;

	(void)ctx;
	if (ratelimit_report(++n))
		pr_warn("chipset: %s (%lu suppressed before this line)\n", msg,
			ratelimit_suppressed(n));
}

static const struct chipset_ops ops = {
	.post = op_post,
	.nmi = op_nmi,
	.extint_changed = op_extint_changed,
	.timer_arm = op_timer_arm,
	.timer_cancel = op_timer_cancel,
	.line_wanted = op_line_wanted,
	.line_eoi = op_line_eoi,
	.log = op_log,
};

static enum vcpu_action io(struct vcpu *v, void *ctx, uint16_t port, unsigned int size,
			   bool write, uint32_t *val)
{
	(void)ctx;
	chipset_io(&cs, port, size, write, val, v->exit_tsc);
	if (chipset_powered_off(&cs)) {
		pr_info("guest powered off through ACPI (SLP_EN with the S5 sleep type)\n");
		return vcpu_stop(v, STATUS_SUCCESS);
	}
	return VCPU_RESUME;
}

static void mmio(void *ctx, uint64_t offset, unsigned int size, bool write, uint32_t *val)
{
	(void)ctx;
	if (write)
		chipset_mmio_write(&cs, (uint32_t)offset, *val, size, rdtsc());
	else
		*val = chipset_mmio_read(&cs, (uint32_t)offset, size, rdtsc());
}

static void timer_check(void *ctx, uint64_t now)
{
	(void)ctx;
	chipset_timer_check(&cs, now);
}

static uint8_t extint_ack(void *ctx)
{
	(void)ctx;
	return chipset_extint_ack(&cs);
}

static void eoi_broadcast(void *ctx, uint8_t vector)
{
	(void)ctx;
	chipset_eoi(&cs, vector);
}

static bool extint_requested(void *ctx)
{
	(void)ctx;
	return chipset_extint_requested(&cs);
}

bool chipset_glue_init(const struct chipset_glue_config *cfg)
{
	struct chipset_config c = {
		.tsc_hz = cfg->tsc_hz,
		.min_period_us = cfg->min_period_us,
		.ioapic_base = (uint32_t)MMIO_GPA_IOAPIC,
		.forward_mask = FORWARDED_IRQS,
		.acpi_pm = true,
		.pm = { .evt_port = CHIPSET_PM_EVT_PORT, .cnt_port = CHIPSET_PM_CNT_PORT,
			.tmr_port = CHIPSET_PM_TMR_PORT, .s5_slp_typ = CHIPSET_S5_SLP_TYP },
		.sci_irq = CHIPSET_SCI_IRQ,
	};
	static const struct { uint16_t port, count; } ports[] = {
		{ IO_PORT_PIC1, 2 }, { IO_PORT_PIC2, 2 }, { IO_PORT_ELCR, 2 }, { IO_PORT_PIT, 4 },
		{ IO_PORT_B, 1 }, { CHIPSET_PM_EVT_PORT, 4 }, { CHIPSET_PM_CNT_PORT, 2 },
		{ CHIPSET_PM_TMR_PORT, 4 },
	};

	deadlines_register_check(DEADLINE_VPIT, timer_check, NULL);
	if (!chipset_init(&cs, &c, &ops, NULL, cfg->apic_id, rdtsc())) {
		pr_err("chipset: bad configuration (TSC %lu Hz)\n", cfg->tsc_hz);
		return false;
	}
	for (unsigned int i = 0; i < sizeof(ports) / sizeof(ports[0]); i++)
		if (!io_dispatch_register(ports[i].port, ports[i].count, io, NULL))
			return false;
	if (!mmio_dispatch_register(MMIO_GPA_IOAPIC, 0x1000, mmio, NULL))
		return false;
	apic_glue_set_chipset(&(struct apic_glue_chipset){
		.extint_ack = extint_ack, .eoi_broadcast = eoi_broadcast,
		.extint_requested = extint_requested,
	});
	return true;
}

void chipset_glue_describe(void)
{
	pr_info("chipset: vPIC (8259 pair, ELCR), vIOAPIC (24 pins at %#x), vPIT (8254, IRQ0 -> "
		"GSI2), ACPI PM timer and PM1 blocks at ports %#x-%#x (SCI IRQ%u); the guest's "
		"unmasked ISA lines get the host's %s lines; no HPET\n", chipset_ioapic_base(&cs),
		CHIPSET_PM_EVT_PORT, CHIPSET_PM_TMR_PORT + 3, CHIPSET_SCI_IRQ,
		irq_lines_use_ioapic() ? "I/O APIC" : "8259");
}

uint32_t chipset_glue_ioapic_base(void)
{
	return (uint32_t)MMIO_GPA_IOAPIC;
}

bool chipset_glue_can_wake(void)
{
	return enabled != 0;
}

void chipset_glue_print_stats(void)
{
	const struct vpit_stats *p = chipset_pit_stats(&cs);
	const struct chipset_stats *s = chipset_stats(&cs);

	kprintf("tickvisor: vPIT: %lu IRQ0 ticks (%lu coalesced, %lu late checks, %lu periods "
		"raised to min_period_us), %lu arms; chipset: %lu ExtINT vectors taken, %lu NMI "
		"messages, %lu messages dropped; forwarded:", p->ticks, p->coalesced, p->clamps,
		p->min_period_raised, p->arms, s->extint_acks, s->ioapic_nmis, s->dropped_msgs);
	for (unsigned int i = 0; i < CHIPSET_ISA_IRQS; i++)
		if (s->forwarded[i])
			kprintf(" IRQ%u %lu", i, s->forwarded[i]);
	kprintf("\n");
}
