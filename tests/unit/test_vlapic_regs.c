/* SPDX-License-Identifier: MIT */
/* xAPIC registers through MMIO and APIC-write exits; IRR/ISR/PPR; ESR; IPIs. */
#include <stdlib.h>

#include "tests/unit/vlapic_fake_env.h"

static void reset_state(void **state)
{
	struct vlapic_config cfg;
	struct fake_env *f;
	static const uint32_t lvts[] = {
		APIC_REG_LVT_CMCI, APIC_REG_LVT_TIMER, APIC_REG_LVT_THERMAL,
		APIC_REG_LVT_PERF, APIC_REG_LVT_LINT0, APIC_REG_LVT_LINT1,
		APIC_REG_LVT_ERROR,
	};

	(void)state;
	fake_config(&cfg);
	f = fake_new(&cfg);
	assert_int_equal(vlapic_mode(&f->v), VLAPIC_MODE_XAPIC);
	assert_int_equal(fake_rdmsr(f, MSR_IA32_APIC_BASE), 0xfee00900);
	assert_int_equal(fake_read(f, APIC_REG_ID), 0x23000000);
	assert_int_equal(fake_read(f, APIC_REG_VERSION), 0x01060014);
	assert_int_equal(fake_read(f, APIC_REG_SVR), 0xff);
	assert_int_equal(fake_read(f, APIC_REG_DFR), 0xffffffff);
	for (size_t i = 0; i < 7; i++)
		assert_int_equal(fake_read(f, lvts[i]), APIC_LVT_MASKED);
	for (uint32_t off = APIC_REG_ISR; off < APIC_REG_ESR; off += 0x10)
		assert_int_equal(fake_read(f, off), 0);
	assert_int_equal(fake_read(f, APIC_REG_TPR), 0);
	assert_int_equal(fake_read(f, APIC_REG_PPR), 0);
	assert_int_equal(fake_read(f, APIC_REG_LDR), 0);
	assert_int_equal(fake_read(f, APIC_REG_TMICT), 0);
	assert_int_equal(fake_read(f, APIC_REG_TDCR), 0);
	/* the page was cleared: no register beyond the map holds garbage */
	assert_int_equal(f->page[0x400 / 4], 0);
	assert_false(f->hv_armed || f->sw_armed);
	assert_int_equal(f->base_calls, 0);
	fake_free(f);

	cfg.bsp = false;
	f = fake_new(&cfg);
	assert_int_equal(fake_rdmsr(f, MSR_IA32_APIC_BASE), 0xfee00800);
	fake_free(f);

	cfg.tsc_hz = 0;
	f = calloc(1, sizeof(*f));
	assert_false(vlapic_init(&f->v, &cfg, NULL, NULL, NULL));
	free(f);
}

/* Writable bits: reserved bits read 0, delivery status and remote IRR read 0. */
static void writable_bits(void **state)
{
	static const struct {
		uint32_t off, write, read;
	} regs[] = {
		{ APIC_REG_TPR, 0xffffffff, 0xff },
		{ APIC_REG_LDR, 0xffffffff, 0xff000000 },
		{ APIC_REG_DFR, 0x0, 0x0fffffff },
		{ APIC_REG_SVR, 0xffffffff, 0x13ff },
		{ APIC_REG_LVT_CMCI, 0xffffffff, 0x107ff },
		{ APIC_REG_LVT_TIMER, 0xfffbffff, 0x300ff },
		{ APIC_REG_LVT_TIMER, 0xfffdffff, 0x500ff },
		{ APIC_REG_LVT_THERMAL, 0xffffffff, 0x107ff },
		{ APIC_REG_LVT_PERF, 0xffffffff, 0x107ff },
		{ APIC_REG_LVT_LINT0, 0xffffffff, 0x1a7ff },
		{ APIC_REG_LVT_LINT1, 0xffffffff, 0x1a7ff },
		{ APIC_REG_LVT_ERROR, 0xffffffff, 0x100ff },
		{ APIC_REG_ICR_HI, 0xffffffff, 0xff000000 },
		{ APIC_REG_TDCR, 0xffffffff, 0xb },
	};
	struct fake_env *f = fake_new_enabled();

	(void)state;
	for (size_t i = 0; i < sizeof(regs) / sizeof(regs[0]); i++) {
		fake_write(f, regs[i].off, regs[i].write);
		assert_int_equal(fake_read(f, regs[i].off), regs[i].read);
	}
	/* ICR low: delivery status reads 0 (an INIT to nobody, so nothing is delivered) */
	fake_write(f, APIC_REG_ICR_HI, 0x01000000);
	fake_write(f, APIC_REG_ICR_LO, 0xfff3d5ff);
	assert_int_equal(fake_read(f, APIC_REG_ICR_LO), 0x0000c5ff);
	fake_free(f);
}

