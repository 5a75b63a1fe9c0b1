/* SPDX-License-Identifier: MIT */
/*
 * apic_base: IA32_APIC_BASE as the state machine of SDM vol. 3A 11.12.5 (figure 11-31): what it
 * reads, the reserved bits and the invalid state, xAPIC -> x2APIC, x2APIC -> xAPIC refused,
 * disable, disabled -> x2APIC refused, and a re-enable that brings the APIC back in its reset
 * state (SDM 11.4.7.1) with a timer that works, in the mode the command line names. Before the
 * disable an interrupt is left in service: the re-enabled APIC must not remember it.
 * Command line: see tests/guest/lib/timer_test.h.
 */
#include <stdint.h>

#include "tests/guest/lib/apic.h"
#include "tests/guest/lib/cpu.h"
#include "tests/guest/lib/idt.h"
#include "tests/guest/lib/msr_safe.h"
#include "tests/guest/lib/report.h"
#include "tests/guest/lib/timer_test.h"

#define HELD_VECTOR		0x50	/* taken, never EOIed: in service at the disable */
#define COUNT_TICKS		100000u
#define MAXPHYADDR_DEFAULT	36
#define RESERVED_LOW		0x2ffu	/* bits 7:0 and 9 (SDM 11.4.4 figure 11-5) */

static volatile unsigned int nr_held;

static void held_isr(unsigned int vector __attribute__((unused)),
		     uint64_t tsc __attribute__((unused)))
{
	nr_held++;
}

static uint64_t apic_base(void)
{
	return rdmsr(MSR_IA32_APIC_BASE);
}

static unsigned int maxphyaddr(void)
{
	if (cpuid(0x80000000u, 0).eax < 0x80000008u)
		return MAXPHYADDR_DEFAULT;
	return cpuid(0x80000008u, 0).eax & 0xff;
}

/* A write that must raise #GP and leave the MSR as it was. */
static bool write_refused(uint64_t val)
{
	uint64_t before = apic_base();

	return wrmsr_safe(MSR_IA32_APIC_BASE, val) == VEC_GP && apic_base() == before;
}

/* A write that must be taken: the MSR then reads what was written. */
static bool write_taken(uint64_t val)
{
	return wrmsr_safe(MSR_IA32_APIC_BASE, val) == -1 && apic_base() == val;
}

static void check_reads(bool x2apic)
{
	uint64_t base = apic_base();
	uint64_t want = APIC_DEFAULT_BASE | APIC_BASE_BSP | APIC_BASE_EN |
			(x2apic ? APIC_BASE_EXTD : 0);

	check(base == want, "apic_base.reads_base_bsp_en",
	      "IA32_APIC_BASE reads 0x%llx, expected 0x%llx", base, want);
}

static void check_reserved(bool has_x2apic)
{
	uint64_t base = apic_base(), bits[6];
	unsigned int n = 0, i;

	bits[n++] = 1;
	bits[n++] = 1u << 7;
	bits[n++] = 1u << 9;
	bits[n++] = 1ull << maxphyaddr();
	bits[n++] = 1ull << 63;
	if (!has_x2apic)
		bits[n++] = APIC_BASE_EXTD;
	for (i = 0; i < n; i++)
		if (!write_refused(base | bits[i]))
			break;
	if (i < n)
		fail("apic_base.reserved_bits_gp", "a write of 0x%llx was taken or did not #GP",
		     base | bits[i]);
	else
		pass("apic_base.reserved_bits_gp");
	/* EXTD without EN is the invalid state (SDM 11.12.5) */
	check(!has_x2apic || write_refused((base & ~(uint64_t)APIC_BASE_EN) | APIC_BASE_EXTD),
	      "apic_base.invalid_state_gp", "EN = 0 with EXTD = 1 was taken or did not #GP");
}

/*
 * Leaves HELD_VECTOR in service: a self-IPI whose handler sends no EOI. Without it in service
 * the re-enabled APIC's empty ISR would prove nothing.
 */
static void hold_an_interrupt(void)
{
	bool in_service;

	nr_held = 0;
	apic_write_icr(APIC_ICR_SELF | APIC_ICR_FIXED | HELD_VECTOR);
	tt_wait_until(rdtsc() + tt_late_max);
	in_service = apic_vector_set(APIC_ISR, HELD_VECTOR);
	check(nr_held == 1 && in_service, "apic_base.held_in_service",
	      "%u interrupts on vector 0x%x after a self-IPI, %sin service before the disable",
	      nr_held, HELD_VECTOR, in_service ? "" : "not ");
}

/*
 * SDM 11.4.7.1: a re-enabled APIC is as after power-up: software-disabled with spurious vector
 * 0xff, every LVT masked, the timer stopped, nothing in service or pending, TPR and PPR 0.
 */
