/* SPDX-License-Identifier: MIT */
/*
 * The VMX side of the virtual LAPIC: implements vlapic/'s ops on the VMCS and the host LAPIC
 * (apic_glue.c, apic_base_switch.c), delivers its interrupts, NMIs and the 8259's ExtINT vectors
 * (intr_deliver.c) and owns the exits that belong to the APIC: APIC access/write, virtualized
 * EOI, TPR below threshold, the preemption timer, external interrupts, the interrupt and NMI
 * windows and HLT (apic_exits.c).
 */
#ifndef VMX_APIC_GLUE_H
#define VMX_APIC_GLUE_H

#include <stdbool.h>
#include <stdint.h>

#include "vmx/vm_config.h"
#include "vmx/vcpu.h"

struct tv_stats;
struct vlapic;

/* The guest's interrupt chipset as the vLAPIC sees it (one vCPU). */
struct apic_glue_chipset {
	/*
	 * INTA: the 8259 pair's vector for the interrupt it is raising on INTR (its spurious
	 * vector when the request went away), and its ISR/IRR move on as for a CPU's INTA cycle.
	 * Called only while vlapic_extint_pending(), at the entry that injects it.
	 */
	uint8_t (*extint_ack)(void *ctx);
	/*
	 * vlapic_ops.eoi_broadcast: the EOI of level-triggered `vector`; the vIOAPIC clears remote
	 * IRR of its entries with that vector (and may send again through vlapic_set_irq).
	 */
	void (*eoi_broadcast)(void *ctx, uint8_t vector);
	/*
	 * The I/O APIC sent an ExtINT message (its pin 0, the 8259's INT, in ExtINT mode): the
	 * vCPU takes extint_ack's vector whatever LINT0 says. NULL: never.
	 */
	bool (*extint_requested)(void *ctx);
	void *ctx;
};

/*
 * Creates the vCPU's vLAPIC on `virtual_apic` (the virtual-APIC page) and remembers the MSR
 * bitmap, which changes with the guest's APIC mode. Call after vmcs_init().
 */
bool apic_glue_init(struct vcpu *v, const struct vm_config *vm, uint64_t virtual_apic,
		    uint8_t *msr_bitmap);
/* Prints which timer backend and which interrupt-delivery path are in use. */
void apic_glue_describe(void);
/*
 * Connects the chipset (after apic_glue_init, before the first entry). Its inputs go straight
 * to the vLAPIC, apic_glue_vlapic(): vlapic_set_irq (IOAPIC fixed/lowest-priority messages),
 * vlapic_nmi (IOAPIC NMI messages), vlapic_lint(0, level) (the 8259's INTR, the virtual wire;
 * IOAPIC ExtINT entries too), vlapic_lint(1, level) (the NMI line).
 */
void apic_glue_set_chipset(const struct apic_glue_chipset *c);
/* What the chipset offers the vCPU changed (extint_requested): decide again before the entry. */
void apic_glue_chipset_changed(void);
struct vlapic *apic_glue_vlapic(void);

/* The run loop's two hooks: right before every VM entry, right after every VM exit. */
void apic_glue_before_entry(struct vcpu *v);
void apic_glue_after_exit(struct vcpu *v);

/* CPUID: leaf 1 ECX bits the vLAPIC supports; leaf 0x15 (timer base rate); for leaf 0x40000010 */
void apic_glue_cpuid_features(uint32_t *ecx);
void apic_glue_cpuid_crystal(uint32_t *eax, uint32_t *ebx, uint32_t *ecx);
uint64_t apic_glue_timer_hz(void);

/*
 * An EPT violation at `gpa`: when it is on the page of a relocated xAPIC, or on the default base
 * it left, *act is what the emulated access leads to and the result is true.
 */
bool apic_glue_ept_violation(struct vcpu *v, uint64_t gpa, enum vcpu_action *act);

/* MSRs of the vLAPIC (IA32_APIC_BASE, IA32_TSC_DEADLINE, x2APIC 0x800-0x8ff): false is #GP */
bool apic_glue_msr_read(struct vcpu *v, uint32_t msr, uint64_t *val);
bool apic_glue_msr_write(struct vcpu *v, uint32_t msr, uint64_t val);

void apic_glue_fill_stats(struct vcpu *v, struct tv_stats *s);
void apic_glue_print_stats(void);

#endif
