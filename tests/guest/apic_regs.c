/* SPDX-License-Identifier: MIT */
/*
 * apic_regs: the local APIC's registers around the timer (SDM vol. 3A ch. 11): the SVR software
 * disable and what it does to the LVTs, the error status register, reserved LVT bits, the x2APIC
 * MSR rules, self-IPIs through the ICR, and xAPIC accesses by the instruction forms compilers
 * emit (under tickvisor without APIC-register virtualization each one is decoded).
 * Command line: see tests/guest/lib/timer_test.h.
 */
#include <stdint.h>

#include "tests/guest/lib/apic.h"
#include "tests/guest/lib/cpu.h"
#include "tests/guest/lib/idt.h"
#include "tests/guest/lib/msr_safe.h"
#include "tests/guest/lib/report.h"
#include "tests/guest/lib/timer_test.h"

#define SVR_DISABLED		0xff
#define IPI_VECTOR		0x50
#define ILLEGAL_VECTOR		3	/* below 16: never delivered (SDM 11.5.3) */
#define COUNT_TICKS		50000u

static volatile unsigned int nr_ipis;

static void ipi_isr(unsigned int vector __attribute__((unused)),
		    uint64_t tsc __attribute__((unused)))
{
	nr_ipis++;
	apic_eoi();
}

/* Reads the error status the write-then-read way (SDM 11.5.3). */
static uint32_t esr_latch(void)
{
	apic_write(APIC_REG_ESR, 0);
	return apic_read(APIC_REG_ESR);
}

/*
 * SDM 11.4.7.2: with SVR bit 8 clear every LVT reads masked, a write can't unmask one, and the
 * timer (which keeps counting) delivers nothing; set again, the LVTs stay masked until written.
 */
static void check_svr_disable(void)
{
	uint32_t count = tt_ticks(COUNT_TICKS), masked = 0, lvtt, after;
	uint64_t e = tt_ticks_to_tsc(count), t0;
	unsigned int i;

	apic_write(APIC_REG_LVT_LINT0, 0x21);
	t0 = tt_start(APIC_TIMER_PERIODIC, 1, count, NULL);
	apic_write(APIC_REG_SVR, SVR_DISABLED);
	for (i = 0; i < APIC_NR_LVTS; i++)
		masked += !!(apic_read(apic_lvts[i]) & APIC_LVT_MASKED);
	check(masked == APIC_NR_LVTS, "svr.disable_masks_lvts",
	      "%u of %u LVTs read masked with the APIC software-disabled", masked, APIC_NR_LVTS);
	apic_write(APIC_REG_LVT_TIMER, APIC_TIMER_PERIODIC | TT_VECTOR);
	lvtt = apic_read(APIC_REG_LVT_TIMER);
	check(lvtt == (APIC_LVT_MASKED | APIC_TIMER_PERIODIC | TT_VECTOR),
	      "svr.lvt_write_stays_masked", "LVT timer reads 0x%x after writing 0x%x", lvtt,
	      APIC_TIMER_PERIODIC | TT_VECTOR);
	tt_wait_until(t0 + 3 * e + e / 2);
	check(tt_nr_irqs == 0 && apic_read(APIC_REG_TMCCT) != 0, "svr.no_timer_irq_while_disabled",
	      "%u timer interrupts in three periods while disabled (TMCCT %u)", tt_nr_irqs,
	      apic_read(APIC_REG_TMCCT));
	apic_write(APIC_REG_SVR, APIC_SVR_ON);
	after = apic_read(APIC_REG_LVT_TIMER);
	apic_write(APIC_REG_LVT_TIMER, APIC_TIMER_PERIODIC | TT_VECTOR);
	tt_wait_irqs(1, rdtsc() + e + tt_late_max);
	check(after & APIC_LVT_MASKED && tt_nr_irqs >= 1, "svr.reenable_delivers",
	      "LVT timer 0x%x after the re-enable; %u interrupts once unmasked", after,
	      tt_nr_irqs);
	apic_write(APIC_REG_LVT_LINT0, APIC_LVT_MASKED);
	tt_timer_stop();
}

/*
 * SDM 11.5.3: ESR shows the errors gathered before its last write, so an error appears only after
 * a write; a second write clears it. An IPI with a vector below 16 is a send error (bit 5), and
 * nothing is delivered; a timer expiry with such a vector is a receive error (bit 6).
 */
