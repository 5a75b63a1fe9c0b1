/* SPDX-License-Identifier: MIT */
/*
 * The chipset's wiring (chipset/chipset.c) as a guest programs it: the PIT's IRQ0 through the
 * 8259 (ExtINT) and through the I/O APIC's pin 2, forwarded physical lines, level lines and the
 * EOI broadcast, NMI and ExtINT messages, and what the glue is told to unmask physically.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "chipset/chipset.h"
#include "chipset/vioapic_regs.h"

#define TSC_HZ		1000000000ull		/* 1 GHz: a PIT tick is 838.1 TSC ticks */
#define COM1_IRQ	4
#define APIC_ID		0

struct env {
	struct chipset c;
	uint64_t now;
	bool armed;
	uint64_t deadline;
	unsigned int posts;
	uint8_t last_vector;
	bool last_level;
	unsigned int nmis;
	unsigned int extint_calls;
	bool wanted[CHIPSET_ISA_IRQS];
	unsigned int wanted_calls;
	unsigned int line_eois;
	unsigned int logs;
};

#define PM_EVT		0x600
#define PM_CNT		0x604
#define PM_TMR		0x608
#define SCI_IRQ		9
#define S5_TYP		5

static void env_post(void *ctx, uint8_t vector, bool level)
{
	struct env *e = ctx;

	e->posts++;
	e->last_vector = vector;
	e->last_level = level;
}

static void env_nmi(void *ctx)
{
	((struct env *)ctx)->nmis++;
}

static void env_extint(void *ctx)
{
	((struct env *)ctx)->extint_calls++;
}

static void env_arm(void *ctx, uint64_t deadline)
{
	struct env *e = ctx;

	e->armed = true;
	e->deadline = deadline;
}

static void env_cancel(void *ctx)
{
	((struct env *)ctx)->armed = false;
}

static void env_wanted(void *ctx, unsigned int irq, bool wanted)
{
	struct env *e = ctx;

	assert_true(irq < CHIPSET_ISA_IRQS);
	assert_int_not_equal(e->wanted[irq], wanted);	/* only changes are reported */
	e->wanted[irq] = wanted;
	e->wanted_calls++;
}

static void env_line_eoi(void *ctx, unsigned int irq)
{
	(void)irq;
	((struct env *)ctx)->line_eois++;
}

static void env_log(void *ctx, const char *msg)
{
	(void)msg;
	((struct env *)ctx)->logs++;
}

static const struct chipset_ops ops = {
	.post = env_post, .nmi = env_nmi, .extint_changed = env_extint, .timer_arm = env_arm,
	.timer_cancel = env_cancel, .line_wanted = env_wanted, .line_eoi = env_line_eoi,
	.log = env_log,
};

static struct env *setup(uint16_t forward_mask)
{
	static struct env e;
	struct chipset_config cfg = {
		.tsc_hz = TSC_HZ, .min_period_us = 0, .ioapic_base = VIOAPIC_DEFAULT_BASE,
		.forward_mask = forward_mask,
		.acpi_pm = true,
		.pm = { .evt_port = PM_EVT, .cnt_port = PM_CNT, .tmr_port = PM_TMR,
			.s5_slp_typ = S5_TYP },
		.sci_irq = SCI_IRQ,
	};

	memset(&e, 0, sizeof(e));
	e.now = 1000;
	assert_true(chipset_init(&e.c, &cfg, &ops, &e, APIC_ID, e.now));
	return &e;
}

static void outb(struct env *e, uint16_t port, uint8_t v)
{
	uint32_t val = v;

	chipset_io(&e->c, port, 1, true, &val, e->now);
}

static uint8_t inb(struct env *e, uint16_t port)
{
	uint32_t val = 0xdeadbeef;

	chipset_io(&e->c, port, 1, false, &val, e->now);
	assert_true(val <= 0xff);
	return (uint8_t)val;
}

