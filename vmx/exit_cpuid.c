/* SPDX-License-Identifier: MIT */
/*
 * CPUID (exit 10, unconditional): the CPU policy's leaves (vmx/cpu_policy.c), leaf 0x15 from the
 * vLAPIC timer, and tickvisor's own leaves at 0x40000000 (the range reserved for hypervisors,
 * SDM vol. 2 CPUID "hypervisor use").
 */
#include "arch/x86/cpu.h"
#include "arch/x86/tsc.h"
#include "lib/apic_regs.h"
#include "vmx/apic_glue.h"
#include "vmx/cpu_policy_glue.h"
#include "vmx/exit.h"
#include "vmx/hypercall_abi.h"
#include "vmx/vmx_ops.h"

#define HV_RANGE_MASK	0xf0000000u

/* TV_CPUID_LEAF: EAX = max leaf, EBX/ECX/EDX = "tickvisor\0\0\0". TV_CPUID_TIMING: EAX = TSC
 * kHz, EBX = APIC timer kHz (the leaf VMware defined and KVM/Linux read). */
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

/* What leaf 1's APIC, OSXSAVE, x2APIC and TSC-deadline bits and leaf 7's OSPKE follow. */
static void guest_state(struct vcpu *v, struct cpu_policy_guest *g)
{
	uint32_t vlapic = CPUID_1_ECX_X2APIC | CPUID_1_ECX_TSC_DEADLINE;

	/* The guest's own CR4: the read shadow holds only the bits the CR4 mask owns. */
	g->cr4 = vmread(VMCS_GUEST_CR4);
	if (!apic_glue_msr_read(v, MSR_IA32_APIC_BASE, &g->apic_base))
		g->apic_base = 0;
	apic_glue_cpuid_features(&vlapic);
	g->x2apic = vlapic & CPUID_1_ECX_X2APIC;
	g->tsc_deadline = vlapic & CPUID_1_ECX_TSC_DEADLINE;
}

enum vcpu_action handle_cpuid(struct vcpu *v)
{
	const struct cpu_policy *p = guest_cpu_policy();
	uint32_t leaf = (uint32_t)v->regs.rax, sub = (uint32_t)v->regs.rcx;
	struct cpu_policy_guest g;
	struct cpuid_regs r;

	if ((leaf & HV_RANGE_MASK) == TV_CPUID_LEAF) {
		hv_leaves(leaf, &r);
	} else if (cpu_policy_leaf(p, leaf) == CPU_POLICY_LEAF_CRYSTAL) {
		apic_glue_cpuid_crystal(&r.eax, &r.ebx, &r.ecx);
		r.edx = 0;
	} else {
		guest_state(v, &g);
		cpu_policy_cpuid(p, &g, leaf, sub, &r);
	}
	v->regs.rax = r.eax;
	v->regs.rbx = r.ebx;
	v->regs.rcx = r.ecx;
	v->regs.rdx = r.edx;
	vcpu_skip_instruction(v);
	return VCPU_RESUME;
}
