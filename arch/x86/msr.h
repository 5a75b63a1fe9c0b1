/* SPDX-License-Identifier: MIT */
/*
 * Model-specific registers used by the host (SDM vol. 4, table 2-2). The local APIC's
 * (IA32_APIC_BASE, IA32_TSC_DEADLINE, the x2APIC range) are in lib/apic_regs.h.
 */
#ifndef ARCH_X86_MSR_H
#define ARCH_X86_MSR_H

#define MSR_IA32_FEATURE_CONTROL	0x03a	/* 0: lock, 1: VMX in SMX, 2: VMX outside SMX */
#define MSR_IA32_SYSENTER_CS		0x174
#define MSR_IA32_SYSENTER_ESP		0x175
#define MSR_IA32_SYSENTER_EIP		0x176
#define MSR_IA32_PAT			0x277
#define MSR_IA32_EFER			0xc0000080
#define MSR_FS_BASE			0xc0000100
#define MSR_GS_BASE			0xc0000101
#define MSR_KERNEL_GS_BASE		0xc0000102

#define EFER_LME			(1ull << 8)	/* long mode enable */
#define EFER_LMA			(1ull << 10)	/* long mode active */

#define FEATURE_CONTROL_LOCK		(1ull << 0)
#define FEATURE_CONTROL_VMX_OUTSIDE_SMX	(1ull << 2)

#endif
