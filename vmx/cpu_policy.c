/* SPDX-License-Identifier: MIT */
/*
 * The guest's CPUID and MSRs, from two tables (see cpu_policy.h). KVM's supported-CPUID table is
 * the yardstick for each choice: a feature is passed through when the guest can use it on the
 * bare CPU with the controls tickvisor sets; emulated when tickvisor answers for it; hidden
 * otherwise, and then its leaf reads 0 and its MSRs raise #GP. A bit of a known feature register
 * that the table does not name is hidden too: a new CPU's features reach the guest only once
 * someone has decided that they work under tickvisor.
 */
#include <stddef.h>

#include "lib/apic_regs.h"
#include "lib/util.h"
#include "vmx/cpu_policy.h"

#define BIT(n)		(1u << (n))

/* CR4 bits a feature needs the guest to be able to set (SDM vol. 3A 2.5) */
#define CR4_VME		(1ull << 0)
#define CR4_DE		(1ull << 3)
#define CR4_PGE		(1ull << 7)
#define CR4_OSFXSR	(1ull << 9)
#define CR4_UMIP	(1ull << 11)
#define CR4_LA57	(1ull << 12)
#define CR4_FSGSBASE	(1ull << 16)
#define CR4_PCIDE	(1ull << 17)
#define CR4_SMEP	(1ull << 20)
#define CR4_SMAP	(1ull << 21)
#define CR4_PKE		(1ull << 22)

/* Secondary VM-execution controls (SDM 25.6.2, table 25-7) without which an instruction #UDs */
#define PROC2_RDTSCP	BIT(3)		/* RDTSCP, RDPID */
#define PROC2_INVPCID	BIT(12)
#define PROC2_XSAVES	BIT(20)		/* XSAVES, XRSTORS */

/* XCR0 components (SDM vol. 1 13.1) */
#define XCR0_X87	BIT(0)
#define XCR0_SSE	BIT(1)
#define XCR0_AVX	BIT(2)
#define XCR0_AVX512	(BIT(5) | BIT(6) | BIT(7))	/* opmask, ZMM_Hi256, Hi16_ZMM */
#define XCR0_PKRU	BIT(9)

#define LEAF_XSAVE		0xdu
#define LEAF_EXT		0x80000000u
#define LEAF_EXT_ADDR_SIZE	0x80000008u
#define LEAF_LAST_BASIC		0x1fu	/* the highest basic leaf the rules below describe */
#define LEAF_LAST_EXT		LEAF_EXT_ADDR_SIZE
#define MAXPHYADDR_DEFAULT	36	/* SDM vol. 3A 4.1.4, without leaf 0x80000008 */
#define MAXPHYADDR_MAX		52

#define FEAT(nm, l, s, r, m, act) \
	.name = nm, .leaf = l, .subleaf = s, .reg = r, .mask = m, .action = act
#define PASS(nm, l, s, r, b)	{ FEAT(nm, l, s, r, BIT(b), FEAT_PASS) }
#define HIDE(nm, l, s, r, b, i)	{ FEAT(nm, l, s, r, BIT(b), FEAT_HIDE), .id = i }

/*
 * Every feature bit the guest can see, and those hidden on purpose. A feature that needs another
 * comes after it (cpu_policy_init() evaluates them in order).
 */
