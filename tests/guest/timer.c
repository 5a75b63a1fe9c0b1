/* SPDX-License-Identifier: MIT */
/*
 * timer: the local APIC timer's three modes against the SDM (vol. 3A 11.5.4), measured with the
 * TSC, and the timer across HLT. Natively the emulator's LAPIC is the reference; under tickvisor
 * the same checks hold its vLAPIC to it. Command line: see tests/guest/lib/timer_test.h.
 */
#include <stdint.h>

#include "tests/guest/lib/apic.h"
#include "tests/guest/lib/cpu.h"
#include "tests/guest/lib/report.h"
#include "tests/guest/lib/timer_test.h"

#define ONESHOT_TICKS		100000u
#define DIV16_TICKS		10000u
/* 1 ms at 50 MHz: well above the 200 us minimum period tickvisor enforces. */
#define PERIOD_TICKS		50000u
#define PERIODS			20u
#define HLT_PERIODS		10u
#define DEADLINE_DELTA		100000u

static void check_oneshot_fires_once(void)
{
	const char *name = "oneshot.fires_once";
	uint64_t expected = tt_ticks_to_tsc(tt_ticks(ONESHOT_TICKS)), t0;

	t0 = tt_start(APIC_TIMER_ONESHOT, 1, tt_ticks(ONESHOT_TICKS), NULL);
	tt_wait_until(t0 + 3 * expected + tt_late_max);
	tt_check_one(name, t0, expected);
	tt_timer_stop();
}

/*
 * TMCCT counts down at the timer's rate: read a quarter of the way, it holds what is left until
 * the expiry, within the rate's error and one count (tt_tmcct_fits); after the expiry, 0.
 */
static void check_oneshot_tmcct(void)
{
	const char *name = "oneshot.tmcct_counts_down";
	uint32_t count = tt_ticks(ONESHOT_TICKS), c0, c1, c2;
	uint64_t expected = tt_ticks_to_tsc(count), t0, t1, b0, b1;
	bool fits;

	t0 = tt_start(APIC_TIMER_ONESHOT, 1, count, &t1);
	c0 = apic_read(APIC_REG_TMCCT);
	tt_wait_until(t0 + expected / 4);
	b0 = rdtsc();
	c1 = apic_read(APIC_REG_TMCCT);
	b1 = rdtsc();
	tt_wait_until(t0 + expected + tt_late_max);
	c2 = apic_read(APIC_REG_TMCCT);
	fits = tt_tmcct_fits(c1, t0 + expected, t1 + expected, b0, b1, 1);
	info("%s: TMCCT %u, then %u at 1/4 (%u TSC ticks after the start), %u after expiry",
	     name, c0, c1, (uint32_t)(b0 - t0), c2);
	check(c0 <= count && c1 < c0 && fits && c2 == 0 && tt_nr_irqs == 1, name,
	      "TMICT %u: TMCCT read %u, %u (%s the time left), %u after expiry; %u interrupts",
	      count, c0, c1, fits ? "fits" : "does not fit", c2, tt_nr_irqs);
	tt_timer_stop();
}

static void check_oneshot_tmict_zero(void)
{
	const char *name = "oneshot.tmict_zero_stops";
	uint64_t expected = tt_ticks_to_tsc(tt_ticks(ONESHOT_TICKS)), t0;
	uint32_t c;

	t0 = tt_start(APIC_TIMER_ONESHOT, 1, tt_ticks(ONESHOT_TICKS), NULL);
	tt_wait_until(t0 + expected / 4);
	apic_write(APIC_REG_TMICT, 0);
	tt_wait_until(t0 + 2 * expected + tt_late_max);
	c = apic_read(APIC_REG_TMCCT);
	check(tt_nr_irqs == 0 && c == 0, name, "%u interrupts after TMICT = 0, TMCCT %u",
	      tt_nr_irqs, c);
	tt_timer_stop();
}

static void check_oneshot_divide(void)
{
	const char *name = "oneshot.divide_16";
	uint64_t expected = tt_ticks_to_tsc(16ull * tt_ticks(DIV16_TICKS)), t0;

	t0 = tt_start(APIC_TIMER_ONESHOT, 16, tt_ticks(DIV16_TICKS), NULL);
	tt_wait_until(t0 + 2 * expected + tt_late_max);
	tt_check_one(name, t0, expected);
	tt_timer_stop();
}

