/* SPDX-License-Identifier: MIT */
/*
 * timer_modes: what changes while the LAPIC timer runs (SDM vol. 3A 11.5.4, 11.5.4.1;
 * docs/timer.md): a mode switch between one-shot and periodic keeps the count, one into or out
 * of TSC-deadline mode disarms the timer; a new divisor rescales what is left of the count; TMCCT
 * and the expiry at each of the eight divisors. Command line: see tests/guest/lib/timer_test.h.
 */
#include <stdint.h>

#include "tests/guest/lib/apic.h"
#include "tests/guest/lib/cpu.h"
#include "tests/guest/lib/report.h"
#include "tests/guest/lib/timer_test.h"

#define COUNT_TICKS		100000u
#define DEADLINE_DELTA		100000u
/* Short counts for the divisor checks: at 128 this is 256 000 ticks */
#define DIVIDE_TICKS		2000u
#define NR_DIVISORS		8

/*
 * One-shot -> periodic at a quarter of the count: TMCCT goes on from where it was, the first
 * interrupt comes when the one-shot would have fired, and from then on the count reloads: the
 * second comes a period after the first was due (SDM 11.5.4: the count reloads on reaching 0).
 */
static void check_oneshot_to_periodic(void)
{
	const char *name = "modeswitch.oneshot_to_periodic_keeps_count";
	const char *reload = "modeswitch.oneshot_to_periodic_reloads";
	uint32_t count = tt_ticks(COUNT_TICKS), before, after;
	uint64_t e = tt_ticks_to_tsc(count), t0;

	t0 = tt_start(APIC_TIMER_ONESHOT, 1, count, NULL);
	tt_wait_until(t0 + e / 4);
	before = apic_read(APIC_REG_TMCCT);
	apic_write(APIC_REG_LVT_TIMER, APIC_TIMER_PERIODIC | TT_VECTOR);
	after = apic_read(APIC_REG_TMCCT);
	tt_wait_irqs(2, t0 + 2 * e + 2 * tt_late_max);
	apic_write(APIC_REG_TMICT, 0);
	info("%s: TMCCT %u before the switch, %u after", name, before, after);
	if (!(after <= before && after > 0 && before < count)) {
		fail(name, "TMCCT %u before the switch, %u after (TMICT %u)", before, after, count);
		skip(reload, "the count did not go on");
	} else if (tt_nr_irqs < 2) {
		fail(name, "%u interrupts in two periods, expected 2", tt_nr_irqs);
		skip(reload, "no second interrupt");
	} else if (tt_check_on_time(name, tt_irq_tsc[0], t0, e)) {
		/* the first was due no earlier than t0 + e: the second a period after that */
		tt_check_on_time(reload, tt_irq_tsc[1], t0 + e, e);
	} else {
		skip(reload, "the first interrupt was not on time");
	}
	tt_timer_stop();
}

/* Periodic -> one-shot at a quarter: the count goes on, fires once when due, and stops at 0. */
static void check_periodic_to_oneshot(void)
{
	const char *name = "modeswitch.periodic_to_oneshot_keeps_count";
	uint32_t count = tt_ticks(COUNT_TICKS), before, after, last;
	uint64_t e = tt_ticks_to_tsc(count), t0;

	t0 = tt_start(APIC_TIMER_PERIODIC, 1, count, NULL);
	tt_wait_until(t0 + e / 4);
	before = apic_read(APIC_REG_TMCCT);
	apic_write(APIC_REG_LVT_TIMER, APIC_TIMER_ONESHOT | TT_VECTOR);
	after = apic_read(APIC_REG_TMCCT);
	tt_wait_until(t0 + 3 * e + tt_late_max);
	last = apic_read(APIC_REG_TMCCT);
	if (!(after <= before && after > 0 && before < count && last == 0))
		fail(name, "TMCCT %u before the switch, %u after, %u at the end (TMICT %u)", before,
		     after, last, count);
	else
		tt_check_one(name, t0, e);
	tt_timer_stop();
}

/* A one-shot that has run out stays at 0 when switched to periodic (SDM; KVM does the same). */
static void check_expired_oneshot_to_periodic(void)
{
	const char *name = "modeswitch.expired_oneshot_stays_stopped";
	uint32_t count = tt_ticks(COUNT_TICKS) / 10, c;
	uint64_t e = tt_ticks_to_tsc(count), t0;

	t0 = tt_start(APIC_TIMER_ONESHOT, 1, count, NULL);
	tt_wait_until(t0 + e + tt_late_max);
	apic_write(APIC_REG_LVT_TIMER, APIC_TIMER_PERIODIC | TT_VECTOR);
	tt_wait_until(t0 + 3 * e + 2 * tt_late_max);
	c = apic_read(APIC_REG_TMCCT);
	check(tt_nr_irqs == 1 && c == 0, name,
	      "%u interrupts (expected the one-shot's only), TMCCT %u after the switch", tt_nr_irqs,
	      c);
	tt_timer_stop();
}

