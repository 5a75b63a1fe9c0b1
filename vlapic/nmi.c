/* SPDX-License-Identifier: MIT */
/*
 * The vCPU's NMI latch. An NMI is not a vector in IRR: every source (an NMI IPI, LVT LINT1 in
 * NMI mode, the LINT1 pin of a hardware-disabled APIC, an IOAPIC entry in NMI mode) raises the
 * processor's one NMI request. The processor holds at most one NMI pending besides the one it
 * is handling (SDM 6.7.1: NMIs are blocked until the handler's IRET; one that comes meanwhile
 * is held, more are lost); the latch is the pending one, the glue tracks the one in service.
 */
#include "vlapic/internal.h"

void vlapic_nmi_raise(struct vlapic *v)
{
	if (v->nmi_pending) {
		v->stats.nmis_coalesced++;
		return;
	}
	v->nmi_pending = true;
	v->stats.nmis++;
	v->ops->interrupt_pending(v->ctx);
}

/* SDM 11.4.3: a hardware-disabled APIC takes no messages from the bus. */
void vlapic_nmi(struct vlapic *v)
{
	if (vlapic_mode(v) != VLAPIC_MODE_DISABLED)
		vlapic_nmi_raise(v);
}

bool vlapic_nmi_pending(const struct vlapic *v)
{
	return v->nmi_pending;
}

void vlapic_nmi_ack(struct vlapic *v)
{
	v->nmi_pending = false;
}