static const struct cpu_feature features[] = {
	/* Leaf 1 EDX */
	PASS("fpu", 1, 0, CPU_EDX, 0),
	{ FEAT("vme", 1, 0, CPU_EDX, BIT(1), FEAT_PASS), .needs_cr4 = CR4_VME },
	{ FEAT("de", 1, 0, CPU_EDX, BIT(2), FEAT_PASS), .needs_cr4 = CR4_DE },
	{ FEAT("pse", 1, 0, CPU_EDX, BIT(3), FEAT_PASS), .needs_cr4 = CR4_PSE },
	/* The guest's TSC is the host's plus an offset that its writes move (vmx/tsc_offset.h). */
	{ FEAT("tsc", 1, 0, CPU_EDX, BIT(4), FEAT_PASS), .id = F_TSC },
	{ FEAT("msr", 1, 0, CPU_EDX, BIT(5), FEAT_PASS), .id = F_MSR },
	{ FEAT("pae", 1, 0, CPU_EDX, BIT(6), FEAT_PASS), .needs_cr4 = CR4_PAE },
	/*
	 * MCE, MCA: hidden. tickvisor forwards no machine check to the guest, so banks it could
	 * show would only ever read 0; a guest that sees neither bit leaves MCG_* alone (KVM
	 * emulates the banks because it injects machine checks; tickvisor does not).
	 */
	HIDE("mce", 1, 0, CPU_EDX, 7, F_MCE),
	PASS("cx8", 1, 0, CPU_EDX, 8),
	/* APIC: the vLAPIC, and the bit follows IA32_APIC_BASE.EN (SDM vol. 3A 11.4.3). */
	{ FEAT("apic", 1, 0, CPU_EDX, BIT(9), FEAT_EMULATE), .id = F_APIC },
	PASS("sep", 1, 0, CPU_EDX, 11),
	/*
	 * MTRR: emulated. With EPT the guest's MTRRs don't set memory types (EPT and the guest's
	 * PAT do, SDM 29.3.7.2), so tickvisor stores what the guest writes and reads it back,
	 * as KVM does, instead of dropping writes to the host's registers.
	 */
	{ FEAT("mtrr", 1, 0, CPU_EDX, BIT(12), FEAT_EMULATE), .id = F_MTRR },
	{ FEAT("pge", 1, 0, CPU_EDX, BIT(13), FEAT_PASS), .needs_cr4 = CR4_PGE },
	HIDE("mca", 1, 0, CPU_EDX, 14, F_MCA),
	PASS("cmov", 1, 0, CPU_EDX, 15),
	{ FEAT("pat", 1, 0, CPU_EDX, BIT(16), FEAT_PASS), .id = F_PAT },
	PASS("pse36", 1, 0, CPU_EDX, 17),
	/* PSN: leaf 3 is not offered (KVM neither). */
	{ FEAT("psn", 1, 0, CPU_EDX, BIT(18), FEAT_HIDE) },
	PASS("clfsh", 1, 0, CPU_EDX, 19),
	/* DS, ACPI, TM, PBE: debug store and thermal control are the host's (KVM hides them). */
	HIDE("ds", 1, 0, CPU_EDX, 21, F_DS),
	HIDE("acpi", 1, 0, CPU_EDX, 22, F_ACPI),
	PASS("mmx", 1, 0, CPU_EDX, 23),
	{ FEAT("fxsr", 1, 0, CPU_EDX, BIT(24), FEAT_PASS), .needs_cr4 = CR4_OSFXSR },
	PASS("sse", 1, 0, CPU_EDX, 25),
	PASS("sse2", 1, 0, CPU_EDX, 26),
	PASS("ss", 1, 0, CPU_EDX, 27),
	PASS("htt", 1, 0, CPU_EDX, 28),
	HIDE("tm", 1, 0, CPU_EDX, 29, F_TM),
	{ FEAT("pbe", 1, 0, CPU_EDX, BIT(31), FEAT_HIDE) },

	/* Leaf 1 ECX */
	PASS("sse3", 1, 0, CPU_ECX, 0),
	PASS("pclmulqdq", 1, 0, CPU_ECX, 1),
	HIDE("dtes64", 1, 0, CPU_ECX, 2, F_DTES64),
	/*
	 * MONITOR/MWAIT: hidden, and both instructions exit and raise #UD (vmx/exit.c). A
	 * virtual interrupt does not end an MWAIT (docs/platforms.md), so a guest idling in it
	 * would miss its timer; without the bit Linux idles in HLT, which tickvisor emulates.
	 */
	HIDE("monitor", 1, 0, CPU_ECX, 3, F_MONITOR),
	HIDE("ds_cpl", 1, 0, CPU_ECX, 4, F_DS_CPL),
	/* VMX: no nesting. SMX: GETSEC exits and raises #UD. */
	HIDE("vmx", 1, 0, CPU_ECX, 5, F_VMX),
	{ FEAT("smx", 1, 0, CPU_ECX, BIT(6), FEAT_HIDE) },
	/* EST, TM2: P-states and thermal control are the host's (IA32_PERF_CTL, ...). */
	HIDE("est", 1, 0, CPU_ECX, 7, F_EST),
	HIDE("tm2", 1, 0, CPU_ECX, 8, F_TM2),
	PASS("ssse3", 1, 0, CPU_ECX, 9),
	{ FEAT("cnxt_id", 1, 0, CPU_ECX, BIT(10), FEAT_HIDE) },
	/* SDBG: IA32_DEBUG_INTERFACE is the host's silicon-debug switch. */
	HIDE("sdbg", 1, 0, CPU_ECX, 11, F_SDBG),
	PASS("fma", 1, 0, CPU_ECX, 12),
	PASS("cx16", 1, 0, CPU_ECX, 13),
	/* xTPR: a chipset message, meaningless for the vLAPIC (KVM hides it). */
	{ FEAT("xtpr", 1, 0, CPU_ECX, BIT(14), FEAT_HIDE) },
	/* PDCM: the PMU is hidden (see "perfmon"), so is IA32_PERF_CAPABILITIES. */
	HIDE("pdcm", 1, 0, CPU_ECX, 15, F_PDCM),
	{ FEAT("pcid", 1, 0, CPU_ECX, BIT(17), FEAT_PASS), .id = F_PCID, .needs_cr4 = CR4_PCIDE },
	{ FEAT("dca", 1, 0, CPU_ECX, BIT(18), FEAT_HIDE) },
	PASS("sse4_1", 1, 0, CPU_ECX, 19),
	PASS("sse4_2", 1, 0, CPU_ECX, 20),
	/* x2APIC, TSC-deadline: the vLAPIC's modes, offered as it says. */
	{ FEAT("x2apic", 1, 0, CPU_ECX, BIT(21), FEAT_EMULATE), .id = F_X2APIC },
	PASS("movbe", 1, 0, CPU_ECX, 22),
	PASS("popcnt", 1, 0, CPU_ECX, 23),
	{ FEAT("tsc_deadline", 1, 0, CPU_ECX, BIT(24), FEAT_EMULATE), .id = F_TSC_DEADLINE },
	PASS("aes", 1, 0, CPU_ECX, 25),
	/* XSAVE: XSETBV exits and is checked against the XCR0 bits offered (leaf 0xD). */
	{ FEAT("xsave", 1, 0, CPU_ECX, BIT(26), FEAT_PASS), .id = F_XSAVE,
	  .needs_cr4 = CR4_OSXSAVE },
	/* OSXSAVE: the guest's CR4.OSXSAVE, not the host's (SDM vol. 2 CPUID). */
	{ FEAT("osxsave", 1, 0, CPU_ECX, BIT(27), FEAT_EMULATE), .id = F_OSXSAVE,
	  .needs = F_XSAVE },
	{ FEAT("avx", 1, 0, CPU_ECX, BIT(28), FEAT_PASS), .needs = F_XSAVE },
	{ FEAT("f16c", 1, 0, CPU_ECX, BIT(29), FEAT_PASS), .needs = F_XSAVE },
	PASS("rdrand", 1, 0, CPU_ECX, 30),
	{ FEAT("hypervisor", 1, 0, CPU_ECX, BIT(31), FEAT_EMULATE), .id = F_HYPERVISOR },

	/*
	 * Leaf 6, power management: all hidden but ARAT. APERF/MPERF and the energy, thermal and
	 * HWP MSRs are the host's. ARAT (the APIC timer keeps counting in deep C-states) is true
	 * of the vLAPIC timer, which counts on the TSC whatever the host does.
	 */
	HIDE("dts", 6, 0, CPU_EAX, 0, F_NONE),
	HIDE("turbo", 6, 0, CPU_EAX, 1, F_NONE),
	{ FEAT("arat", 6, 0, CPU_EAX, BIT(2), FEAT_EMULATE), .id = F_ARAT },
	HIDE("pln", 6, 0, CPU_EAX, 4, F_NONE),
	HIDE("ptm", 6, 0, CPU_EAX, 6, F_NONE),
	HIDE("hwp", 6, 0, CPU_EAX, 7, F_HWP),
	HIDE("aperfmperf", 6, 0, CPU_ECX, 0, F_APERFMPERF),
	HIDE("epb", 6, 0, CPU_ECX, 3, F_EPB),

	/* Leaf 7 subleaf 0 EBX */
	{ FEAT("fsgsbase", 7, 0, CPU_EBX, BIT(0), FEAT_PASS), .needs_cr4 = CR4_FSGSBASE },
	/*
	 * TSC_ADJUST: emulated on the guest's TSC offset (vmx/tsc_offset.h), which a write moves
	 * as the SDM says (vol. 3B 18.17.3). With the invariant TSC it tells Linux the TSC needs
	 * no clocksource watchdog.
	 */
	{ FEAT("tsc_adjust", 7, 0, CPU_EBX, BIT(1), FEAT_EMULATE), .id = F_TSC_ADJUST },
	{ FEAT("sgx", 7, 0, CPU_EBX, BIT(2), FEAT_HIDE) },
	{ FEAT("bmi1", 7, 0, CPU_EBX, BIT(3), FEAT_PASS) },
	PASS("hle", 7, 0, CPU_EBX, 4),
	{ FEAT("avx2", 7, 0, CPU_EBX, BIT(5), FEAT_PASS), .needs = F_XSAVE },
	PASS("fdp_excptn_only", 7, 0, CPU_EBX, 6),
	{ FEAT("smep", 7, 0, CPU_EBX, BIT(7), FEAT_PASS), .needs_cr4 = CR4_SMEP },
	PASS("bmi2", 7, 0, CPU_EBX, 8),
	PASS("erms", 7, 0, CPU_EBX, 9),
	/* INVPCID raises #UD in the guest unless "enable INVPCID" is set (SDM 26.3). */
	{ FEAT("invpcid", 7, 0, CPU_EBX, BIT(10), FEAT_PASS), .id = F_INVPCID,
	  .needs_proc2 = PROC2_INVPCID, .needs = F_PCID },
	PASS("rtm", 7, 0, CPU_EBX, 11),
	HIDE("rdt_m", 7, 0, CPU_EBX, 12, F_RDT_M),
	PASS("zero_fcs_fds", 7, 0, CPU_EBX, 13),
	/* MPX: its XCR0 components and IA32_BNDCFGS would need VMCS support; KVM dropped it. */
	HIDE("mpx", 7, 0, CPU_EBX, 14, F_MPX),
	HIDE("rdt_a", 7, 0, CPU_EBX, 15, F_RDT_A),
	{ FEAT("avx512f", 7, 0, CPU_EBX, BIT(16), FEAT_PASS), .needs = F_XSAVE },
	{ FEAT("avx512dq", 7, 0, CPU_EBX, BIT(17), FEAT_PASS), .needs = F_XSAVE },
	PASS("rdseed", 7, 0, CPU_EBX, 18),
	PASS("adx", 7, 0, CPU_EBX, 19),
	{ FEAT("smap", 7, 0, CPU_EBX, BIT(20), FEAT_PASS), .needs_cr4 = CR4_SMAP },
	{ FEAT("avx512ifma", 7, 0, CPU_EBX, BIT(21), FEAT_PASS), .needs = F_XSAVE },
	PASS("clflushopt", 7, 0, CPU_EBX, 23),
	PASS("clwb", 7, 0, CPU_EBX, 24),
	/* Processor trace: its MSRs and leaf 0x14 are the host's. */
	HIDE("pt", 7, 0, CPU_EBX, 25, F_PT),
	{ FEAT("avx512pf", 7, 0, CPU_EBX, BIT(26), FEAT_PASS), .needs = F_XSAVE },
	{ FEAT("avx512er", 7, 0, CPU_EBX, BIT(27), FEAT_PASS), .needs = F_XSAVE },
	{ FEAT("avx512cd", 7, 0, CPU_EBX, BIT(28), FEAT_PASS), .needs = F_XSAVE },
	PASS("sha", 7, 0, CPU_EBX, 29),
	{ FEAT("avx512bw", 7, 0, CPU_EBX, BIT(30), FEAT_PASS), .needs = F_XSAVE },
	{ FEAT("avx512vl", 7, 0, CPU_EBX, BIT(31), FEAT_PASS), .needs = F_XSAVE },

	/* Leaf 7 subleaf 0 ECX */
	PASS("prefetchwt1", 7, 0, CPU_ECX, 0),
	{ FEAT("avx512vbmi", 7, 0, CPU_ECX, BIT(1), FEAT_PASS), .needs = F_XSAVE },
	{ FEAT("umip", 7, 0, CPU_ECX, BIT(2), FEAT_PASS), .needs_cr4 = CR4_UMIP },
	/* PKU: PKRU is guest state in XSAVE; only where the guest may set CR4.PKE. */
	{ FEAT("pku", 7, 0, CPU_ECX, BIT(3), FEAT_PASS), .id = F_PKU, .needs = F_XSAVE,
	  .needs_cr4 = CR4_PKE },
	{ FEAT("ospke", 7, 0, CPU_ECX, BIT(4), FEAT_EMULATE), .id = F_OSPKE, .needs = F_PKU },
	/* WAITPKG: UMWAIT would need "enable user wait and pause"; a timer-waking wait anyway. */
	HIDE("waitpkg", 7, 0, CPU_ECX, 5, F_WAITPKG),
	{ FEAT("avx512vbmi2", 7, 0, CPU_ECX, BIT(6), FEAT_PASS), .needs = F_XSAVE },
	PASS("gfni", 7, 0, CPU_ECX, 8),
	{ FEAT("vaes", 7, 0, CPU_ECX, BIT(9), FEAT_PASS), .needs = F_XSAVE },
	{ FEAT("vpclmulqdq", 7, 0, CPU_ECX, BIT(10), FEAT_PASS), .needs = F_XSAVE },
	{ FEAT("avx512vnni", 7, 0, CPU_ECX, BIT(11), FEAT_PASS), .needs = F_XSAVE },
	{ FEAT("avx512bitalg", 7, 0, CPU_ECX, BIT(12), FEAT_PASS), .needs = F_XSAVE },
	{ FEAT("avx512vpopcntdq", 7, 0, CPU_ECX, BIT(14), FEAT_PASS), .needs = F_XSAVE },
	{ FEAT("la57", 7, 0, CPU_ECX, BIT(16), FEAT_PASS), .needs_cr4 = CR4_LA57 },
	/* RDPID reads IA32_TSC_AUX and needs "enable RDTSCP" like RDTSCP (SDM 26.3). */
	{ FEAT("rdpid", 7, 0, CPU_ECX, BIT(22), FEAT_PASS), .id = F_RDPID,
	  .needs_proc2 = PROC2_RDTSCP },
	PASS("cldemote", 7, 0, CPU_ECX, 25),
	PASS("movdiri", 7, 0, CPU_ECX, 27),
	PASS("movdir64b", 7, 0, CPU_ECX, 28),
	HIDE("sgx_lc", 7, 0, CPU_ECX, 30, F_SGX_LC),

	/* Leaf 7 subleaf 0 EDX */
	{ FEAT("avx512_4vnniw", 7, 0, CPU_EDX, BIT(2), FEAT_PASS), .needs = F_XSAVE },
	{ FEAT("avx512_4fmaps", 7, 0, CPU_EDX, BIT(3), FEAT_PASS), .needs = F_XSAVE },
	PASS("fsrm", 7, 0, CPU_EDX, 4),
	{ FEAT("avx512_vp2intersect", 7, 0, CPU_EDX, BIT(8), FEAT_PASS), .needs = F_XSAVE },
	PASS("md_clear", 7, 0, CPU_EDX, 10),
	PASS("serialize", 7, 0, CPU_EDX, 14),
	/*
	 * Speculation control: hidden. Passing IA32_SPEC_CTRL through would leave the guest's
	 * setting in force in the host, and tickvisor neither saves nor restores it; a guest that
	 * sees none of these assumes the worst and mitigates in software.
	 */
	HIDE("ibrs_ibpb", 7, 0, CPU_EDX, 26, F_SPEC_CTRL),
	HIDE("stibp", 7, 0, CPU_EDX, 27, F_STIBP),
	HIDE("l1d_flush", 7, 0, CPU_EDX, 28, F_L1D_FLUSH),
	HIDE("arch_capabilities", 7, 0, CPU_EDX, 29, F_ARCH_CAP),
	HIDE("core_capabilities", 7, 0, CPU_EDX, 30, F_CORE_CAP),
	HIDE("ssbd", 7, 0, CPU_EDX, 31, F_SSBD),

	/*
	 * Leaf 0xA, the PMU: hidden (version 0, no counters), as KVM does without a vPMU. The
	 * counters and their controls are the host's and nothing saves them across exits.
	 */
	{ FEAT("perfmon", 0xa, 0, CPU_EAX, 0xff, FEAT_HIDE), .id = F_PERFMON },

	/* Leaf 0xD subleaf 1 EAX */
	{ FEAT("xsaveopt", 0xd, 1, CPU_EAX, BIT(0), FEAT_PASS), .needs = F_XSAVE },
	{ FEAT("xsavec", 0xd, 1, CPU_EAX, BIT(1), FEAT_PASS), .needs = F_XSAVE },
	{ FEAT("xgetbv1", 0xd, 1, CPU_EAX, BIT(2), FEAT_PASS), .needs = F_XSAVE },
	/*
	 * XSAVES: needs "enable XSAVES/XRSTORS" (else #UD). IA32_XSS is emulated and offers no
	 * supervisor component (leaf 0xD subleaf 1 ECX/EDX = 0), so it only ever holds 0: the
	 * value the host leaves in the register, which it never uses.
	 */
	{ FEAT("xsaves", 0xd, 1, CPU_EAX, BIT(3), FEAT_PASS), .id = F_XSAVES, .needs = F_XSAVE,
	  .needs_proc2 = PROC2_XSAVES },
	HIDE("xfd", 0xd, 1, CPU_EAX, 4, F_XFD),

	/* Leaf 0x80000001 */
	PASS("lahf_lm", 0x80000001, 0, CPU_ECX, 0),
	PASS("abm", 0x80000001, 0, CPU_ECX, 5),
	PASS("prefetchw", 0x80000001, 0, CPU_ECX, 8),
	{ FEAT("syscall", 0x80000001, 0, CPU_EDX, BIT(11), FEAT_PASS), .id = F_SYSCALL },
	{ FEAT("nx", 0x80000001, 0, CPU_EDX, BIT(20), FEAT_PASS), .id = F_NX },
	PASS("pdpe1gb", 0x80000001, 0, CPU_EDX, 26),
	/* RDTSCP raises #UD in the guest unless "enable RDTSCP" is set (SDM 26.3). */
	{ FEAT("rdtscp", 0x80000001, 0, CPU_EDX, BIT(27), FEAT_PASS), .id = F_RDTSCP,
	  .needs_proc2 = PROC2_RDTSCP },
	{ FEAT("lm", 0x80000001, 0, CPU_EDX, BIT(29), FEAT_PASS), .id = F_LM },

	/* The invariant TSC is the host's: the guest's runs with it, a constant offset away. */
	PASS("invtsc", 0x80000007, 0, CPU_EDX, 8),
	PASS("wbnoinvd", 0x80000008, 0, CPU_EBX, 9),
};

