/* SPDX-License-Identifier: MIT */
/* The owner of every virtual timer's "exit at or after TSC T" (deadlines.h). */
#include "arch/x86/lapic.h"
#include "arch/x86/trap.h"
#include "vmx/deadlines.h"
#include "vmx/vmcs_fields.h"
#include "vmx/vmx_ops.h"

struct deadline {
	enum deadline_backend backend;
	uint64_t tsc;
	bool automatic;			/* deadlines_set_auto: this module picks the backend */
	deadline_check_fn check;
	void *ctx;
};

static struct {
	struct vcpu *vcpu;
	bool hv_usable;
	uint64_t hv_max_delta;
	bool blocking;
	struct deadline d[DEADLINE_OWNERS];
	bool sw_armed;			/* the host LAPIC timer is programmed ... */
	uint64_t sw_tsc;		/* ... for this TSC */
	bool host_timer_spent;		/* it interrupted since it was last programmed */
} dl;

/*
 * SDM 26.5.1: the preemption timer counts down by 1 each time TSC bit `shift` changes, so a value
 * V loaded at TSC `now` expires at or after ((now >> shift) + V) << shift. Rounding the deadline
 * up here, once per change, leaves entry.S a subtraction, and the exit never comes early. With
 * none, entry.S stops reloading the field; the value it holds must not fire: the farthest there
 * is. The timer stays enabled in the pin-based controls for the whole run with timer=hv
 * (vmcs.c): arming and cancelling cost no VMWRITE of the controls.
 */
static void program_hv(void)
{
	struct vcpu *v = dl.vcpu;
	uint64_t min = UINT64_MAX, expiry;

	for (unsigned int i = 0; i < DEADLINE_OWNERS; i++)
		if (dl.d[i].backend == DEADLINE_HV && dl.d[i].tsc < min)
			min = dl.d[i].tsc;
	if (min == UINT64_MAX) {
		if (v->preemption_expiry) {
			v->preemption_expiry = 0;
			vmwrite(VMCS_PREEMPTION_TIMER, 0xffffffffu);
		}
		return;
	}
	expiry = (min >> v->preemption_shift) + !!(min & ((1ull << v->preemption_shift) - 1));
	/* 0 means "none"; a deadline that rounds to 0 is long past: fire at once. */
	v->preemption_expiry = expiry ? expiry : 1;
}

/* The host LAPIC timer follows the earliest sw deadline; a spent one needs no stopping. */
static void program_sw(void)
{
	uint64_t min = UINT64_MAX;

	for (unsigned int i = 0; i < DEADLINE_OWNERS; i++)
		if (dl.d[i].backend == DEADLINE_SW && dl.d[i].tsc < min)
			min = dl.d[i].tsc;
	if (min == UINT64_MAX) {
		if (dl.sw_armed && !dl.host_timer_spent)
			lapic_timer_stop();
		dl.sw_armed = false;
		return;
	}
	if (dl.sw_armed && dl.sw_tsc == min && !dl.host_timer_spent)
		return;
	dl.sw_armed = true;
	dl.sw_tsc = min;
	dl.host_timer_spent = false;
	lapic_timer_arm_tsc(min);
}

static void program(enum deadline_backend a, enum deadline_backend b)
{
	if (a == DEADLINE_HV || b == DEADLINE_HV)
		program_hv();
	if (a == DEADLINE_SW || b == DEADLINE_SW)
		program_sw();
}

/* Its interrupt only marks the host timer spent: deadlines_check decides right after. */
static void host_timer_irq(struct trap_frame *f)
{
	(void)f;
	dl.host_timer_spent = true;
	lapic_eoi();
}

void deadlines_init(struct vcpu *v, bool hv_usable, uint64_t hv_max_delta)
{
	dl.vcpu = v;
	dl.hv_usable = hv_usable;
	dl.hv_max_delta = hv_max_delta;
	irq_register(VEC_HOST_TIMER, host_timer_irq);
}

void deadlines_register_check(enum deadline_owner o, deadline_check_fn fn, void *ctx)
{
	dl.d[o].check = fn;
	dl.d[o].ctx = ctx;
}

void deadlines_set(enum deadline_owner o, enum deadline_backend b, uint64_t tsc)
{
	struct deadline *d = &dl.d[o];
	enum deadline_backend old = d->backend;

	d->backend = b;
	d->tsc = tsc;
	d->automatic = false;
	program(old, b);
}

void deadlines_cancel(enum deadline_owner o, enum deadline_backend b)
{
	if (dl.d[o].backend == b)
		deadlines_set(o, DEADLINE_NONE, 0);
}

static enum deadline_backend auto_backend(uint64_t tsc, uint64_t now)
{
	bool in_range = !dl.hv_max_delta || tsc <= now || tsc - now <= dl.hv_max_delta;

	return dl.hv_usable && !dl.blocking && in_range ? DEADLINE_HV : DEADLINE_SW;
}

void deadlines_set_auto(enum deadline_owner o, uint64_t tsc, uint64_t now)
{
	deadlines_set(o, auto_backend(tsc, now), tsc);
	dl.d[o].automatic = true;
}

void deadlines_blocking(bool blocking, uint64_t now)
{
	dl.blocking = blocking;
	for (unsigned int i = 0; i < DEADLINE_OWNERS; i++) {
		struct deadline *d = &dl.d[i];

		if (d->automatic && d->backend != DEADLINE_NONE &&
		    d->backend != auto_backend(d->tsc, now))
			deadlines_set_auto((enum deadline_owner)i, d->tsc, now);
	}
}

bool deadlines_sw_armed(void)
{
	return dl.sw_armed;
}

void deadlines_check(uint64_t now)
{
	for (unsigned int i = 0; i < DEADLINE_OWNERS; i++)
		if (dl.d[i].check)
			dl.d[i].check(dl.d[i].ctx, now);
	/* Still pending after the checks, yet gone off: early. Arm it again for the deadline. */
	if (dl.host_timer_spent && dl.sw_armed) {
		dl.host_timer_spent = false;
		lapic_timer_arm_tsc(dl.sw_tsc);
	}
}