/* Linux's 8259 init: ICW1 0x11, ICW2 base, ICW3 4 / 2, ICW4 1; then the IMRs. */
static void pic_init(struct env *e, uint8_t master_imr, uint8_t slave_imr)
{
	outb(e, 0x20, 0x11); outb(e, 0x21, 0x30); outb(e, 0x21, 0x04); outb(e, 0x21, 0x01);
	outb(e, 0xa0, 0x11); outb(e, 0xa1, 0x38); outb(e, 0xa1, 0x02); outb(e, 0xa1, 0x01);
	outb(e, 0x21, master_imr);
	outb(e, 0xa1, slave_imr);
}

static void ioapic_write(struct env *e, uint32_t reg, uint32_t val)
{
	chipset_mmio_write(&e->c, VIOAPIC_MMIO_REGSEL, reg, 4, e->now);
	chipset_mmio_write(&e->c, VIOAPIC_MMIO_WIN, val, 4, e->now);
}

static void redirect(struct env *e, unsigned int pin, uint32_t lo, uint8_t dest)
{
	ioapic_write(e, VIOAPIC_REG_REDIR + 2 * pin + 1, (uint32_t)dest << 24);
	ioapic_write(e, VIOAPIC_REG_REDIR + 2 * pin, lo);
}

/* Mode 2 on channel 0 with count N: IRQ0 every N PIT ticks. */
static void pit_rate(struct env *e, uint16_t count)
{
	outb(e, 0x43, 0x34);
	outb(e, 0x40, (uint8_t)count);
	outb(e, 0x40, (uint8_t)(count >> 8));
}

static void run_to_deadline(struct env *e)
{
	assert_true(e->armed);
	e->now = e->deadline;
	assert_true(chipset_timer_check(&e->c, e->now));
}

static void test_ports(void **state)
{
	struct env *e = setup(0);
	static const uint16_t ports[] = { 0x20, 0x21, 0xa0, 0xa1, 0x4d0, 0x4d1, 0x40, 0x41, 0x42,
					  0x43 };

	(void)state;
	for (unsigned int i = 0; i < sizeof(ports) / sizeof(ports[0]); i++)
		assert_true(chipset_port(&e->c, ports[i]));
	assert_true(chipset_port(&e->c, 0x61));
	assert_false(chipset_port(&e->c, 0x3f8));
	assert_false(chipset_port(&e->c, 0x44));
	assert_false(chipset_port(&e->c, 0x80));
	for (uint16_t p = PM_EVT; p < PM_EVT + 4; p++)
		assert_true(chipset_port(&e->c, p));
	assert_true(chipset_port(&e->c, PM_CNT) && chipset_port(&e->c, PM_CNT + 1));
	assert_false(chipset_port(&e->c, PM_CNT + 2));
	for (uint16_t p = PM_TMR; p < PM_TMR + 4; p++)
		assert_true(chipset_port(&e->c, p));
	assert_false(chipset_port(&e->c, PM_TMR + 4));
}

static uint32_t inl(struct env *e, uint16_t port)
{
	uint32_t val = 0;

	chipset_io(&e->c, port, 4, false, &val, e->now);
	return val;
}

static uint16_t inw(struct env *e, uint16_t port)
{
	uint32_t val = 0;

	chipset_io(&e->c, port, 2, false, &val, e->now);
	return (uint16_t)val;
}

static void outw(struct env *e, uint16_t port, uint16_t v)
{
	uint32_t val = v;

	chipset_io(&e->c, port, 2, true, &val, e->now);
}

/* PM_TMR counts 3,579,545 Hz of TSC time from init, exactly: ticks = floor(dTSC * f / tsc_hz). */
static void test_pm_timer(void **state)
{
	struct env *e = setup(0);
	uint64_t t0 = e->now;

	(void)state;
	assert_int_equal(inl(e, PM_TMR), 0);
	e->now = t0 + 1000000000ull;			/* one second */
	assert_int_equal(inl(e, PM_TMR), 3579545);
	e->now = t0 + 279;				/* 279 ns: 0.9987 ticks */
	assert_int_equal(inl(e, PM_TMR), 0);
	e->now = t0 + 280;				/* 280 ns: 1.0023 ticks */
	assert_int_equal(inl(e, PM_TMR), 1);
	e->now = t0 + 1200000000000ull;			/* 20 minutes: it wraps at 2^32 */
	assert_int_equal(inl(e, PM_TMR), (uint32_t)(1200ull * 3579545));
	/* a byte at a time, as the PIIX4 allows */
	assert_int_equal(inb(e, PM_TMR + 1), (uint8_t)((1200ull * 3579545) >> 8));
	/* read-only */
	outw(e, PM_TMR, 0);
	assert_int_equal(inl(e, PM_TMR), (uint32_t)(1200ull * 3579545));
}