/*
 * The MSRs the features imply (SDM vol. 4 table 2-2), and the few that every CPU has. An MSR in
 * no rule raises #GP and is logged (vmx/exit_msr.c).
 */
static const struct cpu_msr_rule msr_rules[] = {
	{ 0x006, 0x006, F_MONITOR, MSR_ROUTE_EMULATE, "IA32_MONITOR_FILTER_SIZE" },
	{ 0x010, 0x010, F_TSC, MSR_ROUTE_PASS_READ, "IA32_TIME_STAMP_COUNTER" },
	/* Linux's microcode loader reads it: platform 0. */
	{ 0x017, 0x017, F_NONE, MSR_ROUTE_EMULATE, "IA32_PLATFORM_ID" },
	{ 0x01b, 0x01b, F_NONE, MSR_ROUTE_VLAPIC, "IA32_APIC_BASE" },
	/* Locked with VMX off, as CPUID says (Linux reads it to decide about VMX and SGX). */
	{ 0x03a, 0x03a, F_NONE, MSR_ROUTE_EMULATE, "IA32_FEATURE_CONTROL" },
	{ 0x03b, 0x03b, F_TSC_ADJUST, MSR_ROUTE_TSC, "IA32_TSC_ADJUST" },
	{ 0x048, 0x048, F_SPEC_CTRL, MSR_ROUTE_PASS, "IA32_SPEC_CTRL" },
	{ 0x049, 0x049, F_SPEC_CTRL, MSR_ROUTE_PASS, "IA32_PRED_CMD" },
	/* Read after a write of 0 and a CPUID (SDM vol. 3A 10.11.7): microcode revision 1. */
	{ 0x08b, 0x08b, F_NONE, MSR_ROUTE_EMULATE, "IA32_BIOS_SIGN_ID" },
	{ 0x08c, 0x08f, F_SGX_LC, MSR_ROUTE_PASS, "IA32_SGXLEPUBKEYHASH0-3" },
	{ 0x0c1, 0x0c8, F_PERFMON, MSR_ROUTE_PASS, "IA32_PMC0-7" },
	{ 0x0cf, 0x0cf, F_CORE_CAP, MSR_ROUTE_PASS_READ, "IA32_CORE_CAPABILITIES" },
	{ 0x0e7, 0x0e8, F_APERFMPERF, MSR_ROUTE_PASS_READ, "IA32_MPERF, IA32_APERF" },
	{ 0x0fe, 0x0fe, F_MTRR, MSR_ROUTE_EMULATE, "IA32_MTRRCAP" },
	{ 0x10a, 0x10a, F_ARCH_CAP, MSR_ROUTE_PASS_READ, "IA32_ARCH_CAPABILITIES" },
	{ 0x10b, 0x10b, F_L1D_FLUSH, MSR_ROUTE_PASS, "IA32_FLUSH_CMD" },
	{ 0x174, 0x176, F_NONE, MSR_ROUTE_PASS, "IA32_SYSENTER_CS/ESP/EIP" },
	{ 0x179, 0x17b, F_MCA, MSR_ROUTE_EMULATE, "IA32_MCG_CAP/STATUS/CTL" },
	{ 0x186, 0x18d, F_PERFMON, MSR_ROUTE_PASS, "IA32_PERFEVTSEL0-7" },
	{ 0x198, 0x199, F_EST, MSR_ROUTE_PASS_READ, "IA32_PERF_STATUS/CTL" },
	{ 0x19a, 0x19c, F_ACPI, MSR_ROUTE_PASS_READ, "IA32_CLOCK_MODULATION, IA32_THERM_*" },
	/* Every CPU since the Pentium 4 has it; Bochs lacks it, so it can't be passed through. */
	{ 0x1a0, 0x1a0, F_NONE, MSR_ROUTE_EMULATE, "IA32_MISC_ENABLE" },
	{ 0x1b0, 0x1b0, F_EPB, MSR_ROUTE_PASS, "IA32_ENERGY_PERF_BIAS" },
	{ 0x1b1, 0x1b2, F_ACPI, MSR_ROUTE_PASS_READ, "IA32_PACKAGE_THERM_*" },
	{ 0x1c4, 0x1c5, F_XFD, MSR_ROUTE_PASS, "IA32_XFD, IA32_XFD_ERR" },
	{ 0x200, 0x200 + 2 * MTRR_VAR_COUNT - 1, F_MTRR, MSR_ROUTE_EMULATE,
	  "IA32_MTRR_PHYSBASE/PHYSMASK" },
	{ 0x250, 0x250, F_MTRR, MSR_ROUTE_EMULATE, "IA32_MTRR_FIX64K_00000" },
	{ 0x258, 0x259, F_MTRR, MSR_ROUTE_EMULATE, "IA32_MTRR_FIX16K" },
	{ 0x268, 0x26f, F_MTRR, MSR_ROUTE_EMULATE, "IA32_MTRR_FIX4K" },
	/* Loaded and saved by VM entry and exit ("load/save IA32_PAT"). */
	{ 0x277, 0x277, F_PAT, MSR_ROUTE_PASS, "IA32_PAT" },
	{ 0x2ff, 0x2ff, F_MTRR, MSR_ROUTE_EMULATE, "IA32_MTRR_DEF_TYPE" },
	{ 0x309, 0x30b, F_PERFMON, MSR_ROUTE_PASS, "IA32_FIXED_CTR0-2" },
	{ 0x345, 0x345, F_PDCM, MSR_ROUTE_PASS_READ, "IA32_PERF_CAPABILITIES" },
	{ 0x38d, 0x390, F_PERFMON, MSR_ROUTE_PASS, "IA32_FIXED_CTR_CTRL, IA32_PERF_GLOBAL_*" },
	{ 0x400, 0x47f, F_MCA, MSR_ROUTE_EMULATE, "IA32_MC0-31_CTL/STATUS/ADDR/MISC" },
	{ 0x480, 0x491, F_VMX, MSR_ROUTE_PASS_READ, "IA32_VMX_*" },
	{ 0x560, 0x561, F_PT, MSR_ROUTE_PASS, "IA32_RTIT_OUTPUT_*" },
	{ 0x570, 0x572, F_PT, MSR_ROUTE_PASS, "IA32_RTIT_CTL/STATUS/CR3_MATCH" },
	{ 0x580, 0x587, F_PT, MSR_ROUTE_PASS, "IA32_RTIT_ADDR0-3" },
	{ 0x600, 0x600, F_DS, MSR_ROUTE_PASS, "IA32_DS_AREA" },
	{ 0x6e0, 0x6e0, F_NONE, MSR_ROUTE_VLAPIC, "IA32_TSC_DEADLINE" },
	{ 0x770, 0x774, F_HWP, MSR_ROUTE_PASS, "IA32_PM_ENABLE, IA32_HWP_*" },
	{ 0x800, 0x8ff, F_NONE, MSR_ROUTE_VLAPIC, "x2APIC registers" },
	{ 0x0e1, 0x0e1, F_WAITPKG, MSR_ROUTE_PASS, "IA32_UMWAIT_CONTROL" },
	{ 0xc80, 0xc80, F_SDBG, MSR_ROUTE_PASS, "IA32_DEBUG_INTERFACE" },
	{ 0xc8d, 0xc8f, F_RDT_M, MSR_ROUTE_PASS, "IA32_QM_EVTSEL/CTR, IA32_PQR_ASSOC" },
	{ 0xd90, 0xd90, F_MPX, MSR_ROUTE_PASS, "IA32_BNDCFGS" },
	{ 0xda0, 0xda0, F_XSAVES, MSR_ROUTE_EMULATE, "IA32_XSS" },
	/* Loaded and saved by VM entry and exit ("load/save IA32_EFER"). */
	{ 0xc0000080, 0xc0000080, F_NONE, MSR_ROUTE_PASS, "IA32_EFER" },
	/* The SYSCALL and long-mode MSRs: the host never uses them, FS/GS base are in the VMCS. */
	{ 0xc0000081, 0xc0000084, F_SYSCALL, MSR_ROUTE_PASS, "IA32_STAR/LSTAR/CSTAR/FMASK" },
	{ 0xc0000100, 0xc0000102, F_LM, MSR_ROUTE_PASS, "IA32_FS/GS/KERNEL_GS_BASE" },
	{ 0xc0000103, 0xc0000103, F_RDTSCP, MSR_ROUTE_PASS, "IA32_TSC_AUX" },
};

