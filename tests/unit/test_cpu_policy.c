/* SPDX-License-Identifier: MIT */
/*
 * Unit tests for the CPU policy: the walk of its tables that checks the invariant (a visible
 * feature's MSRs work as the SDM says, a hidden feature's raise #GP), then the cases that broke
 * real guests. The fake CPUs answer every leaf with all bits set, so anything the policy lets
 * through shows up.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "vmx/cpu_policy.h"

#define ALL		0xffffffffu
#define BIT(n)		(1u << (n))
#define PHYS_BITS	39
/* The host's XCR0 components: x87, SSE, AVX, MPX (3, 4), AVX-512 (5-7), PKRU (9) */
#define HOST_XCR0	0x2ffu

/* Secondary controls and CR4 bits */
#define PROC2_RDTSCP	BIT(3)
#define PROC2_INVPCID	BIT(12)
#define PROC2_XSAVES	BIT(20)
#define CR4_OSXSAVE_BIT	(1ull << 18)
#define CR4_PKE_BIT	(1ull << 22)
/* Bochs corei7_skylake_x (docs/platforms.md): no UMIP, LA57 or PKE */
#define SKYLAKE_PROC2		0x02177fffu
#define SKYLAKE_CR4_FIXED1	0x3727ffull

/* MSRs */
#define MSR_TSC			0x010
#define MSR_PLATFORM_ID		0x017
#define MSR_FEATURE_CONTROL	0x03a
#define MSR_TSC_ADJUST		0x03b
#define MSR_NONE		0x04b
#define MSR_BIOS_SIGN_ID	0x08b
#define MSR_PMC0		0x0c1
#define MSR_MPERF		0x0e7
#define MSR_APERF		0x0e8
#define MSR_MTRRCAP		0x0fe
#define MSR_MCG_CAP		0x179
#define MSR_MCG_STATUS		0x17a
#define MSR_MISC_ENABLE		0x1a0
#define MSR_MTRR_PHYSBASE0	0x200
#define MSR_MTRR_PHYSMASK0	0x201
#define MSR_MTRR_PHYSBASE8	0x210
#define MSR_MTRR_FIX4K_C0000	0x268
#define MSR_MTRR_DEF_TYPE	0x2ff
#define MSR_PERF_CAPABILITIES	0x345
#define MSR_MC1_STATUS		0x405
#define MSR_XSS			0xda0
#define MSR_TSC_AUX		0xc0000103

static uint32_t fake_max_basic;

static void fake_cpuid(uint32_t leaf, uint32_t subleaf, struct cpuid_regs *r)
{
	*r = (struct cpuid_regs){ ALL, ALL, ALL, ALL };
	if (leaf == 0)
		r->eax = fake_max_basic;
	else if (leaf == 0x80000000)
		r->eax = 0x80000008;
	else if (leaf == 0x80000008)
		r->eax = 0x3000 | PHYS_BITS;	/* 48 linear, 39 physical address bits */
	else if (leaf == 0xd && subleaf == 0)
		r->eax = HOST_XCR0, r->edx = 0;
}

/* Every control and every CR4 bit; none; and Bochs' skylake_x. */
static const struct cpu_policy_host host_full = { fake_cpuid, ALL, ~0ull };
static const struct cpu_policy_host host_bare = { fake_cpuid, 0, 0 };
static const struct cpu_policy_host host_skylake = { fake_cpuid, SKYLAKE_PROC2,
						     SKYLAKE_CR4_FIXED1 };

/* The guest, with everything a CPUID bit can follow switched on. */
static const struct cpu_policy_guest guest_all_on = {
	.cr4 = ~0ull, .apic_base = 0xfee00900, .x2apic = true, .tsc_deadline = true,
};

static struct cpu_policy policy;

static const struct cpu_policy *init(const struct cpu_policy_host *h, uint32_t max_basic)
{
	fake_max_basic = max_basic;
	cpu_policy_init(&policy, h);
	return &policy;
}

static struct cpuid_regs leaf(const struct cpu_policy_guest *g, uint32_t l, uint32_t sub)
{
	struct cpuid_regs r;

	cpu_policy_cpuid(&policy, g, l, sub, &r);
	return r;
}

