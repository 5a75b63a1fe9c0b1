/* SPDX-License-Identifier: MIT */
/* The one vCPU's CPU policy (vmx/cpu_policy.h), built from this host's CPUID and VMX controls. */
#ifndef VMX_CPU_POLICY_GLUE_H
#define VMX_CPU_POLICY_GLUE_H

#include "vmx/cpu_policy.h"

/*
 * Built on the first call, which must come after vmx_caps_init(): msr_bitmap_init() makes it,
 * before the guest runs.
 */
struct cpu_policy *guest_cpu_policy(void);

#endif