_Static_assert(ARRAY_SIZE(features) <= CPU_POLICY_MAX_FEATURES, "struct cpu_policy: usable[]");

/* How a leaf is answered; features fill in their bits of LEAF_FILTER registers. */
enum leaf_kind {
	LEAF_ZERO,	/* not offered (also every leaf not listed) */
	LEAF_PASS,	/* the host's values: information, no features (caches, topology) */
	LEAF_FILTER,	/* the host's `raw` fields, plus the features' bits */
};

struct leaf_rule {
	uint32_t leaf;
	enum leaf_kind kind;
	uint32_t raw[4];	/* LEAF_FILTER: host fields passed unchanged, by register */
};

#define ALL	0xffffffffu

static const struct leaf_rule leaf_rules[] = {
	{ 0x0, LEAF_FILTER, { 0, ALL, ALL, ALL } },	/* EAX: the guest's highest leaf */
	{ 0x1, LEAF_FILTER, { ALL, ALL, 0, 0 } },	/* signature; brand, CLFLUSH, APIC ID */
	{ 0x2, LEAF_PASS, { 0 } },				/* TLB and cache descriptors */
	{ 0x4, LEAF_PASS, { 0 } },				/* deterministic cache parameters */
	{ 0x6, LEAF_FILTER, { 0, 0, 0, 0 } },
	{ 0x7, LEAF_FILTER, { 0, 0, 0, 0 } },		/* EAX: subleaf 0 only */
	{ 0xb, LEAF_PASS, { 0 } },				/* x2APIC topology */
	/* EBX, ECX: the XSAVE area sizes, for the current XCR0 and for every host component */
	{ LEAF_XSAVE, LEAF_FILTER, { 0, ALL, ALL, 0 } },
	{ 0x16, LEAF_PASS, { 0 } },				/* processor frequency */
	{ 0x18, LEAF_PASS, { 0 } },				/* address translation parameters */
	{ 0x1a, LEAF_PASS, { 0 } },				/* hybrid core type */
	{ 0x1f, LEAF_PASS, { 0 } },				/* V2 extended topology */
	{ 0x80000000, LEAF_FILTER, { 0, ALL, ALL, ALL } },
	{ 0x80000001, LEAF_FILTER, { ALL, ALL, 0, 0 } },
	{ 0x80000002, LEAF_PASS, { 0 } },			/* brand string */
	{ 0x80000003, LEAF_PASS, { 0 } },
	{ 0x80000004, LEAF_PASS, { 0 } },
	{ 0x80000005, LEAF_PASS, { 0 } },
	{ 0x80000006, LEAF_PASS, { 0 } },			/* L2 cache */
	{ 0x80000007, LEAF_FILTER, { 0, 0, 0, 0 } },
	{ LEAF_EXT_ADDR_SIZE, LEAF_FILTER, { ALL, 0, 0, 0 } },	/* physical/linear address bits */
};

