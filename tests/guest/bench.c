/* SPDX-License-Identifier: MIT */
/*
 * bench: what the local APIC timer gives and costs a guest, measured with the TSC, natively or
 * as tickvisor's guest. tools/bench (make bench) boots it in each configuration and reports.
 * Every figure is in TSC ticks; on Bochs with clock sync=none a tick is one instruction, so each
 * is exact and repeats run to run.
 *
 *   latency   TSC at ISR entry - the deadline, over MAX_SAMPLES interrupts: TSC-deadline armed at
 *             now + a spread of deltas, one-shot (TMICT) likewise, periodic at 10 kHz; the TMICT
 *             modes at divide by 1 and 16
 *   vmexits   VM exits and hypervisor TSC ticks per interrupt of each test, from the deltas of
 *             tickvisor's statistics hypercall (0 natively)
 *   drift     a periodic timer over DRIFT_PERIODS periods: the interrupts counted in that TSC
 *             window, and how far the last one's distance from the first is from (N - 1) periods
 *   pit       PIT channel 0 in mode 2 at about 10 kHz, IRQ0 through the I/O APIC's pin 2, over
 *             PIT_PERIODS periods: the drift figures of `drift`, and each interrupt's latency
 *             from its OUT0 edge, whose TSC follows exactly from the count's start, the PIT's
 *             1,193,182 Hz and the TSC rate
 *   overhead  a fixed compute loop's TSC time with the timer off and periodic at 1, 10, 100 kHz
 *   prog      TSC ticks of a TSC-deadline WRMSR, a TMICT write and a TMCCT read, in xAPIC mode
 *             and then (a one-way switch) in x2APIC mode
 *
 * Output, on COM1: "BENCH: metric=NAME key=value ..." per result, "BENCH: hist test=T lo=A hi=B
 * count=N" lines with each latency test's histogram, "BENCH: done" last. An interrupt that never
 * comes is a FAIL: line and exit status 1. Command line: "quick" is a short run (make test);
 * "tsc_hz=N" natively is the TSC rate where the platform knows it exactly (Bochs: its ips), for
 * the PIT's edges (else the rate measured against the PIT, a few ppm off, which over the PIT's
 * window would add up to more than its latencies).
 */
#include <stdbool.h>
#include <stdint.h>

#include "tests/guest/lib/apic.h"
#include "tests/guest/lib/cmdline.h"
#include "tests/guest/lib/cpu.h"
#include "tests/guest/lib/div64.h"
#include "tests/guest/lib/exit.h"
#include "tests/guest/lib/hypercall.h"
#include "tests/guest/lib/idt.h"
#include "tests/guest/lib/multiboot.h"
#include "tests/guest/lib/pit_irq.h"
#include "tests/guest/lib/printf.h"
#include "tests/guest/lib/report.h"
#include "tests/guest/lib/serial.h"
#include "tests/guest/lib/start.h"
#include "tests/guest/lib/stats.h"
#include "tests/guest/lib/timer_test.h"

#define MAX_SAMPLES		1000u
#define QUICK_SAMPLES		50u
/* TSC-deadline and one-shot deltas: uniform in [DELTA_MIN_US, DELTA_MIN_US + DELTA_SPAN_US) */
#define DELTA_MIN_US		10u
#define DELTA_SPAN_US		100u
#define PERIODIC_HZ		10000u
#define DRIFT_HZ		100000u
#define DRIFT_PERIODS		100000u
#define QUICK_DRIFT_PERIODS	1000u
/* 11 instructions an iteration: 69 ms at 1 GHz, 69 periods of the slowest timer */
#define WORK_ITERS		6250000u
#define QUICK_WORK_ITERS	312500u
/* 1,193,182 / 119 = 10,026.7 Hz; 10,000 periods, 0.997 s, as long as the LAPIC drift window */
#define PIT_COUNT		119u
#define PIT_PERIODS		10000u
#define QUICK_PIT_PERIODS	1000u
#define PIT_VECTOR		0x50
#define PROG_ROUNDS		200u
#define QUICK_PROG_ROUNDS	20u

