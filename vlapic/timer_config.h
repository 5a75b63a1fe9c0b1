/* SPDX-License-Identifier: MIT */
/*
 * The vLAPIC timer's two choices, one spelling from the boot options (core/options.h) down to the
 * vLAPIC's configuration (vlapic.h): the backend and the advance mode.
 */
#ifndef VLAPIC_TIMER_CONFIG_H
#define VLAPIC_TIMER_CONFIG_H

/* Where timer expiries come from (boot option timer=hv|sw) */
enum vlapic_timer_backend {
	VLAPIC_TIMER_HV,		/* VMX-preemption timer; sw while halted or out of range */
	VLAPIC_TIMER_SW,		/* the host LAPIC timer only */
};

/* Boot option timer_advance=off|auto|<ns> */
enum vlapic_advance_mode {
	VLAPIC_ADVANCE_OFF,		/* arm the backend at the deadline itself */
	VLAPIC_ADVANCE_FIXED,		/* arm it advance_ns early */
	VLAPIC_ADVANCE_AUTO,		/* start at advance_ns, follow the measured exit cost */
};

#endif