/* SDM 11.5.4.1: a switch into TSC-deadline mode disarms a running count. */
static void check_into_deadline(void)
{
	uint32_t count = tt_ticks(COUNT_TICKS), c, tmict;
	uint64_t e = tt_ticks_to_tsc(count), t0;

	t0 = tt_start(APIC_TIMER_ONESHOT, 1, count, NULL);
	tt_wait_until(t0 + e / 4);
	apic_write(APIC_REG_LVT_TIMER, APIC_TIMER_TSC_DEADLINE | TT_VECTOR);
	tmict = apic_read(APIC_REG_TMICT);
	tt_wait_until(t0 + 2 * e + tt_late_max);
	c = apic_read(APIC_REG_TMCCT);
	check(tt_nr_irqs == 0 && c == 0, "modeswitch.into_deadline_disarms",
	      "%u interrupts after the switch, TMCCT %u", tt_nr_irqs, c);
	/* The SDM says only "disarms"; KVM, and docs/timer.md after it, also clear TMICT. */
	check(tmict == 0, "modeswitch.into_deadline_clears_tmict",
	      "TMICT reads %u after the switch", tmict);
	tt_timer_stop();
}

/* Out of TSC-deadline mode: the armed deadline is gone, also when the mode comes back. */
static void check_out_of_deadline(void)
{
	uint64_t delta = tt_ticks_to_tsc(tt_ticks(DEADLINE_DELTA)), t0, msr_out, msr_back;
	uint32_t c;

	tt_deadline_mode();
	t0 = rdtsc();
	wrmsr(MSR_IA32_TSC_DEADLINE, t0 + delta);
	tt_wait_until(t0 + delta / 4);
	apic_write(APIC_REG_LVT_TIMER, APIC_TIMER_ONESHOT | TT_VECTOR);
	msr_out = rdmsr(MSR_IA32_TSC_DEADLINE);
	tt_wait_until(t0 + 2 * delta + tt_late_max);
	c = apic_read(APIC_REG_TMCCT);
	check(tt_nr_irqs == 0 && c == 0 && msr_out == 0, "modeswitch.out_of_deadline_disarms",
	      "%u interrupts after the switch, TMCCT %u, IA32_TSC_DEADLINE 0x%llx", tt_nr_irqs,
	      c, msr_out);
	apic_write(APIC_REG_LVT_TIMER, APIC_TIMER_TSC_DEADLINE | TT_VECTOR);
	asm volatile("mfence" : : : "memory");
	msr_back = rdmsr(MSR_IA32_TSC_DEADLINE);
	check(msr_back == 0, "modeswitch.out_of_deadline_clears_deadline",
	      "back in TSC-deadline mode, IA32_TSC_DEADLINE reads 0x%llx (was 0x%llx)", msr_back,
	      t0 + delta);
	tt_timer_stop();
}

/*
 * TDCR from 1 to 2 at a quarter of a one-shot count: TMCCT goes on from the same value, now at
 * half the rate, so the three quarters left take twice as long (docs/timer.md; the count is what
 * the divisor slows down, SDM 11.5.4).
 */
