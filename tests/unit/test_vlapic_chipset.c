/* SPDX-License-Identifier: MIT */
/*
 * What the chipset feeds the vLAPIC: IOAPIC messages (fixed with TMR, NMI), the EOI broadcast,
 * the LINT0/LINT1 pins in each delivery mode, and the NMI latch, which NMI IPIs raise too.
 */
#include <stdlib.h>

#include "tests/unit/vlapic_fake_env.h"

#define LVT_LEVEL_FIXED(vec)	(APIC_LVT_LEVEL | APIC_LVT_FIXED | (vec))

static bool fake_tmr(struct fake_env *f, uint8_t vector)
{
	return fake_read(f, APIC_REG_TMR + (vector / 32) * 0x10) & (1u << (vector % 32));
}

static uint32_t fake_esr(struct fake_env *f)
{
	fake_write(f, APIC_REG_ESR, 0);
	return fake_read(f, APIC_REG_ESR);
}

static void disable_apic(struct fake_env *f)
{
	fake_wrmsr(f, MSR_IA32_APIC_BASE, APIC_BASE_DEFAULT | APIC_BASE_BSP);
	assert_int_equal(vlapic_mode(&f->v), VLAPIC_MODE_DISABLED);
}

/* SDM 11.8.4: acceptance sets TMR for level-triggered vectors and clears it for edge ones. */
static void set_irq_tmr(void **state)
{
	struct fake_env *f = fake_new_enabled();
	unsigned int calls;

	(void)state;
	assert_true(vlapic_set_irq(&f->v, 0x40, false));
	assert_true(vlapic_set_irq(&f->v, 0x81, true));
	assert_true(fake_irr(f, 0x40) && fake_irr(f, 0x81));
	assert_false(fake_tmr(f, 0x40));
	assert_true(fake_tmr(f, 0x81));
	assert_int_equal(vlapic_tmr(&f->v, 0x81 / 32), 1u << (0x81 % 32));
	assert_int_equal(vlapic_tmr(&f->v, 0x40 / 32), 0);
	/* a level message merged into a pending edge one still gets its EOI broadcast */
	calls = f->pending_calls;
	assert_true(vlapic_set_irq(&f->v, 0x40, true));
	assert_true(fake_tmr(f, 0x40));
	assert_true(f->pending_calls > calls);
	/* ... and an edge one merged into a level one doesn't take it away */
	assert_true(vlapic_set_irq(&f->v, 0x81, false));
	assert_true(fake_tmr(f, 0x81));
	/* a new edge acceptance clears the bit */
	assert_int_equal(fake_take_and_eoi(f), 0x81);
	assert_true(vlapic_set_irq(&f->v, 0x81, false));
	assert_false(fake_tmr(f, 0x81));
	fake_free(f);
}

static void set_irq_drops(void **state)
{
	struct fake_env *f = fake_new_enabled();

	(void)state;
	/* SDM 11.5.3: vectors 0-15 are a receive error, never in IRR */
	assert_false(vlapic_set_irq(&f->v, 0x0e, true));
	assert_false(fake_irr(f, 0x0e));
	assert_int_equal(fake_esr(f), APIC_ESR_RECV_ILLEGAL);
	/* SDM 11.4.7.2: a software-disabled APIC accepts nothing new */
	fake_write(f, APIC_REG_SVR, 0xff);
	assert_false(vlapic_set_irq(&f->v, 0x41, false));
	assert_false(fake_irr(f, 0x41));
	disable_apic(f);
	assert_false(vlapic_set_irq(&f->v, 0x42, false));
	fake_free(f);
}