static uint32_t reg(struct cpuid_regs r, enum cpu_reg which)
{
	const uint32_t v[4] = { r.eax, r.ebx, r.ecx, r.edx };

	return v[which];
}

/* SDM vol. 4: read-only MSRs (and the locked IA32_FEATURE_CONTROL): a write raises #GP. */
static bool read_only(uint32_t msr)
{
	return msr == MSR_PLATFORM_ID || msr == MSR_FEATURE_CONTROL || msr == MSR_MTRRCAP;
}

/*
 * The invariant, on one host: every MSR of the table raises #GP exactly when its feature is
 * hidden; an emulated one that is visible reads, and takes back the value it read (unless the
 * SDM makes it read-only); each feature's CPUID bit is set exactly when it is visible.
 */
static void check_invariant(const struct cpu_policy_host *h)
{
	const struct cpu_policy *p = init(h, 0x1f);

	for (unsigned int i = 0; i < cpu_policy_msr_rule_count(); i++) {
		const struct cpu_msr_rule *r = cpu_policy_msr_rule(i);
		bool visible = cpu_policy_visible(p, r->feature);

		for (uint32_t msr = r->first; msr <= r->last; msr++) {
			enum cpu_msr_route route = cpu_policy_msr_route(p, msr);
			uint64_t val = 0;

			if (!visible) {
				if (route != MSR_ROUTE_GP)
					fail_msg("MSR %#x (%s): feature hidden, route %d", msr,
						 r->name, route);
				continue;
			}
			if (route == MSR_ROUTE_GP)
				fail_msg("MSR %#x (%s): feature visible, but #GP", msr, r->name);
			if (route == MSR_ROUTE_EMULATE) {
				if (!cpu_policy_rdmsr(p, msr, &val))
					fail_msg("MSR %#x (%s): emulated read fails", msr, r->name);
				if (cpu_policy_wrmsr(&policy, msr, val) == read_only(msr))
					fail_msg("MSR %#x (%s): write of %#llx %s", msr, r->name,
						 (unsigned long long)val,
						 read_only(msr) ? "accepted" : "refused");
			} else if (route == MSR_ROUTE_PASS_READ && msr != MSR_TSC) {
				fail_msg("MSR %#x (%s): passed-through read-only MSR visible",
					 msr, r->name);
			}
		}
	}

	for (unsigned int i = 0; i < cpu_policy_feature_count(); i++) {
		const struct cpu_feature *f = cpu_policy_feature(i);
		uint32_t got = reg(leaf(&guest_all_on, f->leaf, f->subleaf), f->reg) & f->mask;

		if (f->id != F_NONE && cpu_policy_visible(p, f->id) != (got != 0))
			fail_msg("%s: visible %d, CPUID bits %#x", f->name,
				 cpu_policy_visible(p, f->id), got);
		if (f->action == FEAT_HIDE && got)
			fail_msg("%s: hidden, but CPUID shows %#x", f->name, got);
	}
}

static void test_invariant_full_host(void **state)
{
	(void)state;
	check_invariant(&host_full);
}

static void test_invariant_bare_host(void **state)
{
	(void)state;
	check_invariant(&host_bare);
}

static void test_invariant_skylake(void **state)
{
	(void)state;
	check_invariant(&host_skylake);
}

/* No two MSR rules claim the same MSR: the first would silently win. */
static void test_msr_rules_disjoint(void **state)
{
	(void)state;
	for (unsigned int i = 0; i < cpu_policy_msr_rule_count(); i++) {
		const struct cpu_msr_rule *a = cpu_policy_msr_rule(i);

		assert_true(a->first <= a->last);
		for (unsigned int j = i + 1; j < cpu_policy_msr_rule_count(); j++) {
			const struct cpu_msr_rule *b = cpu_policy_msr_rule(j);

			if (a->first <= b->last && b->first <= a->last)
				fail_msg("%s and %s overlap", a->name, b->name);
		}
	}
}

