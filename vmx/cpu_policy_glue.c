/* SPDX-License-Identifier: MIT */
#include "arch/x86/cpu.h"
#include "vmx/caps.h"
#include "vmx/cpu_policy_glue.h"

static struct cpu_policy policy;
static bool policy_ready;

static void host_cpuid(uint32_t leaf, uint32_t subleaf, struct cpuid_regs *r)
{
	cpuid(leaf, subleaf, r);
}

struct cpu_policy *guest_cpu_policy(void)
{
	if (!policy_ready) {
		/*
		 * vmcs.c turns on every secondary control in vmx_caps.proc2 that the features
		 * depend on (enable RDTSCP, INVPCID, XSAVES/XRSTORS) whenever the CPU allows it.
		 */
		const struct cpu_policy_host host = {
			.cpuid = host_cpuid,
			.proc2 = vmx_caps.proc2,
			.cr4_fixed1 = vmx_caps.cr4_fixed1,
		};

		cpu_policy_init(&policy, &host);
		policy_ready = true;
	}
	return &policy;
}