/* Emulated MSRs' values (SDM vol. 4 table 2-2; SDM vol. 3A 12.11 for the MTRRs) */
#define MISC_ENABLE_FAST_STRINGS	(1ull << 0)
#define MISC_ENABLE_BTS_UNAVAIL		(1ull << 11)
#define MISC_ENABLE_PEBS_UNAVAIL	(1ull << 12)
#define MISC_ENABLE_WRITABLE		MISC_ENABLE_FAST_STRINGS
#define FEATURE_CONTROL_LOCKED		(1ull << 0)	/* bits 1, 2 (VMX) clear */
#define UCODE_REV_ONE			(1ull << 32)	/* revision in bits 63:32 (KVM's too) */
#define MTRRCAP_FIX			(1ull << 8)
#define MTRRCAP_WC			(1ull << 10)
#define MTRR_DEF_TYPE_E			(1ull << 11)
#define MTRR_DEF_TYPE_FE		(1ull << 10)
#define MTRR_DEF_TYPE_TYPE		0xffull
#define MTRR_PHYSBASE_RSVD		0xf00ull	/* bits 11:8 */
#define MTRR_PHYSMASK_RSVD		0x7ffull	/* bits 10:0 */
#define MTRR_TYPE_WB			6
#define MTRR_FIXED_ALL_WB		0x0606060606060606ull

