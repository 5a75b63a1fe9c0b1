/* SPDX-License-Identifier: MIT */
/* Timer backends (hv, sw, range fallback, HLT) and the timer advance, against the fake TSC. */
#include "tests/unit/vlapic_fake_env.h"

#define VEC		0x40
#define PERIOD		1000000u	/* 1 ms at 1 GHz, divide by 1 */

static void cfg_sw(struct vlapic_config *cfg)
{
	cfg->backend = VLAPIC_TIMER_SW;
}

static void cfg_no_pt(struct vlapic_config *cfg)
{
	cfg->hv_available = false;
}

static void cfg_range(struct vlapic_config *cfg)
{
	cfg->hv_max_delta = 100000;
}

static void cfg_fixed_advance(struct vlapic_config *cfg)
{
	cfg->advance_mode = VLAPIC_ADVANCE_FIXED;
	cfg->advance_ns = 500;
}

static void cfg_auto(struct vlapic_config *cfg)
{
	cfg->advance_mode = VLAPIC_ADVANCE_AUTO;
	cfg->advance_max_ns = 20000;
}

static void cfg_auto_high_start(struct vlapic_config *cfg)
{
	cfg_auto(cfg);
	cfg->advance_ns = 15000;
}

static void hv_by_default(void **state)
{
	struct fake_env *f = fake_new_enabled();
	uint64_t t0 = f->tsc;

	(void)state;
	assert_false(f->hv_armed);
	fake_timer_start(f, VEC | APIC_TIMER_PERIODIC, APIC_TDCR_DIV1, PERIOD);
	assert_true(f->hv_armed);
	assert_false(f->sw_armed);
	assert_int_equal(f->hv_deadline, t0 + PERIOD);
	assert_true(fake_expire(f));
	assert_true(f->hv_armed);
	assert_int_equal(f->hv_deadline, t0 + 2 * PERIOD);
	assert_int_equal(f->sw_arm_calls, 0);
	assert_int_equal(vlapic_stats(&f->v)->hv_arms, 2);
	/* stopping the timer releases the backend */
	fake_write(f, APIC_REG_TMICT, 0);
	assert_false(f->hv_armed);
	assert_false(f->sw_armed);
	assert_int_equal(f->hv_cancel_calls, 1);
	fake_free(f);
}

static void sw_only(void **state)
{
	void (*const cfgs[])(struct vlapic_config *) = { cfg_sw, cfg_no_pt };

	(void)state;
	for (size_t i = 0; i < 2; i++) {
		struct fake_env *f = fake_new_enabled_with(cfgs[i]);
		uint64_t t0 = f->tsc;

		fake_timer_start(f, VEC | APIC_TIMER_PERIODIC, APIC_TDCR_DIV1, PERIOD);
		assert_true(f->sw_armed);
		assert_int_equal(f->sw_deadline, t0 + PERIOD);
		assert_false(f->hv_armed);
		assert_true(fake_expire(f));
		assert_int_equal(f->sw_deadline, t0 + 2 * PERIOD);
		/* HLT changes nothing for sw */
		vlapic_vcpu_blocking(&f->v, f->tsc);
		vlapic_vcpu_unblocking(&f->v);
		assert_true(f->sw_armed);
		assert_int_equal(f->hv_arm_calls, 0);
		assert_int_equal(vlapic_stats(&f->v)->sw_arms, 2);
		fake_free(f);
	}
}

