/* SPDX-License-Identifier: MIT */
/*
 * The guest's CPU identity: one table of CPUID features, each passed through, emulated or
 * hidden, and one table of the MSRs those features imply. The CPUID exit handler, the RDMSR and
 * WRMSR handlers and the MSR bitmap all derive from these tables, so a feature the guest is told
 * about has its MSRs, and a hidden feature's MSRs raise #GP (as on a CPU without it).
 *
 * Portable: no VMCS access. The host's CPUID comes in through a function and the VMX controls
 * and CR4 bits as numbers, so host unit tests drive it with a fake CPU (tests/unit/cpu_policy.mk).
 */
#ifndef VMX_CPU_POLICY_H
#define VMX_CPU_POLICY_H

#include <stdbool.h>
#include <stdint.h>

#include "arch/x86/cpu.h"

/* What tickvisor does with one CPUID feature. */
enum cpu_feature_action {
	FEAT_HIDE,	/* reads 0; its MSRs raise #GP */
	FEAT_PASS,	/* the host's bit, if the VMX controls let it work in the guest */
	FEAT_EMULATE,	/* tickvisor implements it: set whatever the host says (or computed) */
};

enum cpu_reg { CPU_EAX, CPU_EBX, CPU_ECX, CPU_EDX };

/* The features that other entries refer to (MSR rules, dependencies, computed bits). */
enum cpu_feature_id {
	F_NONE,		/* "always": for MSRs every CPU tickvisor runs on has */
	F_TSC, F_MSR, F_MCE, F_APIC, F_SEP, F_MTRR, F_MCA, F_PAT, F_DS, F_ACPI, F_TM,
	F_MONITOR, F_DTES64, F_DS_CPL, F_VMX, F_EST, F_TM2, F_SDBG, F_PDCM, F_X2APIC, F_TSC_DEADLINE,
	F_XSAVE, F_OSXSAVE, F_HYPERVISOR, F_PCID,
	F_ARAT, F_APERFMPERF, F_EPB, F_HWP,
	F_TSC_ADJUST, F_INVPCID, F_RDT_M, F_MPX, F_RDT_A, F_PT, F_PKU, F_OSPKE, F_WAITPKG,
	F_RDPID, F_SGX_LC, F_SPEC_CTRL, F_STIBP, F_L1D_FLUSH, F_ARCH_CAP, F_SSBD, F_CORE_CAP,
	F_PERFMON,
	F_XSAVES, F_XFD,
	F_SYSCALL, F_NX, F_RDTSCP, F_LM,
	F_COUNT_NAMED,	/* entries below have no id of their own */
};

struct cpu_feature {
	const char *name;
	uint32_t leaf, subleaf;
	enum cpu_reg reg;
	uint32_t mask;			/* one bit, or a field (leaf 0xA's version) */
	enum cpu_feature_action action;
	enum cpu_feature_id id;		/* F_NONE when nothing refers to it */
	enum cpu_feature_id needs;	/* another feature it can't work without */
	uint32_t needs_proc2;		/* a secondary VM-execution control it needs */
	uint64_t needs_cr4;		/* a CR4 bit the guest must be able to set */
};

/* How an MSR is served. */
enum cpu_msr_route {
	MSR_ROUTE_GP,		/* #GP: unknown, or its feature is hidden */
	MSR_ROUTE_PASS,		/* the guest's: reads and writes reach the CPU (bitmap) */
	MSR_ROUTE_PASS_READ,	/* reads reach the CPU, writes exit to cpu_policy_wrmsr() */
	MSR_ROUTE_EMULATE,	/* cpu_policy_rdmsr() and cpu_policy_wrmsr() */
	MSR_ROUTE_VLAPIC,	/* the virtual LAPIC's (vmx/apic_glue.h) */
	MSR_ROUTE_TSC,		/* IA32_TSC_ADJUST: the guest's TSC offset (vmx/tsc_offset.h) */
};

struct cpu_msr_rule {
	uint32_t first, last;
	enum cpu_feature_id feature;	/* hidden: every MSR of the rule raises #GP */
	enum cpu_msr_route route;
	const char *name;
};

