/* SPDX-License-Identifier: MIT */
/*
 * The one owner of "make the vCPU exit at or after host TSC T" (docs/architecture.md): every
 * virtual timer (the vLAPIC timer, the vPIT, the ACPI PM timer's overflow) holds at most one
 * deadline here, on one of the two backends docs/timer.md describes, and this module programs
 * the hardware for the earliest of them:
 *
 *	hv	the VMX-preemption timer: vcpu->preemption_expiry, which entry.S loads before every
 *		VMRESUME (SDM 26.5.1); counts only while the guest runs
 *	sw	the host LAPIC timer (one-shot or TSC-deadline): interrupts the host, as an
 *		external-interrupt exit while the guest runs, or in the HLT sleep
 *
 * After every exit and every wake-up, deadlines_check() runs each timer's check function with the
 * time, then keeps the host LAPIC timer armed while any sw deadline is pending (it may have gone
 * off early: a one-shot count cut to 32 bits, or an interrupt of an earlier arming).
 */
#ifndef VMX_DEADLINES_H
#define VMX_DEADLINES_H

#include <stdbool.h>
#include <stdint.h>

#include "vmx/vcpu.h"

enum deadline_owner {
	DEADLINE_VLAPIC,		/* the vLAPIC timer: it picks its backend itself */
	DEADLINE_VPIT,			/* the vPIT: hv where it can, sw while the vCPU sleeps */
	DEADLINE_OWNERS,
};

enum deadline_backend {
	DEADLINE_NONE,
	DEADLINE_HV,
	DEADLINE_SW,
};

/* A timer's check: fire what is due at `now` (vlapic_timer_check, chipset_timer_check). */
typedef void (*deadline_check_fn)(void *ctx, uint64_t now);

/* `hv_usable`: timer=hv and the preemption timer on; `hv_max_delta` as vlapic_config's. */
void deadlines_init(struct vcpu *v, bool hv_usable, uint64_t hv_max_delta);
void deadlines_register_check(enum deadline_owner o, deadline_check_fn fn, void *ctx);
/* `owner`'s deadline on backend `b` (DEADLINE_NONE: it holds none any more). */
void deadlines_set(enum deadline_owner o, enum deadline_backend b, uint64_t tsc);
/* Withdraws `owner`'s deadline if it is on backend `b` (the vLAPIC's cancel ops). */
void deadlines_cancel(enum deadline_owner o, enum deadline_backend b);
/* A deadline the vPIT picks the backend for: hv while the vCPU runs and hv can hold it. */
void deadlines_set_auto(enum deadline_owner o, uint64_t tsc, uint64_t now);
/*
 * The vCPU sleeps (true) or wakes (false): deadlines set with deadlines_set_auto move to sw,
 * which can wake the host, and back.
 */
void deadlines_blocking(bool blocking, uint64_t now);
/* Some deadline is on the host LAPIC timer: a sleeping host will wake. */
bool deadlines_sw_armed(void);
/* Every registered check at `now`, then the host timer re-armed if it went off early. */
void deadlines_check(uint64_t now);

#endif