/* PIT channel 2, gated through port 0x61, as Linux's pit_calibrate_tsc uses it */
#define PIT_CH2			0x42
#define PIT_CMD			0x43
#define PIT_CH2_ONESHOT		0xb0	/* channel 2, LSB then MSB, mode 0, binary */
#define PORT_61			0x61
#define PORT_61_GATE2		0x01
#define PORT_61_SPEAKER		0x02
#define PORT_61_OUT2		0x20
#define PIT_CALIBRATE_COUNT	59659u	/* 50 ms */

static struct boot_info bi;
static bool under_tickvisor;
static bool quick;
static uint32_t nr_samples;

/*
 * The clock: TSC ticks per timer tick at divide by 1 = tsc_num / tsc_den. Under tickvisor, CPUID
 * leaf 0x15 gives it exactly; natively it is measured against the PIT, with den = 2^16.
 */
static uint64_t tsc_hz, timer_hz;
static uint32_t tsc_num, tsc_den;
/* How long to wait for an interrupt past its due time before calling it lost: 100 ms */
static uint64_t lost_after;

/* The TSC rate of the PIT's edges, and where it comes from */
static uint64_t pit_tsc_hz;
static const char *pit_rate_source;

/* The interrupt that stops the timer (0: none), so a tick storm can't stall a test forever */
static uint32_t irq_cap;
/* The interrupt whose TSC goes to mark_tsc (0: none) */
static uint32_t irq_mark;
static volatile uint64_t mark_tsc;
static volatile uint64_t irq_tsc[MAX_SAMPLES];

/* latencies or costs of the current test, sorted once it is done */
static int32_t lat[MAX_SAMPLES];

/* The statistics hypercall's own exit, which each snapshot after the first includes */
static uint64_t snap_exits, snap_cycles;
static struct tv_stats snap_begin, snap_end;

struct vm_delta {
	uint64_t exits, hv_cycles, fires, coalesced;
	int64_t advance;
};

/* A fixed seed: the same spread of deltas in every run and every configuration */
static uint32_t lcg = 12345;

/*
 * Counts in tt_nr_irqs, so that the library's waits and tt_timer_stop() apply, but keeps a
 * timestamp of every sample: the library's own ISR keeps only the first TT_MAX_IRQS.
 */
static void timer_isr(unsigned int vector __attribute__((unused)), uint64_t tsc)
{
	uint32_t n = tt_nr_irqs + 1;

	if (n <= MAX_SAMPLES)
		irq_tsc[n - 1] = tsc;
	if (n == irq_mark)
		mark_tsc = tsc;
	if (n == irq_cap)
		apic_write(APIC_REG_TMICT, 0);
	tt_nr_irqs = n;
	apic_eoi();
}

/* timer_isr's twin for IRQ0: the cap masks the I/O APIC pin; an edge needs only the LAPIC's EOI */
static void pit_isr(unsigned int vector __attribute__((unused)), uint64_t tsc)
{
	uint32_t n = tt_nr_irqs + 1;

	if (n <= MAX_SAMPLES)
		irq_tsc[n - 1] = tsc;
	if (n == irq_mark)
		mark_tsc = tsc;
	if (n == irq_cap)
		ioapic_mask(PIT_IRQ0_GSI);
	tt_nr_irqs = n;
	apic_eoi();
}

/* With the timer stopped: tt_timer_stop() has cleared the count. */
static void irqs_reset(uint32_t cap, uint32_t mark)
{
	irq_cap = cap;
	irq_mark = mark;
	mark_tsc = 0;
}

/* rdtsc after every earlier instruction has completed, for timing a single operation */
static inline uint64_t rdtsc_ordered(void)
{
	asm volatile("lfence" : : : "memory");
	return rdtsc();
}

