/* SPDX-License-Identifier: MIT */
/* The APIC timer's modes, arithmetic and corner cases against a fake TSC at 1 GHz (k = 1). */
#include "tests/unit/vlapic_fake_env.h"

#define VEC		0x40
#define TDCR_DIV2	0x0
#define TDCR_DIV4	0x1
#define ONESHOT		(VEC | APIC_TIMER_ONESHOT)
#define PERIODIC	(VEC | APIC_TIMER_PERIODIC)
#define DEADLINE	(VEC | APIC_TIMER_TSC_DEADLINE)

static uint32_t tmcct(struct fake_env *f)
{
	return fake_read(f, APIC_REG_TMCCT);
}

static void oneshot_fires_once(void **state)
{
	struct fake_env *f = fake_new_enabled();
	uint64_t t0 = f->tsc;

	(void)state;
	fake_timer_start(f, ONESHOT, APIC_TDCR_DIV1, 1000);
	assert_true(f->hv_armed);
	assert_int_equal(f->hv_deadline, t0 + 1000);
	assert_int_equal(tmcct(f), 1000);
	f->tsc = t0 + 1;
	assert_int_equal(tmcct(f), 999);
	f->tsc = t0 + 999;
	assert_int_equal(tmcct(f), 1);
	/* an exit just before the deadline does not fire it */
	assert_false(fake_check(f));
	assert_false(fake_irr(f, VEC));

	assert_true(fake_expire(f));
	assert_int_equal(f->tsc, t0 + 1000);
	assert_true(fake_irr(f, VEC));
	assert_int_equal(tmcct(f), 0);
	assert_false(f->hv_armed);
	assert_false(f->sw_armed);
	assert_int_equal(fake_read(f, APIC_REG_TMICT), 1000);
	f->tsc += 1000000;
	assert_false(fake_check(f));
	assert_int_equal(vlapic_stats(&f->v)->fires, 1);
	assert_int_equal(vlapic_stats(&f->v)->posted, 1);
	fake_free(f);
}

static void tmcct_every_divisor(void **state)
{
	/* TDCR bits 3,1,0 -> divisor (SDM figure 11-10) */
	static const struct {
		uint32_t tdcr;
		uint64_t div;
	} divs[] = {
		{ 0x0, 2 }, { 0x1, 4 }, { 0x2, 8 }, { 0x3, 16 },
		{ 0x8, 32 }, { 0x9, 64 }, { 0xa, 128 }, { 0xb, 1 },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(divs) / sizeof(divs[0]); i++) {
		struct fake_env *f = fake_new_enabled();
		uint64_t t0 = f->tsc, d = divs[i].div;

		fake_timer_start(f, ONESHOT, divs[i].tdcr, 1000);
		assert_int_equal(fake_read(f, APIC_REG_TDCR), divs[i].tdcr);
		assert_int_equal(fake_backend_deadline(f), t0 + 1000 * d);
		for (uint64_t j = 0; j < 1000; j += 111) {
			f->tsc = t0 + j * d;
			assert_int_equal(tmcct(f), 1000 - j);
			f->tsc = t0 + j * d + d - 1;
			assert_int_equal(tmcct(f), d == 1 ? 1000 - j : 1000 - j - 1);
		}
		f->tsc = t0 + 1000 * d - 1;
		assert_false(fake_check(f));
		assert_int_equal(tmcct(f), d == 1 ? 1 : 0);
		f->tsc++;
		assert_true(fake_check(f));
		assert_true(fake_irr(f, VEC));
		fake_free(f);
	}
}

static void cfg_5ghz(struct vlapic_config *cfg)
{
	cfg->tsc_hz = 5000000000ull;
}

static void timer_rate_above_4ghz(void **state)
{
	struct fake_env *f = fake_new_enabled_with(cfg_5ghz);
	uint64_t t0 = f->tsc;

	(void)state;
	/* k = 2: the timer runs at 2.5 GHz, which fits CPUID.15H:ECX */
	assert_int_equal(vlapic_timer_tsc_ratio(&f->v), 2);
	assert_int_equal(vlapic_timer_hz(&f->v), 2500000000ull);
	fake_timer_start(f, ONESHOT, TDCR_DIV4, 100000);
	assert_int_equal(fake_backend_deadline(f), t0 + 100000 * 4 * 2);
	f->tsc = t0 + 8 * 10;
	assert_int_equal(tmcct(f), 100000 - 10);
	fake_free(f);

	f = fake_new_enabled();
	assert_int_equal(vlapic_timer_tsc_ratio(&f->v), 1);
	assert_int_equal(vlapic_timer_hz(&f->v), FAKE_TSC_HZ);
	fake_free(f);
}

