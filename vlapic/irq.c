/* SPDX-License-Identifier: MIT */
/*
 * IRR, ISR and PPR (SDM 11.8): accepting fixed interrupts, handing the highest one to the CPU,
 * EOI. All state lives in the register page, where virtual-interrupt delivery also updates it
 * (SDM 29.2), so the vlapic and the CPU never disagree. An interrupt moves IRR -> ISR exactly
 * once (vlapic_ack or the CPU's own delivery) and leaves ISR exactly once (EOI): never lost,
 * never delivered twice. TMR records each posted vector's trigger mode (SDM 11.8.4); the EOI of a
 * level-triggered vector is broadcast to the IOAPIC (SDM 11.8.5) and ends the remote IRR of a
 * level-triggered LINT pin (lint.c).
 */
#include "vlapic/internal.h"

/* The 256-bit vector arrays are eight 32-bit registers 16 bytes apart (SDM 11.8.4) */
static unsigned int vec_off(unsigned int base, uint8_t vector)
{
	return base + (vector >> 5) * 0x10;
}

static bool vec_test(const struct vlapic *v, unsigned int base, uint8_t vector)
{
	return vlapic_get_reg(v, vec_off(base, vector)) & (1u << (vector & 31));
}

static void vec_set(struct vlapic *v, unsigned int base, uint8_t vector)
{
	unsigned int off = vec_off(base, vector);

	vlapic_set_reg(v, off, vlapic_get_reg(v, off) | 1u << (vector & 31));
}

static void vec_clear(struct vlapic *v, unsigned int base, uint8_t vector)
{
	unsigned int off = vec_off(base, vector);

	vlapic_set_reg(v, off, vlapic_get_reg(v, off) & ~(1u << (vector & 31)));
}

static int vec_highest(const struct vlapic *v, unsigned int base)
{
	for (int i = 7; i >= 0; i--) {
		uint32_t word = vlapic_get_reg(v, base + i * 0x10);

		if (word)
			return i * 32 + 31 - __builtin_clz(word);
	}
	return -1;
}

int vlapic_highest_irr(struct vlapic *v)
{
	return vec_highest(v, APIC_REG_IRR);
}

int vlapic_highest_isr(struct vlapic *v)
{
	return vec_highest(v, APIC_REG_ISR);
}

/*
 * SDM 11.8.3.1: PPR is TPR when TPR's priority class is at least that of the highest in-service
 * vector, else that vector's class. Kept in the page too, as virtual-interrupt delivery does.
 */
uint32_t vlapic_update_ppr(struct vlapic *v)
{
	uint32_t tpr = vlapic_get_reg(v, APIC_REG_TPR) & 0xff;
	int isrv = vec_highest(v, APIC_REG_ISR);
	uint32_t ppr = tpr;

	if (isrv >= 0 && (tpr & 0xf0) < ((uint32_t)isrv & 0xf0))
		ppr = isrv & 0xf0;
	vlapic_set_reg(v, APIC_REG_PPR, ppr);
	return ppr;
}

/*
 * SDM 11.8.3: the highest IRR vector is delivered only if its priority class is above PPR's.
 * A software-disabled APIC still delivers what it already holds (SDM 11.4.7.2; KVM does too).
 */
int vlapic_highest_pending(struct vlapic *v)
{
	int irrv;

	if (vlapic_mode(v) == VLAPIC_MODE_DISABLED)
		return -1;
	irrv = vlapic_highest_irr(v);
	if (irrv < 0 || ((uint32_t)irrv & 0xf0) <= (vlapic_update_ppr(v) & 0xf0))
		return -1;
	return irrv;
}

uint32_t vlapic_tpr(const struct vlapic *v)
{
	return vlapic_get_reg(v, APIC_REG_TPR);
}

bool vlapic_ack(struct vlapic *v, uint8_t vector)
{
	if (!vec_test(v, APIC_REG_IRR, vector)) {
		vlapic_log(v, VLAPIC_LOG_ERROR, "ack of vector %u, which is not in IRR", vector);
		return false;
	}
	vec_clear(v, APIC_REG_IRR, vector);
	vec_set(v, APIC_REG_ISR, vector);
	vlapic_update_ppr(v);
	return true;
}

/*
 * The EOI of a level-triggered vector (TMR set): a LINT pin waiting on it may deliver again, and
 * SDM 11.8.5 broadcasts it to the IOAPICs unless SVR suppresses the broadcast (SDM 11.8.5.1: the
 * guest then EOIs the IOAPIC entry itself, through its EOI register). Last, since the broadcast
 * may post the vector again at once (vlapic_set_irq from inside eoi_broadcast).
 */
static void eoi_level(struct vlapic *v, uint8_t vector)
{
	if (!vec_test(v, APIC_REG_TMR, vector))
		return;
	vlapic_lint_eoi(v, vector);
	if (!(vlapic_get_reg(v, APIC_REG_SVR) & APIC_SVR_EOI_SUPP))
		v->ops->eoi_broadcast(v->ctx, vector);
}