static void __attribute__((noreturn)) lost(const char *test, uint32_t n, uint32_t want)
{
	tt_timer_stop();
	fail(test, "%u of %u interrupts came", n, want);
	summary();
}

/* TSC ticks of a count of timer ticks at divide by 1 */
static uint64_t ticks_to_tsc(uint64_t ticks)
{
	return div_u64_u32(ticks * tsc_num, tsc_den);
}

/* The count at divisor div that lasts tsc TSC ticks, at least 1 */
static uint32_t tsc_to_count(uint64_t tsc, uint32_t div)
{
	uint64_t c = div_u64_u32(tsc * tsc_den, tsc_num * div);

	return c ? (uint32_t)c : 1;
}

static uint64_t next_delta(void)
{
	uint32_t ns;

	lcg = lcg * 1664525u + 1013904223u;
	ns = DELTA_MIN_US * 1000 + (lcg >> 8) % (DELTA_SPAN_US * 1000);
	return div_u64_u32(tsc_hz * ns, 1000000000);
}

static int32_t clamp_s32(int64_t v)
{
	return v > INT32_MAX ? INT32_MAX : v < -INT32_MAX ? -INT32_MAX : (int32_t)v;
}

/* " key=I.FF": num / den rounded to two decimals, 0.00 when den is 0 */
static void put_fixed(const char *key, int64_t num, uint64_t den)
{
	uint64_t mag = num < 0 ? (uint64_t)-num : (uint64_t)num, q, whole;

	q = den ? div_u64(mag * 100 + den / 2, den) : 0;
	whole = div_u64_u32(q, 100);
	printf(" %s=%s%llu.%02u", key, num < 0 && q ? "-" : "", whole, (uint32_t)(q - whole * 100));
}

/* ---- calibration ---------------------------------------------------------------------------- */

/* tickvisor's CPUID leaf 0x15: TSC = timer * EBX / EAX exactly, the timer rate in ECX */
static bool clock_reported(void)
{
	struct cpuid_regs r;

	if (cpuid(0, 0).eax < CPUID_LEAF_CRYSTAL)
		return false;
	r = cpuid(CPUID_LEAF_CRYSTAL, 0);
	if (!r.eax || !r.ebx || !r.ecx)
		return false;
	tsc_num = r.ebx;
	tsc_den = r.eax;
	timer_hz = r.ecx;
	tsc_hz = div_u64_u32((uint64_t)r.ecx * r.ebx, r.eax);
	return true;
}

/*
 * The TSC and the timer against 50 ms of PIT channel 2: a masked one-shot counts down from
 * 2^32 - 1 meanwhile. Natively that is the only clock there is to trust.
 */
static bool clock_measured(void)
{
	uint64_t t0, t1, q16;
	uint32_t c0, c1;
	uint8_t gate = inb(PORT_61);

	tt_timer_stop();
	apic_write(APIC_REG_TMICT, 0xffffffffu);
	outb(PORT_61, (gate & ~PORT_61_SPEAKER) | PORT_61_GATE2);
	outb(PIT_CMD, PIT_CH2_ONESHOT);
	outb(PIT_CH2, PIT_CALIBRATE_COUNT & 0xff);
	outb(PIT_CH2, PIT_CALIBRATE_COUNT >> 8);
	t0 = rdtsc();
	c0 = apic_read(APIC_REG_TMCCT);
	while (!(inb(PORT_61) & PORT_61_OUT2))
		;
	t1 = rdtsc();
	c1 = apic_read(APIC_REG_TMCCT);
	outb(PORT_61, gate);
	tt_timer_stop();
	if (c1 >= c0 || t1 <= t0)
		return false;
	tsc_hz = div_round_u64_u32((t1 - t0) * PIT_HZ, PIT_CALIBRATE_COUNT);
	q16 = div_round_u64_u32((t1 - t0) << 16, c0 - c1);
	tsc_num = (uint32_t)q16;
	tsc_den = 1u << 16;
	timer_hz = div_round_u64_u32(tsc_hz << 16, tsc_num);
	return true;
}