/* A bit no feature names stays hidden however much the host shows. */
static void test_unnamed_bits_hidden(void **state)
{
	(void)state;
	init(&host_full, 0x1f);
	assert_int_equal(leaf(&guest_all_on, 1, 0).ecx & BIT(16), 0);	/* reserved */
	assert_int_equal(leaf(&guest_all_on, 7, 0).edx & BIT(22), 0);	/* AMX-BF16 */
	assert_int_equal(leaf(&guest_all_on, 7, 0).eax, 0);		/* subleaf 0 only */
	assert_int_equal(leaf(&guest_all_on, 7, 1).eax, 0);
	assert_int_equal(leaf(&guest_all_on, 0x12, 0).eax, 0);		/* SGX */
	assert_int_equal(leaf(&guest_all_on, 0x80000007, 0).edx, BIT(8));	/* invariant TSC */
}

/* The PMU: PDCM and leaf 0xA hidden, so IA32_PERF_CAPABILITIES and the counters raise #GP. */
static void test_pmu_hidden(void **state)
{
	struct cpuid_regs a;

	(void)state;
	init(&host_full, 0x1f);
	assert_int_equal(leaf(&guest_all_on, 1, 0).ecx & BIT(15), 0);
	a = leaf(&guest_all_on, 0xa, 0);
	assert_true(!a.eax && !a.ebx && !a.ecx && !a.edx);
	assert_int_equal(cpu_policy_msr_route(&policy, MSR_PERF_CAPABILITIES), MSR_ROUTE_GP);
	assert_int_equal(cpu_policy_msr_route(&policy, MSR_PMC0), MSR_ROUTE_GP);
}

static void test_mce_hidden(void **state)
{
	(void)state;
	init(&host_full, 0x1f);
	assert_int_equal(leaf(&guest_all_on, 1, 0).edx & (BIT(7) | BIT(14)), 0);
	assert_int_equal(cpu_policy_msr_route(&policy, MSR_MCG_CAP), MSR_ROUTE_GP);
	assert_int_equal(cpu_policy_msr_route(&policy, MSR_MCG_STATUS), MSR_ROUTE_GP);
	assert_int_equal(cpu_policy_msr_route(&policy, MSR_MC1_STATUS), MSR_ROUTE_GP);
}

/* MONITOR/MWAIT hidden, leaf 5 empty; leaf 6 shows ARAT only; APERF/MPERF raise #GP. */
static void test_monitor_and_power_hidden(void **state)
{
	struct cpuid_regs r;

	(void)state;
	init(&host_full, 0x1f);
	assert_int_equal(leaf(&guest_all_on, 1, 0).ecx & BIT(3), 0);
	r = leaf(&guest_all_on, 5, 0);
	assert_true(!r.eax && !r.ebx && !r.ecx && !r.edx);
	r = leaf(&guest_all_on, 6, 0);
	assert_int_equal(r.eax, BIT(2));
	assert_true(!r.ebx && !r.ecx && !r.edx);
	/* ARAT is the vLAPIC's: shown even where the host lacks it */
	init(&host_bare, 0x1f);
	assert_int_equal(leaf(&guest_all_on, 6, 0).eax, BIT(2));
	assert_int_equal(cpu_policy_msr_route(&policy, MSR_APERF), MSR_ROUTE_GP);
	assert_int_equal(cpu_policy_msr_route(&policy, MSR_MPERF), MSR_ROUTE_GP);
}

/* TSC_ADJUST: shown, served by the TSC offset (vmx/tsc_offset.c), as the TSC's writes are. */
static void test_tsc_adjust(void **state)
{
	(void)state;
	init(&host_full, 0x1f);
	assert_int_equal(leaf(&guest_all_on, 7, 0).ebx & BIT(1), BIT(1));
	assert_int_equal(cpu_policy_msr_route(&policy, MSR_TSC_ADJUST), MSR_ROUTE_TSC);
	/* The TSC itself: reads pass through (with the offset), writes exit to the offset */
	assert_int_equal(cpu_policy_msr_route(&policy, MSR_TSC), MSR_ROUTE_PASS_READ);
	assert_false(cpu_policy_wrmsr(&policy, MSR_TSC, 1234));
}