/* SDM 11.8.5: the EOI of a level-triggered vector is broadcast; of an edge one it is not. */
static void eoi_broadcast(void **state)
{
	struct fake_env *f = fake_new_enabled();

	(void)state;
	vlapic_set_irq(&f->v, 0x50, false);
	assert_int_equal(fake_take_and_eoi(f), 0x50);
	assert_int_equal(f->eoi_broadcasts, 0);
	vlapic_set_irq(&f->v, 0x51, true);
	assert_int_equal(fake_take_and_eoi(f), 0x51);
	assert_int_equal(f->eoi_broadcasts, 1);
	assert_int_equal(f->eoi_broadcast_vector, 0x51);
	/* the line is still asserted: the IOAPIC sends it again from inside the broadcast */
	f->resend_on_eoi = true;
	vlapic_set_irq(&f->v, 0x52, true);
	assert_int_equal(fake_take_and_eoi(f), 0x52);
	assert_int_equal(f->eoi_broadcasts, 2);
	assert_true(fake_irr(f, 0x52) && fake_tmr(f, 0x52));
	assert_false(fake_isr(f, 0x52));
	assert_int_equal(vlapic_highest_pending(&f->v), 0x52);
	fake_free(f);
}

/* SDM 11.8.5.1: SVR bit 12, which the version register offers (bit 24), suppresses it. */
static void eoi_broadcast_suppressed(void **state)
{
	struct fake_env *f = fake_new_enabled();

	(void)state;
	assert_true(fake_read(f, APIC_REG_VERSION) & APIC_VERSION_EOI_SUPP);
	fake_write(f, APIC_REG_SVR, APIC_SVR_ENABLE | APIC_SVR_EOI_SUPP | 0xff);
	vlapic_set_irq(&f->v, 0x53, true);
	assert_int_equal(fake_take_and_eoi(f), 0x53);
	assert_int_equal(f->eoi_broadcasts, 0);
	assert_false(fake_isr(f, 0x53));
	fake_free(f);
}

/* Virtual-interrupt delivery retired the vector itself and exited (reason 45). */
static void eoi_exit(void **state)
{
	struct fake_env *f = fake_new_enabled();

	(void)state;
	vlapic_set_irq(&f->v, 0x60, true);
	vlapic_set_irq(&f->v, 0x30, false);
	assert_true(vlapic_ack(&f->v, 0x60));
	/* the CPU's EOI virtualization (SDM 29.1.4) clears VISR */
	f->page[(APIC_REG_ISR + (0x60 / 32) * 0x10) / 4] &= ~(1u << (0x60 % 32));
	f->pending_calls = 0;
	vlapic_eoi_exit(&f->v, 0x60);
	assert_int_equal(f->eoi_broadcasts, 1);
	assert_int_equal(f->eoi_broadcast_vector, 0x60);
	assert_int_equal(fake_read(f, APIC_REG_PPR), 0);
	/* 0x30 can go now */
	assert_true(f->pending_calls > 0);
	assert_int_equal(vlapic_highest_pending(&f->v), 0x30);
	fake_free(f);
}

/* LINT0 fixed, edge-triggered: one interrupt per rising edge, none while masked. */
static void lint_fixed_edge(void **state)
{
	struct fake_env *f = fake_new_enabled();

	(void)state;
	fake_write(f, APIC_REG_LVT_LINT0, 0x61);
	vlapic_lint(&f->v, 0, true);
	assert_true(fake_irr(f, 0x61));
	assert_false(fake_tmr(f, 0x61));
	assert_int_equal(fake_take_and_eoi(f), 0x61);
	vlapic_lint(&f->v, 0, true);	/* still high: no edge */
	assert_false(fake_irr(f, 0x61));
	vlapic_lint(&f->v, 0, false);
	vlapic_lint(&f->v, 0, true);
	assert_true(fake_irr(f, 0x61));
	assert_int_equal(fake_take_and_eoi(f), 0x61);
	assert_int_equal(f->eoi_broadcasts, 0);
	vlapic_lint(&f->v, 0, false);
	fake_write(f, APIC_REG_LVT_LINT0, APIC_LVT_MASKED | 0x61);
	vlapic_lint(&f->v, 0, true);
	assert_false(fake_irr(f, 0x61));
	/* active low (polarity 1): the falling edge is the one */
	fake_write(f, APIC_REG_LVT_LINT1, APIC_LVT_POLARITY | 0x62);
	vlapic_lint(&f->v, 1, true);
	assert_false(fake_irr(f, 0x62));
	vlapic_lint(&f->v, 1, false);
	assert_true(fake_irr(f, 0x62));
	fake_free(f);
}