static void calibrate(void)
{
	bool ok = under_tickvisor ? clock_reported() : clock_measured();
	uint32_t given;

	if (!ok) {
		fail("bench.clock", "%s", under_tickvisor ? "CPUID leaf 0x15 gives no timer rate" :
		     "the TSC or the timer did not count against the PIT");
		summary();
	}
	lost_after = div_u64_u32(tsc_hz, 10);
	if (under_tickvisor) {
		pit_tsc_hz = tsc_hz;
		pit_rate_source = "cpuid-0x15";
	} else if (cmdline_get_u32("tsc_hz", &given) && given) {
		pit_tsc_hz = given;
		pit_rate_source = "cmdline";
	} else {
		pit_tsc_hz = tsc_hz;
		pit_rate_source = "pit";
	}
	printf("BENCH: metric=env env=%s quick=%u samples=%u tsc_hz=%llu timer_hz=%llu "
	       "tsc_per_timer_tick=%u/%u clock=%s x2apic=%u tsc_deadline=%u\n",
	       under_tickvisor ? "tickvisor" : "native", quick, nr_samples, tsc_hz, timer_hz,
	       tsc_num, tsc_den, under_tickvisor ? "cpuid-0x15" : "pit", apic_has_x2apic(),
	       apic_has_tsc_deadline());
}

/* ---- tickvisor's statistics ----------------------------------------------------------------- */

static void stats_snap(struct tv_stats *s)
{
	uint32_t got;

	if (!under_tickvisor)
		return;
	got = tv_hc_stats(s, sizeof(*s));
	if (got != sizeof(*s)) {
		fail("bench.stats", "TV_HC_STATS returned %u, expected %u", got,
		     (uint32_t)sizeof(*s));
		summary();
	}
}

/* What one statistics hypercall adds to the next snapshot: subtracted from every delta. */
static void stats_init(void)
{
	stats_snap(&snap_begin);
	stats_snap(&snap_end);
	snap_exits = snap_end.exits - snap_begin.exits;
	snap_cycles = snap_end.hv_cycles - snap_begin.hv_cycles;
}

static void stats_begin(void)
{
	stats_snap(&snap_begin);
}

static void stats_end(struct vm_delta *d)
{
	stats_snap(&snap_end);
	/* natively every snapshot stays 0, snap_exits and snap_cycles too */
	d->exits = snap_end.exits - snap_begin.exits - snap_exits;
	d->hv_cycles = snap_end.hv_cycles - snap_begin.hv_cycles - snap_cycles;
	d->fires = snap_end.timer_fires - snap_begin.timer_fires;
	d->coalesced = snap_end.timer_coalesced - snap_begin.timer_coalesced;
	d->advance = snap_end.timer_advance_tsc;
}

/* " ticks=N exits=N ... hv_cycles_per_tick=X": the hypervisor's part of `ticks` interrupts */
static void put_vm(const struct vm_delta *d, uint32_t ticks)
{
	printf(" ticks=%u exits=%llu hv_cycles=%llu fires=%llu coalesced=%llu advance=%lld", ticks,
	       d->exits, d->hv_cycles, d->fires, d->coalesced, d->advance);
	put_fixed("exits_per_tick", (int64_t)d->exits, ticks);
	put_fixed("hv_cycles_per_tick", (int64_t)d->hv_cycles, ticks);
}

/* ---- latency -------------------------------------------------------------------------------- */

