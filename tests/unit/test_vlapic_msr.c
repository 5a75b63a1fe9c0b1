/* SPDX-License-Identifier: MIT */
/* IA32_APIC_BASE's state machine and the x2APIC MSR interface with its #GP rules. */
#include "tests/unit/vlapic_fake_env.h"

#define BASE		0xfee00000ull
#define BSP		APIC_BASE_BSP
#define EN		APIC_BASE_EN
#define EXTD		APIC_BASE_EXTD
#define X2(reg)		APIC_X2APIC_MSR(reg)
/* an x2APIC logical ICR: cluster in destination 31:16, member bits in 15:0 */
#define LOGICAL(cluster, bits)	\
	(((uint64_t)(cluster) << 16 | (bits)) << 32 | APIC_ICR_LOGICAL)

static bool wrmsr(struct fake_env *f, uint32_t msr, uint64_t val)
{
	return vlapic_msr_write(&f->v, msr, val);
}

static bool rdmsr_gp(struct fake_env *f, uint32_t msr)
{
	uint64_t val;

	return !vlapic_msr_read(&f->v, msr, &val);
}

static struct fake_env *new_x2apic(void)
{
	struct fake_env *f = fake_new_enabled();

	fake_wrmsr(f, MSR_IA32_APIC_BASE, BASE | EN | EXTD);
	return f;
}

static void apic_base_legal(void **state)
{
	struct fake_env *f = fake_new_enabled();

	(void)state;
	/* the same value: nothing to tell the glue */
	fake_wrmsr(f, MSR_IA32_APIC_BASE, BASE | BSP | EN);
	assert_int_equal(f->base_calls, 0);
	/* xAPIC -> x2APIC: ID and LDR take the x2APIC format */
	fake_write(f, APIC_REG_LVT_LINT0, 0x700);
	fake_wrmsr(f, MSR_IA32_APIC_BASE, BASE | EN | EXTD);
	assert_int_equal(f->base_calls, 1);
	assert_int_equal(f->base_mode, VLAPIC_MODE_X2APIC);
	assert_int_equal(vlapic_mode(&f->v), VLAPIC_MODE_X2APIC);
	/* BSP is kept although the write cleared it */
	assert_int_equal(fake_rdmsr(f, MSR_IA32_APIC_BASE), BASE | BSP | EN | EXTD);
	assert_int_equal(fake_rdmsr(f, X2(APIC_REG_ID)), FAKE_APIC_ID);
	assert_int_equal(fake_rdmsr(f, X2(APIC_REG_LDR)), 0x12 << 16 | 1 << 3);
	/* the rest of the state carries over */
	assert_int_equal(fake_rdmsr(f, X2(APIC_REG_SVR)), 0x1ff);
	assert_int_equal(fake_rdmsr(f, X2(APIC_REG_LVT_LINT0)), 0x700);
	/* x2APIC -> disabled: reset state */
	fake_wrmsr(f, X2(APIC_REG_TMICT), 1000000);
	assert_true(f->hv_armed);
	fake_wrmsr(f, MSR_IA32_APIC_BASE, BASE);
	assert_int_equal(f->base_mode, VLAPIC_MODE_DISABLED);
	assert_int_equal(vlapic_mode(&f->v), VLAPIC_MODE_DISABLED);
	assert_false(f->hv_armed || f->sw_armed);
	/* disabled -> xAPIC: as after power-up */
	fake_wrmsr(f, MSR_IA32_APIC_BASE, BASE | EN);
	assert_int_equal(f->base_mode, VLAPIC_MODE_XAPIC);
	assert_int_equal(fake_read(f, APIC_REG_SVR), 0xff);
	assert_int_equal(fake_read(f, APIC_REG_LVT_LINT0), APIC_LVT_MASKED);
	assert_int_equal(fake_read(f, APIC_REG_ID), 0x23000000);
	assert_int_equal(fake_read(f, APIC_REG_TMICT), 0);
	assert_int_equal(fake_read(f, APIC_REG_DFR), 0xffffffff);
	/* xAPIC -> disabled resets too */
	fake_write(f, APIC_REG_SVR, 0x1ff);
	fake_write(f, APIC_REG_ICR_LO, APIC_ICR_SELF | 0x80);
	fake_wrmsr(f, MSR_IA32_APIC_BASE, BASE);
	assert_int_equal(vlapic_highest_pending(&f->v), -1);
	fake_wrmsr(f, MSR_IA32_APIC_BASE, BASE | EN);
	assert_false(fake_irr(f, 0x80));
	assert_int_equal(fake_read(f, APIC_REG_SVR), 0xff);
	fake_free(f);
}