unsigned int cpu_policy_feature_count(void)
{
	return ARRAY_SIZE(features);
}

const struct cpu_feature *cpu_policy_feature(unsigned int i)
{
	return i < ARRAY_SIZE(features) ? &features[i] : NULL;
}

unsigned int cpu_policy_msr_rule_count(void)
{
	return ARRAY_SIZE(msr_rules);
}

const struct cpu_msr_rule *cpu_policy_msr_rule(unsigned int i)
{
	return i < ARRAY_SIZE(msr_rules) ? &msr_rules[i] : NULL;
}

bool cpu_policy_visible(const struct cpu_policy *p, enum cpu_feature_id id)
{
	return id == F_NONE || (id < F_COUNT_NAMED && p->visible[id]);
}

static uint32_t reg_of(const struct cpuid_regs *r, enum cpu_reg reg)
{
	const uint32_t v[4] = { r->eax, r->ebx, r->ecx, r->edx };

	return v[reg];
}

static void set_reg(struct cpuid_regs *r, enum cpu_reg reg, uint32_t val)
{
	uint32_t *v[4] = { &r->eax, &r->ebx, &r->ecx, &r->edx };

	*v[reg] = val;
}

/* Whether a feature can be shown at all: the host has it and the guest can use it. */
static bool feature_usable(const struct cpu_policy *p, const struct cpu_feature *f)
{
	struct cpuid_regs r;

	if (f->action == FEAT_HIDE)
		return false;
	if ((f->needs_proc2 & ~p->host.proc2) || (f->needs_cr4 & ~p->host.cr4_fixed1))
		return false;
	if (f->needs != F_NONE && !p->visible[f->needs])
		return false;
	if (f->action == FEAT_EMULATE)
		return true;
	p->host.cpuid(f->leaf, f->subleaf, &r);
	return reg_of(&r, f->reg) & f->mask;
}