static void periodic_wraps(void **state)
{
	struct fake_env *f = fake_new_enabled();
	uint64_t t0 = f->tsc, p = 2 * 500000;

	(void)state;
	fake_timer_start(f, PERIODIC, TDCR_DIV2, 500000);
	assert_int_equal(fake_backend_deadline(f), t0 + p);
	/* past the target but before the exit: the read runs the expiry, TMCCT wraps to TMICT */
	f->tsc = t0 + p;
	assert_int_equal(tmcct(f), 500000);
	assert_true(fake_irr(f, VEC));
	assert_int_equal(fake_backend_deadline(f), t0 + 2 * p);
	f->tsc = t0 + p + 20;
	assert_int_equal(tmcct(f), 500000 - 10);
	assert_false(fake_check(f));
	assert_int_equal(tmcct(f), 500000 - 10);
	assert_int_equal(fake_backend_deadline(f), t0 + 2 * p);
	for (int n = 3; n < 10; n++) {
		assert_int_equal(fake_take_and_eoi(f), VEC);
		assert_true(fake_expire(f));
		assert_int_equal(fake_backend_deadline(f), t0 + n * p);
	}
	assert_int_equal(vlapic_stats(&f->v)->fires, 8);
	fake_free(f);
}

/* One million periods, each exit taken late by a varying amount: the target never drifts. */
static void periodic_no_drift(void **state)
{
	struct fake_env *f = fake_new_enabled();
	uint64_t t0 = f->tsc, p = 4 * 100000, n;
	const struct vlapic_stats *st = vlapic_stats(&f->v);

	(void)state;
	fake_timer_start(f, PERIODIC, TDCR_DIV4, 100000);
	for (n = 1; n <= 1000000; n++) {
		assert_int_equal(fake_backend_deadline(f), t0 + n * p);
		f->tsc = t0 + n * p + (n * 7919) % (p / 2);
		assert_true(fake_check(f));
		assert_int_equal(fake_take_and_eoi(f), VEC);
	}
	assert_int_equal(fake_backend_deadline(f), t0 + n * p);
	assert_int_equal(st->fires, 1000000);
	assert_int_equal(st->posted, 1000000);
	assert_int_equal(st->missed, 0);
	assert_int_equal(st->clamped, 0);
	fake_free(f);
}

/* The host falls 10.5 periods behind: one interrupt, then on with the old phase, no storm. */
static void periodic_catch_up_clamp(void **state)
{
	struct fake_env *f = fake_new_enabled();
	uint64_t t0 = f->tsc, p = 1000000;

	(void)state;
	fake_timer_start(f, PERIODIC, APIC_TDCR_DIV1, p);
	f->tsc = t0 + p + 10 * p + p / 2;
	assert_true(fake_check(f));
	assert_int_equal(fake_backend_deadline(f), t0 + 12 * p);
	assert_int_equal(vlapic_stats(&f->v)->clamped, 10);
	assert_false(fake_check(f));
	assert_int_equal(vlapic_stats(&f->v)->fires, 1);
	assert_int_equal(fake_take_and_eoi(f), VEC);
	assert_int_equal(fake_take_and_eoi(f), -1);
	assert_true(fake_expire(f));
	assert_int_equal(fake_backend_deadline(f), t0 + 13 * p);
	fake_free(f);
}

