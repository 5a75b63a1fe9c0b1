/* SPDX-License-Identifier: MIT */
/*
 * Timer advance: the backend is armed `advance` TSC ticks before the target, so that the exit,
 * the expiry handling and the injection are done by the time the target comes; the last VM
 * entry before the guest sees the interrupt then waits for the target itself, so the guest never
 * sees its timer early. With timer_advance=auto the advance follows the lateness measured at that
 * entry (entry TSC - target, before the wait): late means the advance is too short, early that
 * it is too long. Each sample moves it by an eighth of the error, at least one tick, within
 * [0, advance_max]: from a constant exit cost C it converges to exactly C. A sample further off
 * than advance_max (a guest with IF=0 that needed an interrupt window, a long unrelated exit)
 * says nothing about the exit cost and is not used for tuning.
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
		t->advance = given;
		break;
	case VLAPIC_ADVANCE_AUTO:
		t->advance = given < t->advance_max ? given : t->advance_max;
		break;
	default:
		t->advance = 0;
		break;
	}
	v->stats.advance_tsc = t->advance;
}

static void tune(struct vlapic *v, int64_t late)
{
	struct vlapic_timer *t = &v->timer;
	int64_t max = t->advance_max, step, next;

	if (!late || late > max || late < -max)
		return;
	step = late / (1 << ADVANCE_GAIN_SHIFT);
	if (!step)
		step = late > 0 ? 1 : -1;
	next = (int64_t)t->advance + step;
	if (next < 0)
		next = 0;
	else if (next > max)
		next = max;
	t->advance = next;
	v->stats.advance_tsc = next;
}

void vlapic_timer_entry(struct vlapic *v)
{
	struct vlapic_timer *t = &v->timer;
	uint64_t now, start;
	int64_t late;

	if (!t->wait_pending)
		return;
	t->wait_pending = false;
	start = vlapic_now(v);
	late = (int64_t)(start - t->wait_target);
	if (!v->stats.lateness_samples++) {
		v->stats.lateness_min = late;
		v->stats.lateness_max = late;
	} else if (late < v->stats.lateness_min) {
		v->stats.lateness_min = late;
	} else if (late > v->stats.lateness_max) {
		v->stats.lateness_max = late;
	}
	if (v->cfg.advance_mode == VLAPIC_ADVANCE_AUTO)
		tune(v, late);
	for (now = start; now < t->wait_target; now = vlapic_now(v))
		;
	v->stats.wait_tsc += now - start;
}
