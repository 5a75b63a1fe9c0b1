/* SPDX-License-Identifier: MIT */
/*
 * timer_advance: how late TSC-deadline interrupts arrive once tickvisor's timer advance has
 * settled (docs/timer.md "Timer advance"): the backend goes off early by the cost of the exit and
 * the injection, and the entry waits for the deadline, so the guest sees its interrupt at the
 * deadline plus only the entry and the delivery, and never before it. Command line: see
 * tests/guest/lib/timer_test.h, and
 *   advance=auto|off|<ns>   tickvisor's timer_advance option in effect (default auto)
 */
#include <stdint.h>

#include "lib/string.h"
#include "tests/guest/lib/apic.h"
#include "tests/guest/lib/cmdline.h"
#include "tests/guest/lib/cpu.h"
#include "tests/guest/lib/hypercall.h"
#include "tests/guest/lib/report.h"
#include "tests/guest/lib/timer_test.h"

#define DEADLINE_DELTA		20000u	/* 400 us at 50 MHz */
#define WARMUP			30u
#define MEASURED		50u
/*
 * Lateness once the advance has settled: what is left is the VM entry and the delivery, tens
 * of instructions on Bochs, against hundreds for the exit that the advance absorbs.
 */
#define LATE_ADVANCED		200

static const char *const all_checks[] = {
	"advance.not_early", "advance.lateness_after_warmup", "advance.stats",
};

/* One deadline DEADLINE_DELTA away; its lateness in TSC ticks, or INT64_MIN without interrupt. */
static int64_t one_deadline(void)
{
	uint64_t delta = tt_ticks_to_tsc(tt_ticks(DEADLINE_DELTA)), deadline;

	tt_deadline_mode();
	deadline = rdtsc() + delta;
	wrmsr(MSR_IA32_TSC_DEADLINE, deadline);
	if (!tt_wait_irqs(1, deadline + 4 * tt_late_max))
		return INT64_MIN;
	return (int64_t)(tt_irq_tsc[0] - deadline);
}

static void check_stats(const char *mode)
{
	const char *name = "advance.stats";
	struct tv_stats s;
	uint32_t ns;
	uint64_t want;

	if (tt_env != TT_TICKVISOR) {
		skip(name, "no hypervisor");
		return;
	}
	if (tv_hc_stats(&s, sizeof(s)) != sizeof(s)) {
		fail(name, "TV_HC_STATS failed");
		return;
	}
	info("%s: timer_advance_tsc %d with timer_advance=%s", name, (int32_t)s.timer_advance_tsc,
	     mode);
	if (!strcmp(mode, "auto")) {
		check(s.timer_advance_tsc > 0, name, "timer_advance_tsc is %d with auto",
		      (int32_t)s.timer_advance_tsc);
	} else if (!strcmp(mode, "off")) {
		check(s.timer_advance_tsc == 0, name, "timer_advance_tsc is %d with off",
		      (int32_t)s.timer_advance_tsc);
	} else if (cmdline_get_u32("advance", &ns)) {
		/* TSC kHz from leaf 0x40000010: ns * kHz / 10^6 */
		want = div_u64_u32((uint64_t)ns * cpuid(TV_CPUID_TIMING, 0).eax, 1000000u);
		check(s.timer_advance_tsc == (int64_t)want, name,
		      "timer_advance_tsc is %d with %u ns, expected %u",
		      (int32_t)s.timer_advance_tsc, ns, (uint32_t)want);
	} else {
		fail(name, "advance=%s: auto, off or a number of ns", mode);
	}
}

void guest_main(uint32_t magic, uint32_t info_addr)
{
	const char *mode;
	int64_t late, min = INT64_MAX, max = INT64_MIN, sum = 0, bound;
	unsigned int i, n = 0;

	tt_init(magic, info_addr, all_checks, sizeof(all_checks) / sizeof(all_checks[0]));
	mode = cmdline_get("advance");
	if (!mode)
		mode = "auto";
	if (!apic_has_tsc_deadline()) {
		tt_skip_all(all_checks, sizeof(all_checks) / sizeof(all_checks[0]),
			    "CPUID.1:ECX[24] (TSC-deadline) = 0");
		summary();
	}
	for (i = 0; i < WARMUP + MEASURED; i++) {
		late = one_deadline();
		if (late == INT64_MIN)
			break;
		if (i < WARMUP)
			continue;
		n++;
		sum += late;
		min = late < min ? late : min;
		max = late > max ? late : max;
	}
	tt_timer_stop();
	if (i < WARMUP + MEASURED) {
		fail("advance.not_early", "deadline %u brought no interrupt", i + 1);
		fail("advance.lateness_after_warmup", "deadline %u brought no interrupt", i + 1);
		check_stats(mode);
		summary();
	}
	info("advance: after %u deadlines, lateness of %u more: min %d avg %d max %d TSC ticks",
	     WARMUP, n, (int32_t)min, (int32_t)div_u64_u32((uint64_t)sum, n), (int32_t)max);
	check(min >= 0, "advance.not_early", "an interrupt came %d TSC ticks before its deadline",
	      (int32_t)-min);
	/* a fixed advance may be less than the cost: only auto promises the small lateness */
	bound = tt_env == TT_TICKVISOR && !strcmp(mode, "auto") ? LATE_ADVANCED :
		(int64_t)tt_late_max;
	check(max <= bound, "advance.lateness_after_warmup",
	      "up to %d TSC ticks late (bound %d)", (int32_t)max, (int32_t)bound);
	check_stats(mode);
	summary();
}
