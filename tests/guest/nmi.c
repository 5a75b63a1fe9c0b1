/* SPDX-License-Identifier: MIT */
/*
 * nmi: NMIs sent by the local APIC to itself (SDM vol. 3A 11.6.1 ICR delivery mode NMI) and the
 * processor's NMI blocking (SDM 6.7.1): an NMI IPI to its own APIC ID and by the self and
 * all-including-self shorthands arrives exactly once, all-excluding-self reaches nobody,
 * RFLAGS.IF does not hold it back; NMIs sent from inside the NMI handler wait for its IRET, and
 * of two only one is held (one pending NMI at most). SDM table 11-3 calls NMI with either "self"
 * shorthand invalid (undefined behaviour); Linux sends them all the same (its self NMI) and KVM
 * delivers them, so tickvisor does too; the checks that need no shorthand use the APIC ID.
 * LINT1 can't be raised from a guest: the NMI pin is the chipset's, so LVT LINT1 in NMI mode is
 * left to the host unit tests.
 * Command line: see tests/guest/lib/timer_test.h (mode=, env=).
 */
#include <stdint.h>

#include "tests/guest/lib/apic.h"
#include "tests/guest/lib/boot.h"
#include "tests/guest/lib/cpu.h"
#include "tests/guest/lib/idt.h"
#include "tests/guest/lib/report.h"
#include "tests/guest/lib/timer_test.h"

#define NMI_VECTOR		2
#define GATE_INTR32		0x8e	/* present, DPL 0, 32-bit interrupt gate */
/* ICR (SDM 11.6.1 figure 11-12) */
#define ICR_NMI			(4u << 8)	/* delivery mode 100: NMI */
#define ICR_ALL			(2u << 18)	/* shorthand: all including self */
#define ICR_OTHERS		(3u << 18)	/* shorthand: all excluding self */
#define IGNORED_VECTOR		0x77		/* NMI IPIs ignore the vector field */
/*
 * How long an NMI may take to arrive, in TSC ticks: natively a few instructions, under
 * tickvisor one VM exit and entry (Bochs: one tick per instruction); far more than either.
 */
#define WAIT_TSC		2000000ull

static volatile unsigned int nr_nmis, depth, max_depth;
static uint64_t self_dest;	/* ICR 63:32 that names this APIC, physical mode */
/* NMIs the handler sends to itself the next time it runs, and what it saw before its IRET */
static volatile unsigned int send_in_handler, nr_at_iret;

void nmi_handler(void);

/* The gate's stub: the C ABI's scratch registers saved, then IRET (which ends NMI blocking). */
asm(".text\n"
    "nmi_stub:\n"
    "	pushal\n"
    "	cld\n"
    "	call	nmi_handler\n"
    "	popal\n"
    "	iret\n");
extern char nmi_stub[];

static void spin_tsc(uint64_t ticks)
{
	uint64_t t0 = rdtsc();

	while (rdtsc() - t0 < ticks)
		asm volatile("pause");
}

/* To its own APIC ID, without a shorthand: the combination SDM table 11-3 calls valid */
static void send_self_nmi(void)
{
	apic_write_icr(self_dest | ICR_NMI);
}

void nmi_handler(void)
{
	unsigned int n;

	if (++depth > max_depth)
		max_depth = depth;
	nr_nmis++;
	n = send_in_handler;
	send_in_handler = 0;
	if (n) {
		while (n--)
			send_self_nmi();
		/* long enough for a wrongly unblocked NMI to come in here, nested */
		spin_tsc(WAIT_TSC);
		nr_at_iret = nr_nmis;
	}
	depth--;
}

/* The NMI gate: vector 2 of the IDT that idt_init() loaded. */
static void set_nmi_gate(void)
{
	struct {
		uint16_t limit;
		uint32_t base;
	} __attribute__((packed)) idtr;
	uint32_t stub = (uint32_t)(uintptr_t)nmi_stub;
	uint16_t *gate;

	asm volatile("sidt %0" : "=m"(idtr));
	gate = (uint16_t *)(uintptr_t)(idtr.base + NMI_VECTOR * 8);
	gate[0] = (uint16_t)stub;
	gate[1] = BOOT_CODE_SEL;
	gate[2] = GATE_INTR32 << 8;
	gate[3] = (uint16_t)(stub >> 16);
}