/* SCI_EN reads 1 (always ACPI mode); TMR_STS at the change of bit 31, the SCI with TMR_EN. */
static void test_pm_status_and_sci(void **state)
{
	struct env *e = setup(0);
	uint64_t t0 = e->now, msb;

	(void)state;
	assert_int_equal(inw(e, PM_CNT) & 1, 1);
	assert_int_equal(inw(e, PM_EVT), 0);
	assert_false(e->armed);
	redirect(e, SCI_IRQ, 0x49 | VIOAPIC_RTE_LEVEL, APIC_ID);
	outw(e, PM_EVT + 2, 1);				/* TMR_EN */
	assert_int_equal(inw(e, PM_EVT + 2), 1);
	/* the first change of bit 31: 2^31 ticks, rounded up to a whole TSC tick */
	msb = t0 + (uint64_t)(((unsigned __int128)1 << 31) * TSC_HZ + 3579544) / 3579545;
	assert_true(e->armed);
	assert_int_equal(e->deadline, msb);
	e->now = msb - 1;
	chipset_timer_check(&e->c, e->now);
	assert_int_equal(inw(e, PM_EVT) & 1, 0);
	assert_int_equal(e->posts, 0);
	e->now = msb;
	chipset_timer_check(&e->c, e->now);
	assert_int_equal(inw(e, PM_EVT) & 1, 1);	/* TMR_STS */
	assert_int_equal(e->posts, 1);			/* the SCI, level */
	assert_int_equal(e->last_vector, 0x49);
	assert_true(e->last_level);
	outw(e, PM_EVT, 1);				/* write 1 to clear */
	assert_int_equal(inw(e, PM_EVT) & 1, 0);
	chipset_eoi(&e->c, 0x49);			/* SCI low now: not delivered again */
	assert_int_equal(e->posts, 1);
	assert_true(e->armed);				/* the next change */
	outw(e, PM_EVT + 2, 0);
	assert_false(e->armed);
	/* reserved enable bits read 0 */
	outw(e, PM_EVT + 2, 0xffff);
	assert_int_equal(inw(e, PM_EVT + 2), 0x0721);
}

/* SLP_EN with \_S5's SLP_TYP powers off; another sleep type is refused and logged. */
static void test_pm_sleep(void **state)
{
	struct env *e = setup(0);

	(void)state;
	outw(e, PM_CNT, (uint16_t)((3 << 10) | (1 << 13)));
	assert_false(chipset_powered_off(&e->c));
	assert_int_equal(e->logs, 1);
	assert_int_equal(inw(e, PM_CNT), (3 << 10) | 1);	/* SLP_EN reads 0, SCI_EN 1 */
	outw(e, PM_CNT, (uint16_t)((S5_TYP << 10) | (1 << 13)));
	assert_true(chipset_powered_off(&e->c));
}

/*
 * The BIOS state: the PIT runs at 18.2 Hz and the PIC is masked: nothing reaches the vCPU, no
 * exit is asked for, and the exits leave the edges alone; the guest's next look at the 8259 finds
 * IRQ0 in its IRR (8259A: IRR latches masked requests). Unmasking IRQ0 arms the timer.
 */
static void test_bios_state_quiet(void **state)
{
	struct env *e = setup(0);

	(void)state;
	assert_false(e->armed);
	e->now += 60000000;			/* 60 ms: past the first 54.9 ms period */
	assert_false(chipset_timer_check(&e->c, e->now));
	assert_int_equal(chipset_pit_stats(&e->c)->ticks, 0);
	outb(e, 0x20, 0x0a);			/* OCW3: read IRR */
	assert_int_equal(inb(e, 0x20) & 1, 1);
	assert_false(chipset_extint_pending(&e->c));
	assert_int_equal(e->posts, 0);
	assert_int_equal(chipset_pit_stats(&e->c)->ticks, 1);
	assert_false(e->armed);
	outb(e, 0x21, 0xfe);
	assert_true(e->armed);
	assert_true(e->deadline > e->now && e->deadline < e->now + 55000000);
	outb(e, 0x21, 0xff);
	assert_false(e->armed);
}