/* d: the hypervisor's part of `ticks` interrupts (n, the samples, or more) */
static void report_latency(const char *test, uint32_t n, const struct vm_delta *d, uint32_t ticks)
{
	struct sample_stats s;
	int32_t lo, hi;
	uint32_t i, j;

	sample_stats(lat, n, &s);
	printf("BENCH: metric=latency test=%s n=%u min=%d p50=%d p90=%d p99=%d max=%d", test, n,
	       s.min, s.p50, s.p90, s.p99, s.max);
	put_fixed("mean", s.sum, n);
	printf("\nBENCH: metric=vmexits test=%s", test);
	put_vm(d, ticks);
	printf("\n");
	/* lat[] is sorted now: each bucket is one run of it */
	for (i = 0; i < n; i = j) {
		hist_bucket(lat[i], &lo, &hi);
		for (j = i; j < n && lat[j] <= hi; j++)
			;
		printf("BENCH: hist test=%s lo=%d hi=%d count=%u\n", test, lo, hi, j - i);
	}
}

/*
 * One interrupt at a time, each after the next delta: TSC-deadline armed at the TSC + the delta,
 * or (lvtt one-shot) a count of about the delta at divisor div, due at the TSC just before the
 * TMICT write plus the count's length.
 */
static void bench_latency(const char *test, uint32_t lvtt, uint32_t div)
{
	bool deadline_mode = lvtt == APIC_TIMER_TSC_DEADLINE;
	struct vm_delta d;
	uint64_t t0, deadline;
	uint32_t i, count;

	if (deadline_mode && !apic_has_tsc_deadline()) {
		printf("BENCH: skip test=%s reason=no-tsc-deadline\n", test);
		return;
	}
	if (deadline_mode) {
		tt_deadline_mode();
	} else {
		tt_timer_stop();
		apic_write(APIC_REG_TDCR, apic_tdcr(div));
		apic_write(APIC_REG_LVT_TIMER, lvtt | TT_VECTOR);
	}
	irqs_reset(0, 0);
	stats_begin();
	for (i = 0; i < nr_samples; i++) {
		/* nothing but the arming between the TSC read and the timer's start */
		if (deadline_mode) {
			deadline = rdtsc() + next_delta();
			wrmsr(MSR_IA32_TSC_DEADLINE, deadline);
		} else {
			count = tsc_to_count(next_delta(), div);
			t0 = rdtsc();
			apic_write(APIC_REG_TMICT, count);
			deadline = t0 + ticks_to_tsc((uint64_t)count * div);
		}
		if (!tt_wait_irqs(i + 1, deadline + lost_after))
			lost(test, i, nr_samples);
		lat[i] = clamp_s32((int64_t)(irq_tsc[i] - deadline));
	}
	stats_end(&d);
	tt_timer_stop();
	report_latency(test, nr_samples, &d, nr_samples);
}

/* Expiry i (from 1) is due at the TSC just before the TMICT write plus i periods. */
static void bench_periodic(const char *test, uint32_t tdcr, uint32_t div)
{
	uint32_t count = tsc_to_count(div_u64_u32(tsc_hz, PERIODIC_HZ), div), i;
	uint64_t period = ticks_to_tsc((uint64_t)count * div), t0;
	struct vm_delta d;

	tt_timer_stop();
	irqs_reset(nr_samples, 0);
	apic_write(APIC_REG_TDCR, tdcr);
	apic_write(APIC_REG_LVT_TIMER, APIC_TIMER_PERIODIC | TT_VECTOR);
	stats_begin();
	t0 = rdtsc();
	apic_write(APIC_REG_TMICT, count);
	if (!tt_wait_irqs(nr_samples, t0 + (nr_samples + 1) * period + lost_after))
		lost(test, tt_nr_irqs, nr_samples);
	stats_end(&d);
	tt_timer_stop();
	for (i = 0; i < nr_samples; i++)
		lat[i] = clamp_s32((int64_t)(irq_tsc[i] - t0 - (i + 1) * period));
	report_latency(test, nr_samples, &d, nr_samples);
}

/* ---- drift ---------------------------------------------------------------------------------- */

/*
 * Interrupts counted while N periods pass on the TSC (error in ticks), and the distance from the
 * first to the N-th interrupt against N - 1 periods (error in TSC ticks): start latency cancels
 * out, what is left is the rate's error and any phase lost on the way.
 */
