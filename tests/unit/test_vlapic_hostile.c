/* SPDX-License-Identifier: MIT */
/*
 * What a hostile or unusual guest can do to the vLAPIC (issue 11), against the fake TSC: options
 * that must not livelock, exit costs that must not be mistaken, and the order of the glue's
 * calls on an exit (the timer check first, then the exit's handler: vmx/apic_glue.c) with the
 * register values the expiry must be judged against.
 */
#include <string.h>

#include "arch/x86/ratelimit.h"
#include "tests/unit/vlapic_fake_env.h"

#define VEC		0x40
#define VEC2		0x50
#define PERIOD		1000000u	/* 1 ms at 1 GHz, divide by 1 */
#define ONESHOT		(VEC | APIC_TIMER_ONESHOT)
#define PERIODIC	(VEC | APIC_TIMER_PERIODIC)
#define DEADLINE	(VEC | APIC_TIMER_TSC_DEADLINE)
#define ADVANCE		500u

static void cfg_huge_advance(struct vlapic_config *cfg)
{
	cfg->advance_mode = VLAPIC_ADVANCE_FIXED;
	cfg->advance_ns = 300000;	/* 300 us, above the 200 us minimum period */
}

static void cfg_no_min_period(struct vlapic_config *cfg)
{
	cfg->min_period_us = 0;
}

static void cfg_sw_auto(struct vlapic_config *cfg)
{
	cfg->backend = VLAPIC_TIMER_SW;
	cfg->advance_mode = VLAPIC_ADVANCE_AUTO;
	cfg->advance_max_ns = 20000;
}

static void cfg_fixed(struct vlapic_config *cfg)
{
	cfg->advance_mode = VLAPIC_ADVANCE_FIXED;
	cfg->advance_ns = ADVANCE;
}

/*
 * One timer exit and the entry after it, the exit costing `cost` ticks: true if the guest then
 * gets to run before the backend goes off again (the VMX-preemption timer at 0 exits before the
 * guest's first instruction).
 */
static bool exit_and_enter(struct fake_env *f, uint64_t cost)
{
	fake_expire(f);
	f->tsc += cost;
	f->tsc_step = 1;
	vlapic_timer_entry(&f->v);
	f->tsc_step = 0;
	return fake_backend_deadline(f) > f->tsc;
}

/* Finding 1: timer_advance at or above the period must not keep the guest from running. */
static void huge_advance_no_livelock(void **state)
{
	struct fake_env *f = fake_new_enabled_with(cfg_huge_advance);

	(void)state;
	/* a 10 us count, raised to the 200 us minimum */
	fake_timer_start(f, PERIODIC, APIC_TDCR_DIV1, 10000);
	for (int i = 0; i < 100; i++)
		assert_true(exit_and_enter(f, 100));
	/* the advance is bounded, and a periodic timer uses at most a quarter period of it */
	assert_true(vlapic_timer_advance(&f->v) <= VLAPIC_ADVANCE_MAX_NS_DEFAULT);
	assert_true(fake_take_and_eoi(f) == VEC);
	fake_free(f);
}

/* Finding 1: min_period_us=0 with TMICT 1 and an exit dearer than any period. */
static void tiny_period_no_livelock(void **state)
{
	struct fake_env *f = fake_new_enabled_with(cfg_no_min_period);
	const struct vlapic_stats *st = vlapic_stats(&f->v);

	(void)state;
	fake_timer_start(f, PERIODIC, APIC_TDCR_DIV1, 1);
	for (int i = 0; i < 100; i++)
		assert_true(exit_and_enter(f, 5000));
	/* the periods the host could not keep up with were coalesced, not replayed */
	assert_true(st->clamped > 0);
	assert_true(st->posted >= 1);
	fake_free(f);
}

/*
 * Finding 2: on the sw backend an exit that a guest with IF=0 held up 15 us past the backend's
 * deadline is no sample of the exit cost: the advance must not climb; genuine exits still tune.
 */
