/* SPDX-License-Identifier: MIT */
/*
 * timer_periodic: the periodic LAPIC timer over a long window (every tick counted against the
 * TSC: no drift, none lost, none early), the minimum period tickvisor enforces (boot option
 * min_period_us), and ticks that expire while the guest has interrupts disabled: they coalesce
 * into the one pending IRR bit, as on hardware (SDM 11.8.4), and tickvisor counts the lost ones.
 * Command line: see tests/guest/lib/timer_test.h, and
 *   min_period_us=N   the tickvisor option in effect (default 200; natively there is none)
 */
#include <stdint.h>

#include "tests/guest/lib/apic.h"
#include "tests/guest/lib/cmdline.h"
#include "tests/guest/lib/cpu.h"
#include "tests/guest/lib/hypercall.h"
#include "tests/guest/lib/idt.h"
#include "tests/guest/lib/report.h"
#include "tests/guest/lib/timer_test.h"

/* 1 ms at 50 MHz, 1000 of them */
#define LONG_PERIOD_TICKS	50000u
#define LONG_PERIODS		1000u
/* 40 us: a fifth of tickvisor's default minimum period */
#define SHORT_PERIOD_TICKS	2000u
#define MIN_PERIOD_US_DEFAULT	200u
#define MIN_PERIODS		20u
#define COALESCE_PERIOD_TICKS	50000u
#define COALESCE_PERIODS	5u

/* The long window's ISR: each tick against its due time t0 + n * period. */
static volatile uint64_t lw_t0, lw_period_ticks;
static volatile unsigned int lw_n;
static volatile int64_t lw_late_min, lw_late_max, lw_late_last;

static void long_window_isr(unsigned int vector __attribute__((unused)), uint64_t tsc)
{
	uint64_t due = lw_t0 + tt_ticks_to_tsc((uint64_t)(lw_n + 1) * lw_period_ticks);
	int64_t late = (int64_t)(tsc - due);

	if (!lw_n || late < lw_late_min)
		lw_late_min = late;
	if (!lw_n || late > lw_late_max)
		lw_late_max = late;
	lw_late_last = late;
	lw_n++;
	apic_eoi();
}

/*
 * 1000 periods: as many ticks as periods in the window (give or take the one at its edge), none
 * early, and the last as late as the first within the lateness bound: drift would add up to
 * far more over 1000 periods.
 */
static void check_long_window(void)
{
	unsigned int periods = LONG_PERIODS, n;
	uint32_t count = tt_ticks(LONG_PERIOD_TICKS);
	uint64_t window = tt_ticks_to_tsc((uint64_t)count * periods);
	uint64_t period = tt_ticks_to_tsc(count), t0, slack = tt_rate_slack(window);
	int64_t drift;

	if (tt_env == TT_QEMU) {
		/* a host that deschedules QEMU for a period merges ticks there, as IF = 0 does */
		skip("periodic.long_window_count", "QEMU TCG loses ticks on a loaded host");
		skip("periodic.long_window_not_early", "QEMU TCG loses ticks on a loaded host");
		skip("periodic.long_window_no_drift", "QEMU TCG loses ticks on a loaded host");
		return;
	}
	tt_timer_stop();
	lw_n = 0;
	lw_period_ticks = count;
	idt_set_handler(TT_VECTOR, long_window_isr);
	apic_write(APIC_REG_LVT_TIMER, APIC_TIMER_PERIODIC | TT_VECTOR);
	t0 = rdtsc();
	lw_t0 = t0;
	apic_write(APIC_REG_TMICT, count);
	tt_wait_until(t0 + window + period / 2);
	n = lw_n;
	apic_write(APIC_REG_TMICT, 0);
	tt_restore_isr();
	info("periodic.long_window: %u ticks in %u periods; lateness min %d max %d last %d",
	     n, periods, (int32_t)lw_late_min, (int32_t)lw_late_max, (int32_t)lw_late_last);
	check(n + 1 >= periods && n <= periods + 1, "periodic.long_window_count",
	      "%u ticks in %u periods", n, periods);
	check(n && lw_late_min + (int64_t)slack >= 0, "periodic.long_window_not_early",
	      "a tick came %d TSC ticks before its time", (int32_t)-lw_late_min);
	drift = lw_late_last - lw_late_min;
	check(n && lw_late_max <= (int64_t)(tt_late_max + slack) && drift <= (int64_t)tt_late_max,
	      "periodic.long_window_no_drift",
	      "lateness up to %d TSC ticks, the last tick %d later than the earliest (bound %u)",
	      (int32_t)lw_late_max, (int32_t)drift, (uint32_t)tt_late_max);
	tt_timer_stop();
}

/* Under tickvisor: the minimum period in TSC ticks, from its TSC rate (leaf 0x40000010). */
static uint64_t min_period_tsc(void)
{
	uint32_t us = MIN_PERIOD_US_DEFAULT;

	cmdline_get_u32("min_period_us", &us);
	return div_u64_u32((uint64_t)us * cpuid(TV_CPUID_TIMING, 0).eax, 1000u);
}