/* An emulated bit that follows the guest's or the vLAPIC's state. */
static bool emulated_bit(const struct cpu_feature *f, const struct cpu_policy_guest *g)
{
	switch (f->id) {
	case F_APIC:
		return g->apic_base & APIC_BASE_EN;
	case F_OSXSAVE:
		return g->cr4 & CR4_OSXSAVE;
	case F_OSPKE:
		return g->cr4 & CR4_PKE;
	case F_X2APIC:
		return g->x2apic;
	case F_TSC_DEADLINE:
		return g->tsc_deadline;
	default:
		return true;
	}
}

void cpu_policy_init(struct cpu_policy *p, const struct cpu_policy_host *host)
{
	struct cpuid_regs r;
	uint64_t xcr0 = XCR0_X87 | XCR0_SSE | XCR0_AVX | XCR0_AVX512;

	*p = (struct cpu_policy){ .host = *host };
	for (unsigned int i = 0; i < ARRAY_SIZE(features); i++) {
		p->usable[i] = feature_usable(p, &features[i]);
		if (features[i].id != F_NONE)
			p->visible[features[i].id] = p->usable[i];
	}

	host->cpuid(0, 0, &r);
	p->max_basic = r.eax < LEAF_LAST_BASIC ? r.eax : LEAF_LAST_BASIC;
	if (p->max_basic < CPU_POLICY_LEAF_CRYSTAL)
		p->max_basic = CPU_POLICY_LEAF_CRYSTAL;
	host->cpuid(LEAF_EXT, 0, &r);
	p->max_ext = r.eax < LEAF_LAST_EXT ? r.eax : LEAF_LAST_EXT;
	if (p->max_ext < LEAF_EXT)
		p->max_ext = LEAF_EXT;
	p->maxphyaddr = MAXPHYADDR_DEFAULT;
	if (p->max_ext >= LEAF_EXT_ADDR_SIZE) {
		host->cpuid(LEAF_EXT_ADDR_SIZE, 0, &r);
		p->maxphyaddr = r.eax & 0xff;
	}
	if (p->maxphyaddr > MAXPHYADDR_MAX)
		p->maxphyaddr = MAXPHYADDR_MAX;

	/* XCR0: what the host supports of x87, SSE, AVX, AVX-512 and (with PKU) PKRU. */
	if (p->visible[F_PKU])
		xcr0 |= XCR0_PKRU;
	if (p->visible[F_XSAVE]) {
		host->cpuid(LEAF_XSAVE, 0, &r);
		p->xcr0 = (((uint64_t)r.edx << 32) | r.eax) & xcr0;
	}

	p->msr.misc_enable = MISC_ENABLE_FAST_STRINGS | MISC_ENABLE_BTS_UNAVAIL |
			     MISC_ENABLE_PEBS_UNAVAIL;
	/*
	 * No firmware runs before the guest, so tickvisor sets the MTRRs as a BIOS would for a
	 * machine that is all RAM and MMIO mapped by EPT: enabled, everything write-back. The
	 * memory types that count are EPT's and the guest's PAT.
	 */
	p->msr.mtrr_def_type = MTRR_DEF_TYPE_E | MTRR_DEF_TYPE_FE | MTRR_TYPE_WB;
	for (unsigned int i = 0; i < MTRR_FIXED_COUNT; i++)
		p->msr.mtrr_fixed[i] = MTRR_FIXED_ALL_WB;
}

static const struct leaf_rule *find_leaf(uint32_t leaf)
{
	for (unsigned int i = 0; i < ARRAY_SIZE(leaf_rules); i++)
		if (leaf_rules[i].leaf == leaf)
			return &leaf_rules[i];
	return NULL;
}

uint32_t cpu_policy_leaf(const struct cpu_policy *p, uint32_t leaf)
{
	if (leaf >= LEAF_EXT)
		return leaf > p->max_ext ? p->max_basic : leaf;
	return leaf > p->max_basic ? p->max_basic : leaf;
}

/* Leaf 0xD: the XCR0 bits offered; subleaf 1's features, with no IA32_XSS component. */
static bool xsave_leaf(const struct cpu_policy *p, uint32_t sub, struct cpuid_regs *r)
{
	if (!p->visible[F_XSAVE] || sub >= 63) {
		*r = (struct cpuid_regs){ 0 };
		return true;
	}
	if (sub == 0) {
		r->eax &= (uint32_t)p->xcr0;
		r->edx &= (uint32_t)(p->xcr0 >> 32);
		return false;
	}
	if (sub == 1) {
		r->ecx = r->edx = 0;
		return false;
	}
	if (!(p->xcr0 & (1ull << sub)))
		*r = (struct cpuid_regs){ 0 };
	return true;
}

void cpu_policy_cpuid(const struct cpu_policy *p, const struct cpu_policy_guest *g, uint32_t leaf,
		      uint32_t subleaf, struct cpuid_regs *out)
{
	const struct leaf_rule *rule;
	struct cpuid_regs host;

	leaf = cpu_policy_leaf(p, leaf);
	rule = find_leaf(leaf);
	if (!rule || rule->kind == LEAF_ZERO || (leaf == 7 && subleaf != 0)) {
		*out = (struct cpuid_regs){ 0 };
		return;
	}
	p->host.cpuid(leaf, subleaf, &host);
	if (rule->kind == LEAF_PASS) {
		*out = host;
		return;
	}
	if (leaf == LEAF_XSAVE && xsave_leaf(p, subleaf, &host)) {
		*out = host;
		return;
	}
	*out = (struct cpuid_regs){ host.eax & rule->raw[CPU_EAX], host.ebx & rule->raw[CPU_EBX],
				    host.ecx & rule->raw[CPU_ECX], host.edx & rule->raw[CPU_EDX] };
	if (leaf == 0)
		out->eax = p->max_basic;
	else if (leaf == LEAF_EXT)
		out->eax = p->max_ext;
	else if (leaf == LEAF_XSAVE && subleaf == 0)
		out->eax = host.eax, out->edx = host.edx;	/* filtered by xsave_leaf() */

	for (unsigned int i = 0; i < ARRAY_SIZE(features); i++) {
		const struct cpu_feature *f = &features[i];
		uint32_t bits;

		if (f->leaf != leaf || (leaf == LEAF_XSAVE && f->subleaf != subleaf))
			continue;
		if (!p->usable[i])
			continue;
		if (f->action == FEAT_EMULATE)
			bits = emulated_bit(f, g) ? f->mask : 0;
		else
			bits = reg_of(&host, f->reg) & f->mask;
		set_reg(out, f->reg, reg_of(out, f->reg) | bits);
	}
}