static void late_exits_not_sampled(void **state)
{
	struct fake_env *f = fake_new_enabled_with(cfg_sw_auto);

	(void)state;
	fake_timer_start(f, PERIODIC, APIC_TDCR_DIV1, PERIOD);
	for (int i = 0; i < 50; i++) {
		f->tsc = fake_backend_deadline(f) + 15000;
		assert_true(fake_check(f));
		f->tsc += 200;
		vlapic_timer_entry(&f->v);
		assert_int_equal(fake_take_and_eoi(f), VEC);
	}
	assert_int_equal(vlapic_timer_advance(&f->v), 0);
	/* an exit 100 ticks after the deadline and 200 to the entry: a cost of 300 */
	for (int i = 0; i < 200; i++) {
		f->tsc = fake_backend_deadline(f) + 100;
		assert_true(fake_check(f));
		f->tsc += 200;
		f->tsc_step = 1;
		vlapic_timer_entry(&f->v);
		f->tsc_step = 0;
		assert_int_equal(fake_take_and_eoi(f), VEC);
	}
	assert_true(vlapic_timer_advance(&f->v) >= 280 && vlapic_timer_advance(&f->v) <= 320);
	fake_free(f);
}

/*
 * Finding 3 and the exit order. With APIC-register virtualization the guest's write is in the
 * page before the APIC-write exit; the glue then runs the timer check, then the handler. An
 * expiry that fell due before the write is judged against the values before it.
 */
static void apic_write_after_due_expiry(void **state)
{
	static const struct {
		uint32_t off;
		uint32_t val;
		uint8_t expect;
	} cases[] = {
		{ APIC_REG_LVT_TIMER, ONESHOT | APIC_LVT_MASKED, VEC },
		{ APIC_REG_LVT_TIMER, VEC2 | APIC_TIMER_ONESHOT, VEC },
		{ APIC_REG_SVR, 0xff, VEC },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct fake_env *f = fake_new_enabled();
		uint64_t target;

		fake_timer_start(f, ONESHOT, APIC_TDCR_DIV1, PERIOD);
		target = fake_backend_deadline(f);
		/* the guest wrote 10 ticks after the expiry fell due, before any exit for it */
		f->tsc = target + 10;
		f->page[cases[i].off / 4] = cases[i].val;
		assert_true(fake_check(f));
		vlapic_apic_write(&f->v, cases[i].off);
		assert_true(fake_irr(f, cases[i].expect));
		assert_false(fake_irr(f, VEC2));
		assert_int_equal(f->page[cases[i].off / 4] & APIC_LVT_VECTOR,
				 cases[i].val & APIC_LVT_VECTOR);
		fake_free(f);
	}
}

/*
 * Finding 3/5 with an advance: the same write 200 ticks before the target, whose exit runs the
 * expiry early, is judged after the write: masked, nothing is delivered at the target.
 */
static void apic_write_before_target(void **state)
{
	struct fake_env *f = fake_new_enabled_with(cfg_fixed);
	uint64_t target;

	(void)state;
	fake_timer_start(f, ONESHOT, APIC_TDCR_DIV1, PERIOD);
	target = f->tsc + PERIOD;
	f->tsc = target - 200;
	f->page[APIC_REG_LVT_TIMER / 4] = ONESHOT | APIC_LVT_MASKED;
	assert_true(fake_check(f));
	vlapic_apic_write(&f->v, APIC_REG_LVT_TIMER);
	assert_false(fake_irr(f, VEC));
	/* still due at the target: the next exit runs it, masked, and the entry waits for it */
	assert_true(fake_backend_deadline(f) <= f->tsc);
	assert_true(fake_check(f));
	f->tsc_step = 1;
	vlapic_timer_entry(&f->v);
	assert_true(f->tsc > target);
	assert_false(fake_irr(f, VEC));
	assert_int_equal(vlapic_stats(&f->v)->fires, 1);
	assert_int_equal(vlapic_stats(&f->v)->masked, 1);
	assert_int_equal(fake_read(f, APIC_REG_TMCCT), 0);
	fake_free(f);
}