/* LINT0 fixed, level-triggered: remote IRR holds it until the EOI (SDM 11.5.1). */
static void lint_fixed_level(void **state)
{
	struct fake_env *f = fake_new_enabled();

	(void)state;
	fake_write(f, APIC_REG_LVT_LINT0, LVT_LEVEL_FIXED(0x63));
	vlapic_lint(&f->v, 0, true);
	assert_true(fake_irr(f, 0x63) && fake_tmr(f, 0x63));
	assert_true(fake_read(f, APIC_REG_LVT_LINT0) & APIC_LVT_REMOTE_IRR);
	/* a guest rewrite of the entry keeps remote IRR (read-only) */
	fake_write(f, APIC_REG_LVT_LINT0, LVT_LEVEL_FIXED(0x63));
	assert_true(fake_read(f, APIC_REG_LVT_LINT0) & APIC_LVT_REMOTE_IRR);
	/* still active at the EOI: delivered again */
	assert_int_equal(fake_take_and_eoi(f), 0x63);
	assert_true(fake_irr(f, 0x63));
	assert_true(fake_read(f, APIC_REG_LVT_LINT0) & APIC_LVT_REMOTE_IRR);
	/* the EOI of a level vector is broadcast too, whatever raised it */
	assert_int_equal(f->eoi_broadcasts, 1);
	vlapic_lint(&f->v, 0, false);
	assert_int_equal(fake_take_and_eoi(f), 0x63);
	assert_false(fake_irr(f, 0x63));
	assert_false(fake_read(f, APIC_REG_LVT_LINT0) & APIC_LVT_REMOTE_IRR);
	/* masked while active: nothing; the unmask delivers */
	fake_write(f, APIC_REG_LVT_LINT0, APIC_LVT_MASKED | LVT_LEVEL_FIXED(0x64));
	vlapic_lint(&f->v, 0, true);
	assert_false(fake_irr(f, 0x64));
	fake_write(f, APIC_REG_LVT_LINT0, LVT_LEVEL_FIXED(0x64));
	assert_true(fake_irr(f, 0x64));
	/* switched to edge: remote IRR goes */
	fake_write(f, APIC_REG_LVT_LINT0, 0x64);
	assert_false(fake_read(f, APIC_REG_LVT_LINT0) & APIC_LVT_REMOTE_IRR);
	fake_free(f);
}

/* LINT1 in NMI mode, the PC's NMI pin: a rising edge raises the NMI request. */
static void lint_nmi(void **state)
{
	struct fake_env *f = fake_new_enabled();

	(void)state;
	fake_write(f, APIC_REG_LVT_LINT1, APIC_LVT_NMI);
	vlapic_lint(&f->v, 1, true);
	assert_true(vlapic_nmi_pending(&f->v));
	assert_int_equal(vlapic_highest_irr(&f->v), -1);
	vlapic_nmi_ack(&f->v);
	vlapic_lint(&f->v, 1, true);	/* no edge */
	assert_false(vlapic_nmi_pending(&f->v));
	vlapic_lint(&f->v, 1, false);
	fake_write(f, APIC_REG_LVT_LINT1, APIC_LVT_MASKED | APIC_LVT_NMI);
	vlapic_lint(&f->v, 1, true);
	assert_false(vlapic_nmi_pending(&f->v));
	assert_int_equal(vlapic_stats(&f->v)->nmis, 1);
	fake_free(f);
}

