/* SPDX-License-Identifier: MIT */
/*
 * timer: the local APIC timer against the SDM (vol. 3A 11.5.4), measured with the TSC. Natively
 * the emulator's LAPIC is the reference; under tickvisor the same checks hold its vLAPIC to it.
 *
 * Command line:
 *   mode=xapic|x2apic       how to reach the APIC (x2apic: every check SKIPs without x2APIC)
 *   env=native|tickvisor    where it runs: picks the rate source and the lateness bound
 */
#include <stdbool.h>
#include <stdint.h>

#include "lib/string.h"
#include "tests/guest/lib/apic.h"
#include "tests/guest/lib/boot.h"
#include "tests/guest/lib/cmdline.h"
#include "tests/guest/lib/cpu.h"
#include "tests/guest/lib/hypercall.h"
#include "tests/guest/lib/idt.h"
#include "tests/guest/lib/multiboot.h"
#include "tests/guest/lib/report.h"
#include "tests/guest/lib/serial.h"

#define TIMER_VECTOR		0x40
#define SVR_VALUE		(APIC_SVR_ENABLE | 0xff)
#define MAX_IRQS		32

#define ONESHOT_TICKS		100000u
#define DIV16_TICKS		10000u
/* 1 ms at 50 MHz: well above the 200 us minimum period tickvisor enforces. */
#define PERIOD_TICKS		50000u
#define PERIODS			20u
#define DEADLINE_DELTA		100000u
#define CALIBRATE_TSC		2000000u

/*
 * How late an interrupt may be, in TSC ticks. Bochs counts one tick per instruction, so natively
 * only the few instructions of delivery and the ISR stub's rdtsc separate it from the deadline;
 * under tickvisor a VM exit, the backend and the injection come in between.
 */
#define LATE_NATIVE		2000u
#define LATE_TICKVISOR		20000u

#define CPUID_LEAF_CRYSTAL	0x15u

static struct boot_info bi;
static bool under_tickvisor;
static uint32_t late_max;
/* TSC ticks per timer tick at divide by 1, 16.16 fixed point. */
static uint32_t tsc_per_tick_q16;
/*
 * A measured rate has a small error; a rate tickvisor reports is exact. The slack (in 1/65536 of
 * the expected time) lets a measured rate's error pass as "not early", and nothing more.
 */
static uint32_t early_slack_q16;

static volatile unsigned int nr_irqs;
static volatile uint64_t irq_tsc[MAX_IRQS];

static void timer_isr(unsigned int vector __attribute__((unused)), uint64_t tsc)
{
	if (nr_irqs < MAX_IRQS)
		irq_tsc[nr_irqs] = tsc;
	nr_irqs++;
	apic_eoi();
}

/* 64 by 32 bit division without libgcc: two divl, the first one's remainder feeding the second. */
static uint64_t div_u64_u32(uint64_t n, uint32_t d)
{
	uint32_t hi = (uint32_t)(n >> 32), lo = (uint32_t)n, qhi = hi / d, r = hi % d, qlo;

	asm("divl %4" : "=a"(qlo), "=d"(r) : "a"(lo), "d"(r), "rm"(d));
	return ((uint64_t)qhi << 32) | qlo;
}

static uint64_t ticks_to_tsc(uint64_t ticks)
{
	return (ticks * tsc_per_tick_q16) >> 16;
}

static void wait_until(uint64_t tsc)
{
	while (rdtsc() < tsc)
		asm volatile("pause");
}

/* Waits for the n-th interrupt, but not past tsc; true when it came. */
static bool wait_irqs(unsigned int n, uint64_t tsc)
{
	while (nr_irqs < n && rdtsc() < tsc)
		asm volatile("pause");
	return nr_irqs >= n;
}

static void timer_stop(void)
{
	/* Leaving TSC-deadline mode disarms that timer too (SDM 11.5.4.1). */
	apic_write(APIC_LVTT, APIC_LVT_MASKED | TIMER_VECTOR);
	apic_write(APIC_TMICT, 0);
	apic_write(APIC_TDCR, APIC_TDCR_DIV1);
	nr_irqs = 0;
}