/*
 * A periodic TMICT shorter than tickvisor's minimum ticks at the minimum period, so a guest can't
 * keep the host busy with exits (KVM does the same); natively the hardware ticks at TMICT.
 */
static void check_min_period(void)
{
	const char *name = "periodic.min_period";
	uint32_t count = tt_ticks(SHORT_PERIOD_TICKS);
	uint64_t period = tt_ticks_to_tsc(count), t0, window;

	if (tt_env == TT_QEMU) {
		skip(name, "QEMU's host timers can't keep a 40 us period");
		return;
	}
	if (tt_env == TT_TICKVISOR && min_period_tsc() > period)
		period = min_period_tsc();
	window = MIN_PERIODS * period;
	t0 = tt_start(APIC_TIMER_PERIODIC, 1, count, NULL);
	tt_wait_until(t0 + window + period / 2);
	apic_write(APIC_REG_TMICT, 0);
	info("%s: TMICT %u (%u TSC ticks): %u ticks in %u TSC ticks, expected a period of %u",
	     name, count, (uint32_t)tt_ticks_to_tsc(count), tt_nr_irqs, (uint32_t)window,
	     (uint32_t)period);
	if (tt_nr_irqs + 1 < MIN_PERIODS || tt_nr_irqs > MIN_PERIODS + 1)
		fail(name, "%u ticks in %u periods of %u TSC ticks", tt_nr_irqs, MIN_PERIODS,
		     (uint32_t)period);
	else
		tt_check_on_time(name, tt_irq_tsc[0], t0, period);
	tt_timer_stop();
}

static bool read_stats(struct tv_stats *s)
{
	return tv_hc_stats(s, sizeof(*s)) == sizeof(*s);
}

/*
 * Five periods with interrupts disabled: IRR holds one tick, the others are lost in it (IRR is a
 * bit per vector, SDM 11.8.4), and interrupts back on deliver exactly one. The timer stops before
 * they are: no later tick can blur the count, not even one of QEMU's late ones.
 */
static void check_coalescing(void)
{
	uint32_t count = tt_ticks(COALESCE_PERIOD_TICKS);
	uint64_t period = tt_ticks_to_tsc(count), t0, coalesced;
	struct tv_stats before, after;
	bool pending, in_service, stats = tt_env == TT_TICKVISOR;

	if (stats && !read_stats(&before)) {
		fail("periodic.coalesce_stats", "TV_HC_STATS failed");
		stats = false;
	}
	cli();
	t0 = tt_start(APIC_TIMER_PERIODIC, 1, count, NULL);
	/* half a period past the last expiry, or its lateness bound where that is longer */
	tt_wait_until(t0 + COALESCE_PERIODS * period +
		      (tt_late_max > period / 2 ? tt_late_max : period / 2));
	/*
	 * Bochs' VT-x holds external-interrupt exits while the guest has IF = 0
	 * (docs/platforms.md), so under tickvisor's sw backend the vLAPIC learns of the expiries at
	 * the next VM exit only:
	 * CPUID is one (and a no-op on hardware, where the host timer's exit comes at once).
	 */
	cpuid(0, 0);
	pending = apic_vector_set(APIC_REG_IRR, TT_VECTOR);
	in_service = apic_vector_set(APIC_REG_ISR, TT_VECTOR);
	apic_write(APIC_REG_TMICT, 0);
	sti();
	tt_wait_until(rdtsc() + tt_late_max);
	check(pending && !in_service, "periodic.coalesce_one_pending",
	      "after %u periods with IF = 0: vector 0x%x %s in IRR, %s in ISR", COALESCE_PERIODS,
	      TT_VECTOR, pending ? "set" : "clear", in_service ? "set" : "clear");
	check(tt_nr_irqs == 1, "periodic.coalesce_one_delivered",
	      "%u interrupts once IF = 1, expected 1", tt_nr_irqs);
	if (tt_env != TT_TICKVISOR) {
		skip("periodic.coalesce_stats", "no hypervisor to count them");
	} else if (stats) {
		if (!read_stats(&after)) {
			fail("periodic.coalesce_stats", "TV_HC_STATS failed");
		} else {
			coalesced = after.timer_coalesced - before.timer_coalesced;
			info("periodic.coalesce: %u expiries coalesced", (uint32_t)coalesced);
			check(coalesced == COALESCE_PERIODS - 1, "periodic.coalesce_stats",
			      "%u expiries counted as coalesced, expected %u", (uint32_t)coalesced,
			      COALESCE_PERIODS - 1);
		}
	}
	tt_timer_stop();
}

static const char *const all_checks[] = {
	"periodic.long_window_count", "periodic.long_window_not_early",
	"periodic.long_window_no_drift", "periodic.min_period", "periodic.coalesce_one_pending",
	"periodic.coalesce_one_delivered", "periodic.coalesce_stats",
};

void guest_main(uint32_t magic, uint32_t info_addr)
{
	tt_init(magic, info_addr, all_checks, sizeof(all_checks) / sizeof(all_checks[0]));
	check_long_window();
	check_min_period();
	check_coalescing();
	summary();
}
