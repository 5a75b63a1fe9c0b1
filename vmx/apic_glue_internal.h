/* SPDX-License-Identifier: MIT */
/* State shared by apic_glue.c (ops, delivery) and apic_exits.c (the APIC's exit handlers). */
#ifndef VMX_APIC_GLUE_INTERNAL_H
#define VMX_APIC_GLUE_INTERNAL_H

#include <stdbool.h>
#include <stdint.h>

#include "vlapic/vlapic.h"

struct apic_glue {
	struct vlapic lapic;
	struct vcpu *vcpu;
	uint8_t *msr_bitmap;
	bool vid;		/* virtual-interrupt delivery in use */
	bool arv;		/* APIC-register virtualization in use */
	bool sw_armed;		/* the host LAPIC timer holds it */
	uint64_t sw_deadline;	/* ... for this TSC */
	bool irq_dirty;		/* IRR changed since the last delivery decision */
	bool intr_status_stale;	/* SVI must be set from the page (IA32_APIC_BASE changed) */
	bool window_open;	/* interrupt-window exiting is on */
	uint64_t timer_exits;	/* exits that fired the vLAPIC timer */
};

extern struct apic_glue glue;

#endif