static void bench_drift(void)
{
	uint32_t n = quick ? QUICK_DRIFT_PERIODS : DRIFT_PERIODS, count, counted;
	uint64_t period, t0, end, want;
	struct vm_delta d;
	int64_t drift = 0;

	count = (uint32_t)div_u64_u32(timer_hz, DRIFT_HZ);
	period = ticks_to_tsc(count);
	tt_timer_stop();
	irqs_reset(2 * n, n);
	apic_write(APIC_REG_LVT_TIMER, APIC_TIMER_PERIODIC | TT_VECTOR);
	stats_begin();
	t0 = rdtsc();
	apic_write(APIC_REG_TMICT, count);
	end = t0 + n * period + period / 2;
	tt_wait_until(end);
	counted = tt_nr_irqs;
	/* the N-th may be late when ticks were lost */
	tt_wait_irqs(n, end + lost_after);
	stats_end(&d);
	tt_timer_stop();
	want = (n - 1) * period;
	if (mark_tsc)
		drift = (int64_t)(mark_tsc - irq_tsc[0]) - (int64_t)want;
	printf("BENCH: metric=drift hz=%u periods=%u period_tsc=%llu counted=%u tick_error=%d",
	       DRIFT_HZ, n, period, counted, (int32_t)(counted - n));
	put_fixed("tick_ppm", ((int64_t)counted - n) * 1000000, n);
	printf(" nth=%u span_tsc=%llu expected_tsc=%llu drift_tsc=%lld", mark_tsc != 0,
	       mark_tsc ? mark_tsc - irq_tsc[0] : 0, want, drift);
	put_fixed("drift_ppm", drift * 1000000, want);
	put_vm(&d, counted);
	printf("\n");
}

/* ---- the PIT ------------------------------------------------------------------------------- */

/*
 * TSC ticks from the count's start to OUT0's k-th rising edge: in mode 2 OUT0 rises as the count
 * reloads, every PIT_COUNT PIT ticks (82C54 datasheet, "Mode 2"), and PIT tick d comes at the
 * first TSC by which d ticks have passed. Exact: k * PIT_COUNT * pit_tsc_hz stays below 2^64.
 */
static uint64_t pit_edge(uint32_t k)
{
	return div_u64_u32((uint64_t)k * PIT_COUNT * pit_tsc_hz + PIT_HZ - 1, PIT_HZ);
}

/*
 * The drift figures of bench_drift() for IRQ0, and the latency of the first nr_samples
 * interrupts from their edges. The start is the TSC read before the count's second byte; under
 * tickvisor the vPIT starts counting when it handles that write's exit, so its cost is in every
 * latency (as with the one-shot TMICT write), and cancels out of the drift.
 */