static void test_misc_enable(void **state)
{
	uint64_t v;

	(void)state;
	init(&host_full, 0x1f);
	assert_int_equal(cpu_policy_msr_route(&policy, MSR_MISC_ENABLE), MSR_ROUTE_EMULATE);
	assert_true(cpu_policy_rdmsr(&policy, MSR_MISC_ENABLE, &v));
	/* fast strings on; BTS and PEBS unavailable; no PMU (7), no EST (16), no MONITOR (18) */
	assert_int_equal(v, BIT(0) | BIT(11) | BIT(12));
	assert_false(cpu_policy_wrmsr(&policy, MSR_MISC_ENABLE, v | BIT(18)));
	assert_false(cpu_policy_wrmsr(&policy, MSR_MISC_ENABLE, v & ~(uint64_t)BIT(11)));
	assert_true(cpu_policy_wrmsr(&policy, MSR_MISC_ENABLE, v & ~(uint64_t)BIT(0)));
	assert_true(cpu_policy_rdmsr(&policy, MSR_MISC_ENABLE, &v));
	assert_int_equal(v, BIT(11) | BIT(12));
}

static void test_identity_msrs(void **state)
{
	uint64_t v;

	(void)state;
	init(&host_full, 0x1f);
	/* Linux's microcode loader: write 0, CPUID, read the revision in bits 63:32 */
	assert_true(cpu_policy_wrmsr(&policy, MSR_BIOS_SIGN_ID, 0));
	assert_true(cpu_policy_rdmsr(&policy, MSR_BIOS_SIGN_ID, &v));
	assert_int_equal(v >> 32, 1);
	assert_true(cpu_policy_rdmsr(&policy, MSR_PLATFORM_ID, &v));
	assert_int_equal(v, 0);
	assert_false(cpu_policy_wrmsr(&policy, MSR_PLATFORM_ID, 0));
	/* Locked, VMX off: matches the hidden VMX bit */
	assert_true(cpu_policy_rdmsr(&policy, MSR_FEATURE_CONTROL, &v));
	assert_int_equal(v, 1);
	assert_int_equal(leaf(&guest_all_on, 1, 0).ecx & BIT(5), 0);
	/* Unknown: #GP, and not in the table */
	assert_int_equal(cpu_policy_msr_route(&policy, MSR_NONE), MSR_ROUTE_GP);
	assert_false(cpu_policy_msr_known(MSR_NONE));
	assert_true(cpu_policy_msr_known(MSR_PERF_CAPABILITIES));
}

static void test_mtrrs(void **state)
{
	const uint64_t above = 1ull << PHYS_BITS;
	uint64_t v;

	(void)state;
	init(&host_full, 0x1f);
	assert_true(cpu_policy_rdmsr(&policy, MSR_MTRRCAP, &v));
	assert_int_equal(v & 0xff, 8);				/* VCNT */
	assert_int_equal(cpu_policy_msr_route(&policy, MSR_MTRR_PHYSBASE8), MSR_ROUTE_GP);
	/* as a BIOS leaves them: enabled, write-back */
	assert_true(cpu_policy_rdmsr(&policy, MSR_MTRR_DEF_TYPE, &v));
	assert_int_equal(v, 0xc06);
	/* the guest's values read back */
	assert_true(cpu_policy_wrmsr(&policy, MSR_MTRR_DEF_TYPE, 0x800));
	assert_true(cpu_policy_rdmsr(&policy, MSR_MTRR_DEF_TYPE, &v));
	assert_int_equal(v, 0x800);
	assert_true(cpu_policy_wrmsr(&policy, MSR_MTRR_PHYSBASE0, 0x80000006));
	assert_true(cpu_policy_wrmsr(&policy, MSR_MTRR_PHYSMASK0, (above - 1) & ~0x7fffffffull));
	assert_true(cpu_policy_rdmsr(&policy, MSR_MTRR_PHYSBASE0, &v));
	assert_int_equal(v, 0x80000006);
	assert_true(cpu_policy_wrmsr(&policy, MSR_MTRR_FIX4K_C0000, 0x0001040506000000ull));
	assert_true(cpu_policy_rdmsr(&policy, MSR_MTRR_FIX4K_C0000, &v));
	assert_int_equal(v, 0x0001040506000000ull);
	/* #GP: types 2, 3, 7; reserved bits; bits at or above MAXPHYADDR */
	assert_false(cpu_policy_wrmsr(&policy, MSR_MTRR_DEF_TYPE, 0x802));
	assert_false(cpu_policy_wrmsr(&policy, MSR_MTRR_DEF_TYPE, 0x1806));
	assert_false(cpu_policy_wrmsr(&policy, MSR_MTRR_PHYSBASE0, 0x80000007));
	assert_false(cpu_policy_wrmsr(&policy, MSR_MTRR_PHYSBASE0, 0x80000106));
	assert_false(cpu_policy_wrmsr(&policy, MSR_MTRR_PHYSBASE0, above | 6));
	assert_false(cpu_policy_wrmsr(&policy, MSR_MTRR_PHYSMASK0, 0x800 | 1));
	assert_false(cpu_policy_wrmsr(&policy, MSR_MTRR_FIX4K_C0000, 0x0300000000000000ull));
	assert_false(cpu_policy_wrmsr(&policy, MSR_MTRRCAP, 8));
}

