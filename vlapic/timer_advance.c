/* SPDX-License-Identifier: MIT */
/*
 * Timer advance: the backend is armed `advance` TSC ticks before the target, so that the exit,
 * the expiry handling and the injection are done by the time the target comes; the VM entry
 * that carries the interrupt then waits for the target itself, so the guest never sees its
 * timer early. Lateness (entry TSC - target, before that wait; < 0 is early) goes to the
 * statistics.
 *
 * Only expiries that posted a vector are measured; one that posted none (masked, coalesced) is
 * waited for all the same, so that the guest never sees the timer's state after an expiry
 * before its target.
 *
 * With timer_advance=auto the advance follows the cost it has to absorb: entry TSC - the point
 * the backend was armed for, sampled on expiries that the backend itself brought. Measuring the
 * cost rather than the lateness keeps it right although the next expiry is armed before this
 * one is measured. Each sample moves the advance by an eighth of its error, at least one tick,
 * and the advance stays within [0, advance_max]: from a constant cost C it converges to exactly
 * C (or to advance_max if C is beyond it) and stays there. An error counts at most advance_max,
 * so that one long exit between the expiry and the entry (an I/O exit that prints, say) moves
 * the advance by at most advance_max / 8, which the next samples take back; the guest never
 * sees the difference, only the wait before the entry grows for a while.
 */
#include "vlapic/internal.h"

/* Fraction of the measured error applied per sample: smooths out jitter */
#define ADVANCE_GAIN_SHIFT	3

void vlapic_timer_advance_init(struct vlapic *v)
{
	struct vlapic_timer *t = &v->timer;
	uint32_t max_ns = v->cfg.advance_max_ns ? v->cfg.advance_max_ns :
			  VLAPIC_ADVANCE_MAX_NS_DEFAULT;
	uint64_t given = vlapic_ns_to_tsc(v, v->cfg.advance_ns);

	t->advance_max = vlapic_ns_to_tsc(v, max_ns);
	switch (v->cfg.advance_mode) {
	case VLAPIC_ADVANCE_FIXED:
	case VLAPIC_ADVANCE_AUTO:
		/* the bound holds for a fixed advance too: it is what the guest may be held up */
		t->advance = given < t->advance_max ? given : t->advance_max;
		break;
	default:
		t->advance = 0;
		break;
	}
}

uint64_t vlapic_timer_advance(const struct vlapic *v)
{
	return v->timer.advance;
}

/*
 * The advance a deadline is armed with: at most a quarter of a periodic timer's period. With an
 * advance of a period or more the backend would be armed before the expiry in hand, every entry
 * would exit at once and the guest would never run (vlapic_timer_keep_pace relies on it).
 */
uint64_t vlapic_timer_effective_advance(const struct vlapic_timer *t)
{
	uint64_t quarter = t->period / 4;

	if (t->mode == APIC_TIMER_PERIODIC && t->period && t->advance > quarter)
		return quarter;
	return t->advance;
}

/*
 * Is an expiry that the exit at `now` runs a sample of the exit cost? Only if its own backend
 * brought it: the exit came at or after the backend's deadline, and soon after it. An exit that
 * came more than a quarter of advance_max late was held up by the guest, not by the cost of an
 * exit: on the sw backend a guest running with IF=0 gets no external-interrupt exit until it
 * sets IF again (on Bochs), or the exit is an unrelated one long after; counting those would
 * drive the advance to its bound and hold the guest back that long on every tick.
 */
bool vlapic_timer_cost_sample(const struct vlapic_timer *t, uint64_t now)
{
	return now >= t->backend_deadline && now - t->backend_deadline <= t->advance_max / 4;
}

static void tune(struct vlapic *v, int64_t cost)
{
	struct vlapic_timer *t = &v->timer;
	int64_t max = t->advance_max, error = cost - (int64_t)t->advance, step, next;

	if (!error)
		return;
	if (error > max)
		error = max;
	else if (error < -max)
		error = -max;
	step = error / (1 << ADVANCE_GAIN_SHIFT);
	if (!step)
		step = error > 0 ? 1 : -1;
	next = (int64_t)t->advance + step;
	if (next < 0)
		next = 0;
	else if (next > max)
		next = max;
	t->advance = next;
}

void vlapic_timer_entry(struct vlapic *v)
{
	struct vlapic_timer *t = &v->timer;
	uint64_t now, start;
	int64_t late;

	if (!t->wait_pending) {
		if (t->fired) {
			t->fired = false;
			vlapic_timer_keep_pace(v, vlapic_now(v));
		}
		return;
	}
	t->wait_pending = false;
	start = vlapic_now(v);
	if (t->wait_posted) {
		late = (int64_t)(start - t->wait_target);
		if (!v->stats.lateness_samples++) {
			v->stats.lateness_min = late;
			v->stats.lateness_max = late;
		} else if (late < v->stats.lateness_min) {
			v->stats.lateness_min = late;
		} else if (late > v->stats.lateness_max) {
			v->stats.lateness_max = late;
		}
	}
	if (v->cfg.advance_mode == VLAPIC_ADVANCE_AUTO && t->wait_tune)
		tune(v, (int64_t)(start - t->wait_armed));
	for (now = start; now < t->wait_target; now = vlapic_now(v))
		;
	v->stats.wait_tsc += now - start;
	t->fired = false;
	vlapic_timer_keep_pace(v, now);
}