/* Read-only, write-only, reserved and misaligned MMIO accesses. */
static void mmio_rules(void **state)
{
	struct fake_env *f = fake_new_enabled();
	uint32_t val;

	(void)state;
	/* read-only: ignored */
	assert_false(vlapic_mmio_write(&f->v, APIC_REG_VERSION, 0));
	assert_false(vlapic_mmio_write(&f->v, APIC_REG_TMCCT, 5));
	assert_false(vlapic_mmio_write(&f->v, APIC_REG_IRR + 0x10, 0xffffffff));
	assert_int_equal(fake_read(f, APIC_REG_VERSION), 0x01060014);
	assert_int_equal(fake_read(f, APIC_REG_ID), 0x23000000);
	assert_int_equal(fake_read(f, APIC_REG_IRR + 0x10), 0);
	/* write-only EOI reads nothing */
	val = 1;
	assert_false(vlapic_mmio_read(&f->v, APIC_REG_EOI, &val));
	assert_int_equal(val, 0);
	assert_int_equal(fake_read(f, APIC_REG_APR), 0);
	/* misaligned */
	assert_false(vlapic_mmio_read(&f->v, APIC_REG_TPR + 4, &val));
	assert_false(vlapic_mmio_write(&f->v, APIC_REG_TPR + 1, 0x20));
	assert_int_equal(fake_read(f, APIC_REG_TPR), 0);
	/* none of that was an unimplemented register: ESR is clean */
	fake_write(f, APIC_REG_ESR, 0);
	assert_int_equal(fake_read(f, APIC_REG_ESR), 0);
	/* reserved registers are (SDM 11.5.3) */
	assert_false(vlapic_mmio_read(&f->v, 0x040, &val));
	fake_write(f, APIC_REG_ESR, 0);
	assert_int_equal(fake_read(f, APIC_REG_ESR), APIC_ESR_ILLEGAL_REG);
	assert_false(vlapic_mmio_write(&f->v, 0x3a0, 1));
	assert_false(vlapic_mmio_write(&f->v, 0x800, 1));
	fake_write(f, APIC_REG_ESR, 0);
	assert_int_equal(fake_read(f, APIC_REG_ESR), APIC_ESR_ILLEGAL_REG);
	/* and so is the x2APIC-only SELF IPI in xAPIC mode */
	assert_false(vlapic_mmio_write(&f->v, APIC_REG_SELF_IPI, 0x40));
	assert_false(fake_irr(f, 0x40));
	fake_write(f, APIC_REG_ESR, 0);
	assert_int_equal(fake_read(f, APIC_REG_ESR), APIC_ESR_ILLEGAL_REG);
	fake_free(f);
}