static void periodic_min_period(void **state)
{
	struct fake_env *f = fake_new_enabled();
	uint64_t t0 = f->tsc, min = 200000;	/* 200 us at 1 GHz */

	(void)state;
	fake_timer_start(f, PERIODIC, APIC_TDCR_DIV1, 10);
	assert_int_equal(fake_backend_deadline(f), t0 + min);
	assert_int_equal(vlapic_stats(&f->v)->min_period_raised, 1);
	assert_int_equal(f->log_calls, 1);
	assert_int_equal(f->log_level, VLAPIC_LOG_DEBUG);
	/* the count still runs from TMICT to 0, over the longer period */
	assert_int_equal(tmcct(f), 10);
	f->tsc = t0 + min / 2;
	assert_int_equal(tmcct(f), 5);
	assert_true(fake_expire(f));
	assert_int_equal(fake_backend_deadline(f), t0 + 2 * min);
	/* said once only */
	fake_write(f, APIC_REG_TMICT, 20);
	assert_int_equal(vlapic_stats(&f->v)->min_period_raised, 2);
	assert_int_equal(f->log_calls, 1);
	/* exactly the minimum is not raised; one-shot timers never are */
	t0 = f->tsc;
	fake_write(f, APIC_REG_TMICT, min);
	assert_int_equal(fake_backend_deadline(f), t0 + min);
	fake_timer_start(f, ONESHOT, APIC_TDCR_DIV1, 10);
	assert_int_equal(fake_backend_deadline(f), f->tsc + 10);
	assert_int_equal(vlapic_stats(&f->v)->min_period_raised, 2);
	fake_free(f);
}

static void cfg_no_min_period(struct vlapic_config *cfg)
{
	cfg->min_period_us = 0;
}

/* min_period_us=0 still leaves the floor of VLAPIC_PERIOD_FLOOR_NS (1000 ticks at 1 GHz) */
static void min_period_floor(void **state)
{
	struct fake_env *f = fake_new_enabled_with(cfg_no_min_period);

	(void)state;
	fake_timer_start(f, PERIODIC, APIC_TDCR_DIV1, 1000);
	assert_int_equal(fake_backend_deadline(f), f->tsc + 1000);
	assert_int_equal(vlapic_stats(&f->v)->min_period_raised, 0);
	fake_timer_start(f, PERIODIC, APIC_TDCR_DIV1, 1);
	assert_int_equal(fake_backend_deadline(f), f->tsc + VLAPIC_PERIOD_FLOOR_NS);
	assert_int_equal(vlapic_stats(&f->v)->min_period_raised, 1);
	fake_free(f);
}

static void mode_switch_keeps_count(void **state)
{
	struct fake_env *f = fake_new_enabled();
	uint64_t t0 = f->tsc;

	(void)state;
	fake_timer_start(f, ONESHOT, APIC_TDCR_DIV1, 1000000);
	f->tsc = t0 + 300000;
	fake_write(f, APIC_REG_LVT_TIMER, PERIODIC);
	assert_int_equal(tmcct(f), 700000);
	assert_int_equal(fake_backend_deadline(f), t0 + 1000000);
	assert_true(fake_expire(f));
	assert_int_equal(fake_backend_deadline(f), t0 + 2000000);
	/* and back: the periodic count goes on, then fires once and stops */
	f->tsc = t0 + 1500000;
	fake_write(f, APIC_REG_LVT_TIMER, ONESHOT);
	assert_int_equal(tmcct(f), 500000);
	assert_int_equal(fake_take_and_eoi(f), VEC);
	assert_true(fake_expire(f));
	assert_true(fake_irr(f, VEC));
	assert_false(f->hv_armed || f->sw_armed);
	assert_int_equal(tmcct(f), 0);
	fake_free(f);
}

/* SDM and KVM: a one-shot that reached 0 stays at 0 when switched to periodic. */
static void expired_oneshot_to_periodic_stays_zero(void **state)
{
	struct fake_env *f = fake_new_enabled();

	(void)state;
	fake_timer_start(f, ONESHOT, APIC_TDCR_DIV1, 1000);
	assert_true(fake_expire(f));
	fake_write(f, APIC_REG_LVT_TIMER, PERIODIC);
	assert_int_equal(tmcct(f), 0);
	assert_false(f->hv_armed || f->sw_armed);
	f->tsc += 10000000;
	assert_false(fake_check(f));
	assert_int_equal(tmcct(f), 0);
	assert_int_equal(vlapic_stats(&f->v)->fires, 1);
	fake_free(f);
}

