/* SPDX-License-Identifier: MIT */
/*
 * apic_base: IA32_APIC_BASE as the state machine of SDM vol. 3A 11.12.5 (figure 11-31): what it
 * reads, the reserved bits and the invalid state, xAPIC -> x2APIC, x2APIC -> xAPIC refused,
 * disable, disabled -> x2APIC refused, and a re-enable that brings the APIC back in its reset
 * state (SDM 11.4.7.1) with a timer that works, in the mode the command line names. Before the
 * disable an interrupt is left in service: the re-enabled APIC must not remember it. In xAPIC
 * mode the APIC first moves to another base and back (SDM 11.4.4): its registers and its timer
 * answer there, nothing answers at the base it left.
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
/* A page-aligned base nothing else claims: above the I/O APIC and HPET, below the default base */
#define MOVED_BASE		0xfef00000u
/*
 * A page of RAM, free of this kernel (1 MiB up) and of its stack, inside a 2 MiB page that a
 * hypervisor may map whole: the APIC covers the page while it is there (SDM 11.4.1), the RAM
 * comes back when it leaves
 */
#define RAM_BASE		0x00c01000u
#define RAM_MARK		0x5a5aa5a5u

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
	uint64_t want = APIC_BASE_DEFAULT | APIC_BASE_BSP | APIC_BASE_EN |
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

/* The timer's ISR while the APIC is away: the EOI goes to the moved page */
static void moved_timer_isr(unsigned int vector __attribute__((unused)), uint64_t tsc)
{
	if (tt_nr_irqs < TT_MAX_IRQS)
		tt_irq_tsc[tt_nr_irqs] = tsc;
	tt_nr_irqs++;
	mmio_write32(MOVED_BASE + APIC_REG_EOI, 0);
}

/* A one-shot count on the moved APIC, programmed and acknowledged at its new base only */
static void check_moved_timer(void)
{
	uint64_t expected = tt_ticks_to_tsc(tt_ticks(COUNT_TICKS)), t0;

	idt_set_handler(TT_VECTOR, moved_timer_isr);
	tt_nr_irqs = 0;
	mmio_write32(MOVED_BASE + APIC_REG_TDCR, APIC_TDCR_DIV1);
	mmio_write32(MOVED_BASE + APIC_REG_LVT_TIMER, APIC_TIMER_ONESHOT | TT_VECTOR);
	t0 = rdtsc();
	mmio_write32(MOVED_BASE + APIC_REG_TMICT, tt_ticks(COUNT_TICKS));
	tt_wait_until(t0 + 2 * expected + tt_late_max);
	tt_check_one("apic_base.relocated_timer_fires", t0, expected);
	mmio_write32(MOVED_BASE + APIC_REG_LVT_TIMER, APIC_LVT_MASKED | TT_VECTOR);
	mmio_write32(MOVED_BASE + APIC_REG_TMICT, 0);
	tt_restore_isr();
	tt_nr_irqs = 0;
}

/* The APIC moved onto a page of RAM answers there; the RAM is as it was once it moved back */
static void check_relocation_over_ram(uint64_t base, uint32_t version)
{
	uint32_t there = 0, mark;

	mmio_write32(RAM_BASE + APIC_REG_VERSION, RAM_MARK);
	if (write_taken((base & ~(uint64_t)APIC_BASE_DEFAULT) | RAM_BASE)) {
		there = mmio_read32(RAM_BASE + APIC_REG_VERSION);
		wrmsr(MSR_IA32_APIC_BASE, base);
	}
	mark = mmio_read32(RAM_BASE + APIC_REG_VERSION);
	check(there == version && mark == RAM_MARK && apic_base() == base &&
	      apic_read(APIC_REG_VERSION) == version, "apic_base.relocate_over_ram",
	      "version 0x%x on the APIC at 0x%x (expected 0x%x), the RAM there reads 0x%x after "
	      "the move back (expected 0x%x), IA32_APIC_BASE 0x%llx", there, RAM_BASE, version,
	      mark, RAM_MARK, apic_base());
}

/*
 * xAPIC only: IA32_APIC_BASE moves the register page (SDM 11.4.4). At the new base the ID and
 * version read as before and the timer runs; the default base then answers as a hole in the
 * address space (reads all ones, a TMICT write there arms nothing); back at the default base the
 * APIC is there again.
 */
