/* SPDX-License-Identifier: MIT */
/*
 * RDMSR/WRMSR exits (31, 32): the MSRs the bitmap does not pass through. The vLAPIC owns
 * IA32_APIC_BASE, the x2APIC range and IA32_TSC_DEADLINE; VMX is hidden; a few host values are
 * readable but not writable; every other MSR raises #GP, as on a CPU that lacks it.
 */
#include "arch/x86/cpu.h"
#include "arch/x86/log.h"
#include "arch/x86/msr.h"
#include "arch/x86/trap.h"
#include "vmx/apic_glue.h"
#include "vmx/exit.h"
#include "vmx/msr_bitmap.h"


static enum vcpu_action gp(struct vcpu *v, const char *op, uint32_t msr)
{
	static uint32_t last_logged = ~0u;

	if (msr != last_logged)
		pr_debug("guest %s of MSR %#x: #GP\n", op, msr);
	last_logged = msr;
	vcpu_inject_exception(v, VEC_GP, true, 0);
	return VCPU_RESUME;
}

enum vcpu_action handle_rdmsr(struct vcpu *v)
{
	uint32_t msr = (uint32_t)v->regs.rcx;
	uint64_t val;

	if (apic_glue_owns_msr(msr)) {
		if (!apic_glue_msr_read(v, msr, &val))
			return gp(v, "read", msr);
	} else if (msr == MSR_IA32_FEATURE_CONTROL) {
		val = FEATURE_CONTROL_LOCK;	/* locked, VMX off: matches CPUID */
	} else {
		return gp(v, "read", msr);
	}
	v->regs.rax = (uint32_t)val;
	v->regs.rdx = val >> 32;
	vcpu_skip_instruction(v);
	return VCPU_RESUME;
}

enum vcpu_action handle_wrmsr(struct vcpu *v)
{
	uint32_t msr = (uint32_t)v->regs.rcx;
	uint64_t val = ((v->regs.rdx & 0xffffffffull) << 32) | (v->regs.rax & 0xffffffffull);

	if (apic_glue_owns_msr(msr)) {
		if (!apic_glue_msr_write(v, msr, val))
			return gp(v, "write", msr);
	} else if (msr_write_dropped(msr)) {
		static bool warned;

		if (!warned)
			pr_warn("guest write of MSR %#x dropped: the TSC, MTRRs and MISC_ENABLE "
				"stay the host's\n", msr);
		warned = true;
	} else {
		return gp(v, "write", msr);
	}
	vcpu_skip_instruction(v);
	return VCPU_RESUME;
}