static void bench_pit(void)
{
	uint32_t n = quick ? QUICK_PIT_PERIODS : PIT_PERIODS, counted, i;
	uint8_t apic_id = (uint8_t)(apic_read(APIC_REG_ID) >> 24);
	uint64_t t0, end, want;
	struct vm_delta d;
	int64_t drift = 0;

	tt_timer_stop();
	irqs_reset(2 * n, n);
	idt_set_handler(PIT_VECTOR, pit_isr);
	ioapic_route(PIT_IRQ0_GSI, PIT_VECTOR, apic_id);
	stats_begin();
	t0 = pit_ch0_rate(PIT_COUNT);
	end = t0 + pit_edge(n) + pit_edge(1) / 2;
	tt_wait_until(end);
	counted = tt_nr_irqs;
	tt_wait_irqs(n, end + lost_after);
	stats_end(&d);
	ioapic_mask(PIT_IRQ0_GSI);
	pit_ch0_stop();
	if (tt_nr_irqs < nr_samples)
		lost("pit", tt_nr_irqs, n);
	want = pit_edge(n) - pit_edge(1);
	if (mark_tsc)
		drift = (int64_t)(mark_tsc - irq_tsc[0]) - (int64_t)want;
	printf("BENCH: metric=pit hz=%u count=%u periods=%u period_tsc=%llu tsc_hz=%llu "
	       "rate=%s counted=%u tick_error=%d", (PIT_HZ + PIT_COUNT / 2) / PIT_COUNT, PIT_COUNT,
	       n, pit_edge(1), pit_tsc_hz, pit_rate_source, counted, (int32_t)(counted - n));
	put_fixed("tick_ppm", ((int64_t)counted - n) * 1000000, n);
	printf(" nth=%u span_tsc=%llu expected_tsc=%llu drift_tsc=%lld", mark_tsc != 0,
	       mark_tsc ? mark_tsc - irq_tsc[0] : 0, want, drift);
	put_fixed("drift_ppm", drift * 1000000, want);
	put_vm(&d, counted);
	printf("\n");
	for (i = 0; i < nr_samples; i++)
		lat[i] = clamp_s32((int64_t)(irq_tsc[i] - t0 - pit_edge(i + 1)));
	report_latency("pit", nr_samples, &d, counted);
}

/* ---- overhead ------------------------------------------------------------------------------- */

static volatile uint32_t work_sink;

/* xorshift32: a dependent chain of ALU work, nothing that exits or touches the APIC */
static void __attribute__((noinline)) work(uint32_t iters)
{
	uint32_t x = 2463534242u;

	while (iters--) {
		x ^= x << 13;
		x ^= x >> 17;
		x ^= x << 5;
	}
	work_sink = x;
}

static uint64_t work_timed(uint32_t iters)
{
	uint64_t t0 = rdtsc_ordered();

	work(iters);
	return rdtsc_ordered() - t0;
}

static void bench_overhead(void)
{
	static const uint32_t rates[] = { 1000, 10000, 100000 };
	uint32_t iters = quick ? QUICK_WORK_ITERS : WORK_ITERS, i, count, ticks, cap;
	uint64_t base, t;
	struct vm_delta d;

	tt_timer_stop();
	base = work_timed(iters);
	printf("BENCH: metric=overhead hz=0 loop_tsc=%llu loss=0.00 capped=0 ticks=0\n", base);
	for (i = 0; i < sizeof(rates) / sizeof(rates[0]); i++) {
		count = (uint32_t)div_u64_u32(timer_hz, rates[i]);
		/* four times the ticks the loop takes at full speed: only a storm reaches it */
		cap = 4 * (uint32_t)div_u64(base * rates[i], tsc_hz) + 16;
		tt_timer_stop();
		irqs_reset(cap, 0);
		apic_write(APIC_REG_LVT_TIMER, APIC_TIMER_PERIODIC | TT_VECTOR);
		apic_write(APIC_REG_TMICT, count);
		stats_begin();
		t = work_timed(iters);
		ticks = tt_nr_irqs;
		stats_end(&d);
		tt_timer_stop();
		printf("BENCH: metric=overhead hz=%u loop_tsc=%llu", rates[i], t);
		put_fixed("loss", (int64_t)(t - base) * 100, t);
		put_fixed("stolen_per_tick", (int64_t)(t - base), ticks);
		printf(" capped=%u", ticks >= cap);
		put_vm(&d, ticks);
		printf("\n");
	}
}

/* ---- programming cost ----------------------------------------------------------------------- */

enum prog_op { PROG_DEADLINE, PROG_TMICT, PROG_TMCCT };

static const char *const prog_names[] = {
	[PROG_DEADLINE] = "tscdeadline_wrmsr", [PROG_TMICT] = "tmict_write",
	[PROG_TMCCT] = "tmcct_read",
};

/*
 * Each operation timed alone between two ordered rdtsc, less what the empty pair takes. The
 * timer is armed far out and masked, so nothing fires meanwhile: every write re-arms it.
 */
