/* SPDX-License-Identifier: MIT */
#include "lib/string.h"
#include "tests/guest/lib/apic.h"
#include "tests/guest/lib/cmdline.h"
#include "tests/guest/lib/cpu.h"
#include "tests/guest/lib/idt.h"
#include "tests/guest/lib/multiboot.h"
#include "tests/guest/lib/report.h"
#include "tests/guest/lib/serial.h"
#include "tests/guest/lib/start.h"
#include "tests/guest/lib/timer_test.h"

/*
 * QEMU's LAPIC timer runs at 1 GHz, Bochs' at 50 MHz here: 1000x makes a 1 ms Bochs count 50 ms
 * there, long next to the time a loaded host may take QEMU off the CPU between two guest
 * instructions, or hold a timer back.
 */
#define QEMU_SCALE		1000
#define LATE_NATIVE		2000u
#define LATE_TICKVISOR		20000u
/* A count that tt_ticks() makes 100 ms there */
#define LATE_QEMU_TICKS		100000u

/*
 * The rate is measured over a TSC window with a TMCCT read at each end, each bracketed by rdtsc
 * and placed at the midpoint, so that the cost of a read cancels out. Natively on Bochs that
 * leaves a few ticks in ten million; QEMU's reads jitter by microseconds.
 */
#define CALIBRATE_NATIVE	10000000u
#define CALIBRATE_TICKVISOR	2000000u
#define CALIBRATE_QEMU		200000000u
#define SLACK_NATIVE_PPM	10u
#define SLACK_QEMU_PPM		10000u

#define RATE_SHIFT		24	/* TSC ticks per timer tick, fixed point */

enum tt_env tt_env;
uint64_t tt_late_max;
volatile unsigned int tt_nr_irqs;
volatile uint64_t tt_irq_tsc[TT_MAX_IRQS];

static struct boot_info bi;
static uint32_t tsc_per_tick;		/* RATE_SHIFT fixed point */
static uint32_t slack_ppm;

static void timer_isr(unsigned int vector __attribute__((unused)), uint64_t tsc)
{
	if (tt_nr_irqs < TT_MAX_IRQS)
		tt_irq_tsc[tt_nr_irqs] = tsc;
	tt_nr_irqs++;
	apic_eoi();
}

void tt_restore_isr(void)
{
	idt_set_handler(TT_VECTOR, timer_isr);
}

uint32_t tt_ticks(uint32_t ticks)
{
	return tt_env == TT_QEMU ? ticks * QEMU_SCALE : ticks;
}

uint64_t tt_ticks_to_tsc(uint64_t ticks)
{
	return (ticks * tsc_per_tick) >> RATE_SHIFT;
}

uint64_t tt_tsc_to_ticks(uint64_t tsc)
{
	return div_u64_u32(tsc << RATE_SHIFT, tsc_per_tick);
}

uint64_t tt_rate_slack(uint64_t tsc)
{
	return div_u64_u32(tsc * slack_ppm, 1000000u);
}

void tt_wait_until(uint64_t tsc)
{
	while (rdtsc() < tsc)
		asm volatile("pause");
}

bool tt_wait_irqs(unsigned int n, uint64_t tsc)
{
	while (tt_nr_irqs < n && rdtsc() < tsc)
		asm volatile("pause");
	return tt_nr_irqs >= n;
}

void tt_timer_stop(void)
{
	/* Leaving TSC-deadline mode disarms that timer too (SDM 11.5.4.1). */
	apic_write(APIC_REG_LVT_TIMER, APIC_LVT_MASKED | TT_VECTOR);
	apic_write(APIC_REG_TMICT, 0);
	apic_write(APIC_REG_TDCR, APIC_TDCR_DIV1);
	tt_nr_irqs = 0;
}

void tt_deadline_mode(void)
{
	tt_timer_stop();
	apic_write(APIC_REG_LVT_TIMER, APIC_TIMER_TSC_DEADLINE | TT_VECTOR);
	/* SDM 11.5.4.1: a fence between the LVTT's (MMIO) write and the deadline's WRMSR */
	asm volatile("mfence" : : : "memory");
}

uint64_t tt_start(uint32_t lvtt, unsigned int divisor, uint32_t count, uint64_t *t1)
{
	uint64_t t0;

	tt_timer_stop();
	if (divisor != 1)
		apic_write(APIC_REG_TDCR, apic_tdcr(divisor));
	apic_write(APIC_REG_LVT_TIMER, lvtt | TT_VECTOR);
	t0 = rdtsc();
	apic_write(APIC_REG_TMICT, count);
	if (t1)
		*t1 = rdtsc();
	return t0;
}

bool tt_check_on_time(const char *name, uint64_t tsc, uint64_t armed, uint64_t expected)
{
	uint64_t due = armed + expected;

	if (tsc + tt_rate_slack(expected) < due) {
		fail(name, "fired %u TSC ticks early (armed +%u, expected +%u)",
		     (uint32_t)(due - tsc), (uint32_t)(tsc - armed), (uint32_t)expected);
		return false;
	}
	if (tsc > due + tt_late_max) {
		fail(name, "fired %u TSC ticks late (bound %u)", (uint32_t)(tsc - due),
		     (uint32_t)tt_late_max);
		return false;
	}
	info("%s: latency %d TSC ticks", name, (int32_t)(tsc - due));
	pass(name);
	return true;
}

bool tt_check_one(const char *name, uint64_t armed, uint64_t expected)
{
	if (tt_nr_irqs != 1) {
		fail(name, "%u interrupts by +%u TSC ticks, expected 1", tt_nr_irqs,
		     (uint32_t)(rdtsc() - armed));
		return false;
	}
	return tt_check_on_time(name, tt_irq_tsc[0], armed, expected);
}