static void check_periodic(void)
{
	uint64_t period = tt_ticks_to_tsc(tt_ticks(PERIOD_TICKS)), want = PERIODS * period;
	uint64_t t0, span;
	unsigned int in_window, late_periods, i;
	int32_t drift;

	t0 = tt_start(APIC_TIMER_PERIODIC, 1, tt_ticks(PERIOD_TICKS), NULL);
	/* Expiries at P, 2P, ..., 20P fall in the window; the 21st is half a period away. */
	tt_wait_until(t0 + want + period / 2);
	in_window = tt_nr_irqs;
	tt_wait_irqs(PERIODS + 1, t0 + want + 2 * period + tt_late_max);
	apic_write(APIC_REG_TMICT, 0);
	/* the ticks due in the window's last tt_late_max may come after it */
	late_periods = (unsigned int)div_u64_u32(tt_late_max + period - 1, (uint32_t)period);
	check(in_window + late_periods >= PERIODS && in_window <= PERIODS + 1, "periodic.count",
	      "%u interrupts in %u periods", in_window, PERIODS);
	for (i = 0; i < tt_nr_irqs && i < TT_MAX_IRQS; i++) {
		uint64_t due = t0 + (i + 1) * period;

		if (tt_irq_tsc[i] + tt_rate_slack((i + 1) * period) < due) {
			fail("periodic.not_early", "interrupt %u came %u TSC ticks before its time",
			     i + 1, (uint32_t)(due - tt_irq_tsc[i]));
			break;
		}
	}
	if (i == tt_nr_irqs || i == TT_MAX_IRQS)
		pass("periodic.not_early");
	if (tt_nr_irqs < PERIODS + 1) {
		fail("periodic.no_drift", "only %u interrupts", tt_nr_irqs);
		tt_timer_stop();
		return;
	}
	span = tt_irq_tsc[PERIODS] - tt_irq_tsc[0];
	drift = (int32_t)(span - want);
	info("periodic: first at +%u, 21st - 1st = %u TSC ticks, %u expected (drift %d)",
	     (uint32_t)(tt_irq_tsc[0] - t0), (uint32_t)span, (uint32_t)want, drift);
	/* Both ends are on time within [0, late_max], so their distance is within that of 20P. */
	check((uint64_t)(drift < 0 ? -drift : drift) <= tt_late_max + tt_rate_slack(want),
	      "periodic.no_drift", "21st - 1st interrupt = %u TSC ticks, expected %u",
	      (uint32_t)span, (uint32_t)want);
	tt_timer_stop();
}

static void check_mask(void)
{
	const char *name = "mask.keeps_counting";
	uint64_t expected = tt_ticks_to_tsc(tt_ticks(ONESHOT_TICKS)), t0;
	uint32_t c0, c1, c2;

	t0 = tt_start(APIC_LVT_MASKED | APIC_TIMER_ONESHOT, 1, tt_ticks(ONESHOT_TICKS), NULL);
	c0 = apic_read(APIC_REG_TMCCT);
	tt_wait_until(t0 + expected / 2);
	c1 = apic_read(APIC_REG_TMCCT);
	tt_wait_until(t0 + expected + tt_late_max);
	c2 = apic_read(APIC_REG_TMCCT);
	check(tt_nr_irqs == 0 && c1 < c0 && c1 > 0 && c2 == 0, name,
	      "%u interrupts; TMCCT %u, %u at half time, %u after expiry", tt_nr_irqs, c0, c1, c2);
	tt_timer_stop();
}

static const char *const deadline_checks[] = {
	"tscdeadline.fires", "tscdeadline.reads_zero_after_fire",
	"tscdeadline.past_fires_at_once", "tscdeadline.zero_disarms", "hlt.deadline_wakes",
};

static void check_tsc_deadline(void)
{
	uint64_t delta = tt_ticks_to_tsc(tt_ticks(DEADLINE_DELTA)), t0, msr;

	tt_deadline_mode();
	t0 = rdtsc();
	wrmsr(MSR_IA32_TSC_DEADLINE, t0 + delta);
	tt_wait_until(t0 + 2 * delta + tt_late_max);
	tt_check_one("tscdeadline.fires", t0, delta);
	msr = rdmsr(MSR_IA32_TSC_DEADLINE);
	check(msr == 0, "tscdeadline.reads_zero_after_fire",
	      "IA32_TSC_DEADLINE reads 0x%llx after it fired (deadline 0x%llx)", msr, t0 + delta);

	tt_deadline_mode();
	t0 = rdtsc();
	wrmsr(MSR_IA32_TSC_DEADLINE, t0 - 1);
	tt_wait_irqs(1, t0 + 4 * tt_late_max);
	tt_check_one("tscdeadline.past_fires_at_once", t0, 0);

	tt_deadline_mode();
	t0 = rdtsc();
	wrmsr(MSR_IA32_TSC_DEADLINE, t0 + delta);
	wrmsr(MSR_IA32_TSC_DEADLINE, 0);
	tt_wait_until(t0 + 2 * delta + tt_late_max);
	check(tt_nr_irqs == 0, "tscdeadline.zero_disarms",
	      "%u interrupts after the deadline was written 0", tt_nr_irqs);
	tt_timer_stop();
}