/* Beyond the preemption timer's reach: sw, and back to hv once the deadline is in range. */
static void hv_range_fallback(void **state)
{
	struct fake_env *f = fake_new_enabled_with(cfg_range);
	uint64_t t0 = f->tsc;

	(void)state;
	fake_timer_start(f, VEC | APIC_TIMER_ONESHOT, APIC_TDCR_DIV1, 300000);
	assert_true(f->sw_armed);
	assert_false(f->hv_armed);
	assert_int_equal(f->sw_deadline, t0 + 300000);
	assert_int_equal(vlapic_stats(&f->v)->hv_range_fallbacks, 1);
	/* an unrelated exit, still out of range */
	f->tsc = t0 + 199999;
	assert_false(fake_check(f));
	assert_true(f->sw_armed);
	/* in range now */
	f->tsc = t0 + 200000;
	assert_false(fake_check(f));
	assert_true(f->hv_armed);
	assert_false(f->sw_armed);
	assert_int_equal(f->hv_deadline, t0 + 300000);
	assert_true(fake_expire(f));
	assert_true(fake_irr(f, VEC));
	/* an in-range timer goes straight to hv */
	fake_write(f, APIC_REG_TMICT, 100000);
	assert_true(f->hv_armed);
	assert_int_equal(vlapic_stats(&f->v)->hv_range_fallbacks, 1);
	/* a far TSC deadline also falls back */
	fake_write(f, APIC_REG_LVT_TIMER, VEC | APIC_TIMER_TSC_DEADLINE);
	fake_wrmsr(f, MSR_IA32_TSC_DEADLINE, f->tsc + 5000000);
	assert_true(f->sw_armed);
	assert_false(f->hv_armed);
	assert_int_equal(vlapic_stats(&f->v)->hv_range_fallbacks, 2);
	fake_free(f);
}

static void hlt_moves_to_sw(void **state)
{
	struct fake_env *f = fake_new_enabled();
	uint64_t t0 = f->tsc;

	(void)state;
	fake_timer_start(f, VEC | APIC_TIMER_PERIODIC, APIC_TDCR_DIV1, PERIOD);
	assert_true(f->hv_armed);
	vlapic_vcpu_blocking(&f->v, f->tsc);
	assert_false(f->hv_armed);
	assert_true(f->sw_armed);
	assert_int_equal(f->sw_deadline, t0 + PERIOD);
	/* the host LAPIC wakes the host; the periodic re-arm stays on sw while halted */
	assert_true(fake_expire(f));
	assert_true(f->sw_armed);
	assert_int_equal(f->sw_deadline, t0 + 2 * PERIOD);
	vlapic_vcpu_unblocking(&f->v);
	assert_true(f->hv_armed);
	assert_false(f->sw_armed);
	assert_int_equal(f->hv_deadline, t0 + 2 * PERIOD);
	/* halting with the timer stopped arms nothing */
	fake_write(f, APIC_REG_TMICT, 0);
	vlapic_vcpu_blocking(&f->v, f->tsc);
	assert_false(f->hv_armed || f->sw_armed);
	vlapic_vcpu_unblocking(&f->v);
	assert_false(f->hv_armed || f->sw_armed);
	fake_free(f);
}

static void fixed_advance(void **state)
{
	struct fake_env *f = fake_new_enabled_with(cfg_fixed_advance);
	const struct vlapic_stats *st = vlapic_stats(&f->v);
	uint64_t t0 = f->tsc, target = t0 + PERIOD;

	(void)state;
	assert_int_equal(vlapic_timer_advance(&f->v), 500);
	fake_timer_start(f, VEC | APIC_TIMER_PERIODIC, APIC_TDCR_DIV1, PERIOD);
	assert_int_equal(f->hv_deadline, target - 500);
	/* not before the advance */
	f->tsc = target - 501;
	assert_false(fake_check(f));
	assert_false(fake_irr(f, VEC));
	/* posted 500 ticks early; the entry waits for the deadline itself */
	f->tsc = target - 500;
	assert_true(fake_check(f));
	assert_true(fake_irr(f, VEC));
	assert_int_equal(f->hv_deadline, target + PERIOD - 500);
	f->tsc += 100;
	f->tsc_step = 1;
	vlapic_timer_entry(&f->v);
	assert_true(f->tsc >= target && f->tsc <= target + 1);
	assert_int_equal(st->lateness_samples, 1);
	assert_int_equal(st->lateness_min, -400);
	assert_true(st->wait_tsc >= 400 && st->wait_tsc <= 401);
	assert_int_equal(vlapic_timer_advance(&f->v), 500);
	/* nothing posted, nothing to wait for */
	f->tsc_step = 0;
	vlapic_timer_entry(&f->v);
	assert_int_equal(st->lateness_samples, 1);
	fake_free(f);
}