/* The SDM asks for a fence between the LVTT's MMIO write and the deadline's WRMSR (11.5.4.1). */
static void lvtt_fence(void)
{
	asm volatile("mfence" : : : "memory");
}

/*
 * Whether an interrupt at tsc, for a timer armed at armed that runs expected TSC ticks, is on
 * time: never early, at most late_max late. Reports the name's result and the lateness.
 */
static bool check_on_time(const char *name, uint64_t tsc, uint64_t armed, uint64_t expected)
{
	uint64_t slack = (expected * early_slack_q16) >> 16;
	uint64_t due = armed + expected;

	if (tsc + slack < due) {
		fail(name, "fired %u TSC ticks early (armed +%u, expected +%u)",
		     (uint32_t)(due - tsc), (uint32_t)(tsc - armed), (uint32_t)expected);
		return false;
	}
	if (tsc > due + late_max) {
		fail(name, "fired %u TSC ticks late (bound %u)", (uint32_t)(tsc - due), late_max);
		return false;
	}
	info("%s: latency %d TSC ticks", name, (int32_t)(tsc - due));
	pass(name);
	return true;
}

/*
 * The timer's rate against the TSC: count down a masked one-shot and read TMCCT at both ends of a
 * TSC window. Each read is bracketed by rdtsc and placed at the midpoint, so that the cost of a
 * read (a VM exit under tickvisor) cancels out.
 */
static uint32_t measure_tsc_per_tick_q16(void)
{
	uint64_t a0, a1, b0, b1;
	uint32_t c0, c1;

	timer_stop();
	apic_write(APIC_TMICT, 0xffffffffu);
	a0 = rdtsc();
	c0 = apic_read(APIC_TMCCT);
	a1 = rdtsc();
	wait_until(a1 + CALIBRATE_TSC);
	b0 = rdtsc();
	c1 = apic_read(APIC_TMCCT);
	b1 = rdtsc();
	timer_stop();
	if (c1 >= c0)
		return 0;
	return (uint32_t)div_u64_u32((((b0 + b1) / 2 - (a0 + a1) / 2) << 16), c0 - c1);
}

/* CPUID.15H (TSC = crystal * EBX / EAX), else tickvisor's leaf 0x40000010 (kHz). */
static uint32_t reported_tsc_per_tick_q16(void)
{
	struct cpuid_regs r;

	if (cpuid(0, 0).eax >= CPUID_LEAF_CRYSTAL) {
		r = cpuid(CPUID_LEAF_CRYSTAL, 0);
		if (r.eax && r.ebx && r.ecx) {
			info("CPUID.15H: EAX %u EBX %u ECX %u (timer %u Hz)", r.eax, r.ebx, r.ecx,
			     r.ecx);
			return (uint32_t)div_u64_u32((uint64_t)r.ebx << 16, r.eax);
		}
	}
	r = cpuid(TV_CPUID_TIMING, 0);
	if (r.eax && r.ebx) {
		info("leaf 0x40000010: TSC %u kHz, timer %u kHz", r.eax, r.ebx);
		return (uint32_t)div_u64_u32((uint64_t)r.eax << 16, r.ebx);
	}
	return 0;
}

static bool calibrate(void)
{
	uint32_t measured = measure_tsc_per_tick_q16(), reported, diff;

	info("measured: %u.%04u TSC ticks per timer tick", measured >> 16,
	     (uint32_t)(((uint64_t)(measured & 0xffff) * 10000) >> 16));
	if (!under_tickvisor) {
		tsc_per_tick_q16 = measured;
		/* 0.1%: far above what a 2M-tick window can get wrong by a few instructions. */
		early_slack_q16 = 66;
		if (!check(measured != 0, "timer.calibrate", "TMCCT did not count down"))
			return false;
		pass("timer.calibrate");
		return true;
	}
	reported = reported_tsc_per_tick_q16();
	if (!reported) {
		fail("timer.base_rate_reported", "neither CPUID.15H nor leaf 0x40000010 gives it");
		return false;
	}
	diff = reported > measured ? reported - measured : measured - reported;
	check(diff * 100 <= reported, "timer.base_rate_reported",
	      "reported %u, measured %u (16.16 TSC ticks per timer tick)", reported, measured);
	tsc_per_tick_q16 = reported;
	early_slack_q16 = 0;
	return true;
}

