/* SPDX-License-Identifier: MIT */
/*
 * VMX capabilities (SDM vol. 3C appendix A): every control tickvisor sets is computed from the
 * allowed-0/allowed-1 settings the CPU reports, never assumed.
 */
#ifndef VMX_CAPS_H
#define VMX_CAPS_H

#include <stdbool.h>
#include <stdint.h>

/* Capability MSRs (SDM appendix A) */
#define MSR_IA32_VMX_BASIC		0x480
#define MSR_IA32_VMX_PINBASED_CTLS	0x481
#define MSR_IA32_VMX_PROCBASED_CTLS	0x482
#define MSR_IA32_VMX_EXIT_CTLS		0x483
#define MSR_IA32_VMX_ENTRY_CTLS		0x484
#define MSR_IA32_VMX_MISC		0x485
#define MSR_IA32_VMX_CR0_FIXED0		0x486
#define MSR_IA32_VMX_CR0_FIXED1		0x487
#define MSR_IA32_VMX_CR4_FIXED0		0x488
#define MSR_IA32_VMX_CR4_FIXED1		0x489
#define MSR_IA32_VMX_VMCS_ENUM		0x48a
#define MSR_IA32_VMX_PROCBASED_CTLS2	0x48b
#define MSR_IA32_VMX_EPT_VPID_CAP	0x48c
#define MSR_IA32_VMX_TRUE_PINBASED_CTLS	0x48d
#define MSR_IA32_VMX_TRUE_PROCBASED_CTLS 0x48e
#define MSR_IA32_VMX_TRUE_EXIT_CTLS	0x48f
#define MSR_IA32_VMX_TRUE_ENTRY_CTLS	0x490
#define MSR_IA32_VMX_LAST		0x491	/* VMFUNC; the guest sees none of these */

#define VMX_BASIC_TRUE_CTLS		(1ull << 55)	/* A.1: the TRUE_* MSRs exist */

/* IA32_VMX_EPT_VPID_CAP bits (A.10) */
#define EPT_CAP_WALK_4			(1ull << 6)
#define EPT_CAP_WB			(1ull << 14)
#define EPT_CAP_2M_PAGES		(1ull << 16)
#define EPT_CAP_INVEPT			(1ull << 20)
#define EPT_CAP_INVEPT_SINGLE		(1ull << 25)

struct vmx_caps {
	uint32_t revision;
	uint32_t pin, proc, proc2, exit, entry;	/* the controls tickvisor will use */
	uint64_t misc, ept_vpid;
	uint64_t cr0_fixed0, cr0_fixed1, cr4_fixed0, cr4_fixed1;
	/* Optional features, each used when present and printed at boot. */
	bool preemption_timer;
	unsigned int preemption_timer_shift;	/* the timer ticks at TSC >> shift (A.6) */
	bool ept_2m;
};

extern struct vmx_caps vmx_caps;

/*
 * Reads the capability MSRs and computes the controls. A missing required control is printed
 * with the MSR and bit that lack it; returns false then.
 */
bool vmx_caps_init(void);

#endif