/* What the host is and lets the guest do. */
struct cpu_policy_host {
	void (*cpuid)(uint32_t leaf, uint32_t subleaf, struct cpuid_regs *r);
	uint32_t proc2;		/* the secondary VM-execution controls in use */
	uint64_t cr4_fixed1;	/* IA32_VMX_CR4_FIXED1: CR4 bits allowed to be 1 in the guest */
};

/* The guest's and the vLAPIC's state that some CPUID bits follow. */
struct cpu_policy_guest {
	uint64_t cr4;		/* the guest's CR4 (not the read shadow) */
	uint64_t apic_base;	/* IA32_APIC_BASE */
	bool x2apic;		/* the vLAPIC offers x2APIC mode */
	bool tsc_deadline;	/* ... and TSC-deadline mode */
};

#define CPU_POLICY_MAX_FEATURES	256	/* entries of the feature table, at most */
#define MTRR_VAR_COUNT		8	/* variable ranges offered (MTRRcap.VCNT) */
#define MTRR_FIXED_COUNT	11	/* 64K_00000, 16K_80000/A0000, 4K_C0000..F8000 */

/* The guest's emulated MSRs, as it wrote them. */
struct cpu_msr_state {
	uint64_t misc_enable;
	uint64_t mtrr_def_type;
	uint64_t mtrr_var[2 * MTRR_VAR_COUNT];	/* PHYSBASE0, PHYSMASK0, PHYSBASE1, ... */
	uint64_t mtrr_fixed[MTRR_FIXED_COUNT];
};

struct cpu_policy {
	struct cpu_policy_host host;
	bool visible[F_COUNT_NAMED];	/* the named features, before the dynamic ones */
	bool usable[CPU_POLICY_MAX_FEATURES];	/* every entry, by index: no host CPUID per exit */
	uint32_t max_basic, max_ext;	/* the guest's highest leaves */
	uint64_t xcr0;			/* the XCR0 bits the guest may set */
	unsigned int maxphyaddr;
	struct cpu_msr_state msr;
};

/* Leaf 0x15 is always the guest's (the vLAPIC timer's crystal), whatever the host's range. */
#define CPU_POLICY_LEAF_CRYSTAL	0x15u

/* Snapshots the host and computes what the guest sees; the emulated MSRs get reset values. */
void cpu_policy_init(struct cpu_policy *p, const struct cpu_policy_host *host);

/*
 * The leaf a CPUID of `leaf` answers: a leaf past the highest of its range (basic or extended)
 * returns the highest basic leaf (SDM vol. 2 CPUID). Not for the hypervisor range.
 */
uint32_t cpu_policy_leaf(const struct cpu_policy *p, uint32_t leaf);
/* The guest's CPUID leaf (basic and extended ranges, except CPU_POLICY_LEAF_CRYSTAL). */
void cpu_policy_cpuid(const struct cpu_policy *p, const struct cpu_policy_guest *g, uint32_t leaf,
		      uint32_t subleaf, struct cpuid_regs *out);

enum cpu_msr_route cpu_policy_msr_route(const struct cpu_policy *p, uint32_t msr);
/* MSR_ROUTE_EMULATE (and the writes of MSR_ROUTE_PASS_READ): false means #GP. */
bool cpu_policy_rdmsr(const struct cpu_policy *p, uint32_t msr, uint64_t *val);
bool cpu_policy_wrmsr(struct cpu_policy *p, uint32_t msr, uint64_t val);
/* True if the MSR appears in the table at all (known, even if hidden). */
bool cpu_policy_msr_known(uint32_t msr);

/* XSETBV's checks of the value for XCR0 (SDM vol. 1 13.3, vol. 2 XSETBV): false means #GP. */
bool cpu_policy_xcr0_valid(const struct cpu_policy *p, uint64_t xcr0);

/* The tables, for the MSR bitmap and the unit test. */
unsigned int cpu_policy_feature_count(void);
const struct cpu_feature *cpu_policy_feature(unsigned int i);
unsigned int cpu_policy_msr_rule_count(void);
const struct cpu_msr_rule *cpu_policy_msr_rule(unsigned int i);
bool cpu_policy_visible(const struct cpu_policy *p, enum cpu_feature_id id);

#endif