/* APIC follows IA32_APIC_BASE.EN; OSXSAVE and OSPKE the guest's CR4; x2APIC the vLAPIC. */
static void test_dynamic_bits(void **state)
{
	struct cpu_policy_guest g = guest_all_on;

	(void)state;
	init(&host_full, 0x1f);
	assert_true(leaf(&g, 1, 0).edx & BIT(9));
	assert_true(leaf(&g, 1, 0).ecx & BIT(27));
	assert_true(leaf(&g, 7, 0).ecx & BIT(4));
	g.apic_base &= ~0x800ull;
	assert_int_equal(leaf(&g, 1, 0).edx & BIT(9), 0);
	g.cr4 &= ~(CR4_OSXSAVE_BIT | CR4_PKE_BIT);
	assert_int_equal(leaf(&g, 1, 0).ecx & BIT(27), 0);
	assert_int_equal(leaf(&g, 7, 0).ecx & BIT(4), 0);
	g.x2apic = false;
	g.tsc_deadline = false;
	assert_int_equal(leaf(&g, 1, 0).ecx & (BIT(21) | BIT(24)), 0);
	/* the hypervisor bit, always */
	assert_true(leaf(&g, 1, 0).ecx & BIT(31));
}

/* Instructions that #UD in the guest without their secondary control are hidden without it. */
static void test_controls_gate_features(void **state)
{
	struct cpu_policy_host h = host_full;
	uint64_t v;

	(void)state;
	h.proc2 = ALL & ~(PROC2_RDTSCP | PROC2_INVPCID | PROC2_XSAVES);
	init(&h, 0x1f);
	assert_int_equal(leaf(&guest_all_on, 0x80000001, 0).edx & BIT(27), 0);
	assert_int_equal(leaf(&guest_all_on, 7, 0).ecx & BIT(22), 0);		/* RDPID */
	assert_int_equal(leaf(&guest_all_on, 7, 0).ebx & BIT(10), 0);		/* INVPCID */
	assert_int_equal(leaf(&guest_all_on, 0xd, 1).eax & BIT(3), 0);		/* XSAVES */
	assert_int_equal(cpu_policy_msr_route(&policy, MSR_TSC_AUX), MSR_ROUTE_GP);
	assert_int_equal(cpu_policy_msr_route(&policy, MSR_XSS), MSR_ROUTE_GP);

	init(&host_full, 0x1f);
	assert_true(leaf(&guest_all_on, 0x80000001, 0).edx & BIT(27));
	assert_true(leaf(&guest_all_on, 0xd, 1).eax & BIT(3));
	assert_int_equal(cpu_policy_msr_route(&policy, MSR_TSC_AUX), MSR_ROUTE_PASS);
	/* IA32_XSS offers no component: only 0 */
	assert_int_equal(leaf(&guest_all_on, 0xd, 1).ecx, 0);
	assert_true(cpu_policy_rdmsr(&policy, MSR_XSS, &v));
	assert_int_equal(v, 0);
	assert_true(cpu_policy_wrmsr(&policy, MSR_XSS, 0));
	assert_false(cpu_policy_wrmsr(&policy, MSR_XSS, 1ull << 8));
}

/* Bochs skylake_x can't set CR4.PKE or CR4.UMIP in VMX operation: PKU and UMIP hidden. */
static void test_cr4_gates_features(void **state)
{
	(void)state;
	init(&host_skylake, 0x1f);
	assert_int_equal(leaf(&guest_all_on, 7, 0).ecx & (BIT(2) | BIT(3) | BIT(4)), 0);
	assert_true(leaf(&guest_all_on, 7, 0).ebx & BIT(7));			/* SMEP */
	assert_int_equal(leaf(&guest_all_on, 0xd, 0).eax, 0xe7);		/* no MPX, PKRU */
	assert_true(leaf(&guest_all_on, 1, 0).ecx & BIT(26));			/* XSAVE */
}