static void deadline_mode_switch_clears(void **state)
{
	struct fake_env *f = fake_new_enabled();

	(void)state;
	/* counting one-shot -> TSC-deadline: disarmed, TMICT cleared */
	fake_timer_start(f, ONESHOT, APIC_TDCR_DIV1, 1000000);
	fake_write(f, APIC_REG_LVT_TIMER, DEADLINE);
	assert_int_equal(fake_read(f, APIC_REG_TMICT), 0);
	assert_int_equal(tmcct(f), 0);
	assert_false(f->hv_armed || f->sw_armed);
	assert_int_equal(fake_rdmsr(f, MSR_IA32_TSC_DEADLINE), 0);
	/* TMICT writes are ignored in TSC-deadline mode */
	fake_write(f, APIC_REG_TMICT, 5000);
	assert_int_equal(fake_read(f, APIC_REG_TMICT), 0);
	assert_false(f->hv_armed || f->sw_armed);
	/* armed deadline -> periodic: disarmed, the MSR reads 0 and is ignored again */
	fake_wrmsr(f, MSR_IA32_TSC_DEADLINE, f->tsc + 5000);
	assert_true(f->hv_armed);
	fake_write(f, APIC_REG_LVT_TIMER, PERIODIC);
	assert_false(f->hv_armed || f->sw_armed);
	assert_int_equal(fake_rdmsr(f, MSR_IA32_TSC_DEADLINE), 0);
	assert_int_equal(tmcct(f), 0);
	f->tsc += 1000000;
	assert_false(fake_check(f));
	assert_false(fake_irr(f, VEC));
	fake_free(f);
}

static void deadline_mode(void **state)
{
	struct fake_env *f = fake_new_enabled();
	uint64_t t0 = f->tsc;

	(void)state;
	fake_write(f, APIC_REG_LVT_TIMER, DEADLINE);
	assert_int_equal(fake_read(f, APIC_REG_LVT_TIMER), DEADLINE);
	fake_wrmsr(f, MSR_IA32_TSC_DEADLINE, t0 + 5000);
	assert_int_equal(fake_rdmsr(f, MSR_IA32_TSC_DEADLINE), t0 + 5000);
	assert_int_equal(fake_backend_deadline(f), t0 + 5000);
	assert_int_equal(tmcct(f), 0);
	f->tsc = t0 + 4999;
	assert_false(fake_check(f));
	assert_true(fake_expire(f));
	assert_true(fake_irr(f, VEC));
	/* after firing the MSR reads 0 (SDM; Bochs keeps the old value) */
	assert_int_equal(fake_rdmsr(f, MSR_IA32_TSC_DEADLINE), 0);
	assert_false(f->hv_armed || f->sw_armed);
	assert_int_equal(fake_take_and_eoi(f), VEC);

	/* 0 disarms */
	fake_wrmsr(f, MSR_IA32_TSC_DEADLINE, f->tsc + 5000);
	fake_wrmsr(f, MSR_IA32_TSC_DEADLINE, 0);
	assert_false(f->hv_armed || f->sw_armed);
	f->tsc += 10000;
	assert_false(fake_check(f));
	assert_false(fake_irr(f, VEC));

	/* a deadline in the past (or now) fires at once, inside the WRMSR */
	fake_wrmsr(f, MSR_IA32_TSC_DEADLINE, f->tsc - 1);
	assert_true(fake_irr(f, VEC));
	assert_false(f->hv_armed || f->sw_armed);
	assert_int_equal(fake_rdmsr(f, MSR_IA32_TSC_DEADLINE), 0);
	assert_int_equal(fake_take_and_eoi(f), VEC);
	fake_wrmsr(f, MSR_IA32_TSC_DEADLINE, f->tsc);
	assert_true(fake_irr(f, VEC));
	/* a rewrite moves the deadline */
	assert_int_equal(fake_take_and_eoi(f), VEC);
	fake_wrmsr(f, MSR_IA32_TSC_DEADLINE, f->tsc + 100);
	fake_wrmsr(f, MSR_IA32_TSC_DEADLINE, f->tsc + 900);
	assert_int_equal(fake_backend_deadline(f), f->tsc + 900);
	assert_int_equal(vlapic_stats(&f->v)->fires, 3);
	/* a rewrite after an unseen expiry delivers that expiry first */
	f->tsc += 1000;
	fake_wrmsr(f, MSR_IA32_TSC_DEADLINE, f->tsc + 500);
	assert_true(fake_irr(f, VEC));
	assert_int_equal(vlapic_stats(&f->v)->fires, 4);
	assert_int_equal(fake_backend_deadline(f), f->tsc + 500);
	assert_int_equal(fake_rdmsr(f, MSR_IA32_TSC_DEADLINE), f->tsc + 500);
	fake_free(f);
}