/* ExtINT: the pin's level is the 8259's INTR; nothing goes into IRR. */
static void lint_extint(void **state)
{
	struct fake_env *f = fake_new_enabled();

	(void)state;
	fake_write(f, APIC_REG_LVT_LINT0, APIC_LVT_EXTINT);
	assert_false(vlapic_extint_pending(&f->v));
	f->pending_calls = 0;
	vlapic_lint(&f->v, 0, true);
	assert_true(vlapic_extint_pending(&f->v));
	assert_true(f->pending_calls > 0);
	assert_int_equal(vlapic_highest_irr(&f->v), -1);
	/* TPR doesn't hold it back: it bypasses the priorities */
	fake_write(f, APIC_REG_TPR, 0xff);
	assert_true(vlapic_extint_pending(&f->v));
	vlapic_lint(&f->v, 0, false);
	assert_false(vlapic_extint_pending(&f->v));
	vlapic_lint(&f->v, 0, true);
	fake_write(f, APIC_REG_LVT_LINT0, APIC_LVT_MASKED | APIC_LVT_EXTINT);
	assert_false(vlapic_extint_pending(&f->v));
	/* unmasking an active pin says so at once */
	f->pending_calls = 0;
	fake_write(f, APIC_REG_LVT_LINT0, APIC_LVT_EXTINT);
	assert_true(vlapic_extint_pending(&f->v));
	assert_true(f->pending_calls > 0);
	/* software disable masks the LVT */
	fake_write(f, APIC_REG_SVR, 0xff);
	assert_false(vlapic_extint_pending(&f->v));
	fake_free(f);
}

/* SDM 11.4.3: with the APIC hardware-disabled LINT0 is INTR and LINT1 is NMI. */
static void lint_apic_disabled(void **state)
{
	struct fake_env *f = fake_new_enabled();

	(void)state;
	disable_apic(f);
	vlapic_lint(&f->v, 0, true);
	assert_true(vlapic_extint_pending(&f->v));
	vlapic_lint(&f->v, 0, false);
	assert_false(vlapic_extint_pending(&f->v));
	vlapic_lint(&f->v, 1, true);
	assert_true(vlapic_nmi_pending(&f->v));
	vlapic_nmi_ack(&f->v);
	/* but no message gets through a disabled APIC */
	vlapic_nmi(&f->v);
	assert_false(vlapic_nmi_pending(&f->v));
	fake_free(f);
}

/* SMI and INIT on a LINT pin are not delivered; said once. */
static void lint_other_modes(void **state)
{
	struct fake_env *f = fake_new_enabled();

	(void)state;
	fake_write(f, APIC_REG_LVT_LINT0, APIC_LVT_SMI);
	vlapic_lint(&f->v, 0, true);
	vlapic_lint(&f->v, 0, false);
	vlapic_lint(&f->v, 0, true);
	assert_int_equal(f->log_calls, 1);
	assert_false(vlapic_nmi_pending(&f->v));
	assert_int_equal(vlapic_highest_irr(&f->v), -1);
	fake_free(f);
}