static void check_relocation(void)
{
	uint32_t id = apic_read(APIC_REG_ID), version = apic_read(APIC_REG_VERSION), moved_id = 0;
	uint32_t moved_version = 0, old_version, tmcct;
	uint64_t base = APIC_BASE_DEFAULT | APIC_BASE_BSP | APIC_BASE_EN;

	if (!check(write_taken((base & ~(uint64_t)APIC_BASE_DEFAULT) | MOVED_BASE),
		   "apic_base.relocate", "IA32_APIC_BASE reads 0x%llx after a write of base 0x%x",
		   apic_base(), MOVED_BASE)) {
		skip("apic_base.relocated_id_version", "the APIC did not move");
		skip("apic_base.old_base_open_bus", "the APIC did not move");
		skip("apic_base.relocated_timer_fires", "the APIC did not move");
	} else {
		moved_id = mmio_read32(MOVED_BASE + APIC_REG_ID);
		moved_version = mmio_read32(MOVED_BASE + APIC_REG_VERSION);
		check(moved_id == id && moved_version == version,
		      "apic_base.relocated_id_version", "ID 0x%x, version 0x%x at 0x%x; 0x%x, "
		      "0x%x at the default base", moved_id, moved_version, MOVED_BASE, id,
		      version);
		old_version = mmio_read32(APIC_BASE_DEFAULT + APIC_REG_VERSION);
		mmio_write32(APIC_BASE_DEFAULT + APIC_REG_TMICT, 0x12345678);
		tmcct = mmio_read32(MOVED_BASE + APIC_REG_TMICT);
		check(old_version == 0xffffffffu && !tmcct, "apic_base.old_base_open_bus",
		      "the default base reads 0x%x at the version's offset, TMICT is 0x%x after a "
		      "write there", old_version, tmcct);
		check_moved_timer();
	}
	check(write_taken(base) && apic_read(APIC_REG_VERSION) == version &&
	      apic_read(APIC_REG_ID) == id, "apic_base.relocate_back",
	      "IA32_APIC_BASE reads 0x%llx, ID 0x%x, version 0x%x at the default base",
	      apic_base(), apic_read(APIC_REG_ID), apic_read(APIC_REG_VERSION));
	check_relocation_over_ram(base, version);
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
	in_service = apic_vector_set(APIC_REG_ISR, HELD_VECTOR);
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
	uint32_t svr = apic_read(APIC_REG_SVR), tmict = apic_read(APIC_REG_TMICT);
	uint32_t tdcr = apic_read(APIC_REG_TDCR), tpr = apic_read(APIC_REG_TPR);
	uint32_t ppr = apic_read(APIC_REG_PPR), lvt = APIC_LVT_MASKED, off = 0;
	bool isr = apic_vector_set(APIC_REG_ISR, HELD_VECTOR);
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

	apic_write(APIC_REG_SVR, APIC_SVR_ON);
	t0 = tt_start(APIC_TIMER_ONESHOT, 1, tt_ticks(COUNT_TICKS), NULL);
	tt_wait_until(t0 + 2 * expected + tt_late_max);
	if (!tt_check_one(name, t0, expected))
		info("%s: TMCCT %u, PPR 0x%x", name, apic_read(APIC_REG_TMCCT),
		     apic_read(APIC_REG_PPR));
	tt_timer_stop();
}

static const char *const all_checks[] = {
	"apic_base.reads_base_bsp_en", "apic_base.reserved_bits_gp", "apic_base.invalid_state_gp",
	"apic_base.xapic_to_x2apic", "apic_base.x2apic_to_xapic_gp", "apic_base.held_in_service",
	"apic_base.disable", "apic_base.disabled_x2apic_msrs_gp", "apic_base.disabled_to_x2apic_gp",
	"apic_base.reenable_xapic", "apic_base.reenable_reset_state",
	"apic_base.reenabled_timer_fires", "apic_base.relocate", "apic_base.relocated_id_version",
	"apic_base.old_base_open_bus", "apic_base.relocated_timer_fires", "apic_base.relocate_back",
	"apic_base.relocate_over_ram",
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
	base = APIC_BASE_DEFAULT | APIC_BASE_BSP;
	if (want_x2apic) {
		static const char *const moves[] = {
			"apic_base.relocate", "apic_base.relocated_id_version",
			"apic_base.old_base_open_bus", "apic_base.relocated_timer_fires",
			"apic_base.relocate_back", "apic_base.relocate_over_ram",
		};

		/* x2APIC mode has no MMIO page; xAPIC again would need a disable first */
		tt_skip_all(moves, sizeof(moves) / sizeof(moves[0]), "x2APIC mode");
	} else {
		check_relocation();
	}

	if (!has_x2apic) {
		skip("apic_base.xapic_to_x2apic", "CPUID.1:ECX[21] (x2APIC) = 0");
		skip("apic_base.x2apic_to_xapic_gp", "CPUID.1:ECX[21] (x2APIC) = 0");
	} else if (!want_x2apic) {
		/* mode=x2apic took this path at start-up; mode=xapic checks it here */
		check(write_taken(base | APIC_BASE_EN | APIC_BASE_EXTD) &&
		      rdmsr_safe(APIC_X2APIC_MSR(APIC_REG_ID), &val) == -1,
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
	check(rdmsr_safe(APIC_X2APIC_MSR(APIC_REG_ID), &val) == VEC_GP &&
	      wrmsr_safe(APIC_X2APIC_MSR(APIC_REG_TMICT), 1) == VEC_GP,
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