/* Runs a one-shot (or deadline) timer's expiry early: the exit 100 ticks before its target */
static uint64_t early_expiry(struct fake_env *f, uint32_t lvtt)
{
	uint64_t target = f->tsc + PERIOD;

	if ((lvtt & APIC_LVT_TIMER_MODE) == APIC_TIMER_TSC_DEADLINE) {
		fake_write(f, APIC_REG_LVT_TIMER, lvtt);
		fake_wrmsr(f, MSR_IA32_TSC_DEADLINE, target);
	} else {
		fake_timer_start(f, lvtt, APIC_TDCR_DIV1, PERIOD);
	}
	f->tsc = target - 100;
	assert_true(fake_check(f));
	assert_true(fake_irr(f, VEC));
	/* the old code waited for the target in the write: let such a wait end */
	f->tsc_step = 1;
	return target;
}

/*
 * Finding 5: a timer write in the exit that ran the expiry early came before the target: the
 * expiry has not happened in the guest's time and the write cancels or moves it.
 */
static void write_in_advance_window(void **state)
{
	struct fake_env *f;
	uint64_t target;

	(void)state;
	/* TMICT = 0 stops the timer: no tick */
	f = fake_new_enabled_with(cfg_fixed);
	early_expiry(f, ONESHOT);
	fake_write(f, APIC_REG_TMICT, 0);
	assert_false(fake_irr(f, VEC));
	assert_false(f->hv_armed || f->sw_armed);
	vlapic_timer_entry(&f->v);
	assert_int_equal(vlapic_stats(&f->v)->fires, 0);
	assert_int_equal(vlapic_stats(&f->v)->lateness_samples, 0);
	fake_free(f);

	/* a TMICT rewrite starts a new count: its tick comes a whole count later */
	f = fake_new_enabled_with(cfg_fixed);
	early_expiry(f, ONESHOT);
	fake_write(f, APIC_REG_TMICT, PERIOD);
	assert_false(fake_irr(f, VEC));
	assert_true(fake_backend_deadline(f) > f->tsc + PERIOD - 2 * ADVANCE);
	fake_free(f);

	/* a new TSC deadline replaces the old one */
	f = fake_new_enabled_with(cfg_fixed);
	target = early_expiry(f, DEADLINE);
	fake_wrmsr(f, MSR_IA32_TSC_DEADLINE, target + PERIOD);
	assert_false(fake_irr(f, VEC));
	assert_int_equal(fake_backend_deadline(f), target + PERIOD - ADVANCE);
	assert_int_equal(fake_rdmsr(f, MSR_IA32_TSC_DEADLINE), target + PERIOD);
	fake_free(f);

	/* one-shot -> periodic: the count runs on and goes on after its first expiry */
	f = fake_new_enabled_with(cfg_fixed);
	target = early_expiry(f, ONESHOT);
	fake_write(f, APIC_REG_LVT_TIMER, PERIODIC);
	assert_false(fake_irr(f, VEC));
	assert_true(fake_check(f));
	vlapic_timer_entry(&f->v);
	assert_true(fake_irr(f, VEC));
	assert_int_equal(fake_backend_deadline(f), target + PERIOD - ADVANCE);
	fake_free(f);
}