/*
 * A constant exit-to-entry cost of C ticks: from advance 0 (and from above), auto tuning must
 * reach exactly C (or its bound), stay within the bound all the way, and then enter right at the
 * deadline. The TSC moves one tick per read only inside vlapic_timer_entry, so that the cost
 * stays exactly C; the entry then ends one read past max(entry, deadline).
 */
static void run_auto(void (*tweak)(struct vlapic_config *), uint64_t cost, uint64_t expect)
{
	struct fake_env *f = fake_new_enabled_with(tweak);
	const struct vlapic_stats *st = vlapic_stats(&f->v);
	uint64_t t0 = f->tsc, target, entry;

	fake_timer_start(f, VEC | APIC_TIMER_PERIODIC, APIC_TDCR_DIV1, PERIOD);
	for (int i = 0; i <= 300; i++) {
		/* the backend was armed with the advance of the time: ask the period instead */
		target = t0 + (i + 1) * (uint64_t)PERIOD;
		assert_true(fake_expire(f));
		f->tsc += cost;
		entry = f->tsc;
		f->tsc_step = 1;
		vlapic_timer_entry(&f->v);
		f->tsc_step = 0;
		assert_int_equal(f->tsc, (entry > target ? entry : target) + 1);
		assert_true(vlapic_timer_advance(&f->v) <= 20000);
		assert_int_equal(fake_take_and_eoi(f), VEC);
	}
	/* converged: the guest is entered at the deadline, or as close as the bound allows */
	assert_int_equal(vlapic_timer_advance(&f->v), expect);
	assert_int_equal(entry, target + cost - expect);
	assert_int_equal(st->lateness_samples, 301);
	fake_free(f);
}

static void auto_advance_converges(void **state)
{
	(void)state;
	run_auto(cfg_auto, 3000, 3000);
	run_auto(cfg_auto_high_start, 3000, 3000);
	run_auto(cfg_auto, 7, 7);
	run_auto(cfg_auto, 19990, 19990);
	/* a cost beyond the bound: the advance stops at the bound */
	run_auto(cfg_auto, 30000, 20000);
	run_auto(cfg_auto, 100000, 20000);
	run_auto(cfg_auto_high_start, 30000, 20000);
}

static void auto_advance_spins_when_early(void **state)
{
	struct fake_env *f = fake_new_enabled_with(cfg_auto_high_start);
	const struct vlapic_stats *st = vlapic_stats(&f->v);
	uint64_t target;

	(void)state;
	fake_timer_start(f, VEC | APIC_TIMER_PERIODIC, APIC_TDCR_DIV1, PERIOD);
	target = f->hv_deadline + 15000;
	assert_true(fake_expire(f));
	f->tsc += 1000;
	f->tsc_step = 3;
	vlapic_timer_entry(&f->v);
	assert_true(f->tsc >= target && f->tsc < target + 3 * 2);
	/* 14000 early: the advance shrinks by an eighth of it */
	assert_int_equal(st->lateness_min, -14000);
	assert_int_equal(vlapic_timer_advance(&f->v), 15000 - 14000 / 8);
	fake_free(f);
}

/*
 * One sample far off (a long exit before the entry) moves the advance by a bounded step; an
 * expiry that an unrelated exit found inside the advance is no sample of the cost at all.
 */