static void deadline_msr_outside_mode(void **state)
{
	struct fake_env *f = fake_new_enabled();

	(void)state;
	fake_timer_start(f, ONESHOT, APIC_TDCR_DIV1, 0);
	fake_wrmsr(f, MSR_IA32_TSC_DEADLINE, f->tsc + 100);
	assert_int_equal(fake_rdmsr(f, MSR_IA32_TSC_DEADLINE), 0);
	assert_false(f->hv_armed || f->sw_armed);
	fake_write(f, APIC_REG_LVT_TIMER, DEADLINE);
	assert_int_equal(fake_rdmsr(f, MSR_IA32_TSC_DEADLINE), 0);
	assert_false(f->hv_armed || f->sw_armed);
	fake_free(f);
}

static void cfg_no_deadline(struct vlapic_config *cfg)
{
	cfg->tsc_deadline_supported = false;
}

static void deadline_unsupported(void **state)
{
	struct fake_env *f = fake_new_enabled_with(cfg_no_deadline);
	uint64_t val;

	(void)state;
	/* mode bit 18 does not exist: the write reads back as one-shot */
	fake_write(f, APIC_REG_LVT_TIMER, DEADLINE);
	assert_int_equal(fake_read(f, APIC_REG_LVT_TIMER), ONESHOT);
	assert_false(vlapic_msr_read(&f->v, MSR_IA32_TSC_DEADLINE, &val));
	assert_false(vlapic_msr_write(&f->v, MSR_IA32_TSC_DEADLINE, f->tsc + 10));
	/* and TMICT still works */
	fake_write(f, APIC_REG_TMICT, 100);
	assert_int_equal(fake_backend_deadline(f), f->tsc + 200);
	fake_free(f);
}

static void reserved_timer_mode(void **state)
{
	struct fake_env *f = fake_new_enabled();

	(void)state;
	fake_timer_start(f, PERIODIC, APIC_TDCR_DIV1, 300000);
	fake_write(f, APIC_REG_LVT_TIMER, VEC | 0x41 | APIC_LVT_TIMER_MODE);
	assert_int_equal(fake_read(f, APIC_REG_LVT_TIMER), (VEC | 0x41) | APIC_TIMER_PERIODIC);
	assert_int_equal(f->log_calls, 1);
	assert_int_equal(f->log_level, VLAPIC_LOG_WARN);
	assert_int_equal(fake_read(f, APIC_REG_TMICT), 300000);
	fake_free(f);
}

static void mask_keeps_counting(void **state)
{
	struct fake_env *f = fake_new_enabled();
	uint64_t t0 = f->tsc, p = 1000000;

	(void)state;
	fake_timer_start(f, ONESHOT | APIC_LVT_MASKED, APIC_TDCR_DIV1, p);
	f->tsc = t0 + 400000;
	assert_int_equal(tmcct(f), 600000);
	assert_true(fake_expire(f));
	assert_false(fake_irr(f, VEC));
	assert_int_equal(vlapic_stats(&f->v)->masked, 1);
	assert_int_equal(tmcct(f), 0);

	/* unmasked before the expiry: delivered at the original deadline */
	t0 = f->tsc;
	fake_write(f, APIC_REG_TMICT, p);
	f->tsc = t0 + 10;
	fake_write(f, APIC_REG_LVT_TIMER, ONESHOT);
	assert_int_equal(fake_backend_deadline(f), t0 + p);
	assert_true(fake_expire(f));
	assert_true(fake_irr(f, VEC));
	assert_int_equal(fake_take_and_eoi(f), VEC);

	/* a masked periodic timer keeps its phase */
	t0 = f->tsc;
	fake_timer_start(f, PERIODIC | APIC_LVT_MASKED, APIC_TDCR_DIV1, p);
	assert_true(fake_expire(f));
	assert_true(fake_expire(f));
	f->tsc = t0 + 2 * p + p / 2;
	assert_int_equal(tmcct(f), p / 2);
	fake_write(f, APIC_REG_LVT_TIMER, PERIODIC);
	assert_false(fake_irr(f, VEC));
	assert_true(fake_expire(f));
	assert_int_equal(f->tsc, t0 + 3 * p);
	assert_true(fake_irr(f, VEC));
	fake_free(f);
}

