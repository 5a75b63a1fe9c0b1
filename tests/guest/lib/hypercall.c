/* SPDX-License-Identifier: MIT */
#include "tests/guest/lib/cpu.h"
#include "tests/guest/lib/hypercall.h"

bool tv_present(void)
{
	struct cpuid_regs r;

	/* Without the hypervisor bit, leaf 0x40000000 returns the highest basic leaf's data. */
	if (!(cpuid(1, 0).ecx & CPUID_1_ECX_HYPERVISOR))
		return false;
	r = cpuid(TV_CPUID_LEAF, 0);
	return r.eax >= TV_CPUID_LEAF && r.ebx == TV_CPUID_SIG_EBX && r.ecx == TV_CPUID_SIG_ECX &&
	       r.edx == TV_CPUID_SIG_EDX;
}