static void auto_advance_samples(void **state)
{
	struct fake_env *f = fake_new_enabled_with(cfg_auto);
	const struct vlapic_stats *st = vlapic_stats(&f->v);
	uint64_t t0 = f->tsc;

	(void)state;
	fake_timer_start(f, VEC | APIC_TIMER_PERIODIC, APIC_TDCR_DIV1, PERIOD);
	assert_true(fake_expire(f));
	f->tsc += 500000;
	vlapic_timer_entry(&f->v);
	assert_int_equal(vlapic_timer_advance(&f->v), 20000 / 8);
	assert_int_equal(st->lateness_max, 500000);
	assert_int_equal(fake_take_and_eoi(f), VEC);
	/* the second expiry was armed with advance 0; an unrelated exit 2000 ticks before it */
	assert_int_equal(fake_backend_deadline(f), t0 + 2 * PERIOD);
	f->tsc = t0 + 2 * PERIOD - 2000;
	assert_true(fake_check(f));
	f->tsc_step = 1;
	vlapic_timer_entry(&f->v);
	f->tsc_step = 0;
	assert_int_equal(f->tsc, t0 + 2 * PERIOD + 1);
	assert_int_equal(st->lateness_min, -2000);
	assert_int_equal(vlapic_timer_advance(&f->v), 2500);
	assert_int_equal(fake_take_and_eoi(f), VEC);
	/* the third, armed 2500 early, taken by its backend with a cost of 800 */
	assert_int_equal(fake_backend_deadline(f), t0 + 3 * PERIOD - 2500);
	assert_true(fake_expire(f));
	f->tsc += 800;
	f->tsc_step = 1;
	vlapic_timer_entry(&f->v);
	assert_int_equal(vlapic_timer_advance(&f->v), 2500 + (800 - 2500) / 8);
	assert_int_equal(st->lateness_samples, 3);
	fake_free(f);
}

/* Only expiries that posted a vector are measured; the off mode never waits. */
static void advance_off(void **state)
{
	struct fake_env *f = fake_new_enabled();
	const struct vlapic_stats *st = vlapic_stats(&f->v);
	uint64_t t0 = f->tsc;

	(void)state;
	fake_timer_start(f, VEC | APIC_TIMER_PERIODIC | APIC_LVT_MASKED, APIC_TDCR_DIV1,
			 PERIOD);
	assert_int_equal(f->hv_deadline, t0 + PERIOD);
	assert_true(fake_expire(f));
	vlapic_timer_entry(&f->v);
	assert_int_equal(st->lateness_samples, 0);
	fake_write(f, APIC_REG_LVT_TIMER, VEC | APIC_TIMER_PERIODIC);
	assert_true(fake_expire(f));
	f->tsc += 250;
	vlapic_timer_entry(&f->v);
	assert_int_equal(st->lateness_samples, 1);
	assert_int_equal(st->lateness_max, 250);
	assert_int_equal(vlapic_timer_advance(&f->v), 0);
	assert_int_equal(st->wait_tsc, 0);
	fake_free(f);
}

/*
 * An expiry run early that posts no vector (masked, coalesced with one still in IRR, an illegal
 * vector) holds the entry back to its target all the same: else the guest would run on before
 * the target with the state after the expiry (a masked periodic TMCCT above TMICT, a one-shot
 * TMCCT or a fired IA32_TSC_DEADLINE at 0). It is no lateness sample.
 */