static void check_esr(void)
{
	uint32_t count = tt_ticks(COUNT_TICKS) / 10, before, latched, cleared, esr;
	uint64_t e = tt_ticks_to_tsc(count), t0;

	if (tt_env == TT_QEMU) {
		/* QEMU TCG delivers it: the guest would take an interrupt as exception 3 */
		skip("esr.write_then_read", "QEMU TCG does not refuse vectors below 16");
		skip("esr.send_illegal_vector", "QEMU TCG does not refuse vectors below 16");
		skip("esr.timer_illegal_vector", "QEMU TCG does not refuse vectors below 16");
		return;
	}
	esr_latch();
	apic_write_icr(APIC_ICR_SELF | APIC_ICR_FIXED | ILLEGAL_VECTOR);
	before = apic_read(APIC_REG_ESR);
	latched = esr_latch();
	cleared = esr_latch();
	info("esr: 0x%x before the write, 0x%x after, 0x%x after another", before, latched,
	     cleared);
	check(before == 0 && latched != 0 && cleared == 0, "esr.write_then_read",
	      "ESR 0x%x before the write, 0x%x after, 0x%x after a second write", before, latched,
	      cleared);
	check(latched & APIC_ESR_SEND_ILLEGAL, "esr.send_illegal_vector",
	      "ESR 0x%x after a self-IPI with vector %u, expected bit 5", latched, ILLEGAL_VECTOR);

	tt_timer_stop();
	esr_latch();
	apic_write(APIC_REG_LVT_TIMER, APIC_TIMER_ONESHOT | ILLEGAL_VECTOR);
	t0 = rdtsc();
	apic_write(APIC_REG_TMICT, count);
	tt_wait_until(t0 + 2 * e + tt_late_max);
	esr = esr_latch();
	check(esr & APIC_ESR_RECV_ILLEGAL, "esr.timer_illegal_vector",
	      "ESR 0x%x after a timer expiry with vector %u, expected bit 6", esr, ILLEGAL_VECTOR);
	tt_timer_stop();
	esr_latch();
}

/*
 * SDM 11.5.1 figure 11-8: what each LVT keeps of a write with every reserved bit set (the mode,
 * delivery-status and remote-IRR bits left out: each has rules of its own).
 */
static void check_lvt_reserved(void)
{
	static const struct {
		uint32_t off, keep;
	} lvt_bits[] = {
		{ APIC_REG_LVT_TIMER, 0x000100ff },		/* vector, mask */
		{ APIC_REG_LVT_THERMAL, 0x000107ff },	/* vector, delivery mode, mask */
		{ APIC_REG_LVT_PERF, 0x000107ff },
		{ APIC_REG_LVT_LINT0, 0x0001a7ff },		/* and polarity, trigger mode */
		{ APIC_REG_LVT_LINT1, 0x0001a7ff },
		{ APIC_REG_LVT_ERROR, 0x000100ff },
	};
	/* bit 12 delivery status, 14 remote IRR, 17-18 the timer mode */
	const uint32_t special = 1u << 12 | 1u << 14 | 3u << 17;
	unsigned int i;
	uint32_t wrote, got;

	tt_timer_stop();
	for (i = 0; i < sizeof(lvt_bits) / sizeof(lvt_bits[0]); i++) {
		wrote = ~special & ~(0x700u & ~lvt_bits[i].keep) & ~0xffu;
		wrote |= APIC_LVT_MASKED | 0x42;
		apic_write(lvt_bits[i].off, wrote);
		got = apic_read(lvt_bits[i].off);
		apic_write(lvt_bits[i].off, APIC_LVT_MASKED);
		if (got != (wrote & lvt_bits[i].keep))
			break;
	}
	if (i < sizeof(lvt_bits) / sizeof(lvt_bits[0]))
		fail("lvt.reserved_bits_read_zero", "LVT 0x%x reads 0x%x after a write of 0x%x, "
		     "expected 0x%x", lvt_bits[i].off, got, wrote, wrote & lvt_bits[i].keep);
	else
		pass("lvt.reserved_bits_read_zero");
	tt_timer_stop();
}

/*
 * SDM 11.6.1: a fixed IPI to self, by shorthand (which ignores the destination field) or by this
 * APIC's ID, arrives once; the ICR reads back as written, delivery status idle.
 */
