/* SPDX-License-Identifier: MIT */
/*
 * CPUID (exit 10, unconditional): the host's values, minus VMX (the guest can't nest), plus the
 * hypervisor-present bit and tickvisor's own leaves at 0x40000000 (the range reserved for
 * hypervisors, SDM vol. 2 CPUID "hypervisor use").
 */
#include "arch/x86/cpu.h"
#include "arch/x86/tsc.h"
#include "vmx/apic_glue.h"
#include "vmx/exit.h"
#include "vmx/hypercall_abi.h"

/* TV_CPUID_LEAF: EAX = max leaf, EBX/ECX/EDX = "tickvisor\0\0\0". TV_CPUID_TIMING: EAX = TSC
 * kHz, EBX = APIC timer kHz (the leaf VMware defined and KVM/Linux read). */
#define LEAF_TSC_CRYSTAL	0x15u		/* EAX/EBX = TSC/crystal ratio, ECX = crystal Hz */
#define LEAF_POWER		0x06u
#define POWER_EAX_ARAT		(1u << 2)	/* the APIC timer runs in deep C-states */

static void hv_leaves(uint32_t leaf, struct cpuid_regs *r)
{
	*r = (struct cpuid_regs){ 0 };
	if (leaf == TV_CPUID_LEAF) {
		r->eax = TV_CPUID_TIMING;
		r->ebx = TV_CPUID_SIG_EBX;
		r->ecx = TV_CPUID_SIG_ECX;
		r->edx = TV_CPUID_SIG_EDX;
	} else if (leaf == TV_CPUID_TIMING) {
		r->eax = (uint32_t)(tsc_hz() / 1000);
		r->ebx = (uint32_t)(apic_glue_timer_hz() / 1000);
	}
}

enum vcpu_action handle_cpuid(struct vcpu *v)
{
	uint32_t leaf = (uint32_t)v->regs.rax, sub = (uint32_t)v->regs.rcx;
	struct cpuid_regs r;

	if ((leaf & 0xf0000000u) == TV_CPUID_LEAF) {
		hv_leaves(leaf, &r);
	} else {
		cpuid(leaf, sub, &r);
		switch (leaf) {
		case 0:
			/* Leaf 0x15 is ours to answer even where the host's range ends below it. */
			if (r.eax < LEAF_TSC_CRYSTAL)
				r.eax = LEAF_TSC_CRYSTAL;
			break;
		case 1:
			r.ecx &= ~CPUID_1_ECX_VMX;
			r.ecx |= CPUID_1_ECX_HYPERVISOR;
			apic_glue_cpuid_features(&r.ecx);
			break;
		case LEAF_POWER:
			r.eax |= POWER_EAX_ARAT;
			break;
		case LEAF_TSC_CRYSTAL:
			apic_glue_cpuid_crystal(&r.eax, &r.ebx, &r.ecx);
			r.edx = 0;
			break;
		default:
			break;
		}
	}
	v->regs.rax = r.eax;
	v->regs.rbx = r.ebx;
	v->regs.rcx = r.ecx;
	v->regs.rdx = r.edx;
	vcpu_skip_instruction(v);
	return VCPU_RESUME;
}