static void apic_base_illegal(void **state)
{
	struct fake_env *f = fake_new_enabled();
	uint64_t before;

	(void)state;
	/* reserved bits: 7:0, 9, and above MAXPHYADDR (39 here) */
	assert_false(wrmsr(f, MSR_IA32_APIC_BASE, BASE | EN | 1));
	assert_false(wrmsr(f, MSR_IA32_APIC_BASE, BASE | EN | 0x80));
	assert_false(wrmsr(f, MSR_IA32_APIC_BASE, BASE | EN | 1 << 9));
	assert_false(wrmsr(f, MSR_IA32_APIC_BASE, BASE | EN | 1ull << 39));
	assert_true(wrmsr(f, MSR_IA32_APIC_BASE, BASE | EN | 1ull << 38));
	/* EN = 0 with EXTD = 1 is invalid */
	assert_false(wrmsr(f, MSR_IA32_APIC_BASE, BASE | EXTD));
	/* x2APIC -> xAPIC */
	fake_wrmsr(f, MSR_IA32_APIC_BASE, BASE | EN | EXTD);
	assert_false(wrmsr(f, MSR_IA32_APIC_BASE, BASE | EN));
	assert_int_equal(vlapic_mode(&f->v), VLAPIC_MODE_X2APIC);
	/* disabled -> x2APIC */
	fake_wrmsr(f, MSR_IA32_APIC_BASE, BASE);
	assert_false(wrmsr(f, MSR_IA32_APIC_BASE, BASE | EN | EXTD));
	assert_int_equal(vlapic_mode(&f->v), VLAPIC_MODE_DISABLED);
	before = f->base_calls;
	assert_false(wrmsr(f, MSR_IA32_APIC_BASE, BASE | EXTD));
	assert_int_equal(f->base_calls, before);
	fake_free(f);
}

static void apic_base_no_x2apic(void **state)
{
	struct vlapic_config cfg;
	struct fake_env *f;

	(void)state;
	fake_config(&cfg);
	cfg.x2apic_supported = false;
	f = fake_new(&cfg);
	assert_false(wrmsr(f, MSR_IA32_APIC_BASE, BASE | EN | EXTD));
	assert_int_equal(vlapic_mode(&f->v), VLAPIC_MODE_XAPIC);
	fake_free(f);
}

/* A new base address is reported to the glue, which may refuse it. */
static void apic_base_relocation(void **state)
{
	struct fake_env *f = fake_new_enabled();

	(void)state;
	fake_wrmsr(f, MSR_IA32_APIC_BASE, 0xfed00000 | EN);
	assert_int_equal(f->base_addr, 0xfed00000);
	assert_int_equal(f->base_mode, VLAPIC_MODE_XAPIC);
	assert_int_equal(fake_rdmsr(f, MSR_IA32_APIC_BASE), 0xfed00000 | BSP | EN);
	/* the registers stay */
	assert_int_equal(fake_read(f, APIC_REG_SVR), 0x1ff);
	f->base_refuse = true;
	assert_false(wrmsr(f, MSR_IA32_APIC_BASE, 0xfec00000 | EN));
	assert_int_equal(fake_rdmsr(f, MSR_IA32_APIC_BASE), 0xfed00000 | BSP | EN);
	assert_int_equal(f->log_level, VLAPIC_LOG_WARN);
	fake_free(f);
}