/* ESR: errors gather unseen until a write makes them readable (SDM 11.5.3). */
static void esr_protocol(void **state)
{
	struct fake_env *f = fake_new_enabled();

	(void)state;
	fake_write(f, APIC_REG_ICR_LO, APIC_ICR_SELF | 0x05);
	assert_false(fake_irr(f, 0x05));
	assert_int_equal(fake_read(f, APIC_REG_ESR), 0);
	fake_write(f, APIC_REG_ESR, 0xffffffff);
	assert_int_equal(fake_read(f, APIC_REG_ESR),
			 APIC_ESR_SEND_ILLEGAL | APIC_ESR_RECV_ILLEGAL);
	/* reading again changes nothing; the next write clears */
	assert_int_equal(fake_read(f, APIC_REG_ESR),
			 APIC_ESR_SEND_ILLEGAL | APIC_ESR_RECV_ILLEGAL);
	fake_write(f, APIC_REG_ESR, 0);
	assert_int_equal(fake_read(f, APIC_REG_ESR), 0);
	/* an IPI to someone else with an illegal vector: a send error only */
	fake_write(f, APIC_REG_ICR_HI, 0x07000000);
	fake_write(f, APIC_REG_ICR_LO, 0x0f);
	fake_write(f, APIC_REG_ESR, 0);
	assert_int_equal(fake_read(f, APIC_REG_ESR), APIC_ESR_SEND_ILLEGAL);
	/* an unmasked LVT error raises its vector on an error */
	fake_write(f, APIC_REG_LVT_ERROR, 0xfe);
	fake_write(f, APIC_REG_ICR_LO, APIC_ICR_SELF | 0x01);
	assert_true(fake_irr(f, 0xfe));
	/* an illegal vector in LVT error itself is recorded, not raised again and again */
	fake_write(f, APIC_REG_LVT_ERROR, 0x02);
	fake_write(f, APIC_REG_ESR, 0);
	fake_write(f, APIC_REG_ICR_LO, APIC_ICR_SELF | 0x01);
	fake_write(f, APIC_REG_ESR, 0);
	assert_int_equal(fake_read(f, APIC_REG_ESR),
			 APIC_ESR_SEND_ILLEGAL | APIC_ESR_RECV_ILLEGAL);
	assert_false(fake_irr(f, 0x02));
	fake_free(f);
}