/* Finding 4: while IA32_APIC_BASE.EN = 0 writes are dropped; a re-enable is the reset state. */
static void disabled_apic_writes_dropped(void **state)
{
	struct fake_env *f = fake_new_enabled();
	uint64_t base = fake_rdmsr(f, MSR_IA32_APIC_BASE);
	uint32_t val;

	(void)state;
	fake_wrmsr(f, MSR_IA32_APIC_BASE, base & ~APIC_BASE_EN);
	/* APIC-write exits of a disabled APIC (the CPU stored the values first) */
	f->page[APIC_REG_SVR / 4] = 0x1ff;
	vlapic_apic_write(&f->v, APIC_REG_SVR);
	f->page[APIC_REG_LVT_TIMER / 4] = PERIODIC;
	vlapic_apic_write(&f->v, APIC_REG_LVT_TIMER);
	f->page[APIC_REG_TMICT / 4] = 1000;
	vlapic_apic_write(&f->v, APIC_REG_TMICT);
	assert_false(f->hv_armed || f->sw_armed);
	/* and a TPR write that the CPU virtualizes without an exit */
	f->page[APIC_REG_TPR / 4] = 0x20;
	/* APIC-access exits of a disabled APIC */
	assert_false(vlapic_mmio_write(&f->v, APIC_REG_TMICT, 1000));
	assert_false(vlapic_mmio_read(&f->v, APIC_REG_SVR, &val));
	assert_false(f->hv_armed || f->sw_armed);
	fake_wrmsr(f, MSR_IA32_APIC_BASE, base);
	assert_int_equal(fake_read(f, APIC_REG_SVR), APIC_SVR_RESET);
	assert_int_equal(fake_read(f, APIC_REG_TMICT), 0);
	assert_int_equal(fake_read(f, APIC_REG_TPR), 0);
	assert_int_equal(fake_read(f, APIC_REG_LVT_TIMER), APIC_LVT_MASKED);
	assert_false(f->hv_armed || f->sw_armed);
	fake_free(f);
}

/* Finding 9: the x2APIC ICR's reserved bits 13, 17:16 and 31:20 raise #GP (SDM 11.12.1.3). */
static void x2apic_icr_reserved_bits(void **state)
{
	static const uint64_t reserved[] = { 1u << 13, 1u << 16, 1u << 17, 1u << 20, 1u << 31 };
	struct fake_env *f = fake_new_enabled();
	uint64_t base = fake_rdmsr(f, MSR_IA32_APIC_BASE);
	uint32_t icr = APIC_X2APIC_MSR(APIC_REG_ICR_LO);

	(void)state;
	fake_wrmsr(f, MSR_IA32_APIC_BASE, base | APIC_BASE_EXTD);
	for (size_t i = 0; i < sizeof(reserved) / sizeof(reserved[0]); i++) {
		assert_false(vlapic_msr_write(&f->v, icr, APIC_ICR_SELF | VEC | reserved[i]));
		assert_false(fake_irr(f, VEC));
	}
	fake_wrmsr(f, icr, APIC_ICR_SELF | VEC);
	assert_true(fake_irr(f, VEC));
	fake_free(f);
}

/*
 * Finding 9: a TDCR change while a periodic timer runs at the minimum period keeps that period:
 * the countdown in progress is not stretched by the divisor's ratio.
 */
static void tdcr_change_at_min_period(void **state)
{
	struct fake_env *f = fake_new_enabled();
	uint64_t t0 = f->tsc, min = 200000;

	(void)state;
	/* 10 us at divide by 1, raised to 200 us; divide by 2 makes it 20 us, still raised */
	fake_timer_start(f, PERIODIC, APIC_TDCR_DIV1, 10000);
	assert_int_equal(fake_backend_deadline(f), t0 + min);
	f->tsc = t0 + min / 2;
	fake_write(f, APIC_REG_TDCR, 0x0);
	assert_int_equal(fake_backend_deadline(f), t0 + min);
	fake_free(f);
}

/*
 * Finding 10: a guest repeating a diagnosed access gets a logarithmic number of lines, and a
 * line after a gap says how many were left out.
 */
static void log_rate_limited(void **state)
{
	struct fake_env *f = fake_new_enabled();
	uint64_t base = fake_rdmsr(f, MSR_IA32_APIC_BASE);
	uint32_t val;

	(void)state;
	fake_wrmsr(f, MSR_IA32_APIC_BASE, base | APIC_BASE_EXTD);
	for (int i = 0; i < 6503; i++)
		assert_false(vlapic_mmio_read(&f->v, APIC_REG_SVR, &val));
	/* 10 one by one, then the 16th, 32nd, ... 4096th */
	assert_int_equal(f->log_calls, 10 + 9);
	assert_non_null(strstr(f->log_last, "outside xAPIC mode (2047 more suppressed)"));
	/* another kind of diagnostic has counters of its own: its first line comes at once */
	f->page[APIC_REG_ID / 4] = 0;
	vlapic_apic_write(&f->v, APIC_REG_VERSION);
	assert_int_equal(f->log_calls, 20);
	assert_null(strstr(f->log_last, "suppressed"));
	fake_free(f);
}