/* Disabled: no registers at all, and nothing is delivered. */
static void disabled_mode(void **state)
{
	struct fake_env *f = fake_new_enabled();
	uint32_t val;

	(void)state;
	fake_wrmsr(f, MSR_IA32_APIC_BASE, BASE);
	assert_false(vlapic_mmio_read(&f->v, APIC_REG_ID, &val));
	assert_false(vlapic_mmio_write(&f->v, APIC_REG_TMICT, 1000));
	assert_true(rdmsr_gp(f, X2(APIC_REG_ID)));
	assert_false(wrmsr(f, X2(APIC_REG_TPR), 0));
	assert_false(f->hv_armed || f->sw_armed);
	assert_int_equal(fake_rdmsr(f, MSR_IA32_TSC_DEADLINE), 0);
	fake_free(f);
}

static void x2apic_msrs_gated_by_mode(void **state)
{
	struct fake_env *f = fake_new_enabled();
	uint32_t val;

	(void)state;
	assert_true(rdmsr_gp(f, X2(APIC_REG_ID)));
	assert_true(rdmsr_gp(f, X2(APIC_REG_TPR)));
	assert_false(wrmsr(f, X2(APIC_REG_TPR), 0x20));
	assert_false(wrmsr(f, X2(APIC_REG_SELF_IPI), 0x40));
	assert_int_equal(fake_read(f, APIC_REG_TPR), 0);
	fake_wrmsr(f, MSR_IA32_APIC_BASE, BASE | EN | EXTD);
	/* the MMIO interface is gone */
	assert_false(vlapic_mmio_read(&f->v, APIC_REG_TPR, &val));
	assert_false(vlapic_mmio_write(&f->v, APIC_REG_TPR, 0x20));
	fake_wrmsr(f, X2(APIC_REG_TPR), 0x20);
	assert_int_equal(fake_rdmsr(f, X2(APIC_REG_TPR)), 0x20);
	/* not ours */
	assert_true(rdmsr_gp(f, 0x10));
	assert_true(rdmsr_gp(f, 0x900));
	fake_free(f);
}

/* SDM table 11-6: what exists in x2APIC mode, read-only and write-only registers. */
static void x2apic_gp_rules(void **state)
{
	static const uint32_t reserved[] = {
		0x800, 0x801, 0x804, 0x805, 0x806, 0x807, 0x809, 0x80c, 0x80e, 0x829, 0x82a,
		0x82b, 0x82c, 0x82d, 0x82e, 0x831, 0x83a, 0x83b, 0x83c, 0x83d, 0x840, 0x8ff,
	};
	static const uint32_t read_only[] = {
		0x802, 0x803, 0x80a, 0x80d, 0x810, 0x817, 0x818, 0x81f, 0x820, 0x827, 0x839,
	};
	struct fake_env *f = new_x2apic();

	(void)state;
	for (size_t i = 0; i < sizeof(reserved) / sizeof(reserved[0]); i++) {
		assert_true(rdmsr_gp(f, reserved[i]));
		assert_false(wrmsr(f, reserved[i], 0));
	}
	for (size_t i = 0; i < sizeof(read_only) / sizeof(read_only[0]); i++) {
		assert_false(rdmsr_gp(f, read_only[i]));
		assert_false(wrmsr(f, read_only[i], 0));
	}
	assert_int_equal(fake_rdmsr(f, 0x802), FAKE_APIC_ID);
	/* write-only */
	assert_true(rdmsr_gp(f, 0x80b));
	assert_true(rdmsr_gp(f, 0x83f));
	/* bits 63:32 are reserved everywhere but ICR */
	assert_false(wrmsr(f, X2(APIC_REG_TPR), 1ull << 32));
	assert_false(wrmsr(f, X2(APIC_REG_TMICT), 1ull << 63 | 5));
	assert_false(f->hv_armed || f->sw_armed);
	assert_false(wrmsr(f, X2(APIC_REG_LVT_TIMER), 1ull << 40));
	/* EOI and ESR: only 0 may be written */
	assert_false(wrmsr(f, X2(APIC_REG_EOI), 1));
	assert_true(wrmsr(f, X2(APIC_REG_EOI), 0));
	assert_false(wrmsr(f, X2(APIC_REG_ESR), 1));
	assert_true(wrmsr(f, X2(APIC_REG_ESR), 0));
	/* SELF IPI: vector only */
	assert_false(wrmsr(f, X2(APIC_REG_SELF_IPI), 0x140));
	assert_false(fake_irr(f, 0x40));
	fake_free(f);
}