static void check_self_ipi(void)
{
	uint32_t id = apic_read(APIC_REG_ID);
	uint64_t dest = apic_is_x2apic() ? id : id >> 24, icr, want;

	nr_ipis = 0;
	want = (apic_is_x2apic() ? 0x12345678ull : 0x12ull << 24) << 32 | APIC_ICR_SELF |
	       APIC_ICR_FIXED | IPI_VECTOR;
	apic_write_icr(want);
	tt_wait_until(rdtsc() + tt_late_max);
	icr = apic_read_icr();
	check(nr_ipis == 1, "icr.self_ipi_delivers_once",
	      "%u interrupts after a self-IPI by shorthand", nr_ipis);
	check(icr == want, "icr.readback", "ICR reads 0x%llx after a write of 0x%llx", icr, want);

	nr_ipis = 0;
	apic_write_icr((apic_is_x2apic() ? dest : dest << 24) << 32 | APIC_ICR_FIXED | IPI_VECTOR);
	tt_wait_until(rdtsc() + tt_late_max);
	check(nr_ipis == 1, "icr.dest_self_delivers_once",
	      "%u interrupts after an IPI to APIC ID 0x%x", nr_ipis, (uint32_t)dest);

	if (!apic_is_x2apic()) {
		skip("x2apic.self_ipi_msr", "xAPIC mode");
		return;
	}
	nr_ipis = 0;
	apic_write(APIC_REG_SELF_IPI, IPI_VECTOR);
	tt_wait_until(rdtsc() + tt_late_max);
	check(nr_ipis == 1, "x2apic.self_ipi_msr", "%u interrupts after a SELF IPI write",
	      nr_ipis);
}

/*
 * SDM 11.12.1.2: in x2APIC mode an RDMSR or WRMSR of a reserved MSR of the range raises #GP, so
 * do a read of a write-only and a write of a read-only register, and a write with bits 63:32 set
 * of any register but the ICR (as do nonzero writes of EOI and ESR, and SELF IPI bits 31:8).
 */
static void check_x2apic_gp(void)
{
	static const uint32_t reserved[] = {
		0x800, 0x801, 0x804, 0x807, 0x809, 0x80c, 0x80e, 0x829, 0x82e, 0x831, 0x83a,
		0x83d, 0x840, 0x8ff,
	};
	static const uint32_t read_only[] = { 0x802, 0x803, 0x80a, 0x80d, 0x810, 0x820, 0x839 };
	static const uint32_t write_only[] = { 0x80b, 0x83f };
	static const struct {
		uint32_t msr;
		uint64_t val;
	} bad_writes[] = {
		{ 0x838, 1ull << 32 },			/* TMICT, bits 63:32 */
		{ 0x832, 1ull << 32 | APIC_LVT_MASKED },	/* LVT timer */
		{ 0x83e, 1ull << 32 },			/* TDCR */
		{ 0x80f, 1ull << 32 | APIC_SVR_ON },	/* SVR */
		{ 0x80b, 1 },				/* EOI: only 0 */
		{ 0x828, 1 },				/* ESR: only 0 */
	};
	unsigned int i;
	uint64_t val;
	int fault;

	if (!apic_is_x2apic()) {
		skip("x2apic.reserved_msr_gp", "xAPIC mode");
		skip("x2apic.access_rights_gp", "xAPIC mode");
		skip("x2apic.reserved_bits_gp", "xAPIC mode");
		skip("x2apic.self_ipi_reserved_gp", "xAPIC mode");
		return;
	}
	for (i = 0; i < sizeof(reserved) / sizeof(reserved[0]); i++)
		if (rdmsr_safe(reserved[i], &val) != VEC_GP || wrmsr_safe(reserved[i], 0) != VEC_GP)
			break;
	if (i < sizeof(reserved) / sizeof(reserved[0]))
		fail("x2apic.reserved_msr_gp", "MSR 0x%x: RDMSR or WRMSR did not raise #GP",
		     reserved[i]);
	else
		pass("x2apic.reserved_msr_gp");

	for (i = 0; i < sizeof(read_only) / sizeof(read_only[0]); i++)
		if (wrmsr_safe(read_only[i], 0) != VEC_GP)
			break;
	if (i < sizeof(read_only) / sizeof(read_only[0])) {
		fail("x2apic.access_rights_gp", "WRMSR of read-only MSR 0x%x did not raise #GP",
		     read_only[i]);
	} else {
		for (i = 0; i < sizeof(write_only) / sizeof(write_only[0]); i++)
			if (rdmsr_safe(write_only[i], &val) != VEC_GP)
				break;
		if (i < sizeof(write_only) / sizeof(write_only[0]))
			fail("x2apic.access_rights_gp",
			     "RDMSR of write-only MSR 0x%x did not raise #GP", write_only[i]);
		else
			pass("x2apic.access_rights_gp");
	}

	nr_ipis = 0;
	for (i = 0; i < sizeof(bad_writes) / sizeof(bad_writes[0]); i++)
		if (wrmsr_safe(bad_writes[i].msr, bad_writes[i].val) != VEC_GP)
			break;
	if (i < sizeof(bad_writes) / sizeof(bad_writes[0]))
		fail("x2apic.reserved_bits_gp", "WRMSR 0x%x of 0x%llx did not raise #GP",
		     bad_writes[i].msr, bad_writes[i].val);
	else
		check(nr_ipis == 0 && apic_read(APIC_REG_SVR) == APIC_SVR_ON &&
		      apic_read(APIC_REG_TMICT) == 0, "x2apic.reserved_bits_gp",
		      "a faulting write had an effect: %u IPIs, SVR 0x%x, TMICT %u", nr_ipis,
		      apic_read(APIC_REG_SVR), apic_read(APIC_REG_TMICT));
	/* SDM 11.12.11: SELF IPI bits 31:8 are reserved; the IPI is not sent */
	nr_ipis = 0;
	fault = wrmsr_safe(APIC_X2APIC_MSR(APIC_REG_SELF_IPI), 0x100 | IPI_VECTOR);
	tt_wait_until(rdtsc() + tt_late_max);
	check(fault == VEC_GP && nr_ipis == 0, "x2apic.self_ipi_reserved_gp",
	      "WRMSR of 0x%x to SELF IPI: %s, %u interrupts", 0x100 | IPI_VECTOR,
	      fault == VEC_GP ? "#GP" : "no #GP", nr_ipis);
}