/*
 * Finding 10, the glue's lines (vmx/, chipset glue): each counts its events and prints
 * ratelimit_suppressed(). Every event is either printed or counted in the next printed line, and
 * the count agrees with vlapic_log's (the 4096th line says 2047).
 */
static void ratelimit_suppressed_adds_up(void **state)
{
	uint64_t accounted = 0;

	(void)state;
	for (uint64_t n = 1; n <= 1u << 20; n++) {
		if (!ratelimit_report(n))
			continue;
		accounted += 1 + ratelimit_suppressed(n);
		assert_int_equal(accounted, n);
	}
	assert_int_equal(ratelimit_suppressed(10), 0);
	assert_int_equal(ratelimit_suppressed(16), 5);
	assert_int_equal(ratelimit_suppressed(4096), 2047);
}

/*
 * Finding 7: the xAPIC ID is read/write (SDM table 11-1), by MMIO and by an APIC-write exit;
 * physical-destination IPIs follow the new ID. x2APIC mode takes the x2APIC ID.
 */
static void xapic_id_write(void **state)
{
	struct fake_env *f = fake_new_enabled();
	uint64_t base = fake_rdmsr(f, MSR_IA32_APIC_BASE);

	(void)state;
	fake_write(f, APIC_REG_ID, 0x05abcdef);
	assert_int_equal(fake_read(f, APIC_REG_ID), 0x05000000);
	fake_write(f, APIC_REG_ICR_HI, (FAKE_APIC_ID & 0xff) << 24);
	fake_write(f, APIC_REG_ICR_LO, VEC);
	assert_false(fake_irr(f, VEC));
	fake_write(f, APIC_REG_ICR_HI, 0x05000000);
	fake_write(f, APIC_REG_ICR_LO, VEC);
	assert_true(fake_irr(f, VEC));
	/* APIC-register virtualization: the value is in the page, the exit follows */
	f->page[APIC_REG_ID / 4] = 0x07000000;
	vlapic_apic_write(&f->v, APIC_REG_ID);
	assert_int_equal(f->log_calls, 0);
	fake_write(f, APIC_REG_ICR_HI, 0x07000000);
	fake_write(f, APIC_REG_ICR_LO, VEC2);
	assert_true(fake_irr(f, VEC2));
	fake_wrmsr(f, MSR_IA32_APIC_BASE, base | APIC_BASE_EXTD);
	assert_int_equal(fake_rdmsr(f, APIC_X2APIC_MSR(APIC_REG_ID)), FAKE_APIC_ID);
	assert_false(vlapic_msr_write(&f->v, APIC_X2APIC_MSR(APIC_REG_ID), 5));
	fake_free(f);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(huge_advance_no_livelock),
		cmocka_unit_test(tiny_period_no_livelock),
		cmocka_unit_test(late_exits_not_sampled),
		cmocka_unit_test(apic_write_after_due_expiry),
		cmocka_unit_test(apic_write_before_target),
		cmocka_unit_test(write_in_advance_window),
		cmocka_unit_test(disabled_apic_writes_dropped),
		cmocka_unit_test(x2apic_icr_reserved_bits),
		cmocka_unit_test(tdcr_change_at_min_period),
		cmocka_unit_test(log_rate_limited),
		cmocka_unit_test(ratelimit_suppressed_adds_up),
		cmocka_unit_test(xapic_id_write),
	};

	return cmocka_run_group_tests_name("vlapic_hostile", tests, NULL, NULL);
}