static void x2apic_registers(void **state)
{
	struct fake_env *f = new_x2apic();
	uint64_t t0 = f->tsc;

	(void)state;
	/* SELF IPI */
	fake_wrmsr(f, X2(APIC_REG_SELF_IPI), 0x40);
	assert_true(fake_irr(f, 0x40));
	assert_int_equal(fake_rdmsr(f, X2(APIC_REG_IRR) + 2), 1);
	assert_int_equal(vlapic_highest_pending(&f->v), 0x40);
	assert_true(vlapic_ack(&f->v, 0x40));
	assert_int_equal(fake_rdmsr(f, X2(APIC_REG_ISR) + 2), 1);
	assert_int_equal(fake_rdmsr(f, X2(APIC_REG_PPR)), 0x40);
	fake_wrmsr(f, X2(APIC_REG_EOI), 0);
	assert_false(fake_isr(f, 0x40));
	/* ICR is one 64-bit register with a 32-bit destination */
	fake_wrmsr(f, X2(APIC_REG_ICR_LO), (uint64_t)FAKE_APIC_ID << 32 | 0x51);
	assert_true(fake_irr(f, 0x51));
	assert_int_equal(fake_rdmsr(f, X2(APIC_REG_ICR_LO)), (uint64_t)FAKE_APIC_ID << 32 | 0x51);
	fake_wrmsr(f, X2(APIC_REG_ICR_LO), 0x23ull << 32 | 0x52);
	assert_false(fake_irr(f, 0x52));
	fake_wrmsr(f, X2(APIC_REG_ICR_LO), 0xffffffffull << 32 | 0x53);
	assert_true(fake_irr(f, 0x53));
	/* logical: cluster 0x12, member bit 3 */
	fake_wrmsr(f, X2(APIC_REG_ICR_LO), LOGICAL(0x12, 0x8) | 0x54);
	assert_true(fake_irr(f, 0x54));
	fake_wrmsr(f, X2(APIC_REG_ICR_LO), LOGICAL(0x13, 0x8) | 0x55);
	assert_false(fake_irr(f, 0x55));
	fake_wrmsr(f, X2(APIC_REG_ICR_LO), LOGICAL(0x12, 0x4) | 0x56);
	assert_false(fake_irr(f, 0x56));
	/* the timer through MSRs */
	fake_wrmsr(f, X2(APIC_REG_TDCR), 0xb);
	fake_wrmsr(f, X2(APIC_REG_LVT_TIMER), APIC_TIMER_PERIODIC | 0x60);
	fake_wrmsr(f, X2(APIC_REG_TMICT), 500000);
	assert_int_equal(fake_backend_deadline(f), t0 + 500000);
	f->tsc = t0 + 100000;
	assert_int_equal(fake_rdmsr(f, APIC_X2APIC_MSR(APIC_REG_TMCCT)), 400000);
	assert_int_equal(fake_rdmsr(f, X2(APIC_REG_TMICT)), 500000);
	assert_true(fake_expire(f));
	assert_true(fake_irr(f, 0x60));
	/* TSC-deadline through the MSR in x2APIC mode */
	fake_wrmsr(f, X2(APIC_REG_LVT_TIMER), APIC_TIMER_TSC_DEADLINE | 0x61);
	fake_wrmsr(f, MSR_IA32_TSC_DEADLINE, f->tsc + 1234);
	assert_int_equal(fake_backend_deadline(f), f->tsc + 1234);
	assert_int_equal(fake_rdmsr(f, MSR_IA32_TSC_DEADLINE), f->tsc + 1234);
	fake_free(f);
}