static void check_oneshot_fires_once(void)
{
	const char *name = "oneshot.fires_once";
	uint64_t expected = ticks_to_tsc(ONESHOT_TICKS), t0;

	timer_stop();
	apic_write(APIC_LVTT, APIC_LVTT_ONESHOT | TIMER_VECTOR);
	t0 = rdtsc();
	apic_write(APIC_TMICT, ONESHOT_TICKS);
	wait_until(t0 + 4 * expected);
	if (nr_irqs != 1) {
		fail(name, "%u interrupts in 4x the count, expected 1", nr_irqs);
		timer_stop();
		return;
	}
	check_on_time(name, irq_tsc[0], t0, expected);
	timer_stop();
}

static void check_oneshot_tmcct(void)
{
	const char *name = "oneshot.tmcct_counts_down";
	uint64_t expected = ticks_to_tsc(ONESHOT_TICKS), t0;
	uint32_t c0, c1, c2;

	timer_stop();
	apic_write(APIC_LVTT, APIC_LVTT_ONESHOT | TIMER_VECTOR);
	t0 = rdtsc();
	apic_write(APIC_TMICT, ONESHOT_TICKS);
	c0 = apic_read(APIC_TMCCT);
	wait_until(t0 + expected / 4);
	c1 = apic_read(APIC_TMCCT);
	wait_until(t0 + 2 * expected + late_max);
	c2 = apic_read(APIC_TMCCT);
	info("%s: TMCCT %u, then %u at 1/4, %u after expiry", name, c0, c1, c2);
	check(c0 <= ONESHOT_TICKS && c1 < c0 && c1 > 0 && c2 == 0 && nr_irqs == 1, name,
	      "TMICT %u: TMCCT read %u, %u, %u after expiry; %u interrupts", ONESHOT_TICKS,
	      c0, c1, c2, nr_irqs);
	timer_stop();
}

static void check_oneshot_tmict_zero(void)
{
	const char *name = "oneshot.tmict_zero_stops";
	uint64_t expected = ticks_to_tsc(ONESHOT_TICKS), t0;
	uint32_t c;

	timer_stop();
	apic_write(APIC_LVTT, APIC_LVTT_ONESHOT | TIMER_VECTOR);
	t0 = rdtsc();
	apic_write(APIC_TMICT, ONESHOT_TICKS);
	wait_until(t0 + expected / 4);
	apic_write(APIC_TMICT, 0);
	wait_until(t0 + 3 * expected);
	c = apic_read(APIC_TMCCT);
	check(nr_irqs == 0 && c == 0, name, "%u interrupts after TMICT = 0, TMCCT %u", nr_irqs, c);
	timer_stop();
}

static void check_oneshot_divide(void)
{
	const char *name = "oneshot.divide_16";
	uint64_t expected = ticks_to_tsc(16ull * DIV16_TICKS), t0;

	timer_stop();
	apic_write(APIC_TDCR, APIC_TDCR_DIV16);
	apic_write(APIC_LVTT, APIC_LVTT_ONESHOT | TIMER_VECTOR);
	t0 = rdtsc();
	apic_write(APIC_TMICT, DIV16_TICKS);
	wait_until(t0 + 3 * expected);
	if (nr_irqs != 1)
		fail(name, "%u interrupts, expected 1", nr_irqs);
	else
		check_on_time(name, irq_tsc[0], t0, expected);
	timer_stop();
}