/* Waits until `n` NMIs came in all, then as long again for one too many; returns the count. */
static unsigned int wait_nmis(unsigned int n)
{
	uint64_t t0 = rdtsc();

	while (nr_nmis < n && rdtsc() - t0 < WAIT_TSC)
		asm volatile("pause");
	spin_tsc(WAIT_TSC);
	return nr_nmis;
}

static void check_once(const char *name, uint64_t icr, const char *how)
{
	unsigned int base = nr_nmis, got;

	apic_write_icr(icr);
	got = wait_nmis(base + 1) - base;
	check(got == 1, name, "%u NMIs for one NMI IPI %s", got, how);
}

static void check_destinations(void)
{
	unsigned int base, got;

	check_once("nmi.dest_self_once", self_dest | ICR_NMI, "to the APIC's own ID (physical)");
	check_once("nmi.self_ipi_once", APIC_ICR_SELF | ICR_NMI, "to self (shorthand)");
	check_once("nmi.all_including_self_once", ICR_ALL | ICR_NMI,
		   "to all including self");
	base = nr_nmis;
	apic_write_icr(ICR_OTHERS | ICR_NMI);
	got = wait_nmis(base + 1) - base;
	check(got == 0, "nmi.all_excluding_self_none",
	      "%u NMIs for an NMI IPI to all excluding self, on a single processor", got);
	/* the vector field of an NMI IPI means nothing: no fixed interrupt, nothing in IRR */
	base = nr_nmis;
	apic_write_icr(self_dest | ICR_NMI | IGNORED_VECTOR);
	got = wait_nmis(base + 1) - base;
	check(got == 1 && !apic_vector_set(APIC_REG_IRR, IGNORED_VECTOR) &&
	      !apic_vector_set(APIC_REG_ISR, IGNORED_VECTOR), "nmi.vector_ignored",
	      "%u NMIs, IRR bit %d, ISR bit %d for vector 0x%x", got,
	      apic_vector_set(APIC_REG_IRR, IGNORED_VECTOR),
	      apic_vector_set(APIC_REG_ISR, IGNORED_VECTOR), IGNORED_VECTOR);
}

/* RFLAGS.IF masks maskable interrupts only (SDM 6.8.1). */
static void check_if_clear(void)
{
	unsigned int base = nr_nmis, got;

	cli();
	send_self_nmi();
	got = wait_nmis(base + 1) - base;
	sti();
	check(got == 1, "nmi.if_clear_delivered", "%u NMIs with RFLAGS.IF = 0", got);
}

/*
 * SDM 6.7.1: after an NMI the processor blocks NMIs until the handler's IRET; one that comes
 * meanwhile is held and delivered after it, and one NMI at most is held.
 */
static void check_blocking(void)
{
	unsigned int base, got;

	base = nr_nmis;
	max_depth = 0;
	send_in_handler = 1;
	send_self_nmi();
	got = wait_nmis(base + 2) - base;
	check(max_depth == 1, "nmi.not_nested", "an NMI entered the NMI handler (depth %u)",
	      max_depth);
	check(nr_at_iret - base == 1 && got == 2, "nmi.held_until_iret",
	      "%u NMIs before the handler's IRET (expected 1), %u in all (expected 2)",
	      nr_at_iret - base, got);

	base = nr_nmis;
	send_in_handler = 2;
	send_self_nmi();
	got = wait_nmis(base + 3) - base;
	check(got == 2, "nmi.latch_one_pending",
	      "%u NMIs for one plus two sent while NMIs were blocked (expected 2)", got);
}

static const char *const all_checks[] = {
	"nmi.self_ipi_once", "nmi.all_including_self_once", "nmi.dest_self_once",
	"nmi.all_excluding_self_none", "nmi.vector_ignored", "nmi.if_clear_delivered",
	"nmi.not_nested", "nmi.held_until_iret", "nmi.latch_one_pending",
};

void guest_main(uint32_t magic, uint32_t info_addr)
{
	uint32_t id;

	tt_init(magic, info_addr, all_checks, sizeof(all_checks) / sizeof(all_checks[0]));
	set_nmi_gate();
	/* xAPIC: the ID in bits 31:24 of both the ID register and ICR 63:32 */
	id = apic_read(APIC_REG_ID);
	self_dest = (uint64_t)(apic_is_x2apic() ? id : id & 0xff000000u) << 32;
	check_destinations();
	check_if_clear();
	check_blocking();
	summary();
}