/*
 * With APIC-register virtualization the CPU reads an x2APIC MSR as the 8 bytes at
 * (msr & 0xff) << 4 of the virtual-APIC page (SDM 29.5): wherever the vLAPIC lets a read through,
 * the page must hold exactly what RDMSR returns, the 64-bit ICR included.
 */
static void x2apic_page_reads(void **state)
{
	struct fake_env *f = new_x2apic();
	uint64_t val, page;
	uint32_t off;

	(void)state;
	fake_wrmsr(f, X2(APIC_REG_TPR), 0x20);
	fake_wrmsr(f, X2(APIC_REG_LVT_LINT1), 0x1a742);
	fake_wrmsr(f, X2(APIC_REG_TDCR), 0x3);
	fake_wrmsr(f, X2(APIC_REG_TMICT), 12345);
	fake_wrmsr(f, X2(APIC_REG_ICR_LO), 0x12345678ull << 32 | APIC_ICR_SELF | 0x45);
	fake_wrmsr(f, X2(APIC_REG_SELF_IPI), 0x46);
	assert_true(vlapic_ack(&f->v, 0x46));
	assert_int_equal(vlapic_highest_isr(&f->v), 0x46);
	assert_int_equal(vlapic_highest_irr(&f->v), 0x45);
	for (uint32_t msr = 0x800; msr <= 0x8ff; msr++) {
		if (!vlapic_x2apic_read_passthrough(msr, true))
			continue;
		off = (msr - 0x800) << 4;
		page = f->page[off / 4] | (uint64_t)f->page[off / 4 + 1] << 32;
		assert_true(vlapic_msr_read(&f->v, msr, &val));
		assert_int_equal(page, val);
	}
	assert_int_equal(fake_rdmsr(f, X2(APIC_REG_ICR_LO)),
			 0x12345678ull << 32 | APIC_ICR_SELF | 0x45);
	/* computed, write-only or reserved: the read must exit */
	assert_false(vlapic_x2apic_read_passthrough(APIC_X2APIC_MSR(APIC_REG_TMCCT), true));
	assert_false(vlapic_x2apic_read_passthrough(X2(APIC_REG_EOI), true));
	assert_false(vlapic_x2apic_read_passthrough(X2(APIC_REG_SELF_IPI), true));
	assert_false(vlapic_x2apic_read_passthrough(0x801, true));
	assert_false(vlapic_x2apic_read_passthrough(0x831, true));
	assert_false(vlapic_x2apic_read_passthrough(0x8ff, true));
	assert_false(vlapic_x2apic_read_passthrough(MSR_IA32_TSC_DEADLINE, true));
	/* PPR only where virtual-interrupt delivery keeps VPPR current */
	assert_true(vlapic_x2apic_read_passthrough(X2(APIC_REG_PPR), true));
	assert_false(vlapic_x2apic_read_passthrough(X2(APIC_REG_PPR), false));
	assert_true(vlapic_x2apic_read_passthrough(X2(APIC_REG_TPR), false));
	fake_wrmsr(f, X2(APIC_REG_EOI), 0);
	assert_int_equal(vlapic_highest_isr(&f->v), -1);
	fake_free(f);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(apic_base_legal),
		cmocka_unit_test(apic_base_illegal),
		cmocka_unit_test(apic_base_no_x2apic),
		cmocka_unit_test(apic_base_relocation),
		cmocka_unit_test(disabled_mode),
		cmocka_unit_test(x2apic_msrs_gated_by_mode),
		cmocka_unit_test(x2apic_gp_rules),
		cmocka_unit_test(x2apic_registers),
		cmocka_unit_test(x2apic_page_reads),
	};

	return cmocka_run_group_tests_name("vlapic_msr", tests, NULL, NULL);
}