static const struct cpu_msr_rule *find_msr(uint32_t msr)
{
	for (unsigned int i = 0; i < ARRAY_SIZE(msr_rules); i++)
		if (msr >= msr_rules[i].first && msr <= msr_rules[i].last)
			return &msr_rules[i];
	return NULL;
}

bool cpu_policy_msr_known(uint32_t msr)
{
	return find_msr(msr) != NULL;
}

enum cpu_msr_route cpu_policy_msr_route(const struct cpu_policy *p, uint32_t msr)
{
	const struct cpu_msr_rule *r = find_msr(msr);

	if (!r || !cpu_policy_visible(p, r->feature))
		return MSR_ROUTE_GP;
	return r->route;
}

/* Memory types an MTRR may hold (SDM vol. 3A table 12-8): UC, WC, WT, WP, WB. */
static bool mtrr_type_valid(uint64_t type)
{
	return type == 0 || type == 1 || type == 4 || type == 5 || type == 6;
}

/* The fixed-range MTRR's index in cpu_msr_state, or -1. */
static int mtrr_fixed_index(uint32_t msr)
{
	if (msr == 0x250)
		return 0;
	if (msr >= 0x258 && msr <= 0x259)
		return 1 + (int)(msr - 0x258);
	if (msr >= 0x268 && msr <= 0x26f)
		return 3 + (int)(msr - 0x268);
	return -1;
}

bool cpu_policy_rdmsr(const struct cpu_policy *p, uint32_t msr, uint64_t *val)
{
	int fixed = mtrr_fixed_index(msr);

	if (cpu_policy_msr_route(p, msr) != MSR_ROUTE_EMULATE)
		return false;
	if (fixed >= 0) {
		*val = p->msr.mtrr_fixed[fixed];
		return true;
	}
	if (msr >= 0x200 && msr < 0x200 + 2 * MTRR_VAR_COUNT) {
		*val = p->msr.mtrr_var[msr - 0x200];
		return true;
	}
	switch (msr) {
	case 0x017:	/* IA32_PLATFORM_ID */
		*val = 0;
		return true;
	case 0x03a:	/* IA32_FEATURE_CONTROL */
		*val = FEATURE_CONTROL_LOCKED;
		return true;
	case 0x08b:	/* IA32_BIOS_SIGN_ID */
		*val = UCODE_REV_ONE;
		return true;
	case 0x0fe:	/* IA32_MTRRCAP: no SMRR */
		*val = MTRR_VAR_COUNT | MTRRCAP_FIX | MTRRCAP_WC;
		return true;
	case 0x1a0:	/* IA32_MISC_ENABLE */
		*val = p->msr.misc_enable;
		return true;
	case 0x2ff:	/* IA32_MTRR_DEF_TYPE */
		*val = p->msr.mtrr_def_type;
		return true;
	case 0xda0:	/* IA32_XSS */
		*val = 0;
		return true;
	default:
		return false;
	}
}

static bool mtrr_write(struct cpu_policy *p, uint32_t msr, uint64_t val)
{
	uint64_t above_phys = ~0ull << p->maxphyaddr;
	int fixed = mtrr_fixed_index(msr);

	if (fixed >= 0) {
		for (unsigned int b = 0; b < 64; b += 8)
			if (!mtrr_type_valid((val >> b) & 0xff))
				return false;
		p->msr.mtrr_fixed[fixed] = val;
		return true;
	}
	if (msr == 0x2ff) {
		if ((val & ~(MTRR_DEF_TYPE_E | MTRR_DEF_TYPE_FE | MTRR_DEF_TYPE_TYPE)) ||
		    !mtrr_type_valid(val & MTRR_DEF_TYPE_TYPE))
			return false;
		p->msr.mtrr_def_type = val;
		return true;
	}
	/* PHYSBASE n (even): type in 7:0; PHYSMASK n (odd): valid in bit 11 (SDM 12.11.2.3) */
	if ((msr & 1) ? (val & (MTRR_PHYSMASK_RSVD | above_phys)) :
	    ((val & (MTRR_PHYSBASE_RSVD | above_phys)) || !mtrr_type_valid(val & 0xff)))
		return false;
	p->msr.mtrr_var[msr - 0x200] = val;
	return true;
}

bool cpu_policy_wrmsr(struct cpu_policy *p, uint32_t msr, uint64_t val)
{
	enum cpu_msr_route route = cpu_policy_msr_route(p, msr);

	if (route != MSR_ROUTE_EMULATE)
		return false;
	if (mtrr_fixed_index(msr) >= 0 || msr == 0x2ff ||
	    (msr >= 0x200 && msr < 0x200 + 2 * MTRR_VAR_COUNT))
		return mtrr_write(p, msr, val);
	switch (msr) {
	case 0x08b:	/* writing 0 asks for the revision to be latched: nothing to do */
		return true;
	case 0x1a0:	/* only fast-strings may change; the rest is read-only here */
		if ((val ^ p->msr.misc_enable) & ~MISC_ENABLE_WRITABLE)
			return false;
		p->msr.misc_enable = val;
		return true;
	case 0xda0:	/* IA32_XSS: leaf 0xD subleaf 1 ECX/EDX offer no component */
		return val == 0;
	default:	/* PLATFORM_ID, MTRRCAP are read-only, FEATURE_CONTROL is locked */
		return false;
	}
}

bool cpu_policy_xcr0_valid(const struct cpu_policy *p, uint64_t xcr0)
{
	uint64_t avx512 = xcr0 & XCR0_AVX512;

	if (!(xcr0 & XCR0_X87) || (xcr0 & ~p->xcr0))
		return false;
	if ((xcr0 & XCR0_AVX) && !(xcr0 & XCR0_SSE))
		return false;
	/* AVX-512 state: all three components or none, and only on top of SSE and AVX. */
	if (avx512 && (avx512 != XCR0_AVX512 || !(xcr0 & XCR0_AVX)))
		return false;
	return true;
}
