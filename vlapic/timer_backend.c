/* SPDX-License-Identifier: MIT */
/*
 * The two timer backends and the one place that chooses between them (KVM's
 * restart_apic_timer role). The hv backend is the VMX-preemption timer (SDM 26.5.1 in vol. 3C):
 * cheapest, but it counts only in VMX non-root operation, its 32-bit field limits how far away
 * the deadline may be, and it can't wake a host that sleeps in HLT. The sw backend is the host's
 * own LAPIC timer, which the glue programs; it covers all three cases. The choice:
 *
 *	timer=sw, no preemption timer, vCPU halted	-> sw
 *	deadline beyond hv_max_delta			-> sw, back to hv once it comes in range
 *	otherwise					-> hv
 *
 * Both are armed at target - advance (timer_advance.c: at most a quarter of a period).
 */
#include "vlapic/internal.h"

static uint64_t arm_at(const struct vlapic_timer *t)
{
	uint64_t advance = vlapic_timer_effective_advance(t);

	return t->target > advance ? t->target - advance : 0;
}

static bool hv_wanted(const struct vlapic *v)
{
	return v->cfg.backend == VLAPIC_TIMER_HV && v->cfg.hv_available && !v->timer.blocking;
}

static bool hv_in_range(const struct vlapic *v, uint64_t when, uint64_t now)
{
	return !v->cfg.hv_max_delta || when <= now || when - now <= v->cfg.hv_max_delta;
}

void vlapic_timer_backend_stop(struct vlapic *v)
{
	struct vlapic_timer *t = &v->timer;

	if (t->backend == VLAPIC_BACKEND_HV)
		v->ops->hv_timer_cancel(v->ctx);
	else if (t->backend == VLAPIC_BACKEND_SW)
		v->ops->sw_timer_cancel(v->ctx);
	t->backend = VLAPIC_BACKEND_NONE;
}

static bool try_hv(struct vlapic *v, uint64_t when, uint64_t now)
{
	struct vlapic_timer *t = &v->timer;

	if (!hv_in_range(v, when, now)) {
		t->range_fallback = true;
		return false;
	}
	t->range_fallback = false;
	v->ops->hv_timer_arm(v->ctx, when);
	if (t->backend == VLAPIC_BACKEND_SW)
		v->ops->sw_timer_cancel(v->ctx);
	t->backend = VLAPIC_BACKEND_HV;
	t->backend_deadline = when;
	v->stats.hv_arms++;
	return true;
}

/* Hands the timer's next expiry to the right backend, or stops both when it has none. */
void vlapic_timer_restart(struct vlapic *v, uint64_t now)
{
	struct vlapic_timer *t = &v->timer;
	uint64_t when;

	if (!t->armed) {
		vlapic_timer_backend_stop(v);
		return;
	}
	when = arm_at(t);
	if (hv_wanted(v)) {
		if (t->backend == VLAPIC_BACKEND_HV && t->backend_deadline == when)
			return;
		if (try_hv(v, when, now))
			return;
	} else {
		t->range_fallback = false;
	}
	if (t->backend == VLAPIC_BACKEND_SW && t->backend_deadline == when)
		return;
	if (t->backend == VLAPIC_BACKEND_HV)
		v->ops->hv_timer_cancel(v->ctx);
	v->ops->sw_timer_arm(v->ctx, when);
	t->backend = VLAPIC_BACKEND_SW;
	t->backend_deadline = when;
	v->stats.sw_arms++;
	if (t->range_fallback)
		v->stats.hv_range_fallbacks++;
}

/*
 * On every exit: a deadline that was too far for the preemption timer may have come in range;
 * move it back to hv, which keeps working while the guest runs with IF=0 on Bochs.
 */
void vlapic_timer_recheck_range(struct vlapic *v, uint64_t now)
{
	const struct vlapic_timer *t = &v->timer;

	if (t->backend == VLAPIC_BACKEND_SW && t->range_fallback && hv_wanted(v) &&
	    hv_in_range(v, t->backend_deadline, now))
		vlapic_timer_restart(v, now);
}

void vlapic_vcpu_blocking(struct vlapic *v, uint64_t now)
{
	v->timer.blocking = true;
	vlapic_timer_restart(v, now);
}

/* The host slept for an unknown time: the range check needs the TSC of now. */
void vlapic_vcpu_unblocking(struct vlapic *v)
{
	v->timer.blocking = false;
	vlapic_timer_restart(v, vlapic_now(v));
}