static void svr_disable_masks(void **state)
{
	struct fake_env *f = fake_new_enabled();
	uint64_t p = 1000000;

	(void)state;
	fake_timer_start(f, PERIODIC, APIC_TDCR_DIV1, p);
	fake_write(f, APIC_REG_LVT_LINT0, 0x700);
	fake_write(f, APIC_REG_SVR, 0xff);
	assert_int_equal(fake_read(f, APIC_REG_LVT_TIMER), PERIODIC | APIC_LVT_MASKED);
	assert_int_equal(fake_read(f, APIC_REG_LVT_LINT0), 0x700 | APIC_LVT_MASKED);
	assert_int_equal(fake_read(f, APIC_REG_LVT_ERROR), APIC_LVT_MASKED);
	/* the timer still counts, but delivers nothing */
	f->tsc += 1000;
	assert_int_equal(tmcct(f), p - 1000);
	assert_true(fake_expire(f));
	assert_false(fake_irr(f, VEC));
	/* a software-disabled APIC keeps the mask bits set (SDM 11.4.7.2) */
	fake_write(f, APIC_REG_LVT_TIMER, PERIODIC);
	assert_int_equal(fake_read(f, APIC_REG_LVT_TIMER), PERIODIC | APIC_LVT_MASKED);
	/* re-enabling leaves them masked until written */
	fake_write(f, APIC_REG_SVR, 0x1ff);
	assert_true(fake_expire(f));
	assert_false(fake_irr(f, VEC));
	fake_write(f, APIC_REG_LVT_TIMER, PERIODIC);
	assert_true(fake_expire(f));
	assert_true(fake_irr(f, VEC));
	assert_int_equal(vlapic_stats(&f->v)->fires, 3);
	fake_free(f);
}

static void divide_change_rescales(void **state)
{
	struct fake_env *f = fake_new_enabled();
	uint64_t t0 = f->tsc;

	(void)state;
	fake_timer_start(f, ONESHOT, TDCR_DIV2, 1000);
	f->tsc = t0 + 500;
	assert_int_equal(tmcct(f), 750);
	fake_write(f, APIC_REG_TDCR, TDCR_DIV4);
	assert_int_equal(tmcct(f), 750);
	assert_int_equal(fake_backend_deadline(f), t0 + 500 + 750 * 4);
	f->tsc += 4 * 50;
	assert_int_equal(tmcct(f), 700);
	fake_write(f, APIC_REG_TDCR, APIC_TDCR_DIV1);
	assert_int_equal(tmcct(f), 700);
	assert_int_equal(fake_backend_deadline(f), f->tsc + 700);
	assert_true(fake_expire(f));
	assert_true(fake_irr(f, VEC));

	/* periodic: the next periods use the new divisor */
	t0 = f->tsc;
	fake_timer_start(f, PERIODIC, TDCR_DIV2, 200000);
	f->tsc = t0 + 100000;
	fake_write(f, APIC_REG_TDCR, TDCR_DIV4);
	assert_int_equal(tmcct(f), 150000);
	assert_int_equal(fake_backend_deadline(f), t0 + 100000 + 600000);
	assert_true(fake_expire(f));
	assert_int_equal(fake_backend_deadline(f), t0 + 700000 + 800000);
	/* the stale TMICT of the stopped one-shot (1000 at divide by 1) raised nothing */
	assert_int_equal(vlapic_stats(&f->v)->min_period_raised, 0);
	assert_int_equal(f->log_calls, 0);
	fake_free(f);
}

static void tmict_zero_stops(void **state)
{
	struct fake_env *f = fake_new_enabled();

	(void)state;
	fake_timer_start(f, PERIODIC, APIC_TDCR_DIV1, 1000000);
	f->tsc += 1000;
	fake_write(f, APIC_REG_TMICT, 0);
	assert_int_equal(tmcct(f), 0);
	assert_false(f->hv_armed || f->sw_armed);
	f->tsc += 10000000;
	assert_false(fake_check(f));
	assert_false(fake_irr(f, VEC));
	assert_int_equal(vlapic_stats(&f->v)->fires, 0);
	fake_free(f);
}

