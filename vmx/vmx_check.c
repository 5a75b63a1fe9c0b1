/* SPDX-License-Identifier: MIT */
#include "arch/x86/cpu.h"
#include "arch/x86/log.h"
#include "arch/x86/msr.h"
#include "vmx/vmx_check.h"

bool vmx_check_cpu(void)
{
	struct cpuid_regs r;
	uint64_t fc;

	/* Detect by CPUID, never by probing MSRs: QEMU TCG reads 0 from MSRs it doesn't have. */
	cpuid(1, 0, &r);
	if (!(r.ecx & CPUID_1_ECX_VMX)) {
		pr_err("CPUID.1:ECX.VMX[bit 5] = 0: this CPU has no VT-x\n");
		return false;
	}
	fc = rdmsr(MSR_IA32_FEATURE_CONTROL);
	if (!(fc & FEATURE_CONTROL_LOCK)) {
		fc |= FEATURE_CONTROL_VMX_OUTSIDE_SMX | FEATURE_CONTROL_LOCK;
		wrmsr(MSR_IA32_FEATURE_CONTROL, fc);
		pr_info("IA32_FEATURE_CONTROL was unlocked: enabled VMX outside SMX and locked "
			"it\n");
	} else if (!(fc & FEATURE_CONTROL_VMX_OUTSIDE_SMX)) {
		pr_err("IA32_FEATURE_CONTROL (MSR 0x3a) = %#lx: locked with VMX outside SMX "
		       "[bit 2] = 0: VT-x is disabled in the firmware setup\n", fc);
		return false;
	}
	pr_info("VMX present: CPUID.1:ECX.VMX = 1, IA32_FEATURE_CONTROL = %#lx\n", fc);
	return true;
}