static void check_reset_state(void)
{
	uint32_t svr = apic_read(APIC_SVR), tmict = apic_read(APIC_TMICT);
	uint32_t tdcr = apic_read(APIC_TDCR), tpr = apic_read(APIC_TPR);
	uint32_t ppr = apic_read(APIC_PPR), lvt = APIC_LVT_MASKED, off = 0;
	bool isr = apic_vector_set(APIC_ISR, HELD_VECTOR);
	unsigned int i;

	for (i = 0; i < APIC_NR_LVTS && lvt == APIC_LVT_MASKED; i++) {
		off = apic_lvts[i];
		lvt = apic_read(off);
	}
	check(svr == 0xff && lvt == APIC_LVT_MASKED && !tmict && !tdcr && !tpr && !ppr && !isr,
	      "apic_base.reenable_reset_state",
	      "SVR 0x%x, LVT 0x%x reads 0x%x, TMICT %u, TDCR 0x%x, TPR 0x%x, PPR 0x%x, vector "
	      "0x%x %sin service", svr, off, lvt, tmict, tdcr, tpr, ppr, HELD_VECTOR,
	      isr ? "" : "not ");
}

/* The re-enabled APIC's timer, vector below the one left in service before the disable. */
static void check_timer_after_reenable(void)
{
	const char *name = "apic_base.reenabled_timer_fires";
	uint64_t expected = tt_ticks_to_tsc(tt_ticks(COUNT_TICKS)), t0;

	apic_write(APIC_SVR, APIC_SVR_ON);
	t0 = tt_start(APIC_LVTT_ONESHOT, 1, tt_ticks(COUNT_TICKS), NULL);
	tt_wait_until(t0 + 2 * expected + tt_late_max);
	if (!tt_check_one(name, t0, expected))
		info("%s: TMCCT %u, PPR 0x%x", name, apic_read(APIC_TMCCT), apic_read(APIC_PPR));
	tt_timer_stop();
}

static const char *const all_checks[] = {
	"apic_base.reads_base_bsp_en", "apic_base.reserved_bits_gp", "apic_base.invalid_state_gp",
	"apic_base.xapic_to_x2apic", "apic_base.x2apic_to_xapic_gp", "apic_base.held_in_service",
	"apic_base.disable", "apic_base.disabled_x2apic_msrs_gp", "apic_base.disabled_to_x2apic_gp",
	"apic_base.reenable_xapic", "apic_base.reenable_reset_state",
	"apic_base.reenabled_timer_fires",
};

void guest_main(uint32_t magic, uint32_t info_addr)
{
	bool has_x2apic, want_x2apic;
	uint64_t base, val;

	tt_init(magic, info_addr, all_checks, sizeof(all_checks) / sizeof(all_checks[0]));
	has_x2apic = apic_has_x2apic();
	want_x2apic = apic_is_x2apic();
	idt_set_handler(HELD_VECTOR, held_isr);
	check_reads(want_x2apic);
	check_reserved(has_x2apic);
	base = APIC_DEFAULT_BASE | APIC_BASE_BSP;

	if (!has_x2apic) {
		skip("apic_base.xapic_to_x2apic", "CPUID.1:ECX[21] (x2APIC) = 0");
		skip("apic_base.x2apic_to_xapic_gp", "CPUID.1:ECX[21] (x2APIC) = 0");
	} else if (!want_x2apic) {
		/* mode=x2apic took this path at start-up; mode=xapic checks it here */
		check(write_taken(base | APIC_BASE_EN | APIC_BASE_EXTD) &&
		      rdmsr_safe(APIC_X2APIC_MSR(APIC_ID), &val) == -1,
		      "apic_base.xapic_to_x2apic", "IA32_APIC_BASE reads 0x%llx after the switch",
		      apic_base());
	}
	apic_sync_mode();
	if (has_x2apic)
		check(write_refused(base | APIC_BASE_EN), "apic_base.x2apic_to_xapic_gp",
		      "x2APIC -> xAPIC was taken or did not #GP");

	hold_an_interrupt();
	cli();
	check(write_taken(base), "apic_base.disable", "IA32_APIC_BASE reads 0x%llx after a "
	      "write of 0x%llx", apic_base(), base);
	check(rdmsr_safe(APIC_X2APIC_MSR(APIC_ID), &val) == VEC_GP &&
	      wrmsr_safe(APIC_X2APIC_MSR(APIC_TMICT), 1) == VEC_GP,
	      "apic_base.disabled_x2apic_msrs_gp", "an x2APIC MSR was accessible while disabled");
	if (has_x2apic)
		check(write_refused(base | APIC_BASE_EN | APIC_BASE_EXTD),
		      "apic_base.disabled_to_x2apic_gp", "disabled -> x2APIC was taken or did "
		      "not #GP");
	else
		skip("apic_base.disabled_to_x2apic_gp", "CPUID.1:ECX[21] (x2APIC) = 0");
	check(write_taken(base | APIC_BASE_EN), "apic_base.reenable_xapic",
	      "IA32_APIC_BASE reads 0x%llx after a write of 0x%llx", apic_base(),
	      base | APIC_BASE_EN);
	apic_sync_mode();
	check_reset_state();

	if (want_x2apic)
		check(write_taken(base | APIC_BASE_EN | APIC_BASE_EXTD),
		      "apic_base.xapic_to_x2apic", "IA32_APIC_BASE reads 0x%llx after the switch",
		      apic_base());
	apic_sync_mode();
	sti();
	check_timer_after_reenable();
	summary();
}
