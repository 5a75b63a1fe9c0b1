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
	bool host_timer_spent;	/* the host LAPIC timer interrupted since it was last armed */
	bool irq_dirty;		/* IRR or TPR changed since the last delivery decision */
	bool intr_status_stale;	/* SVI must be set from the page (IA32_APIC_BASE changed) */
	uint32_t tpr_threshold;	/* as last written to the VMCS (vmcs.c starts it at 0) */
	uint64_t timer_exits;	/* exits that fired the vLAPIC timer */
};

extern struct apic_glue glue;

/*
 * vlapic_timer_check at host TSC `now`, then keeps the host LAPIC timer armed while the vLAPIC
 * holds it. True if the vLAPIC timer fired.
 */
bool apic_glue_timer_check(uint64_t now);

#endif