/* HLT with the timer as the only wake-up: the STI shadow covers HLT, so nothing slips between. */
static void sti_hlt(void)
{
	asm volatile("sti; hlt" : : : "memory");
}

static void check_hlt_oneshot(void)
{
	const char *name = "hlt.wakes_on_timer";
	uint64_t expected = tt_ticks_to_tsc(tt_ticks(ONESHOT_TICKS)), t0;

	cli();
	t0 = tt_start(APIC_TIMER_ONESHOT, 1, tt_ticks(ONESHOT_TICKS), NULL);
	sti_hlt();
	tt_check_one(name, t0, expected);
	tt_timer_stop();
}

static void check_hlt_deadline(void)
{
	const char *name = "hlt.deadline_wakes";
	uint64_t delta = tt_ticks_to_tsc(tt_ticks(DEADLINE_DELTA)), t0;

	tt_deadline_mode();
	cli();
	t0 = rdtsc();
	wrmsr(MSR_IA32_TSC_DEADLINE, t0 + delta);
	sti_hlt();
	tt_check_one(name, t0, delta);
	tt_timer_stop();
}

/*
 * A periodic timer keeps ticking while the guest halts again and again: every HLT ends with the
 * next tick, on time, and the ticks keep the period's phase.
 */
static void check_hlt_periodic(void)
{
	const char *name = "hlt.periodic_continues";
	uint64_t period = tt_ticks_to_tsc(tt_ticks(PERIOD_TICKS)), t0, due, slack;
	unsigned int i, n = 0;

	cli();
	t0 = tt_start(APIC_TIMER_PERIODIC, 1, tt_ticks(PERIOD_TICKS), NULL);
	for (i = 0; i < HLT_PERIODS; i++) {
		n = tt_nr_irqs;
		sti_hlt();
		cli();
		if (tt_nr_irqs != n + 1)
			break;
	}
	apic_write(APIC_REG_TMICT, 0);
	sti();
	if (i < HLT_PERIODS) {
		fail(name, "HLT %u ended with %u interrupts, expected %u", i + 1, tt_nr_irqs,
		     n + 1);
		tt_timer_stop();
		return;
	}
	for (i = 0; i < HLT_PERIODS; i++) {
		due = t0 + (i + 1) * period;
		slack = tt_rate_slack((i + 1) * period);
		if (tt_irq_tsc[i] + slack < due || tt_irq_tsc[i] > due + slack + tt_late_max)
			break;
	}
	if (i < HLT_PERIODS)
		fail(name, "tick %u at %d TSC ticks from its time (bound %u)", i + 1,
		     (int32_t)(tt_irq_tsc[i] - due), (uint32_t)tt_late_max);
	else
		pass(name);
	tt_timer_stop();
}

static const char *const all_checks[] = {
	"oneshot.fires_once", "oneshot.tmcct_counts_down", "oneshot.tmict_zero_stops",
	"oneshot.divide_16", "periodic.count", "periodic.not_early", "periodic.no_drift",
	"mask.keeps_counting", "tscdeadline.fires", "tscdeadline.reads_zero_after_fire",
	"tscdeadline.past_fires_at_once", "tscdeadline.zero_disarms", "hlt.wakes_on_timer",
	"hlt.deadline_wakes", "hlt.periodic_continues",
};

void guest_main(uint32_t magic, uint32_t info_addr)
{
	tt_init(magic, info_addr, all_checks, sizeof(all_checks) / sizeof(all_checks[0]));
	check_oneshot_fires_once();
	check_oneshot_tmcct();
	check_oneshot_tmict_zero();
	check_oneshot_divide();
	check_periodic();
	check_mask();
	if (apic_has_tsc_deadline())
		check_tsc_deadline();
	else
		tt_skip_all(deadline_checks, sizeof(deadline_checks) / sizeof(deadline_checks[0]),
			    "CPUID.1:ECX[24] (TSC-deadline) = 0");
	check_hlt_oneshot();
	if (apic_has_tsc_deadline())
		check_hlt_deadline();
	check_hlt_periodic();
	summary();
}