/* IRQ0 through the 8259: INT rises, the INTA gives base + 0, the EOI clears ISR. */
static void test_pit_through_pic(void **state)
{
	struct env *e = setup(0);

	(void)state;
	pic_init(e, 0xfe, 0xff);
	pit_rate(e, 1193);			/* ~1 kHz */
	assert_false(chipset_extint_pending(&e->c));
	run_to_deadline(e);
	assert_true(chipset_extint_pending(&e->c));
	assert_true(e->extint_calls > 0);
	assert_int_equal(chipset_extint_ack(&e->c), 0x30);
	assert_false(chipset_extint_pending(&e->c));
	outb(e, 0x20, 0x0b);			/* OCW3: read ISR */
	assert_int_equal(inb(e, 0x20), 0x01);
	outb(e, 0x20, 0x20);			/* non-specific EOI */
	assert_int_equal(inb(e, 0x20), 0x00);
	run_to_deadline(e);
	assert_int_equal(chipset_extint_ack(&e->c), 0x30);
	assert_int_equal(chipset_stats(&e->c)->extint_acks, 2);
}

/* IRQ0 through the I/O APIC: the MADT's override puts it on pin 2, a fixed edge message. */
static void test_pit_through_ioapic_pin2(void **state)
{
	struct env *e = setup(0);

	(void)state;
	pic_init(e, 0xff, 0xff);
	redirect(e, 2, 0x31, APIC_ID);		/* fixed, physical, edge, unmasked */
	pit_rate(e, 1193);
	run_to_deadline(e);
	assert_int_equal(e->posts, 1);
	assert_int_equal(e->last_vector, 0x31);
	assert_false(e->last_level);
	assert_false(chipset_extint_pending(&e->c));
	run_to_deadline(e);
	assert_int_equal(e->posts, 2);		/* edges: one message per period, no EOI needed */
}

/*
 * Mode 0's OUT0 rises at terminal count and falls at the next control word: a request the CPU
 * has not acknowledged yet goes with it, and the INTA then gives the 8259's IR7 (spurious),
 * with nothing in service; a level-triggered pin 2 sees the low line too.
 */
static void test_pit_mode0_fall_withdraws(void **state)
{
	struct env *e = setup(0);

	(void)state;
	pic_init(e, 0xfe, 0xff);
	redirect(e, 2, VIOAPIC_RTE_LEVEL | VIOAPIC_RTE_MASKED | 0x31, APIC_ID);
	outb(e, 0x43, 0x30);			/* channel 0, LSB then MSB, mode 0 */
	outb(e, 0x40, 100);
	outb(e, 0x40, 0);
	run_to_deadline(e);
	assert_true(chipset_extint_pending(&e->c));
	outb(e, 0x43, 0x30);			/* OUT0 low again */
	assert_false(chipset_extint_pending(&e->c));
	assert_int_equal(chipset_extint_ack(&e->c), 0x37);
	outb(e, 0x20, 0x0b);
	assert_int_equal(inb(e, 0x20), 0x00);
	redirect(e, 2, VIOAPIC_RTE_LEVEL | 0x31, APIC_ID);
	assert_int_equal(e->posts, 0);		/* the line is low: nothing to send */
	outb(e, 0x43, 0x34);			/* mode 2's control word: OUT0 high, an edge */
	assert_int_equal(e->posts, 1);
	assert_true(chipset_extint_pending(&e->c));
	assert_int_equal(chipset_extint_ack(&e->c), 0x30);
}

