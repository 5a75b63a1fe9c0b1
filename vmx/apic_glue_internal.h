/* SPDX-License-Identifier: MIT */
/*
 * State shared by the VMX side of the vLAPIC: apic_glue.c (the vLAPIC's ops, setup), intr_deliver.c
 * (interrupt delivery), apic_base_switch.c (IA32_APIC_BASE) and apic_exits.c (the exits).
 */
#ifndef VMX_APIC_GLUE_INTERNAL_H
#define VMX_APIC_GLUE_INTERNAL_H

#include <stdbool.h>
#include <stdint.h>

#include "vlapic/vlapic.h"
#include "vmx/apic_glue.h"
#include "vmx/vcpu.h"

struct apic_glue {
	struct vlapic lapic;
	struct vcpu *vcpu;
	struct apic_glue_chipset chipset;	/* zeroes until apic_glue_set_chipset */
	uint8_t *msr_bitmap;
	bool vid;		/* virtual-interrupt delivery in use */
	bool arv;		/* APIC-register virtualization in use */
	bool vnmi;		/* virtual NMIs and NMI-window exiting in use */
	bool soft_nmi_blocked;	/* without vnmi: an injected NMI's handler may still run */
	bool irq_dirty;		/* what to deliver may have changed since the last decision */
	bool intr_status_stale;	/* SVI must be set from the page (IA32_APIC_BASE changed, or
				 * an emulated access may have been an EOI) */
	bool relocated;		/* the xAPIC is away from its default base (apic_base_switch.c) */
	uint64_t xapic_gpa;	/* while relocated: where the guest's xAPIC page is */
	uint64_t relocated_saved;	/* the EPT entries that mapped the pages ept_unmap_4k took: */
	uint64_t default_saved;		/* the one at the new base, the APIC-access page's */
	uint32_t tpr_threshold;	/* as last written to the VMCS (vmcs.c starts it at 0) */
	uint64_t eoi_exit[4];	/* the EOI-exit bitmap as last written (vmcs.c: 0) */
	uint64_t timer_exits;	/* exits that fired the vLAPIC timer */
	uint64_t nmis_injected;
	uint64_t extints_injected;
};

extern struct apic_glue glue;

/* apic_base_switch.c: vlapic_ops.apic_base_changed */
bool apic_base_switch(void *ctx, enum vlapic_mode mode, uint64_t base);

/*
 * apic_mmio.c: emulates the instruction at guest RIP whose memory operand is at `offset` on the
 * xAPIC page, which the guest sees at `apic_gpa`; RIP moves past it (or stays, for a REP string
 * with iterations left). What it can't emulate raises #UD in the guest.
 */
enum vcpu_action apic_mmio_emulate(struct vcpu *v, uint64_t apic_gpa, uint32_t offset);
/*
 * The same for an access at `offset` on the page at `page_gpa` where nothing answers (the default
 * base after the xAPIC moved away): reads give all ones, writes are dropped.
 */
enum vcpu_action apic_mmio_open_bus(struct vcpu *v, uint64_t page_gpa, uint32_t offset);

#endif