static void bench_prog(const char *apic, enum prog_op op, uint64_t empty)
{
	uint32_t rounds = quick ? QUICK_PROG_ROUNDS : PROG_ROUNDS, i;
	struct sample_stats s;
	struct vm_delta d;
	uint64_t t0, t1, far;

	tt_timer_stop();
	if (op == PROG_DEADLINE) {
		apic_write(APIC_REG_LVT_TIMER,
			   APIC_LVT_MASKED | APIC_TIMER_TSC_DEADLINE | TT_VECTOR);
		asm volatile("mfence" : : : "memory");
	} else {
		apic_write(APIC_REG_LVT_TIMER, APIC_LVT_MASKED | APIC_TIMER_ONESHOT | TT_VECTOR);
		apic_write(APIC_REG_TMICT, 0xffffffffu);
	}
	stats_begin();
	for (i = 0; i < rounds; i++) {
		switch (op) {
		case PROG_DEADLINE:
			/* one second out, computed before the clock starts */
			far = rdtsc() + tsc_hz;
			t0 = rdtsc_ordered();
			wrmsr(MSR_IA32_TSC_DEADLINE, far);
			break;
		case PROG_TMICT:
			t0 = rdtsc_ordered();
			apic_write(APIC_REG_TMICT, 0xffffffffu - i);
			break;
		default:
			t0 = rdtsc_ordered();
			apic_read(APIC_REG_TMCCT);
			break;
		}
		t1 = rdtsc_ordered();
		lat[i] = clamp_s32((int64_t)(t1 - t0 - empty));
	}
	stats_end(&d);
	tt_timer_stop();
	sample_stats(lat, rounds, &s);
	printf("BENCH: metric=prog apic=%s op=%s n=%u min=%d p50=%d max=%d", apic, prog_names[op],
	       rounds, s.min, s.p50, s.max);
	put_fixed("exits_per_op", (int64_t)d.exits, rounds);
	put_fixed("hv_cycles_per_op", (int64_t)d.hv_cycles, rounds);
	printf("\n");
}

static void bench_prog_all(const char *apic)
{
	uint64_t t0, empty = UINT64_MAX;
	uint32_t i;

	for (i = 0; i < 16; i++) {
		t0 = rdtsc_ordered();
		t0 = rdtsc_ordered() - t0;
		if (t0 < empty)
			empty = t0;
	}
	if (apic_has_tsc_deadline())
		bench_prog(apic, PROG_DEADLINE, empty);
	bench_prog(apic, PROG_TMICT, empty);
	bench_prog(apic, PROG_TMCCT, empty);
}

void guest_main(uint32_t magic, uint32_t info_addr)
{
	guest_start(magic, info_addr, &bi);
	cmdline_init(bi.cmdline);
	quick = cmdline_has("quick");
	nr_samples = quick ? QUICK_SAMPLES : MAX_SAMPLES;
	under_tickvisor = tv_present();

	apic_write(APIC_REG_SVR, APIC_SVR_ON);
	idt_set_handler(TT_VECTOR, timer_isr);
	tt_timer_stop();
	sti();

	calibrate();
	stats_init();
	bench_latency("tscdeadline", APIC_TIMER_TSC_DEADLINE, 1);
	bench_latency("oneshot-div1", APIC_TIMER_ONESHOT, 1);
	bench_latency("oneshot-div16", APIC_TIMER_ONESHOT, 16);
	bench_periodic("periodic-div1", APIC_TDCR_DIV1, 1);
	bench_periodic("periodic-div16", APIC_TDCR_DIV16, 16);
	bench_drift();
	bench_pit();
	bench_overhead();
	bench_prog_all("xapic");
	if (apic_has_x2apic()) {
		apic_use_x2apic();
		bench_prog_all("x2apic");
	} else {
		printf("BENCH: skip test=prog apic=x2apic reason=no-x2apic\n");
	}
	printf("BENCH: done\n");
	guest_exit(0);
}
