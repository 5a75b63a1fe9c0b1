/* SPDX-License-Identifier: MIT */
/*
 * The APIC timer (SDM 11.5.4): one-shot, periodic and TSC-deadline modes, all kept as one
 * absolute host-TSC target. Which backend brings the VM exit at that target is the business of
 * timer_backend.c; this file only says when the target is and what happens when it is reached.
 *
 * The count is never stored. A countdown of span S TSC ticks ends at `target`, and TMCCT is
 * remaining * TMICT / S, which is remaining / (divisor * k) whenever S is the whole count. (S is
 * longer only for a periodic timer raised to the minimum period: its count then runs from TMICT
 * to 0 over that longer period.)
 *
 * Periodic expiries follow from the previous target, never from "now", so there is no drift:
 * after N periods the target is exactly start + N * period. When the host falls a whole period
 * or more behind (a long exit, a slow host), the missed expiries are not replayed as a storm of
 * interrupts: one is delivered and the target is clamped to the first period boundary after now,
 * which keeps the phase; the periods skipped count in stats.clamped.
 *
 * An expiry delivers the LVT timer vector into IRR unless the LVT is masked; the timer runs on
 * either way (SDM 11.5.4: a masked timer keeps counting). Missed ticks: if the vector is still
 * pending in IRR, the expiry coalesces with it, as on hardware where IRR is a bit per vector and
 * not a counter; the guest gets one interrupt for both and stats.missed counts the lost one.
 */
#include "vlapic/internal.h"

/* SDM figure 11-10: TDCR bits 3,1,0 = 000 -> divide by 2, 001 -> 4, ... 110 -> 128, 111 -> 1 */
static uint32_t divide_shift(uint32_t tdcr)
{
	uint32_t code = ((tdcr & 8) >> 1) | (tdcr & 3);

	return (code + 1) & 7;
}

/* TSC ticks of a whole count: TMICT x divisor x k, exactly */
static uint64_t count_ticks(const struct vlapic_timer *t)
{
	return ((uint64_t)t->tmict << t->divide_shift) * t->k;
}

/*
 * The interval between periodic expiries, raised to min_period_us when shorter: a guest must
 * not be able to keep the host busy with exits (KVM limits it to 200 us by default, too).
 */
static void set_period(struct vlapic *v)
{
	struct vlapic_timer *t = &v->timer;

	t->period = count_ticks(t);
	if (t->mode != APIC_TIMER_PERIODIC || !t->period || t->period >= t->min_period)
		return;
	/*
	 * Counted and said only for a running timer, not for a stale TMICT; said at debug level,
	 * since a console line at 115200 baud inside this exit would hold the guest up for
	 * milliseconds, far behind its new timer. The exit statistics show the count.
	 */
	if (t->armed && vlapic_once(v, VLAPIC_ONCE_MIN_PERIOD))
		vlapic_log(v, VLAPIC_LOG_DEBUG, "periodic timer of %llu TSC ticks raised to %llu",
			   (unsigned long long)t->period, (unsigned long long)t->min_period);
	v->stats.min_period_raised += t->armed;
	t->period = t->min_period;
}

/*
 * The target is reached, or with `early` (vlapic_timer_check) is less than the advance away.
 * An expiry run early holds the next VM entry back to its target (vlapic_timer_entry) whether it
 * posted a vector or not: the guest must not run on before the target with the state after it
 * (TMCCT wrapped or 0, IA32_TSC_DEADLINE 0). Only a posted vector is an interrupt whose lateness
 * means something, and only one that its own backend brought is a sample of the exit cost.
 */
static void fire(struct vlapic *v, uint64_t now, bool early)
{
	struct vlapic_timer *t = &v->timer;
	enum vlapic_accept outcome = vlapic_lvt_deliver(v, t->lvtt);
	bool posted = false;
	uint64_t next, skipped;

	v->stats.fires++;
	t->fired = true;
	switch (outcome) {
	case VLAPIC_POSTED:
		v->stats.posted++;
		posted = true;
		break;
	case VLAPIC_COALESCED:
		v->stats.missed++;
		break;
	case VLAPIC_DROPPED:
		v->stats.masked++;
		break;
	}
	if (early && (posted || now < t->target)) {
		t->wait_pending = true;
		t->wait_target = t->target;
		t->wait_armed = t->backend_deadline;
		t->wait_posted = posted;
		t->wait_tune = posted && vlapic_timer_cost_sample(t, now);
		t->wait_span = t->span;
		t->wait_vector = t->lvtt & APIC_LVT_VECTOR;
		t->wait_outcome = outcome;
	}

	/* one-shot and TSC-deadline fire once: TMCCT and IA32_TSC_DEADLINE read 0 (SDM 11.5.4.1) */
	if (t->mode != APIC_TIMER_PERIODIC) {
		t->armed = false;
		return;
	}
	next = t->target + t->period;
	if (next <= now) {
		skipped = (now - next) / t->period + 1;
		v->stats.clamped += skipped;
		next += skipped * t->period;
	}
	t->target = next;
	t->span = t->period;
}