/* Edges while IRQ0 is masked everywhere are lost at the vIOAPIC: unmasking brings none of them. */
static void test_masked_edges_stay_lost(void **state)
{
	struct env *e = setup(0);
	uint64_t unmasked_at;

	(void)state;
	pic_init(e, 0xff, 0xff);
	redirect(e, 2, 0x31 | VIOAPIC_RTE_MASKED, APIC_ID);
	pit_rate(e, 1193);
	e->now += 5500000;			/* five and a half periods, checked at every exit */
	for (unsigned int i = 0; i < 10; i++)
		chipset_timer_check(&e->c, e->now - 5000000 + i * 500000);
	assert_int_equal(e->posts, 0);
	unmasked_at = e->now;
	redirect(e, 2, 0x31, APIC_ID);
	chipset_timer_check(&e->c, e->now);
	assert_int_equal(e->posts, 0);
	run_to_deadline(e);
	assert_int_equal(e->posts, 1);
	assert_true(e->now > unmasked_at);
}

/* A message for another APIC ID is not ours; broadcast and logical ones are. */
static void test_destinations(void **state)
{
	struct env *e = setup(0);

	(void)state;
	pic_init(e, 0xff, 0xff);
	pit_rate(e, 1193);
	redirect(e, 2, 0x31, 5);
	run_to_deadline(e);
	assert_int_equal(e->posts, 0);
	assert_int_equal(chipset_stats(&e->c)->dropped_msgs, 1);
	redirect(e, 2, 0x31, 0xff);
	run_to_deadline(e);
	assert_int_equal(e->posts, 1);
	redirect(e, 2, 0x31 | VIOAPIC_RTE_DEST_LOGICAL, 0x01);
	run_to_deadline(e);
	assert_int_equal(e->posts, 2);
}

/* NMI mode entries are NMIs; ExtINT on pin 0 hands the vCPU the 8259's vector. */
static void test_nmi_and_extint_messages(void **state)
{
	struct env *e = setup(0);

	(void)state;
	pic_init(e, 0xfe, 0xff);
	redirect(e, 2, (VIOAPIC_DM_NMI << VIOAPIC_RTE_DM_SHIFT), APIC_ID);
	redirect(e, 0, (VIOAPIC_DM_EXTINT << VIOAPIC_RTE_DM_SHIFT), APIC_ID);
	pit_rate(e, 1193);
	run_to_deadline(e);
	assert_int_equal(e->nmis, 1);
	assert_true(chipset_extint_requested(&e->c));
	assert_int_equal(chipset_extint_ack(&e->c), 0x30);
	assert_false(chipset_extint_requested(&e->c));
	assert_int_equal(e->posts, 0);
}

/* A forwarded line is wanted while unmasked at either controller; its edge reaches both. */
static void test_forwarding_wanted(void **state)
{
	struct env *e = setup(1u << COM1_IRQ);

	(void)state;
	pic_init(e, 0xff, 0xff);	/* ICW1 clears the IMR (8259A): wanted, then not */
	assert_false(e->wanted[COM1_IRQ]);
	e->wanted_calls = 0;
	redirect(e, COM1_IRQ, 0x24, APIC_ID);
	assert_true(e->wanted[COM1_IRQ]);
	redirect(e, COM1_IRQ, 0x24 | VIOAPIC_RTE_MASKED, APIC_ID);
	assert_false(e->wanted[COM1_IRQ]);
	outb(e, 0x21, (uint8_t)~(1u << COM1_IRQ));
	assert_true(e->wanted[COM1_IRQ]);
	/* IRQ0 is not a forwarded line: unmasking it asks for nothing physical */
	outb(e, 0x21, 0xee);
	assert_false(e->wanted[0]);
	assert_int_equal(e->wanted_calls, 3);

	chipset_phys_irq(&e->c, COM1_IRQ, false, true);
	assert_true(chipset_extint_pending(&e->c));
	assert_int_equal(chipset_extint_ack(&e->c), 0x34);
	outb(e, 0x20, 0x20);
	chipset_phys_irq(&e->c, COM1_IRQ, false, true);	/* a second edge: delivered again */
	assert_int_equal(chipset_extint_ack(&e->c), 0x34);
	assert_int_equal(chipset_stats(&e->c)->forwarded[COM1_IRQ], 2);
	/* a line not given to the guest is ignored */
	chipset_phys_irq(&e->c, 3, false, true);
	assert_int_equal(chipset_stats(&e->c)->forwarded[3], 0);
}

