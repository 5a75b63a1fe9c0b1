/* SPDX-License-Identifier: MIT */
/*
 * Interprocessor interrupts (SDM 11.6) for a single vCPU: fixed and lowest-priority IPIs that
 * reach this APIC are delivered into its IRR (with one processor, lowest priority picks this
 * one), NMIs raise its NMI request; INIT and SIPI, and IPIs for other (nonexistent) processors,
 * are accepted without effect; SMI and the reserved modes are not delivered and say so once.
 */
#include "vlapic/internal.h"

/* Writable bits of ICR 31:0; delivery status (12) reads 0 since nothing is ever in flight */
#define ICR_LO_BITS	(APIC_ICR_VECTOR | APIC_ICR_DELIVERY | APIC_ICR_LOGICAL | \
			 APIC_ICR_ASSERT | APIC_ICR_LEVEL | APIC_ICR_SHORTHAND)

/* Does a destination field name this APIC? (SDM 11.6.2; 11.12.9-10 for x2APIC) */
static bool dest_is_self(const struct vlapic *v, uint32_t lo, uint32_t dest)
{
	bool x2apic = vlapic_mode(v) == VLAPIC_MODE_X2APIC;
	uint32_t ldr = vlapic_get_reg(v, APIC_REG_LDR);

	/* all ones is the broadcast in either destination mode */
	if (dest == (x2apic ? 0xffffffffu : 0xffu))
		return true;
	/* the xAPIC ID is the register's, which the guest may have written (regs.c) */
	if (!(lo & APIC_ICR_LOGICAL))
		return dest == (x2apic ? v->cfg.apic_id : vlapic_get_reg(v, APIC_REG_ID) >> 24);
	/* x2APIC logical: cluster in 31:16 must match, then any common bit of 15:0 */
	if (x2apic)
		return dest >> 16 == ldr >> 16 && (dest & ldr & 0xffff);
	ldr >>= 24;
	/* xAPIC flat model (DFR 1111b): any common bit of the 8-bit logical ID */
	if (vlapic_get_reg(v, APIC_REG_DFR) >> 28 == 0xf)
		return dest & ldr;
	/* xAPIC cluster model (DFR 0000b): cluster in 7:4 must match, then a common bit of 3:0 */
	return dest >> 4 == ldr >> 4 && (dest & ldr & 0xf);
}

static void send(struct vlapic *v, uint32_t lo, uint32_t dest)
{
	uint8_t vector = lo & APIC_ICR_VECTOR;
	bool self;

	switch (lo & APIC_ICR_SHORTHAND) {
	case APIC_ICR_SELF:
	case APIC_ICR_ALL:
		self = true;
		break;
	case APIC_ICR_OTHERS:
		self = false;
		break;
	default:
		self = dest_is_self(v, lo, dest);
		break;
	}

	switch (lo & APIC_ICR_DELIVERY) {
	case APIC_ICR_FIXED:
	case APIC_ICR_LOWEST:
		/* SDM 11.5.3: the sender flags vectors 0-15; a receiver (self) flags them too */
		if (vector < 16)
			vlapic_error(v, APIC_ESR_SEND_ILLEGAL);
		if (self)
			vlapic_accept(v, vector, false);
		return;
	case APIC_ICR_NMI:
		/*
		 * SDM 11.6.1: the vector is ignored; NMIs are edge-triggered. SDM table 11-3 calls
		 * NMI with the self and all-including-self shorthands invalid (undefined); KVM
		 * delivers it, and Linux sends its self NMI that way.
		 */
		if (self)
			vlapic_nmi_raise(v);
		return;
	case APIC_ICR_INIT:
	case APIC_ICR_SIPI:
		/* there is no other processor to start, and the glue owns this vCPU's resets */
		return;
	default:
		if (vlapic_once(v, VLAPIC_ONCE_IPI_MODE))
			vlapic_log(v, VLAPIC_LOG_WARN, "IPI delivery mode %u unsupported, ignored",
				   (lo & APIC_ICR_DELIVERY) >> 8);
		return;
	}
}

/* A write of the ICR sends the IPI (SDM 11.6.1): ICR 31:0 in xAPIC, all 64 bits in x2APIC. */
void vlapic_icr_write(struct vlapic *v, uint32_t lo, uint32_t hi)
{
	bool x2apic = vlapic_mode(v) == VLAPIC_MODE_X2APIC;

	lo &= ICR_LO_BITS;
	vlapic_set_reg(v, APIC_REG_ICR_LO, lo);
	if (x2apic) {
		vlapic_set_reg(v, APIC_REG_ICR_X2APIC_HI, hi);
	} else {
		hi &= APIC_ICR_DEST_XAPIC;
		vlapic_set_reg(v, APIC_REG_ICR_HI, hi);
	}
	send(v, lo, x2apic ? hi : hi >> 24);
}

/* x2APIC SELF IPI register (SDM 11.12.11): a fixed, edge-triggered IPI to self */
void vlapic_self_ipi(struct vlapic *v, uint8_t vector)
{
	send(v, APIC_ICR_SELF | APIC_ICR_FIXED | vector, 0);
}