/*
 * The TSC of a timer register access. vlapic_timer_check may have run an expiry early on this
 * exit (less than the advance before its target): the access waits for that target, as the VM
 * entry would, so that the guest reads and changes the timer no earlier than the expiry whose
 * state it already holds. The wait spoils that exit's cost as a sample for the advance.
 */
static uint64_t access_time(struct vlapic *v)
{
	struct vlapic_timer *t = &v->timer;
	uint64_t start = vlapic_now(v), now;

	if (!t->wait_pending || start >= t->wait_target)
		return start;
	t->wait_tune = false;
	for (now = start; now < t->wait_target; now = vlapic_now(v))
		;
	v->stats.wait_tsc += now - start;
	return now;
}

/*
 * Takes back the expiry that vlapic_timer_check ran early in this exit: the guest wrote a timer
 * register before the expiry's target, so in its time the expiry has not happened, and it must
 * be judged against what the write leaves (KVM cancels its pending expiry on these writes too).
 * No VM entry came between, so the vector it posted can't have been delivered yet.
 */
static void undo(struct vlapic *v)
{
	struct vlapic_timer *t = &v->timer;

	v->stats.fires--;
	switch ((enum vlapic_accept)t->wait_outcome) {
	case VLAPIC_POSTED:
		v->stats.posted--;
		vlapic_unpost(v, t->wait_vector);
		break;
	case VLAPIC_COALESCED:
		v->stats.missed--;
		break;
	case VLAPIC_DROPPED:
		v->stats.masked--;
		break;
	}
	t->armed = true;
	t->target = t->wait_target;
	t->span = t->wait_span;
	t->wait_pending = false;
	t->fired = false;
}

/* The TSC of a timer register write: one before an early expiry's target undoes it. */
static uint64_t write_time(struct vlapic *v)
{
	struct vlapic_timer *t = &v->timer;
	uint64_t now = vlapic_now(v);

	if (t->wait_pending && now < t->wait_target)
		undo(v);
	return now;
}

/*
 * Runs an expiry that is due, so that a register access acts on the state after it. True if it
 * ran: the backend then holds a stale deadline, and the caller must restart it.
 */
static bool sync(struct vlapic *v, uint64_t now)
{
	if (!v->timer.armed || now < v->timer.target)
		return false;
	fire(v, now, false);
	return true;
}

bool vlapic_timer_check(struct vlapic *v, uint64_t now)
{
	struct vlapic_timer *t = &v->timer;

	/*
	 * Due once less than the advance away (vlapic_timer_entry holds the entry back to the
	 * target), and at the latest when the backend goes off: auto tuning may have shrunk the
	 * advance since it was armed, and the backend would not go off again.
	 */
	if (!t->armed || (now + vlapic_timer_effective_advance(t) < t->target &&
			  now < t->backend_deadline)) {
		vlapic_timer_recheck_range(v, now);
		return false;
	}
	fire(v, now, true);
	vlapic_timer_restart(v, now);
	return true;
}

void vlapic_timer_reset(struct vlapic *v)
{
	struct vlapic_timer *t = &v->timer;

	t->mode = APIC_TIMER_ONESHOT;
	t->lvtt = APIC_LVT_MASKED;
	t->fired = false;
	t->tmict = 0;
	t->divide_shift = divide_shift(0);
	t->armed = false;
	t->period = 0;
	t->span = 0;
	t->wait_pending = false;
	vlapic_timer_backend_stop(v);
}

/*
 * Every LVT timer write comes here, the mask and vector too: they decide what an expiry due
 * from now on delivers, and one due before the write delivers under the old value (sync).
 */
void vlapic_timer_lvtt_write(struct vlapic *v, uint32_t lvtt)
{
	struct vlapic_timer *t = &v->timer;
	uint32_t mode = lvtt & APIC_LVT_TIMER_MODE;
	uint64_t now = write_time(v);

	sync(v, now);
	t->lvtt = lvtt;
	if (mode != t->mode) {
		if (mode == APIC_TIMER_TSC_DEADLINE || t->mode == APIC_TIMER_TSC_DEADLINE) {
			/*
			 * SDM 11.5.4.1: switching into or out of TSC-deadline mode disarms the
			 * timer; TMICT and the deadline MSR read 0 afterwards, as under KVM.
			 */
			t->armed = false;
			t->tmict = 0;
			vlapic_set_reg(v, APIC_REG_TMICT, 0);
		}
		/*
		 * One-shot <-> periodic keeps the running count: the target stays, only what
		 * happens at expiry changes. A one-shot that already expired stays at 0 (SDM; KVM
		 * does the same).
		 */
		t->mode = mode;
		set_period(v);
	}
	vlapic_timer_restart(v, now);
}