static void check_periodic(void)
{
	uint64_t period = ticks_to_tsc(PERIOD_TICKS), t0, span, want = PERIODS * period;
	unsigned int in_window, i;
	int32_t drift;

	timer_stop();
	apic_write(APIC_LVTT, APIC_LVTT_PERIODIC | TIMER_VECTOR);
	t0 = rdtsc();
	apic_write(APIC_TMICT, PERIOD_TICKS);
	/* Expiries at P, 2P, ..., 20P fall in the window; the 21st is half a period away. */
	wait_until(t0 + want + period / 2);
	in_window = nr_irqs;
	wait_irqs(PERIODS + 1, t0 + want + 4 * period);
	apic_write(APIC_TMICT, 0);
	check(in_window + 1 >= PERIODS && in_window <= PERIODS + 1, "periodic.count",
	      "%u interrupts in %u periods", in_window, PERIODS);
	for (i = 0; i < nr_irqs && i < MAX_IRQS; i++) {
		if (irq_tsc[i] < t0 + (i + 1) * period) {
			fail("periodic.not_early", "interrupt %u came %u TSC ticks before its time",
			     i + 1, (uint32_t)(t0 + (i + 1) * period - irq_tsc[i]));
			break;
		}
	}
	if (i == nr_irqs || i == MAX_IRQS)
		pass("periodic.not_early");
	if (nr_irqs < PERIODS + 1) {
		fail("periodic.no_drift", "only %u interrupts", nr_irqs);
		timer_stop();
		return;
	}
	span = irq_tsc[PERIODS] - irq_tsc[0];
	drift = (int32_t)(span - want);
	info("periodic: first at +%u, 21st - 1st = %u TSC ticks, %u expected (drift %d)",
	     (uint32_t)(irq_tsc[0] - t0), (uint32_t)span, (uint32_t)want, drift);
	/* Both ends are on time within [0, late_max], so their distance is within that of 20P. */
	check((drift < 0 ? -drift : drift) <= (int32_t)late_max, "periodic.no_drift",
	      "21st - 1st interrupt = %u TSC ticks, expected %u", (uint32_t)span, (uint32_t)want);
	timer_stop();
}

static void check_mask(void)
{
	const char *name = "mask.keeps_counting";
	uint64_t expected = ticks_to_tsc(ONESHOT_TICKS), t0;
	uint32_t c0, c1, c2;

	timer_stop();
	apic_write(APIC_LVTT, APIC_LVT_MASKED | APIC_LVTT_ONESHOT | TIMER_VECTOR);
	t0 = rdtsc();
	apic_write(APIC_TMICT, ONESHOT_TICKS);
	c0 = apic_read(APIC_TMCCT);
	wait_until(t0 + expected / 2);
	c1 = apic_read(APIC_TMCCT);
	wait_until(t0 + 2 * expected + late_max);
	c2 = apic_read(APIC_TMCCT);
	check(nr_irqs == 0 && c1 < c0 && c1 > 0 && c2 == 0, name,
	      "%u interrupts; TMCCT %u, %u at half time, %u after expiry", nr_irqs, c0, c1, c2);
	timer_stop();
}

static void deadline_mode(void)
{
	timer_stop();
	apic_write(APIC_LVTT, APIC_LVTT_TSC_DEADLINE | TIMER_VECTOR);
	lvtt_fence();
}

static void check_tsc_deadline(void)
{
	static const char *const names[] = {
		"tscdeadline.fires", "tscdeadline.reads_zero_after_fire",
		"tscdeadline.past_fires_at_once", "tscdeadline.zero_disarms",
	};
	uint64_t t0, msr;
	unsigned int i;

	if (!apic_has_tsc_deadline()) {
		for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
			skip(names[i], "CPUID.1:ECX[24] (TSC-deadline) = 0");
		return;
	}

	deadline_mode();
	t0 = rdtsc();
	wrmsr(MSR_IA32_TSC_DEADLINE, t0 + DEADLINE_DELTA);
	wait_until(t0 + 3 * DEADLINE_DELTA);
	if (nr_irqs != 1)
		fail(names[0], "%u interrupts, expected 1", nr_irqs);
	else
		check_on_time(names[0], irq_tsc[0], t0, DEADLINE_DELTA);
	msr = rdmsr(MSR_IA32_TSC_DEADLINE);
	check(msr == 0, names[1], "IA32_TSC_DEADLINE reads 0x%llx after it fired (deadline 0x%llx)",
	      msr, t0 + DEADLINE_DELTA);

	deadline_mode();
	t0 = rdtsc();
	wrmsr(MSR_IA32_TSC_DEADLINE, t0 - 1);
	wait_irqs(1, t0 + 4 * (uint64_t)late_max);
	if (nr_irqs != 1)
		fail(names[2], "%u interrupts within %u TSC ticks", nr_irqs, 4 * late_max);
	else
		check_on_time(names[2], irq_tsc[0], t0, 0);

	deadline_mode();
	t0 = rdtsc();
	wrmsr(MSR_IA32_TSC_DEADLINE, t0 + DEADLINE_DELTA);
	wrmsr(MSR_IA32_TSC_DEADLINE, 0);
	wait_until(t0 + 3 * DEADLINE_DELTA);
	check(nr_irqs == 0, names[3], "%u interrupts after the deadline was written 0", nr_irqs);
	timer_stop();
}