/*
 * xAPIC accesses by other instruction forms than a load or store at a constant address: a
 * register-indexed load, stores through a base register with a displacement, of an immediate,
 * and EAX to and from a 32-bit absolute address (moffs). LDR and TMICT (timer masked) keep
 * what is written, so each form's read sees what another form wrote.
 */
static void check_access_forms(void)
{
	uint32_t base = APIC_BASE_DEFAULT, idx = APIC_REG_LDR, got[4], tmict;

	if (apic_is_x2apic()) {
		skip("xapic.access_forms", "x2APIC mode");
		return;
	}
	tt_timer_stop();
	/* C7 /0 with disp32 off a base register: LDR = 0x01000000 */
	asm volatile("movl $0x01000000, 0xd0(%0)" : : "r"(base) : "memory");
	/* A1: EAX from a moffs32 */
	asm volatile("movl 0xfee000d0, %0" : "=a"(got[0]) : : "memory");
	/* A3: EAX to a moffs32 */
	asm volatile("movl %0, 0xfee000d0" : : "a"(0x02000000u) : "memory");
	/* 8B with a SIB byte: base + index * 1 */
	asm volatile("movl (%1,%2,1), %0" : "=r"(got[1]) : "r"(base), "r"(idx) : "memory");
	/* 89 with disp8 off a base register that points 0x40 below the register */
	asm volatile("movl %0, 0x40(%1)" : : "r"(0x03000000u), "r"(base + idx - 0x40) : "memory");
	/* 8B with disp32 and a scaled index: base + 0x80 + 0x10 * 5 = LDR */
	asm volatile("movl 0x80(%1,%2,8), %0" : "=r"(got[2]) : "r"(base), "r"(0xau) : "memory");
	/* C7 /0 to TMICT through base + index * 4 (timer masked, so nothing fires) */
	asm volatile("movl $12345678, (%0,%1,4)" : : "r"(base), "r"(APIC_REG_TMICT / 4) : "memory");
	tmict = apic_read(APIC_REG_TMICT);
	got[3] = apic_read(APIC_REG_LDR);
	apic_write(APIC_REG_LDR, 0);
	tt_timer_stop();
	check(got[0] == 0x01000000 && got[1] == 0x02000000 && got[2] == 0x03000000 &&
	      got[3] == 0x03000000 && tmict == 12345678, "xapic.access_forms",
	      "LDR read 0x%x, 0x%x, 0x%x, 0x%x (expected 0x01000000, 0x02000000, 0x03000000 "
	      "twice), TMICT %u (expected 12345678)", got[0], got[1], got[2], got[3], tmict);
}

static const char *const all_checks[] = {
	"svr.disable_masks_lvts", "svr.lvt_write_stays_masked", "svr.no_timer_irq_while_disabled",
	"svr.reenable_delivers", "esr.write_then_read", "esr.send_illegal_vector",
	"esr.timer_illegal_vector", "lvt.reserved_bits_read_zero", "icr.self_ipi_delivers_once",
	"icr.readback", "icr.dest_self_delivers_once", "x2apic.self_ipi_msr",
	"x2apic.reserved_msr_gp", "x2apic.access_rights_gp", "x2apic.reserved_bits_gp",
	"x2apic.self_ipi_reserved_gp", "xapic.access_forms",
};

void guest_main(uint32_t magic, uint32_t info_addr)
{
	tt_init(magic, info_addr, all_checks, sizeof(all_checks) / sizeof(all_checks[0]));
	idt_set_handler(IPI_VECTOR, ipi_isr);
	check_svr_disable();
	check_esr();
	check_lvt_reserved();
	check_self_ipi();
	check_x2apic_gp();
	check_access_forms();
	summary();
}