/* SDM 11.8.5: EOI retires the highest in-service vector; a lower one may then be delivered. */
void vlapic_eoi(struct vlapic *v)
{
	int isrv = vec_highest(v, APIC_REG_ISR);

	if (isrv < 0) {
		vlapic_log(v, VLAPIC_LOG_DEBUG, "EOI with nothing in service");
		return;
	}
	vec_clear(v, APIC_REG_ISR, isrv);
	vlapic_update_ppr(v);
	eoi_level(v, (uint8_t)isrv);
	if (vlapic_highest_pending(v) >= 0)
		v->ops->interrupt_pending(v->ctx);
}

/*
 * Virtual-interrupt delivery has done the EOI itself (SDM 29.1.4: ISR, SVI and PPR) and exited
 * because the EOI-exit bitmap holds the vector: the level-triggered rest is ours.
 */
void vlapic_eoi_exit(struct vlapic *v, uint8_t vector)
{
	vec_clear(v, APIC_REG_ISR, vector);
	vlapic_update_ppr(v);
	eoi_level(v, vector);
	if (vlapic_highest_pending(v) >= 0)
		v->ops->interrupt_pending(v->ctx);
}

uint32_t vlapic_tmr(const struct vlapic *v, unsigned int i)
{
	return vlapic_get_reg(v, APIC_REG_TMR + (i & 7) * 0x10);
}

/*
 * A fixed interrupt for this APIC, edge- or level-triggered. SDM 11.5.3: vectors 0-15 are never
 * set in IRR, they are a "receive illegal vector" error; SDM 11.4.7.2: a software-disabled APIC
 * accepts no new interrupts (KVM drops them too). A vector already in IRR is coalesced, as on
 * hardware: IRR is a bit per vector, not a counter. SDM 11.8.4: acceptance sets the vector's TMR
 * bit for a level-triggered interrupt and clears it for an edge-triggered one; a coalesced one
 * only ever sets it, so that the EOI a level-triggered source waits for is never lost (an edge
 * source minds no extra broadcast).
 */
enum vlapic_accept vlapic_accept(struct vlapic *v, uint8_t vector, bool level)
{
	if (vlapic_mode(v) == VLAPIC_MODE_DISABLED || !vlapic_sw_enabled(v))
		return VLAPIC_DROPPED;
	if (vector < 16) {
		vlapic_error(v, APIC_ESR_RECV_ILLEGAL);
		return VLAPIC_DROPPED;
	}
	if (vec_test(v, APIC_REG_IRR, vector)) {
		if (level && !vec_test(v, APIC_REG_TMR, vector)) {
			vec_set(v, APIC_REG_TMR, vector);
			/* the glue follows TMR in the EOI-exit bitmap */
			v->ops->interrupt_pending(v->ctx);
		}
		return VLAPIC_COALESCED;
	}
	if (level)
		vec_set(v, APIC_REG_TMR, vector);
	else
		vec_clear(v, APIC_REG_TMR, vector);
	vec_set(v, APIC_REG_IRR, vector);
	v->ops->interrupt_pending(v->ctx);
	return VLAPIC_POSTED;
}

bool vlapic_set_irq(struct vlapic *v, uint8_t vector, bool level)
{
	return vlapic_accept(v, vector, level) != VLAPIC_DROPPED;
}

/* An interrupt raised by a local source through its LVT entry (the value in force) */
enum vlapic_accept vlapic_lvt_deliver(struct vlapic *v, uint32_t entry)
{
	if (entry & APIC_LVT_MASKED)
		return VLAPIC_DROPPED;
	return vlapic_accept(v, entry & APIC_LVT_VECTOR, false);
}

/*
 * Takes back a vector that vlapic_accept posted in this same exit, before any VM entry could
 * deliver it (timer.c's undo of an expiry run early): IRR is as if it had never come.
 */
void vlapic_unpost(struct vlapic *v, uint8_t vector)
{
	vec_clear(v, APIC_REG_IRR, vector);
	v->ops->interrupt_pending(v->ctx);
}

/*
 * Records errors for ESR (SDM 11.5.3) and raises the error interrupt through LVT error. An
 * illegal vector in LVT error itself is only recorded: raising it would be the same error again.
 */
void vlapic_error(struct vlapic *v, uint32_t esr_bits)
{
	uint32_t lvt = vlapic_get_reg(v, APIC_REG_LVT_ERROR);

	v->esr_pending |= esr_bits;
	if (lvt & APIC_LVT_MASKED)
		return;
	if ((lvt & APIC_LVT_VECTOR) < 16)
		v->esr_pending |= APIC_ESR_RECV_ILLEGAL;
	else
		vlapic_accept(v, lvt & APIC_LVT_VECTOR, false);
}