static void icr_ipis(void **state)
{
	struct fake_env *f = fake_new_enabled();
	unsigned int pending;

	(void)state;
	/* fixed, physical, to our own ID */
	fake_write(f, APIC_REG_ICR_HI, 0x23000000);
	pending = f->pending_calls;
	fake_write(f, APIC_REG_ICR_LO, 0x45);
	assert_true(fake_irr(f, 0x45));
	assert_int_equal(f->pending_calls, pending + 1);
	assert_int_equal(fake_read(f, APIC_REG_ICR_LO) & APIC_ICR_STATUS, 0);
	/* to another ID: accepted without effect */
	fake_write(f, APIC_REG_ICR_HI, 0x24000000);
	fake_write(f, APIC_REG_ICR_LO, 0x46);
	assert_false(fake_irr(f, 0x46));
	/* broadcast and the shorthands */
	fake_write(f, APIC_REG_ICR_HI, 0xff000000);
	fake_write(f, APIC_REG_ICR_LO, 0x47);
	assert_true(fake_irr(f, 0x47));
	fake_write(f, APIC_REG_ICR_HI, 0x24000000);
	fake_write(f, APIC_REG_ICR_LO, APIC_ICR_SELF | 0x48);
	assert_true(fake_irr(f, 0x48));
	fake_write(f, APIC_REG_ICR_LO, APIC_ICR_ALL | 0x49);
	assert_true(fake_irr(f, 0x49));
	fake_write(f, APIC_REG_ICR_LO, APIC_ICR_OTHERS | 0x4a);
	assert_false(fake_irr(f, 0x4a));
	/* logical, flat model: LDR bit 2 */
	fake_write(f, APIC_REG_LDR, 0x04000000);
	fake_write(f, APIC_REG_ICR_HI, 0x06000000);
	fake_write(f, APIC_REG_ICR_LO, APIC_ICR_LOGICAL | 0x4b);
	assert_true(fake_irr(f, 0x4b));
	fake_write(f, APIC_REG_ICR_HI, 0x08000000);
	fake_write(f, APIC_REG_ICR_LO, APIC_ICR_LOGICAL | 0x4c);
	assert_false(fake_irr(f, 0x4c));
	/* logical, cluster model: cluster 3, member bit 1 */
	fake_write(f, APIC_REG_DFR, 0x0fffffff);
	fake_write(f, APIC_REG_LDR, 0x32000000);
	fake_write(f, APIC_REG_ICR_HI, 0x33000000);
	fake_write(f, APIC_REG_ICR_LO, APIC_ICR_LOGICAL | 0x4d);
	assert_true(fake_irr(f, 0x4d));
	fake_write(f, APIC_REG_ICR_HI, 0x23000000);
	fake_write(f, APIC_REG_ICR_LO, APIC_ICR_LOGICAL | 0x4e);
	assert_false(fake_irr(f, 0x4e));
	/* INIT and SIPI to self: accepted without effect or complaint */
	fake_write(f, APIC_REG_ICR_LO, APIC_ICR_SELF | APIC_ICR_INIT);
	fake_write(f, APIC_REG_ICR_LO, APIC_ICR_SELF | APIC_ICR_SIPI | 0x9a);
	assert_false(fake_irr(f, 0x9a));
	assert_int_equal(f->log_calls, 0);
	/* lowest priority: this one processor takes it (test_vlapic_chipset.c: NMIs) */
	fake_write(f, APIC_REG_ICR_LO, APIC_ICR_SELF | APIC_ICR_LOWEST | 0x9b);
	assert_true(fake_irr(f, 0x9b));
	assert_int_equal(f->log_calls, 0);
	/* SMI: not delivered, said once */
	fake_write(f, APIC_REG_ICR_LO, APIC_ICR_SELF | APIC_ICR_SMI);
	fake_write(f, APIC_REG_ICR_LO, APIC_ICR_SELF | APIC_ICR_SMI);
	assert_false(vlapic_nmi_pending(&f->v));
	assert_int_equal(f->log_calls, 1);
	assert_int_equal(f->log_level, VLAPIC_LOG_WARN);
	fake_free(f);
}

static void software_disabled_drops(void **state)
{
	struct fake_env *f = fake_new_enabled();

	(void)state;
	fake_write(f, APIC_REG_ICR_LO, APIC_ICR_SELF | 0x50);
	fake_write(f, APIC_REG_SVR, 0xff);
	fake_write(f, APIC_REG_ICR_LO, APIC_ICR_SELF | 0x60);
	assert_false(fake_irr(f, 0x60));
	/* what it holds is still delivered */
	assert_int_equal(vlapic_highest_pending(&f->v), 0x50);
	fake_free(f);
}

static void post(struct fake_env *f, uint8_t vector)
{
	fake_write(f, APIC_REG_ICR_LO, APIC_ICR_SELF | vector);
}

static void tpr_ppr(void **state)
{
	struct fake_env *f = fake_new_enabled();
	unsigned int pending;

	(void)state;
	post(f, 0x45);
	fake_write(f, APIC_REG_TPR, 0x45);
	/* the same priority class as TPR is blocked (SDM 11.8.3) */
	assert_int_equal(vlapic_highest_pending(&f->v), -1);
	assert_int_equal(vlapic_highest_irr(&f->v), 0x45);
	assert_int_equal(fake_read(f, APIC_REG_PPR), 0x45);
	/* lowering TPR lets it through and says so */
	pending = f->pending_calls;
	fake_write(f, APIC_REG_TPR, 0x3f);
	assert_int_equal(f->pending_calls, pending + 1);
	assert_int_equal(vlapic_highest_pending(&f->v), 0x45);
	assert_true(vlapic_ack(&f->v, 0x45));
	/* PPR: the in-service class beats a lower TPR, */
	assert_int_equal(fake_read(f, APIC_REG_PPR), 0x40);
	/* TPR wins when its class is at least the ISR's */
	fake_write(f, APIC_REG_TPR, 0x41);
	assert_int_equal(fake_read(f, APIC_REG_PPR), 0x41);
	fake_write(f, APIC_REG_TPR, 0x52);
	assert_int_equal(fake_read(f, APIC_REG_PPR), 0x52);
	fake_write(f, APIC_REG_TPR, 0);
	fake_write(f, APIC_REG_EOI, 0);
	assert_int_equal(fake_read(f, APIC_REG_PPR), 0);
	fake_free(f);
}