static void early_unposted_expiry_waits(void **state)
{
	static const struct {
		uint32_t lvtt;
		bool coalesce;
	} cases[] = {
		{ VEC | APIC_TIMER_PERIODIC | APIC_LVT_MASKED, false },
		{ VEC | APIC_TIMER_ONESHOT, true },
		{ 0x0e | APIC_TIMER_TSC_DEADLINE, false },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct fake_env *f = fake_new_enabled_with(cfg_fixed_advance);
		const struct vlapic_stats *st = vlapic_stats(&f->v);
		uint32_t mode = cases[i].lvtt & APIC_LVT_TIMER_MODE;
		uint64_t target = f->tsc + PERIOD;

		fake_write(f, APIC_REG_TDCR, APIC_TDCR_DIV1);
		fake_write(f, APIC_REG_LVT_TIMER, cases[i].lvtt);
		if (mode == APIC_TIMER_TSC_DEADLINE)
			fake_wrmsr(f, MSR_IA32_TSC_DEADLINE, target);
		else
			fake_write(f, APIC_REG_TMICT, PERIOD);
		if (cases[i].coalesce)
			fake_write(f, APIC_REG_ICR_LO, APIC_ICR_SELF | VEC);
		assert_int_equal(fake_backend_deadline(f), target - 500);
		f->tsc = target - 500;
		assert_true(fake_check(f));
		assert_int_equal(st->posted, 0);
		/* the entry ends one read past the target */
		f->tsc_step = 1;
		vlapic_timer_entry(&f->v);
		assert_int_equal(f->tsc, target + 1);
		assert_int_equal(st->wait_tsc, 500);
		assert_int_equal(st->lateness_samples, 0);
		/* what the guest reads then comes after the expiry */
		if (mode == APIC_TIMER_PERIODIC)
			assert_int_equal(fake_read(f, APIC_REG_TMCCT), PERIOD - 1);
		else if (mode == APIC_TIMER_ONESHOT)
			assert_int_equal(fake_read(f, APIC_REG_TMCCT), 0);
		else
			assert_int_equal(fake_rdmsr(f, MSR_IA32_TSC_DEADLINE), 0);
		fake_free(f);
	}
}

/*
 * A timer register access in the exit that ran an expiry early waits for its target too, as
 * the entry would; that exit's cost is then no sample for the automatic advance.
 */
static void early_expiry_access_waits(void **state)
{
	struct fake_env *f = fake_new_enabled_with(cfg_fixed_advance);
	const struct vlapic_stats *st = vlapic_stats(&f->v);
	uint64_t target = f->tsc + PERIOD;

	(void)state;
	fake_timer_start(f, VEC | APIC_TIMER_PERIODIC | APIC_LVT_MASKED, APIC_TDCR_DIV1,
			 PERIOD);
	f->tsc = target - 500;
	assert_true(fake_check(f));
	f->tsc_step = 1;
	/* read at the target, when the next period starts: TMCCT is TMICT, not above it */
	assert_int_equal(fake_read(f, APIC_REG_TMCCT), PERIOD);
	assert_int_equal(f->tsc, target + 1);
	assert_int_equal(st->wait_tsc, 500);
	vlapic_timer_entry(&f->v);
	assert_int_equal(st->wait_tsc, 500);
	fake_free(f);

	f = fake_new_enabled_with(cfg_auto_high_start);
	st = vlapic_stats(&f->v);
	target = f->tsc + PERIOD;
	fake_write(f, APIC_REG_LVT_TIMER, VEC | APIC_TIMER_TSC_DEADLINE);
	fake_wrmsr(f, MSR_IA32_TSC_DEADLINE, target);
	assert_true(fake_expire(f));
	assert_int_equal(f->tsc, target - 15000);
	assert_true(fake_irr(f, VEC));
	f->tsc_step = 1;
	assert_int_equal(fake_rdmsr(f, MSR_IA32_TSC_DEADLINE), 0);
	assert_int_equal(f->tsc, target + 1);
	vlapic_timer_entry(&f->v);
	assert_int_equal(st->lateness_samples, 1);
	assert_int_equal(st->lateness_min, 1);
	assert_int_equal(vlapic_timer_advance(&f->v), 15000);
	fake_free(f);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(hv_by_default),
		cmocka_unit_test(sw_only),
		cmocka_unit_test(hv_range_fallback),
		cmocka_unit_test(hlt_moves_to_sw),
		cmocka_unit_test(fixed_advance),
		cmocka_unit_test(auto_advance_converges),
		cmocka_unit_test(auto_advance_spins_when_early),
		cmocka_unit_test(auto_advance_samples),
		cmocka_unit_test(advance_off),
		cmocka_unit_test(early_unposted_expiry_waits),
		cmocka_unit_test(early_expiry_access_waits),
	};

	return cmocka_run_group_tests_name("vlapic_backend", tests, NULL, NULL);
}