static void check_tdcr_change(void)
{
	uint32_t count = tt_ticks(COUNT_TICKS), before, after;
	uint64_t e = tt_ticks_to_tsc(count), t0, t1, r0, r1, w0, w1, due_min, due_max;
	bool ok;

	t0 = tt_start(APIC_TIMER_ONESHOT, 1, count, &t1);
	tt_wait_until(t0 + e / 4);
	r0 = rdtsc();
	before = apic_read(APIC_REG_TMCCT);
	w0 = rdtsc();
	apic_write(APIC_REG_TDCR, apic_tdcr(2));
	w1 = rdtsc();
	after = apic_read(APIC_REG_TMCCT);
	r1 = rdtsc();
	info("tdcr.change: TMCCT %u before divide 1 -> 2, %u after", before, after);
	/* At most the ticks of the time between the reads went by, at divide 1 or slower. */
	check(after <= before && before - after <= tt_tsc_to_ticks(r1 - r0) + 1,
	      "tdcr.change_keeps_tmcct", "TMCCT %u before, %u after (%u TSC ticks between)",
	      before, after, (uint32_t)(r1 - r0));
	/*
	 * The count ends at t0 + e at divide 1 (t0 to t1: when it started); the write at w in
	 * [w0, w1] leaves (t + e - w) ticks of time, which take twice as long from then on.
	 */
	due_min = 2 * (t0 + e) - w1;
	due_max = 2 * (t1 + e) - w0;
	if (!tt_wait_irqs(1, due_max + 2 * tt_late_max)) {
		fail("tdcr.change_rescales_fire_time",
		     "no interrupt by %u TSC ticks after the start",
		     (uint32_t)(due_max + 2 * tt_late_max - t0));
	} else {
		ok = tt_irq_tsc[0] + tt_rate_slack(2 * e) >= due_min &&
		     tt_irq_tsc[0] <= due_max + tt_late_max;
		info("tdcr.change: fired at +%u, due in [+%u, +%u]", (uint32_t)(tt_irq_tsc[0] - t0),
		     (uint32_t)(due_min - t0), (uint32_t)(due_max - t0));
		check(ok, "tdcr.change_rescales_fire_time",
		      "fired at +%u TSC ticks, due in [+%u, +%u] (+%u late at most)",
		      (uint32_t)(tt_irq_tsc[0] - t0), (uint32_t)(due_min - t0),
		      (uint32_t)(due_max - t0), (uint32_t)tt_late_max);
	}
	tt_timer_stop();
}

/* TMCCT halfway and the expiry of a short count at divisor d. */
static void check_divisor(unsigned int d, const char *name)
{
	uint32_t count = tt_ticks(DIVIDE_TICKS), c;
	uint64_t e = tt_ticks_to_tsc((uint64_t)count * d), t0, t1, b0, b1;

	t0 = tt_start(APIC_TIMER_ONESHOT, d, count, &t1);
	tt_wait_until(t0 + e / 2);
	b0 = rdtsc();
	c = apic_read(APIC_REG_TMCCT);
	b1 = rdtsc();
	tt_wait_irqs(1, t0 + 2 * e + tt_late_max);
	if (!tt_tmcct_fits(c, t0 + e, t1 + e, b0, b1, d))
		fail(name, "TMCCT %u at +%u of a count of %u that ends at +%u", c,
		     (uint32_t)(b0 - t0), count, (uint32_t)e);
	else
		tt_check_one(name, t0, e);
	tt_timer_stop();
}

static const char *const divisor_checks[NR_DIVISORS] = {
	"tdcr.divide_1", "tdcr.divide_2", "tdcr.divide_4", "tdcr.divide_8",
	"tdcr.divide_16", "tdcr.divide_32", "tdcr.divide_64", "tdcr.divide_128",
};

static const char *const deadline_checks[] = {
	"modeswitch.into_deadline_disarms", "modeswitch.into_deadline_clears_tmict",
	"modeswitch.out_of_deadline_disarms", "modeswitch.out_of_deadline_clears_deadline",
};

static const char *const all_checks[] = {
	"modeswitch.oneshot_to_periodic_keeps_count", "modeswitch.oneshot_to_periodic_reloads",
	"modeswitch.periodic_to_oneshot_keeps_count",
	"modeswitch.expired_oneshot_stays_stopped", "modeswitch.into_deadline_disarms",
	"modeswitch.into_deadline_clears_tmict", "modeswitch.out_of_deadline_disarms",
	"modeswitch.out_of_deadline_clears_deadline", "tdcr.change_keeps_tmcct",
	"tdcr.change_rescales_fire_time", "tdcr.divide_1", "tdcr.divide_2", "tdcr.divide_4",
	"tdcr.divide_8", "tdcr.divide_16", "tdcr.divide_32", "tdcr.divide_64", "tdcr.divide_128",
};

void guest_main(uint32_t magic, uint32_t info_addr)
{
	unsigned int i;

	tt_init(magic, info_addr, all_checks, sizeof(all_checks) / sizeof(all_checks[0]));
	check_oneshot_to_periodic();
	check_periodic_to_oneshot();
	check_expired_oneshot_to_periodic();
	if (apic_has_tsc_deadline()) {
		check_into_deadline();
		check_out_of_deadline();
	} else {
		tt_skip_all(deadline_checks, sizeof(deadline_checks) / sizeof(deadline_checks[0]),
			    "CPUID.1:ECX[24] (TSC-deadline) = 0");
	}
	check_tdcr_change();
	for (i = 0; i < NR_DIVISORS; i++)
		check_divisor(1u << i, divisor_checks[i]);
	summary();
}
