/* SPDX-License-Identifier: MIT */
/*
 * The LINT0 and LINT1 pins (SDM 11.5.1). The chipset drives each pin's electrical level; LVT
 * LINT0/LINT1 say what an active pin does: post a fixed vector (edge- or level-triggered, the
 * latter with remote IRR), raise an NMI, or, as ExtINT, make the 8259's INTR the processor's
 * interrupt request (the "virtual wire", MP spec 3.6.2.2) with the vector from an INTA cycle.
 * SDM 11.5.1: NMI, SMI and INIT are always edge-triggered, ExtINT always level-triggered. With
 * the APIC hardware-disabled the pins are the processor's INTR and NMI pins (SDM 11.4.3).
 */
#include "vlapic/internal.h"

static unsigned int lint_reg(unsigned int pin)
{
	return pin ? APIC_REG_LVT_LINT1 : APIC_REG_LVT_LINT0;
}

/* The pin is active: its level against the polarity (bit 13: 1 = active low) */
static bool lint_active(const struct vlapic *v, unsigned int pin)
{
	bool high = v->lint_level & (1u << pin);

	if (vlapic_mode(v) == VLAPIC_MODE_DISABLED)
		return high;
	return high != !!(vlapic_get_reg(v, lint_reg(pin)) & APIC_LVT_POLARITY);
}

static bool lint_level_fixed(uint32_t lvt)
{
	return (lvt & (APIC_LVT_DELIVERY | APIC_LVT_LEVEL)) ==
	       (APIC_LVT_FIXED | APIC_LVT_LEVEL);
}

/* What the pin's state means now; `edge`: it has just become active. */
static void lint_eval(struct vlapic *v, unsigned int pin, bool edge)
{
	unsigned int off = lint_reg(pin);
	uint32_t lvt = vlapic_get_reg(v, off);
	bool active = lint_active(v, pin);

	if (vlapic_mode(v) == VLAPIC_MODE_DISABLED) {
		if (pin == 1 && edge)
			vlapic_nmi_raise(v);
		else if (pin == 0 && active)
			v->ops->interrupt_pending(v->ctx);
		return;
	}
	if (lvt & APIC_LVT_MASKED)
		return;
	switch (lvt & APIC_LVT_DELIVERY) {
	case APIC_LVT_FIXED:
		if (!(lvt & APIC_LVT_LEVEL)) {
			if (edge)
				vlapic_accept(v, lvt & APIC_LVT_VECTOR, false);
		} else if (active && !(lvt & APIC_LVT_REMOTE_IRR) &&
			   vlapic_accept(v, lvt & APIC_LVT_VECTOR, true) != VLAPIC_DROPPED) {
			/* held until the EOI of the vector (vlapic_lint_eoi) */
			vlapic_set_reg(v, off, lvt | APIC_LVT_REMOTE_IRR);
		}
		return;
	case APIC_LVT_NMI:
		if (edge)
			vlapic_nmi_raise(v);
		return;
	case APIC_LVT_EXTINT:
		if (active)
			v->ops->interrupt_pending(v->ctx);
		return;
	default:
		/* SMI, INIT, reserved modes: of no use to one vCPU without SMM */
		if (edge && vlapic_once(v, VLAPIC_ONCE_LINT_MODE))
			vlapic_log(v, VLAPIC_LOG_WARN, "LINT%u delivery mode %u not delivered", pin,
				   (lvt & APIC_LVT_DELIVERY) >> 8);
		return;
	}
}

void vlapic_lint(struct vlapic *v, unsigned int pin, bool level)
{
	bool was;

	if (pin > 1)
		return;
	was = lint_active(v, pin);
	if (level)
		v->lint_level |= 1u << pin;
	else
		v->lint_level &= ~(1u << pin);
	lint_eval(v, pin, !was && lint_active(v, pin));
}

/*
 * The guest wrote LVT LINT0/1 (already stored): remote IRR survives only while the entry stays
 * level-triggered fixed, and an unmasked level-sensitive pin that is active delivers now.
 */
void vlapic_lint_lvt_written(struct vlapic *v, unsigned int off, uint32_t old)
{
	unsigned int pin = off == APIC_REG_LVT_LINT1;
	uint32_t lvt = vlapic_get_reg(v, off);

	if (lint_level_fixed(lvt) && (old & APIC_LVT_REMOTE_IRR))
		vlapic_set_reg(v, off, lvt | APIC_LVT_REMOTE_IRR);
	lint_eval(v, pin, false);
}

/* The EOI of level-triggered `vector`: SDM 11.5.1, it resets remote IRR of a LINT waiting on it. */
void vlapic_lint_eoi(struct vlapic *v, uint8_t vector)
{
	for (unsigned int pin = 0; pin < 2; pin++) {
		unsigned int off = lint_reg(pin);
		uint32_t lvt = vlapic_get_reg(v, off);

		if (!(lvt & APIC_LVT_REMOTE_IRR) || (lvt & APIC_LVT_VECTOR) != vector)
			continue;
		vlapic_set_reg(v, off, lvt & ~APIC_LVT_REMOTE_IRR);
		lint_eval(v, pin, false);
	}
}

/*
 * An ExtINT request is up: a pin in ExtINT mode is active (any such pin: SDM allows ExtINT in
 * either LVT), or LINT0 is, as INTR, with the APIC hardware-disabled. It bypasses IRR and the
 * priorities (SDM 11.6.1, 11.8.1): the glue takes the vector from the 8259 by INTA.
 */
bool vlapic_extint_pending(struct vlapic *v)
{
	if (vlapic_mode(v) == VLAPIC_MODE_DISABLED)
		return lint_active(v, 0);
	for (unsigned int pin = 0; pin < 2; pin++) {
		uint32_t lvt = vlapic_get_reg(v, lint_reg(pin));

		if (!(lvt & APIC_LVT_MASKED) &&
		    (lvt & APIC_LVT_DELIVERY) == APIC_LVT_EXTINT && lint_active(v, pin))
			return true;
	}
	return false;
}
