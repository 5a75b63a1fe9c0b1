/* SPDX-License-Identifier: MIT */
/*
 * The VMX side of the virtual LAPIC: implements vlapic/'s ops on the VMCS and the host LAPIC,
 * delivers its interrupts (virtual-interrupt delivery or event injection) and owns the exits
 * that belong to the APIC: APIC access/write, virtualized EOI, TPR below threshold, the
 * preemption timer, external interrupts, the interrupt window and HLT.
 */
#ifndef VMX_APIC_GLUE_H
#define VMX_APIC_GLUE_H

#include <stdbool.h>
#include <stdint.h>

#include "core/options.h"
#include "vmx/vcpu.h"

struct tv_stats;

/*
 * Creates the vCPU's vLAPIC on `virtual_apic` (the virtual-APIC page) and remembers the MSR
 * bitmap, which changes with the guest's APIC mode. Call after vmcs_init().
 */
bool apic_glue_init(struct vcpu *v, const struct boot_options *opts, uint64_t virtual_apic,
		    uint8_t *msr_bitmap);
/* Prints which timer backend and which interrupt-delivery path are in use. */
void apic_glue_describe(void);

/* The run loop's two hooks: right before every VM entry, right after every VM exit. */
void apic_glue_before_entry(struct vcpu *v);
void apic_glue_after_exit(struct vcpu *v);

/* CPUID: leaf 1 ECX bits the vLAPIC supports; leaf 0x15 (timer base rate); for leaf 0x40000010 */
void apic_glue_cpuid_features(uint32_t *ecx);
void apic_glue_cpuid_crystal(uint32_t *eax, uint32_t *ebx, uint32_t *ecx);
uint64_t apic_glue_timer_hz(void);

/* MSRs of the vLAPIC (IA32_APIC_BASE, IA32_TSC_DEADLINE, x2APIC 0x800-0x8ff): false is #GP */
bool apic_glue_msr_read(struct vcpu *v, uint32_t msr, uint64_t *val);
bool apic_glue_msr_write(struct vcpu *v, uint32_t msr, uint64_t val);

void apic_glue_fill_stats(struct vcpu *v, struct tv_stats *s);
void apic_glue_print_stats(void);

#endif