/* NMI IPIs (SDM 11.6.1): self and all-including-self reach this APIC, all-excluding-self not. */
static void icr_nmi(void **state)
{
	struct fake_env *f = fake_new_enabled();

	(void)state;
	fake_write(f, APIC_REG_ICR_LO, APIC_ICR_SELF | APIC_ICR_NMI | 0x77);
	assert_true(vlapic_nmi_pending(&f->v));
	assert_false(fake_irr(f, 0x77));	/* the vector is ignored */
	vlapic_nmi_ack(&f->v);
	fake_write(f, APIC_REG_ICR_LO, APIC_ICR_ALL | APIC_ICR_NMI);
	assert_true(vlapic_nmi_pending(&f->v));
	vlapic_nmi_ack(&f->v);
	fake_write(f, APIC_REG_ICR_LO, APIC_ICR_OTHERS | APIC_ICR_NMI);
	assert_false(vlapic_nmi_pending(&f->v));
	/* physical destination: its own ID, then another */
	fake_write(f, APIC_REG_ICR_HI, 0x23000000);
	fake_write(f, APIC_REG_ICR_LO, APIC_ICR_NMI);
	assert_true(vlapic_nmi_pending(&f->v));
	vlapic_nmi_ack(&f->v);
	fake_write(f, APIC_REG_ICR_HI, 0x24000000);
	fake_write(f, APIC_REG_ICR_LO, APIC_ICR_NMI);
	assert_false(vlapic_nmi_pending(&f->v));
	/* logical, flat: LDR bit 1 */
	fake_write(f, APIC_REG_LDR, 0x02000000);
	fake_write(f, APIC_REG_ICR_HI, 0x02000000);
	fake_write(f, APIC_REG_ICR_LO, APIC_ICR_LOGICAL | APIC_ICR_NMI);
	assert_true(vlapic_nmi_pending(&f->v));
	/* a software-disabled APIC still takes NMIs (SDM 11.4.7.2) */
	vlapic_nmi_ack(&f->v);
	fake_write(f, APIC_REG_SVR, 0xff);
	fake_write(f, APIC_REG_ICR_LO, APIC_ICR_SELF | APIC_ICR_NMI);
	assert_true(vlapic_nmi_pending(&f->v));
	assert_int_equal(f->log_calls, 0);
	fake_free(f);
}

/* x2APIC: ICR is one MSR; NMI to self by shorthand and by the 32-bit ID. */
static void icr_nmi_x2apic(void **state)
{
	struct fake_env *f = fake_new_enabled();

	(void)state;
	fake_wrmsr(f, MSR_IA32_APIC_BASE, APIC_BASE_DEFAULT | APIC_BASE_BSP |
		   APIC_BASE_EN | APIC_BASE_EXTD);
	fake_wrmsr(f, APIC_X2APIC_MSR(APIC_REG_ICR_LO), (uint64_t)FAKE_APIC_ID << 32 |
		   APIC_ICR_NMI);
	assert_true(vlapic_nmi_pending(&f->v));
	vlapic_nmi_ack(&f->v);
	fake_wrmsr(f, APIC_X2APIC_MSR(APIC_REG_ICR_LO), (uint64_t)0x23 << 32 |
		   APIC_ICR_NMI);
	assert_false(vlapic_nmi_pending(&f->v));
	fake_free(f);
}

/* The latch: one NMI pending at most; the rest merge into it until the glue takes it. */
static void nmi_latch(void **state)
{
	struct fake_env *f = fake_new_enabled();
	const struct vlapic_stats *s = vlapic_stats(&f->v);

	(void)state;
	f->pending_calls = 0;
	vlapic_nmi(&f->v);
	assert_true(vlapic_nmi_pending(&f->v));
	assert_int_equal(f->pending_calls, 1);
	vlapic_nmi(&f->v);
	fake_write(f, APIC_REG_ICR_LO, APIC_ICR_SELF | APIC_ICR_NMI);
	assert_int_equal(s->nmis, 1);
	assert_int_equal(s->nmis_coalesced, 2);
	vlapic_nmi_ack(&f->v);
	assert_false(vlapic_nmi_pending(&f->v));
	vlapic_nmi(&f->v);
	assert_true(vlapic_nmi_pending(&f->v));
	assert_int_equal(s->nmis, 2);
	fake_free(f);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(set_irq_tmr),
		cmocka_unit_test(set_irq_drops),
		cmocka_unit_test(eoi_broadcast),
		cmocka_unit_test(eoi_broadcast_suppressed),
		cmocka_unit_test(eoi_exit),
		cmocka_unit_test(lint_fixed_edge),
		cmocka_unit_test(lint_fixed_level),
		cmocka_unit_test(lint_nmi),
		cmocka_unit_test(lint_extint),
		cmocka_unit_test(lint_apic_disabled),
		cmocka_unit_test(lint_other_modes),
		cmocka_unit_test(icr_nmi),
		cmocka_unit_test(icr_nmi_x2apic),
		cmocka_unit_test(nmi_latch),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