/*
 * Every TPR write is said, also one that lets nothing through: without virtual-interrupt delivery
 * the glue's TPR threshold must follow TPR down.
 */
static void tpr_write_always_said(void **state)
{
	struct fake_env *f = fake_new_enabled();
	unsigned int pending;

	(void)state;
	post(f, 0x45);
	assert_true(vlapic_ack(&f->v, 0x45));
	post(f, 0x35);
	fake_write(f, APIC_REG_TPR, 0x30);
	pending = f->pending_calls;
	/* 0x35 is still held back, now by the vector in service */
	fake_write(f, APIC_REG_TPR, 0x20);
	assert_int_equal(vlapic_highest_pending(&f->v), -1);
	assert_int_equal(f->pending_calls, pending + 1);
	assert_int_equal(vlapic_tpr(&f->v), 0x20);
	fake_free(f);
}

/* Every vector is delivered once, in priority order, and EOI retires the highest. */
static void irr_isr_ordering(void **state)
{
	struct fake_env *f = fake_new_enabled();

	(void)state;
	post(f, 0x30);
	post(f, 0x50);
	post(f, 0x41);
	post(f, 0x40);
	assert_int_equal(vlapic_highest_pending(&f->v), 0x50);
	assert_true(vlapic_ack(&f->v, 0x50));
	assert_false(fake_irr(f, 0x50));
	assert_true(fake_isr(f, 0x50));
	/* lower classes wait for the EOI; a second ack of the same vector fails */
	assert_int_equal(vlapic_highest_pending(&f->v), -1);
	assert_false(vlapic_ack(&f->v, 0x50));
	/* a higher class nests */
	post(f, 0x60);
	assert_int_equal(vlapic_highest_pending(&f->v), 0x60);
	assert_true(vlapic_ack(&f->v, 0x60));
	/* EOI retires 0x60 first, then 0x50 */
	fake_write(f, APIC_REG_EOI, 0);
	assert_false(fake_isr(f, 0x60));
	assert_true(fake_isr(f, 0x50));
	assert_int_equal(vlapic_highest_pending(&f->v), -1);
	fake_write(f, APIC_REG_EOI, 0);
	assert_false(fake_isr(f, 0x50));
	/* 0x41 and 0x40 share a class: one at a time, highest first */
	assert_int_equal(vlapic_highest_pending(&f->v), 0x41);
	assert_true(vlapic_ack(&f->v, 0x41));
	assert_int_equal(vlapic_highest_pending(&f->v), -1);
	/* the same vector again while in service: pending and in service at once */
	post(f, 0x41);
	assert_true(fake_irr(f, 0x41));
	assert_true(fake_isr(f, 0x41));
	fake_write(f, APIC_REG_EOI, 0);
	assert_int_equal(fake_take_and_eoi(f), 0x41);
	assert_int_equal(fake_take_and_eoi(f), 0x40);
	assert_int_equal(fake_take_and_eoi(f), 0x30);
	assert_int_equal(fake_take_and_eoi(f), -1);
	for (uint32_t off = APIC_REG_ISR; off < APIC_REG_ESR; off += 0x10)
		assert_int_equal(fake_read(f, off), 0);
	/* a spurious EOI changes nothing */
	fake_write(f, APIC_REG_EOI, 0);
	assert_int_equal(fake_read(f, APIC_REG_PPR), 0);
	fake_free(f);
}