uint32_t vlapic_timer_tmict_write(struct vlapic *v, uint32_t tmict)
{
	struct vlapic_timer *t = &v->timer;
	uint64_t now;

	/* SDM 11.5.4.1: TMICT writes are ignored in TSC-deadline mode */
	if (t->mode == APIC_TIMER_TSC_DEADLINE)
		return 0;
	now = write_time(v);
	sync(v, now);
	/* SDM 11.5.4: a write starts a new count; 0 stops the timer */
	t->tmict = tmict;
	t->armed = tmict != 0;
	set_period(v);
	t->span = t->period;
	t->target = now + t->period;
	vlapic_timer_restart(v, now);
	return tmict;
}

/*
 * A new divisor while counting rescales what is left of the countdown by the ratio of the
 * periods, so that TMCCT goes on from the same value at the new rate. The periods, not the
 * counts: a periodic timer raised to the minimum period stays at it whatever the divisor.
 */
void vlapic_timer_tdcr_write(struct vlapic *v, uint32_t tdcr)
{
	struct vlapic_timer *t = &v->timer;
	uint32_t shift = divide_shift(tdcr);
	uint64_t now, old_period;

	if (shift == t->divide_shift)
		return;
	now = write_time(v);
	sync(v, now);
	old_period = t->period;
	t->divide_shift = shift;
	set_period(v);
	if (t->armed && t->mode != APIC_TIMER_TSC_DEADLINE && old_period) {
		t->target = now + vlapic_mul_div(t->target - now, t->period, old_period);
		t->span = vlapic_mul_div(t->span, t->period, old_period);
	}
	vlapic_timer_restart(v, now);
}

uint32_t vlapic_timer_tmcct(struct vlapic *v)
{
	const struct vlapic_timer *t = &v->timer;
	uint64_t now;

	/* SDM 11.5.4: always 0 in TSC-deadline mode */
	if (t->mode == APIC_TIMER_TSC_DEADLINE)
		return 0;
	now = access_time(v);
	if (sync(v, now))
		vlapic_timer_restart(v, now);
	/* 0 when stopped, or expired in one-shot mode */
	if (!t->armed)
		return 0;
	/* now < target, and target - now <= span: this is at most TMICT */
	return vlapic_mul_div(t->target - now, t->tmict, t->span);
}

uint64_t vlapic_timer_deadline_read(struct vlapic *v)
{
	uint64_t now;

	/* SDM 11.5.4.1: the MSR reads 0 outside TSC-deadline mode */
	if (v->timer.mode != APIC_TIMER_TSC_DEADLINE)
		return 0;
	now = access_time(v);
	if (sync(v, now))
		vlapic_timer_restart(v, now);
	/* and 0 when disarmed or fired: the target is the deadline while it is armed */
	return v->timer.armed ? v->timer.target : 0;
}

void vlapic_timer_deadline_write(struct vlapic *v, uint64_t deadline)
{
	struct vlapic_timer *t = &v->timer;
	uint64_t now;

	/* SDM 11.5.4.1: writes are ignored outside TSC-deadline mode; 0 disarms */
	if (t->mode != APIC_TIMER_TSC_DEADLINE)
		return;
	now = write_time(v);
	sync(v, now);
	t->armed = deadline != 0;
	t->target = deadline;
	/* a deadline already past fires at once */
	if (t->armed && now >= deadline)
		fire(v, now, false);
	vlapic_timer_restart(v, now);
}

/*
 * Right before the VM entry after an expiry. If handling it took the host past the periodic
 * timer's next target, the entry would exit again before the guest's first instruction, fire
 * that one, and with a period shorter than an exit so on for ever. Skip whole periods
 * (coalesced, as fire()'s clamp does) to the first target after now. That one is at most an
 * advance away, which is a quarter period at most: its exit runs it early and the entry waits
 * for it, after which the next backend deadline is three quarters of a period away. So the guest
 * runs at least that long between two timer exits, whatever an exit costs.
 */
void vlapic_timer_keep_pace(struct vlapic *v, uint64_t now)
{
	struct vlapic_timer *t = &v->timer;
	uint64_t skipped;

	if (!t->armed || t->mode != APIC_TIMER_PERIODIC || t->target > now)
		return;
	skipped = (now - t->target) / t->period + 1;
	v->stats.clamped += skipped;
	t->target += skipped * t->period;
	t->span = t->period;
	vlapic_timer_restart(v, now);
}