static void tmict_rewrite_restarts(void **state)
{
	struct fake_env *f = fake_new_enabled();
	uint64_t t0 = f->tsc;
	unsigned int arms;

	(void)state;
	fake_timer_start(f, ONESHOT, APIC_TDCR_DIV1, 1000000);
	f->tsc = t0 + 999999;
	fake_write(f, APIC_REG_TMICT, 1000000);
	assert_int_equal(tmcct(f), 1000000);
	assert_int_equal(fake_backend_deadline(f), t0 + 999999 + 1000000);
	/* a rewrite after an unseen expiry delivers that expiry first, and arms the backend once */
	f->tsc += 1000000 + 5;
	arms = f->hv_arm_calls;
	fake_write(f, APIC_REG_TMICT, 50);
	assert_true(fake_irr(f, VEC));
	assert_int_equal(vlapic_stats(&f->v)->fires, 1);
	assert_int_equal(fake_backend_deadline(f), f->tsc + 50);
	assert_int_equal(f->hv_arm_calls, arms + 1);
	fake_free(f);
}

/* Expiries while the vector still waits in IRR coalesce, and are counted. */
static void missed_ticks_coalesce(void **state)
{
	struct fake_env *f = fake_new_enabled();
	const struct vlapic_stats *st = vlapic_stats(&f->v);

	(void)state;
	fake_timer_start(f, PERIODIC, APIC_TDCR_DIV1, 1000000);
	assert_true(fake_expire(f));
	assert_true(fake_expire(f));
	assert_true(fake_expire(f));
	assert_int_equal(st->posted, 1);
	assert_int_equal(st->missed, 2);
	/* in service and pending again: one more interrupt, then none */
	assert_true(vlapic_ack(&f->v, VEC));
	assert_true(fake_expire(f));
	assert_true(fake_irr(f, VEC));
	assert_true(fake_isr(f, VEC));
	assert_int_equal(st->posted, 2);
	fake_write(f, APIC_REG_EOI, 0);
	assert_int_equal(fake_take_and_eoi(f), VEC);
	assert_int_equal(fake_take_and_eoi(f), -1);
	fake_free(f);
}

static void illegal_timer_vector(void **state)
{
	struct fake_env *f = fake_new_enabled();

	(void)state;
	fake_write(f, APIC_REG_LVT_ERROR, 0xee);
	fake_timer_start(f, 0x0e | APIC_TIMER_ONESHOT, APIC_TDCR_DIV1, 100);
	assert_true(fake_expire(f));
	assert_false(fake_irr(f, 0x0e));
	/* a receive-illegal-vector error, raised through LVT error */
	assert_true(fake_irr(f, 0xee));
	fake_write(f, APIC_REG_ESR, 0);
	assert_int_equal(fake_read(f, APIC_REG_ESR), APIC_ESR_RECV_ILLEGAL);
	assert_int_equal(vlapic_stats(&f->v)->masked, 1);
	fake_free(f);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(oneshot_fires_once),
		cmocka_unit_test(tmcct_every_divisor),
		cmocka_unit_test(timer_rate_above_4ghz),
		cmocka_unit_test(periodic_wraps),
		cmocka_unit_test(periodic_no_drift),
		cmocka_unit_test(periodic_catch_up_clamp),
		cmocka_unit_test(periodic_min_period),
		cmocka_unit_test(min_period_floor),
		cmocka_unit_test(mode_switch_keeps_count),
		cmocka_unit_test(expired_oneshot_to_periodic_stays_zero),
		cmocka_unit_test(deadline_mode_switch_clears),
		cmocka_unit_test(deadline_mode),
		cmocka_unit_test(deadline_msr_outside_mode),
		cmocka_unit_test(deadline_unsupported),
		cmocka_unit_test(reserved_timer_mode),
		cmocka_unit_test(mask_keeps_counting),
		cmocka_unit_test(svr_disable_masks),
		cmocka_unit_test(divide_change_rescales),
		cmocka_unit_test(tmict_zero_stops),
		cmocka_unit_test(tmict_rewrite_restarts),
		cmocka_unit_test(missed_ticks_coalesce),
		cmocka_unit_test(illegal_timer_vector),
	};

	return cmocka_run_group_tests_name("vlapic_timer", tests, NULL, NULL);
}