/* Trap-like APIC-write exits: the CPU stored the value, the vlapic acts and sanitizes. */
static void apic_write_exits(void **state)
{
	struct fake_env *f = fake_new_enabled();

	(void)state;
	f->page[APIC_REG_TDCR / 4] = 0xb;
	vlapic_apic_write(&f->v, APIC_REG_TDCR);
	f->page[APIC_REG_LVT_TIMER / 4] = 0xfff2ff40 & ~APIC_LVT_MASKED & ~(1u << 18);
	vlapic_apic_write(&f->v, APIC_REG_LVT_TIMER);
	assert_int_equal(f->page[APIC_REG_LVT_TIMER / 4], 0x20040);
	f->page[APIC_REG_TMICT / 4] = 1000000;
	vlapic_apic_write(&f->v, APIC_REG_TMICT);
	assert_int_equal(fake_backend_deadline(f), f->tsc + 1000000);
	f->tsc += 1000;
	assert_int_equal(fake_read(f, APIC_REG_TMCCT), 999000);
	/* a switch to TSC-deadline mode clears TMICT in the page */
	f->page[APIC_REG_LVT_TIMER / 4] = 0x40040;
	vlapic_apic_write(&f->v, APIC_REG_LVT_TIMER);
	assert_int_equal(f->page[APIC_REG_TMICT / 4], 0);
	assert_false(f->hv_armed || f->sw_armed);
	/* and a TMICT stored by the CPU is put back to 0 */
	f->page[APIC_REG_TMICT / 4] = 777;
	vlapic_apic_write(&f->v, APIC_REG_TMICT);
	assert_int_equal(f->page[APIC_REG_TMICT / 4], 0);
	/* ICR low sends; EOI retires */
	f->page[APIC_REG_ICR_LO / 4] = APIC_ICR_SELF | APIC_ICR_STATUS | 0x70;
	vlapic_apic_write(&f->v, APIC_REG_ICR_LO);
	assert_true(fake_irr(f, 0x70));
	assert_int_equal(f->page[APIC_REG_ICR_LO / 4], APIC_ICR_SELF | 0x70);
	assert_true(vlapic_ack(&f->v, 0x70));
	f->page[APIC_REG_EOI / 4] = 0x1234;
	vlapic_apic_write(&f->v, APIC_REG_EOI);
	assert_false(fake_isr(f, 0x70));
	assert_int_equal(f->page[APIC_REG_EOI / 4], 0);
	/* SVR software-disable masks the LVTs in the page */
	f->page[APIC_REG_SVR / 4] = 0xff;
	vlapic_apic_write(&f->v, APIC_REG_SVR);
	assert_true(f->page[APIC_REG_LVT_TIMER / 4] & APIC_LVT_MASKED);
	/* ESR latches */
	f->page[APIC_REG_ESR / 4] = 0xabc;
	vlapic_apic_write(&f->v, APIC_REG_ESR);
	assert_int_equal(f->page[APIC_REG_ESR / 4], 0);
	/* an offset the CPU never traps is a glue bug, logged */
	vlapic_apic_write(&f->v, APIC_REG_VERSION);
	assert_int_equal(f->log_level, VLAPIC_LOG_ERROR);
	fake_free(f);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(reset_state),
		cmocka_unit_test(writable_bits),
		cmocka_unit_test(mmio_rules),
		cmocka_unit_test(esr_protocol),
		cmocka_unit_test(icr_ipis),
		cmocka_unit_test(software_disabled_drops),
		cmocka_unit_test(tpr_ppr),
		cmocka_unit_test(tpr_write_always_said),
		cmocka_unit_test(irr_isr_ordering),
		cmocka_unit_test(apic_write_exits),
	};

	return cmocka_run_group_tests_name("vlapic_regs", tests, NULL, NULL);
}