/* A level line through the I/O APIC: Remote IRR until the EOI broadcast, then the glue unmasks
 * the physical line, and the pin is low until the device asserts it again. */
static void test_level_line_eoi(void **state)
{
	struct env *e = setup(1u << 10);

	(void)state;
	pic_init(e, 0xff, 0xff);
	redirect(e, 10, 0x41 | VIOAPIC_RTE_LEVEL, APIC_ID);
	chipset_phys_irq(&e->c, 10, true, true);
	assert_int_equal(e->posts, 1);
	assert_true(e->last_level);
	chipset_eoi(&e->c, 0x41);
	assert_int_equal(e->line_eois, 1);
	assert_int_equal(e->posts, 1);		/* lowered at the EOI: not delivered again */
	chipset_phys_irq(&e->c, 10, true, true);
	assert_int_equal(e->posts, 2);
	chipset_eoi(&e->c, 0x42);		/* another vector's EOI changes nothing */
	assert_int_equal(e->line_eois, 1);
}

/* Word and dword port accesses are byte accesses to consecutive ports, as on the ISA bus. */
static void test_wide_io(void **state)
{
	struct env *e = setup(0);
	uint32_t val = 0x00ff;

	(void)state;
	pic_init(e, 0xff, 0xff);
	chipset_io(&e->c, 0x20, 2, false, &val, e->now);
	assert_int_equal(val >> 8, 0xff);	/* port 0x21: the IMR */
	val = 0x5a00;
	chipset_io(&e->c, 0x20, 2, true, &val, e->now);	/* 0x20 <- 0 (OCW2 no-op), 0x21 <- 0x5a */
	assert_int_equal(inb(e, 0x21), 0x5a);
}

/* Garbage on every port and the MMIO page never breaks the wiring (ASan/UBSan build). */
static void test_fuzz(void **state)
{
	struct env *e = setup(0xffff);
	static const uint16_t ports[] = { 0x20, 0x21, 0xa0, 0xa1, 0x4d0, 0x4d1, 0x40, 0x41, 0x42,
					  0x43, 0x61, PM_EVT, PM_EVT + 2, PM_CNT, PM_TMR };
	uint32_t seed = 12345;

	(void)state;
	for (unsigned int i = 0; i < 200000; i++) {
		uint32_t r, val;

		seed = seed * 1103515245u + 12345u;
		r = seed >> 8;
		val = r >> 8;
		switch (r % 8) {
		case 0: case 1: case 2:
			chipset_io(&e->c, ports[(r >> 3) % 15], 1 << ((r >> 6) % 3), r & 0x80,
				   &val, e->now);
			break;
		case 3:
			chipset_mmio_write(&e->c, (r >> 3) & 0xff, val, 4, e->now);
			break;
		case 4:
			chipset_phys_irq(&e->c, (r >> 3) % 16, r & 0x80, r & 0x100);
			break;
		case 5:
			e->now += r % 5000;
			chipset_timer_check(&e->c, e->now);
			break;
		case 6:
			if (chipset_extint_pending(&e->c) || chipset_extint_requested(&e->c))
				chipset_extint_ack(&e->c);
			break;
		default:
			chipset_eoi(&e->c, (uint8_t)val);
			break;
		}
		assert_true(!e->armed || e->deadline > 0);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ports),
		cmocka_unit_test(test_bios_state_quiet),
		cmocka_unit_test(test_pit_through_pic),
		cmocka_unit_test(test_pit_through_ioapic_pin2),
		cmocka_unit_test(test_pit_mode0_fall_withdraws),
		cmocka_unit_test(test_destinations),
		cmocka_unit_test(test_masked_edges_stay_lost),
		cmocka_unit_test(test_nmi_and_extint_messages),
		cmocka_unit_test(test_forwarding_wanted),
		cmocka_unit_test(test_level_line_eoi),
		cmocka_unit_test(test_wide_io),
		cmocka_unit_test(test_fuzz),
		cmocka_unit_test(test_pm_timer),
		cmocka_unit_test(test_pm_status_and_sci),
		cmocka_unit_test(test_pm_sleep),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