static void check_hlt(void)
{
	const char *name = "hlt.wakes_on_timer";
	uint64_t expected = ticks_to_tsc(ONESHOT_TICKS), t0, woke;

	timer_stop();
	cli();
	apic_write(APIC_LVTT, APIC_LVTT_ONESHOT | TIMER_VECTOR);
	t0 = rdtsc();
	apic_write(APIC_TMICT, ONESHOT_TICKS);
	/* The STI shadow covers HLT: the interrupt can't slip in between them. */
	asm volatile("sti; hlt" : : : "memory");
	woke = rdtsc();
	if (nr_irqs != 1) {
		fail(name, "HLT ended after %u TSC ticks with %u interrupts", (uint32_t)(woke - t0),
		     nr_irqs);
		timer_stop();
		return;
	}
	check_on_time(name, irq_tsc[0], t0, expected);
	timer_stop();
}

static const char *const all_checks[] = {
	"oneshot.fires_once", "oneshot.tmcct_counts_down", "oneshot.tmict_zero_stops",
	"oneshot.divide_16", "periodic.count", "periodic.not_early", "periodic.no_drift",
	"mask.keeps_counting", "tscdeadline.fires", "tscdeadline.reads_zero_after_fire",
	"tscdeadline.past_fires_at_once", "tscdeadline.zero_disarms", "hlt.wakes_on_timer",
};

static void skip_all(const char *fmt, const char *arg)
{
	unsigned int i;

	for (i = 0; i < sizeof(all_checks) / sizeof(all_checks[0]); i++)
		skip(all_checks[i], fmt, arg);
	summary();
}

void guest_main(uint32_t magic, uint32_t info_addr)
{
	const char *mode, *env, *err;

	serial_init();
	idt_init();
	err = mb_parse(magic, info_addr, &bi);
	if (err) {
		fail("boot.info", "%s: magic 0x%08x, info at 0x%08x", err, magic, info_addr);
		summary();
	}
	cmdline_init(bi.cmdline);
	mode = cmdline_get("mode");
	env = cmdline_get("env");
	if (!mode || (strcmp(mode, "xapic") && strcmp(mode, "x2apic"))) {
		fail("cmdline", "mode=xapic or mode=x2apic is required");
		summary();
	}
	if (!env || (strcmp(env, "native") && strcmp(env, "tickvisor"))) {
		fail("cmdline", "env=native or env=tickvisor is required");
		summary();
	}
	under_tickvisor = !strcmp(env, "tickvisor");
	late_max = under_tickvisor ? LATE_TICKVISOR : LATE_NATIVE;

	if (!strcmp(mode, "x2apic")) {
		if (!apic_has_x2apic())
			skip_all("%s", "CPUID.1:ECX[21] (x2APIC) = 0");
		apic_use_x2apic();
	}
	apic_write(APIC_SVR, SVR_VALUE);
	info("mode %s, APIC ID 0x%x, LATE bound %u TSC ticks", mode, apic_read(APIC_ID),
	     late_max);
	idt_set_handler(TIMER_VECTOR, timer_isr);
	timer_stop();
	sti();

	if (!calibrate())
		summary();
	check_oneshot_fires_once();
	check_oneshot_tmcct();
	check_oneshot_tmict_zero();
	check_oneshot_divide();
	check_periodic();
	check_mask();
	check_tsc_deadline();
	check_hlt();
	summary();
}