bool tt_tmcct_fits(uint32_t tmcct, uint64_t e0, uint64_t e1, uint64_t b0, uint64_t b1,
		   unsigned int divisor)
{
	uint64_t rem_min = e0 > b1 ? e0 - b1 : 0, rem_max = e1 > b0 ? e1 - b0 : 0;
	uint64_t lo, hi;

	rem_min -= rem_min > tt_rate_slack(rem_min) ? tt_rate_slack(rem_min) : rem_min;
	rem_max += tt_rate_slack(rem_max);
	lo = div_u64_u32(tt_tsc_to_ticks(rem_min), divisor);
	hi = div_u64_u32(tt_tsc_to_ticks(rem_max), divisor) + 1;
	return tmcct + 1 >= lo && tmcct <= hi;
}

static uint32_t measure_tsc_per_tick(uint32_t window)
{
	uint64_t a0, a1, b0, b1;
	uint32_t c0, c1;

	tt_timer_stop();
	apic_write(APIC_REG_TMICT, 0xffffffffu);
	a0 = rdtsc();
	c0 = apic_read(APIC_REG_TMCCT);
	a1 = rdtsc();
	tt_wait_until(a1 + window);
	b0 = rdtsc();
	c1 = apic_read(APIC_REG_TMCCT);
	b1 = rdtsc();
	tt_timer_stop();
	if (c1 >= c0)
		return 0;
	return (uint32_t)div_u64_u32(((b0 + b1) / 2 - (a0 + a1) / 2) << RATE_SHIFT, c0 - c1);
}

/* CPUID.15H: TSC = crystal * EBX / EAX, the timer's rate being the crystal's (ECX). */
static uint32_t reported_tsc_per_tick(void)
{
	struct cpuid_regs r;

	if (cpuid(0, 0).eax < CPUID_LEAF_CRYSTAL)
		return 0;
	r = cpuid(CPUID_LEAF_CRYSTAL, 0);
	if (!r.eax || !r.ebx || !r.ecx)
		return 0;
	info("CPUID.15H: EAX %u EBX %u ECX %u (timer %u Hz)", r.eax, r.ebx, r.ecx, r.ecx);
	return (uint32_t)div_u64_u32((uint64_t)r.ebx << RATE_SHIFT, r.eax);
}

static void print_rate(const char *what, uint32_t rate)
{
	info("%s: %u.%06u TSC ticks per timer tick", what, rate >> RATE_SHIFT,
	     (uint32_t)(((uint64_t)(rate & ((1u << RATE_SHIFT) - 1)) * 1000000) >> RATE_SHIFT));
}

static bool calibrate(void)
{
	uint32_t window = tt_env == TT_NATIVE ? CALIBRATE_NATIVE :
			  tt_env == TT_QEMU ? CALIBRATE_QEMU : CALIBRATE_TICKVISOR;
	uint32_t measured = measure_tsc_per_tick(window), reported, diff;

	print_rate("measured", measured);
	if (tt_env != TT_TICKVISOR) {
		tsc_per_tick = measured;
		slack_ppm = tt_env == TT_QEMU ? SLACK_QEMU_PPM : SLACK_NATIVE_PPM;
		return check(measured != 0, "timer.calibrate", "TMCCT did not count down");
	}
	reported = reported_tsc_per_tick();
	if (!reported) {
		fail("timer.base_rate_reported", "CPUID.15H does not give it");
		return false;
	}
	print_rate("reported", reported);
	diff = reported > measured ? reported - measured : measured - reported;
	check((uint64_t)diff * 100 <= reported, "timer.base_rate_reported",
	      "reported and measured rates differ by more than 1%%");
	tsc_per_tick = reported;
	slack_ppm = 0;
	return true;
}

void tt_skip_all(const char *const *checks, unsigned int n, const char *why)
{
	for (unsigned int i = 0; i < n; i++)
		skip(checks[i], "%s", why);
}

void tt_init(uint32_t magic, uint32_t info_addr, const char *const *checks,
	     unsigned int nr_checks)
{
	const char *mode, *env;

	guest_start(magic, info_addr, &bi);
	cmdline_init(bi.cmdline);
	mode = cmdline_get("mode");
	env = cmdline_get("env");
	if (!mode || (strcmp(mode, "xapic") && strcmp(mode, "x2apic"))) {
		fail("cmdline", "mode=xapic or mode=x2apic is required");
		summary();
	}
	if (env && !strcmp(env, "native")) {
		tt_env = TT_NATIVE;
	} else if (env && !strcmp(env, "tickvisor")) {
		tt_env = TT_TICKVISOR;
	} else if (env && !strcmp(env, "qemu")) {
		tt_env = TT_QEMU;
	} else {
		fail("cmdline", "env=native, env=tickvisor or env=qemu is required");
		summary();
	}
	if (!strcmp(mode, "x2apic")) {
		if (!apic_has_x2apic()) {
			tt_skip_all(checks, nr_checks, "CPUID.1:ECX[21] (x2APIC) = 0");
			summary();
		}
		apic_use_x2apic();
	}
	apic_write(APIC_REG_SVR, APIC_SVR_ON);
	tt_restore_isr();
	tt_timer_stop();
	sti();
	if (!calibrate())
		summary();
	tt_late_max = tt_env == TT_NATIVE ? LATE_NATIVE : tt_env == TT_TICKVISOR ?
		      LATE_TICKVISOR : tt_ticks_to_tsc(tt_ticks(LATE_QEMU_TICKS));
	info("mode %s, env %s, APIC ID 0x%x, lateness bound %u TSC ticks", mode, env,
	     apic_read(APIC_REG_ID), (uint32_t)tt_late_max);
}