static void test_xsave_leaf_and_xcr0(void **state)
{
	const struct cpu_policy *p;

	(void)state;
	p = init(&host_full, 0x1f);
	assert_int_equal(leaf(&guest_all_on, 0xd, 0).eax, 0x2e7);	/* MPX (3, 4) hidden */
	assert_int_equal(leaf(&guest_all_on, 0xd, 3).eax, 0);
	assert_int_equal(leaf(&guest_all_on, 0xd, 2).eax, ALL);		/* AVX: the host's */
	assert_true(cpu_policy_xcr0_valid(p, 0x1));
	assert_true(cpu_policy_xcr0_valid(p, 0x7));
	assert_true(cpu_policy_xcr0_valid(p, 0xe7));
	assert_true(cpu_policy_xcr0_valid(p, 0x2e7));
	assert_false(cpu_policy_xcr0_valid(p, 0x0));		/* x87 is always on */
	assert_false(cpu_policy_xcr0_valid(p, 0x2));
	assert_false(cpu_policy_xcr0_valid(p, 0x5));		/* AVX without SSE */
	assert_false(cpu_policy_xcr0_valid(p, 0x27));		/* part of AVX-512 */
	assert_false(cpu_policy_xcr0_valid(p, 0xe3));		/* AVX-512 without AVX */
	assert_false(cpu_policy_xcr0_valid(p, 0x1f));		/* MPX: not offered */
	assert_false(cpu_policy_xcr0_valid(p, 0x20007));	/* AMX: not offered */
	p = init(&host_bare, 0x1f);					/* no CR4.OSXSAVE */
	assert_int_equal(leaf(&guest_all_on, 1, 0).ecx & (BIT(26) | BIT(27) | BIT(28)), 0);
	assert_false(cpu_policy_xcr0_valid(p, 0x1));
}

/* Leaf 0x15 is the guest's even where the host stops below it; out-of-range leaves clamp. */
static void test_leaf_range(void **state)
{
	const struct cpu_policy *p;

	(void)state;
	p = init(&host_full, 0xd);
	assert_int_equal(leaf(&guest_all_on, 0, 0).eax, CPU_POLICY_LEAF_CRYSTAL);
	assert_int_equal(cpu_policy_leaf(p, 0x15), CPU_POLICY_LEAF_CRYSTAL);
	assert_int_equal(cpu_policy_leaf(p, 0x16), CPU_POLICY_LEAF_CRYSTAL);
	assert_int_equal(cpu_policy_leaf(p, 0x80000009), CPU_POLICY_LEAF_CRYSTAL);
	assert_int_equal(cpu_policy_leaf(p, 0x80000008), 0x80000008);
	p = init(&host_full, 0x7fffffff);
	assert_int_equal(leaf(&guest_all_on, 0, 0).eax, 0x1f);
	assert_int_equal(leaf(&guest_all_on, 0x80000000, 0).eax, 0x80000008);
	assert_int_equal(cpu_policy_leaf(p, 0x20), 0x1f);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_invariant_full_host),
		cmocka_unit_test(test_invariant_bare_host),
		cmocka_unit_test(test_invariant_skylake),
		cmocka_unit_test(test_msr_rules_disjoint),
		cmocka_unit_test(test_unnamed_bits_hidden),
		cmocka_unit_test(test_pmu_hidden),
		cmocka_unit_test(test_mce_hidden),
		cmocka_unit_test(test_monitor_and_power_hidden),
		cmocka_unit_test(test_tsc_adjust),
		cmocka_unit_test(test_misc_enable),
		cmocka_unit_test(test_identity_msrs),
		cmocka_unit_test(test_mtrrs),
		cmocka_unit_test(test_dynamic_bits),
		cmocka_unit_test(test_controls_gate_features),
		cmocka_unit_test(test_cr4_gates_features),
		cmocka_unit_test(test_xsave_leaf_and_xcr0),
		cmocka_unit_test(test_leaf_range),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
