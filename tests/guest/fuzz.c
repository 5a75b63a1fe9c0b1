/* SPDX-License-Identifier: MIT */
/*
 * fuzz: a seeded random mix of what a hostile or unusual guest does to its local APIC and the
 * platform around it (issue #11): xAPIC MMIO, x2APIC MSRs, IA32_APIC_BASE transitions legal and
 * illegal, timer extremes, mode and divide changes, masks, self-IPIs of random vectors, stray
 * EOIs, HLT with a timer armed, CPUID, random MSRs, the chipset's ports and I/O APIC page, and
 * hypercalls with random arguments. Every fault it provokes is caught; what it can see is held
 * to the SDM:
 *
 *   fuzz.no_early_irq     no timer interrupt before the earliest time its programming allows
 *                         (nor one while no timer is armed)
 *   fuzz.no_lost_irq      an armed, unmasked timer or a self-IPI is delivered
 *   fuzz.no_double_irq    ... exactly once
 *   fuzz.tmcct_le_tmict   TMCCT never reads above TMICT (SDM 11.5.4)
 *   fuzz.deadline_zero    IA32_TSC_DEADLINE reads 0 once its interrupt fired (SDM 11.5.4.1)
 *   fuzz.fault_rules      the #GPs the SDM asks for, and none for legal accesses (SDM 11.4.4,
 *                         11.12.1.2, 11.12.1.3, 11.12.5)
 *   fuzz.hypercalls       VMCALL returns what vmx/hypercall_abi.h says (natively: #UD)
 *   fuzz.self_ipi_reserved_gp   the x2APIC SELF IPI register's reserved bits are #GP
 *                         (SDM 11.12.11; apart: Bochs departs from it)
 *
 * The first few violations of each print "INFO: fuzz: <check> at op I (seed=S: rerun with
 * seed=S n=I+1): detail"; the operations are a pure function of the seed, and on Bochs with
 * clock sync=none so is everything else, so that command line reproduces the failure.
 *
 * Command line (with tt_init's mode= and env=):
 *   seed=N       the generator's seed (default 1)
 *   n=N          operations (default 2000)
 *   forms=all    also the xAPIC accesses beyond 32-bit MOVs (issue #11 finding 6; Bochs' own
 *                APIC panics on some): 8- and 16-bit widths, MOVZX/MOVSX, XCHG,
 *                read-modify-write, MOVS, STOS, unaligned offsets, random I/O APIC offsets
 *   strict=1     also what issue #11 findings 4, 7 and 9 were about: MOVs to a disabled APIC's
 *                page, xAPIC ID writes, #GP for the x2APIC ICR's reserved bits
 *   disable=1    IA32_APIC_BASE.EN = 0 and back (Bochs can't enable its APIC again)
 *   relocate=1   xAPIC base relocation
 *   trace=N      print each operation's name from operation N on (a reproducer's detail)
 *
 * Vectors are split so that every delivery can be told apart: 0x40-0x4f the timer (LVTT),
 * 0x20-0x3f and 0x50-0x7f the other LVTs, the 8259 and the I/O APIC (counted, not checked),
 * 0x80-0xfe self-IPIs (checked exactly), 0xff the spurious vector.
 */
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>

#include "tests/guest/lib/apic.h"
#include "tests/guest/lib/cmdline.h"
#include "tests/guest/lib/cpu.h"
#include "tests/guest/lib/hypercall.h"
#include "tests/guest/lib/idt.h"
#include "tests/guest/lib/msr_safe.h"
#include "tests/guest/lib/printf.h"
#include "tests/guest/lib/report.h"
#include "tests/guest/lib/timer_test.h"

#define VEC_TIMER_FIRST		0x40
#define VEC_TIMER_NR		16
#define VEC_LVT_FIRST		0x50	/* 0x50-0x7f */
#define VEC_IPI_FIRST		0x80	/* 0x80-0xfe */
#define VEC_IPI_NR		0x7f
#define VEC_SPURIOUS		0xff

#define TSC_NEVER		UINT64_MAX
/* Timer probes: counts and deadlines short enough for a million operations on Bochs */
#define PROBE_MAX_TSC		4000u
/* How long a probe also waits for a second, wrong interrupt */
#define DOUBLE_WAIT_TSC		2000u
/* Slack of a natively measured rate (tt_rate_slack()) plus the few instructions around a write */
#define EARLY_SLACK_TSC		4u
#define MAX_REPORTS		3
#define NATIVE_MIN_COUNT	2000u

#define MSR_X2APIC_EOI		APIC_X2APIC_MSR(APIC_REG_EOI)
#define MSR_X2APIC_ICR		APIC_X2APIC_MSR(APIC_REG_ICR_LO)
#define MSR_X2APIC_SELF_IPI	APIC_X2APIC_MSR(APIC_REG_SELF_IPI)

/* I/O APIC (82093AA datasheet 3.0): index and data window, the EOI register of version 0x20 */
#define IOAPIC_BASE		0xfec00000u
#define IOAPIC_IOREGSEL		0x00
#define IOAPIC_IOWIN		0x10
#define IOAPIC_EOIR		0x40
#define IOAPIC_REDTBL		0x10
#define IOAPIC_RTE_MASKED	(1u << 16)

/* 8259A, ELCR, PIT 8254, port B */
#define PIC1_CMD		0x20
#define PIC1_DATA		0x21
#define PIC2_CMD		0xa0
#define PIC2_DATA		0xa1
#define ELCR1			0x4d0
#define ELCR2			0x4d1
#define PIT_CH0			0x40
#define PIT_CMD			0x43
#define PORT_B			0x61

enum inv {
	INV_EARLY,
	INV_LOST,
	INV_DOUBLE,
	INV_TMCCT,
	INV_DEADLINE_ZERO,
	INV_FAULTS,
	INV_HYPERCALLS,
	INV_SELF_IPI_GP,
	NR_INV,
};

static const char *const inv_names[NR_INV] = {
	"fuzz.no_early_irq", "fuzz.no_lost_irq", "fuzz.no_double_irq", "fuzz.tmcct_le_tmict",
	"fuzz.deadline_zero", "fuzz.fault_rules", "fuzz.hypercalls", "fuzz.self_ipi_reserved_gp",
};

enum apic_state { APIC_OFF, APIC_XAPIC, APIC_X2APIC };

static uint32_t seed = 1, nr_ops = 2000, op, trace_from = UINT32_MAX;
static bool forms_all, strict, allow_disable, allow_relocate, has_x2apic, has_deadline, under_tv;
static uint32_t rng, maxphyaddr = 36;
static uint32_t inv_count[NR_INV], inv_first[NR_INV];
static uint32_t nr_faults[32], nr_ops_of[32];
static enum apic_state state = APIC_XAPIC;
static uint32_t lvtt_shadow = APIC_LVT_MASKED | VEC_TIMER_FIRST;
/* TDCR written since the last TMICT write (Bochs, see tmcct_readable()) */
static bool tdcr_changed;

/* Deliveries per vector; the timer's bounds (see timer_armed()) */
static volatile uint32_t irqs[256];
static volatile uint64_t timer_bound = TSC_NEVER, timer_live = TSC_NEVER;
static volatile uint64_t last_timer_tsc;
static uint32_t nr_timer_irqs, nr_ipis_sent;

static void violation(enum inv i, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void violation(enum inv i, const char *fmt, ...)
{
	va_list ap;

	if (!inv_count[i]++)
		inv_first[i] = op;
	if (inv_count[i] > MAX_REPORTS)
		return;
	printf("INFO: fuzz: %s at op %u (seed=%u: rerun with seed=%u n=%u): ", inv_names[i], op,
	       seed, seed, op + 1);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
}

/* xorshift32 (Marsaglia 2003): the whole run is a function of the seed. */
static uint32_t rnd(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 17;
	rng ^= rng << 5;
	return rng;
}

static uint32_t below(uint32_t n)
{
	return rnd() % n;
}

static bool chance(uint32_t pct)
{
	return below(100) < pct;
}

static uint64_t rnd64(void)
{
	return ((uint64_t)rnd() << 32) | rnd();
}

/* A 32-bit value biased to the extremes: 0, 1, all ones, powers of two and their neighbours. */
static uint32_t extreme32(void)
{
	uint32_t b = 1u << below(32);

	switch (below(6)) {
	case 0: return 0;
	case 1: return 1;
	case 2: return 0xffffffffu;
	case 3: return b;
	case 4: return b - 1;
	default: return rnd();
	}
}

static void note_fault(int vec)
{
	if (vec >= 0 && vec < 32)
		nr_faults[vec]++;
}

/* ---- interrupts ---------------------------------------------------------------------------- */

static bool timer_vector(unsigned int v)
{
	return v >= VEC_TIMER_FIRST && v < VEC_TIMER_FIRST + VEC_TIMER_NR;
}

static void eoi(void)
{
	if (state == APIC_X2APIC)
		wrmsr(APIC_X2APIC_MSR(APIC_REG_EOI), 0);
	else if (state == APIC_XAPIC)
		mmio_write32(APIC_BASE_DEFAULT + APIC_REG_EOI, 0);
}

static void isr(unsigned int v, uint64_t tsc)
{
	irqs[v]++;
	if (timer_vector(v)) {
		nr_timer_irqs++;
		last_timer_tsc = tsc;
		if (timer_bound != TSC_NEVER && tsc + EARLY_SLACK_TSC < timer_bound)
			violation(INV_EARLY, "timer vector 0x%x at TSC %llu, %s %llu", v,
				  (unsigned long long)tsc, "not before",
				  (unsigned long long)timer_bound);
		else if (timer_bound == TSC_NEVER)
			violation(INV_EARLY, "timer vector 0x%x at TSC %llu with no timer armed", v,
				  (unsigned long long)tsc);
		/* What was pending is consumed: the current programming alone bounds the next. */
		timer_bound = timer_live;
	}
	/* The spurious vector is not acknowledged (SDM 11.9). */
	if (v != VEC_SPURIOUS)
		eoi();
}

static bool timer_pending(void)
{
	/* IRR bits of vectors 0x40-0x4f: the third IRR word, bits 15:0 */
	return state != APIC_OFF && (apic_read(APIC_REG_IRR + 0x20) & 0xffff);
}

/*
 * A write that replaces the timer's programming: its first expiry can't come before `earliest`
 * (TSC_NEVER: it disarms). Any later expiry of it (periodic) is later still, and a TDCR change
 * can only lengthen what is left of a count measured at divide by 1. An expiry of the old
 * programming already in the IRR is delivered later and still bounds the next interrupt.
 */
static void timer_armed(uint64_t earliest)
{
	/*
	 * The old programming may have expired already without being in the IRR yet: a
	 * hypervisor notices an expiry at its next exit (this write's), as KVM does, and
	 * delivers it late, which is allowed; an expiry still ahead is cancelled by the write.
	 */
	bool old_due = timer_live != TSC_NEVER && rdtsc() >= timer_live;

	if (old_due || timer_pending()) {
		if (earliest < timer_bound)
			timer_bound = earliest;
	} else {
		timer_bound = earliest;
	}
	timer_live = earliest;
}

static uint64_t count_earliest(uint64_t t0, uint32_t count)
{
	uint64_t d;

	if (!count)
		return TSC_NEVER;
	d = tt_ticks_to_tsc(count);
	return t0 + d - tt_rate_slack(d);
}

/* ---- the APIC's registers through the current interface ----------------------------------- */

static uint32_t lvtt_mode(uint32_t lvtt)
{
	return lvtt & (3u << 17);
}

static uint32_t reg_read(uint32_t off)
{
	return state == APIC_OFF ? 0 : apic_read(off);
}

/* In x2APIC mode reserved bits may be #GP (SDM 11.12.1.2): counted, not checked. */
static int reg_write(uint32_t off, uint32_t val)
{
	int f = -1;

	if (state == APIC_OFF)
		return -1;
	if (state == APIC_X2APIC)
		f = wrmsr_safe(APIC_X2APIC_MSR(off), val);
	else
		apic_write(off, val);
	if (off == APIC_REG_LVT_TIMER && f < 0)
		lvtt_shadow = val;
	if (off == APIC_REG_TDCR)
		tdcr_changed = true;
	if (off == APIC_REG_TMICT)
		tdcr_changed = false;
	note_fault(f);
	/* after the write: a line on COM1 takes thousands of TSC ticks */
	if (op >= trace_from)
		info("fuzz:   wrote 0x%x = 0x%x (%s), fault %d", off, val,
		     state == APIC_X2APIC ? "x2APIC" : "xAPIC", f);
	return f;
}

/* An LVT value that can only deliver fixed interrupts on the vectors this kernel expects. */
static uint32_t lvt_value(uint32_t off)
{
	uint32_t v = rnd() & ~(7u << 8);	/* delivery mode fixed */

	v &= ~0xffu;
	v |= off == APIC_REG_LVT_TIMER ? VEC_TIMER_FIRST + below(VEC_TIMER_NR) :
	     VEC_LVT_FIRST + below(0x30);
	if (off != APIC_REG_LVT_TIMER)
		v |= chance(70) ? APIC_LVT_MASKED : 0;
	/*
	 * An unmasked level-triggered LINT with an active-low polarity (bits 15, 13) sees its
	 * idle line as asserted: a storm that starves the guest on hardware and under tickvisor
	 * (its lines idle low). Those LVTs keep an active-high polarity.
	 */
	if (off == APIC_REG_LVT_LINT0 || off == APIC_REG_LVT_LINT1)
		v &= ~(1u << 13);
	/* timer mode 3 is reserved (SDM figure 11-8): what it does is anyone's guess */
	else if (lvtt_mode(v) == (3u << 17) ||
		 (!has_deadline && lvtt_mode(v) == APIC_TIMER_TSC_DEADLINE))
		v &= ~APIC_TIMER_TSC_DEADLINE;
	return v;
}

/*
 * Bochs 2.7 stops the emulation ("APIC: R(curr timer count): delta < initial") at a TMCCT read
 * when the count it computes from the TMICT write at the current divisor has run past TMICT
 * before its timer event ran: after a TDCR change while counting (it divides the whole time
 * since the write by the new divisor), and for a periodic timer. Natively TMCCT is not read then.
 */
static bool tmcct_readable(void)
{
	return state != APIC_OFF && (under_tv || (lvtt_mode(lvtt_shadow) != APIC_TIMER_PERIODIC &&
						 !tdcr_changed));
}

/* TMCCT, then TMICT: the current count can't be above the initial count (SDM 11.5.4). */
static void check_tmcct(void)
{
	uint32_t cur, init;

	if (!tmcct_readable())
		return;
	cur = apic_read(APIC_REG_TMCCT);
	init = apic_read(APIC_REG_TMICT);
	if (cur > init && apic_read(APIC_REG_TMICT) == init)
		violation(INV_TMCCT, "TMCCT 0x%x > TMICT 0x%x (LVTT 0x%x)", cur, init, lvtt_shadow);
}

/*
 * A periodic count shorter than the interrupt handler starves the guest on real hardware and
 * natively too, so natively every count is at least NATIVE_MIN_COUNT (a one-shot may turn
 * periodic later). Under tickvisor min_period_us keeps the guest running: any count goes.
 */
static uint32_t tmict_floor(uint32_t v)
{
	return under_tv || !v || v >= NATIVE_MIN_COUNT ? v : NATIVE_MIN_COUNT + v;
}

static void timer_stop(void)
{
	if (state == APIC_OFF)
		return;
	reg_write(APIC_REG_LVT_TIMER, APIC_LVT_MASKED | VEC_TIMER_FIRST);
	reg_write(APIC_REG_TMICT, 0);
	reg_write(APIC_REG_TDCR, APIC_TDCR_DIV1);
	timer_armed(TSC_NEVER);
}

/* The state every operation starts from: the APIC on, TPR 0, SVR on. */
static void sane(void)
{
	if (state == APIC_OFF)
		return;
	apic_write(APIC_REG_TPR, 0);
	apic_write(APIC_REG_SVR, APIC_SVR_ON);
}

/* ---- operations ----------------------------------------------------------------------------- */

enum {
	OP_TIMER,
	OP_PROBE,
	OP_IPI,
	OP_TPR,
	OP_EOI,
	OP_REG_READ,
	OP_REG_WRITE,
	OP_MMIO_FORMS,
	OP_X2APIC_MSR,
	OP_APIC_BASE,
	OP_CPUID,
	OP_MSR,
	OP_CHIPSET,
	OP_IOAPIC,
	OP_VMCALL,
	OP_SVR,
	NR_OPS,
};

static const char *const op_names[NR_OPS] = {
	"timer", "probe", "ipi", "tpr", "eoi", "reg-read", "reg-write", "mmio-forms",
	"x2apic-msr", "apic-base", "cpuid", "msr", "chipset", "ioapic", "vmcall", "svr",
};

/* Relative frequencies */
static const uint8_t op_weight[NR_OPS] = {
	[OP_TIMER] = 14, [OP_PROBE] = 6, [OP_IPI] = 8, [OP_TPR] = 3, [OP_EOI] = 4,
	[OP_REG_READ] = 8, [OP_REG_WRITE] = 8, [OP_MMIO_FORMS] = 6, [OP_X2APIC_MSR] = 6,
	[OP_APIC_BASE] = 3, [OP_CPUID] = 4, [OP_MSR] = 5, [OP_CHIPSET] = 5, [OP_IOAPIC] = 4,
	[OP_VMCALL] = 4, [OP_SVR] = 2,
};

/* One random timer programming step; IF is 0 around it (see timer_armed()). */
static void timer_step(void)
{
	uint64_t t0;
	uint32_t v;

	switch (below(8)) {
	case 0:
		reg_write(APIC_REG_LVT_TIMER, lvt_value(APIC_REG_LVT_TIMER));
		break;
	case 1:
		reg_write(APIC_REG_TDCR, rnd() & 0xb);	/* bits 0, 1, 3: SDM figure 11-10 */
		break;
	case 2:
	case 3:
		v = tmict_floor(chance(50) ? extreme32() : below(PROBE_MAX_TSC));
		t0 = rdtsc();
		reg_write(APIC_REG_TMICT, v);
		if (lvtt_mode(lvtt_shadow) != APIC_TIMER_TSC_DEADLINE)
			timer_armed(count_earliest(t0, v));
		break;
	case 4:
		if (!has_deadline)
			break;
		switch (below(4)) {
		case 0: t0 = 0; break;
		case 1: t0 = rnd64(); break;
		case 2: t0 = rdtsc() - below(1000); break;
		default: t0 = rdtsc() + below(PROBE_MAX_TSC); break;
		}
		if (wrmsr_safe(MSR_IA32_TSC_DEADLINE, t0) >= 0) {
			violation(INV_FAULTS, "IA32_TSC_DEADLINE write faulted");
			break;
		}
		if (lvtt_mode(lvtt_shadow) == APIC_TIMER_TSC_DEADLINE)
			timer_armed(t0 ? t0 : TSC_NEVER);
		break;
	case 5:
		check_tmcct();
		break;
	case 6:
		reg_write(APIC_REG_LVT_TIMER, lvtt_shadow ^ APIC_LVT_MASKED);
		break;
	default:
		if (has_deadline) {
			uint64_t d;

			rdmsr_safe(MSR_IA32_TSC_DEADLINE, &d);
		}
		break;
	}
}

static void op_timer(void)
{
	unsigned int i, n = 1 + below(4);

	if (state == APIC_OFF)
		return;
	cli();
	for (i = 0; i < n; i++)
		timer_step();
	sti();
	check_tmcct();
}

/*
 * A clean timer: one expiry, exactly once, never early, by spinning or in HLT; a TSC-deadline
 * timer then reads 0, a one-shot's TMCCT 0. A periodic one fires twice, then stops for good.
 */
static void op_probe(void)
{
	uint32_t kind = below(has_deadline ? 3 : 2), count, vec = VEC_TIMER_FIRST + below(16);
	uint64_t t0, earliest, limit;
	bool halt = chance(40);
	uint32_t before;

	if (state == APIC_OFF)
		return;
	timer_stop();
	/* what was pending of earlier programming comes in now */
	asm volatile("nop; nop");
	before = nr_timer_irqs;
	cli();
	if (kind == 2) {
		reg_write(APIC_REG_LVT_TIMER, APIC_TIMER_TSC_DEADLINE | vec);
		asm volatile("mfence" : : : "memory");
		t0 = rdtsc() + 1 + below(PROBE_MAX_TSC);
		wrmsr(MSR_IA32_TSC_DEADLINE, t0);
		timer_armed(earliest = t0);
	} else {
		count = tmict_floor(1 + below(PROBE_MAX_TSC));
		reg_write(APIC_REG_LVT_TIMER,
			  (kind ? APIC_TIMER_PERIODIC : APIC_TIMER_ONESHOT) | vec);
		t0 = rdtsc();
		reg_write(APIC_REG_TMICT, count);
		timer_armed(earliest = count_earliest(t0, count));
	}
	limit = (earliest == TSC_NEVER ? rdtsc() : earliest) + tt_late_max + PROBE_MAX_TSC;
	if (halt) {
		/* sti; hlt: the interrupt can't slip in between (SDM: STI's one-instruction shadow) */
		asm volatile("sti; hlt" : : : "memory");
	} else {
		/* past STI's one-instruction shadow: an interrupt already pending comes in here */
		asm volatile("sti; nop; nop" : : : "memory");
	}
	while (nr_timer_irqs == before && rdtsc() < limit)
		asm volatile("pause");
	if (nr_timer_irqs == before) {
		violation(INV_LOST, "%s timer (LVTT 0x%x) armed for TSC %llu, nothing by %llu%s",
			  kind == 2 ? "TSC-deadline" : kind ? "periodic" : "one-shot", lvtt_shadow,
			  (unsigned long long)earliest, (unsigned long long)limit,
			  halt ? " (in HLT)" : "");
		timer_stop();
		return;
	}
	if (kind == 1) {
		/* the second period; then stop it and see that nothing else comes */
		limit = rdtsc() + 2 * (earliest - t0) + tt_late_max + PROBE_MAX_TSC;
		if (under_tv)	/* min_period_us=200 stretches it: 200 us at up to 2 GHz */
			limit += 400000u;
		while (nr_timer_irqs < before + 2 && rdtsc() < limit)
			asm volatile("pause");
		if (nr_timer_irqs < before + 2)
			violation(INV_LOST, "periodic timer (LVTT 0x%x): one interrupt, no second "
				  "by TSC %llu", lvtt_shadow, (unsigned long long)limit);
		cli();
		timer_stop();
		sti();
		before = nr_timer_irqs;
		/* an expiry already in the IRR at the stop is still delivered */
		asm volatile("nop; nop");
		before = nr_timer_irqs;
		tt_wait_until(rdtsc() + DOUBLE_WAIT_TSC);
		if (nr_timer_irqs != before)
			violation(INV_DOUBLE, "periodic timer stopped (TMICT 0): %u more interrupts",
				  nr_timer_irqs - before);
		return;
	}
	tt_wait_until(rdtsc() + DOUBLE_WAIT_TSC);
	if (nr_timer_irqs != before + 1)
		violation(INV_DOUBLE, "%s timer (LVTT 0x%x): %u interrupts",
			  kind == 2 ? "TSC-deadline" : "one-shot", lvtt_shadow,
			  nr_timer_irqs - before);
	if (kind == 2) {
		uint64_t d = rdmsr(MSR_IA32_TSC_DEADLINE);

		if (d)
			violation(INV_DEADLINE_ZERO, "IA32_TSC_DEADLINE reads %llu after it fired",
				  (unsigned long long)d);
	} else if (reg_read(APIC_REG_TMCCT)) {
		violation(INV_TMCCT, "a one-shot's TMCCT reads 0x%x after it fired",
			  reg_read(APIC_REG_TMCCT));
	}
	timer_stop();
}

static void send_self_ipi(uint32_t vec)
{
	if (state == APIC_X2APIC && chance(50))
		wrmsr(MSR_X2APIC_SELF_IPI, vec);
	else
		apic_write_icr(APIC_ICR_SELF | APIC_ICR_FIXED | vec);
}

/* 1-3 self-IPIs, with IF set or clear: each vector is delivered once per send, or once if
 * sends of it merged in the IRR while IF was clear. Vectors below 16 are illegal: never
 * delivered (SDM 11.5.3). */
static void op_ipi(void)
{
	uint32_t vec[3], sent[3], n = 1 + below(3), i, j;
	bool masked = chance(50);
	uint32_t base[3];

	if (state == APIC_OFF)
		return;
	if (masked)
		cli();
	for (i = 0; i < n; i++) {
		vec[i] = chance(10) ? below(16) : VEC_IPI_FIRST + below(VEC_IPI_NR);
		base[i] = irqs[vec[i]];
	}
	for (i = 0; i < n; i++) {
		send_self_ipi(vec[i]);
		nr_ipis_sent++;
	}
	sti();
	asm volatile("nop; nop; nop");
	for (i = 0; i < n; i++) {
		sent[i] = 0;
		for (j = 0; j < n; j++)
			sent[i] += vec[j] == vec[i];
		if (vec[i] < 16) {
			if (irqs[vec[i]] != base[i])
				violation(INV_DOUBLE, "illegal vector %u was delivered", vec[i]);
			continue;
		}
		/*
		 * The base was taken before any send. Sends of one vector merge while it is
		 * still in the IRR: with IF clear always, with IF set when the delivery lags.
		 */
		if (irqs[vec[i]] - base[i] < 1)
			violation(INV_LOST, "self-IPI 0x%x sent %u times with IF=%u, delivered %u",
				  vec[i], sent[i], !masked, irqs[vec[i]] - base[i]);
		else if (irqs[vec[i]] - base[i] > (masked ? 1 : sent[i]))
			violation(INV_DOUBLE, "self-IPI 0x%x sent %u times with IF=%u, delivered %u",
				  vec[i], sent[i], !masked, irqs[vec[i]] - base[i]);
	}
	apic_write(APIC_REG_ESR, 0);
}

/* A raised TPR holds a self-IPI of its priority class or below in the IRR (SDM 11.8.3.1). */
static void op_tpr(void)
{
	uint32_t tpr = rnd() & 0xff, vec = VEC_IPI_FIRST + below(VEC_IPI_NR), b = irqs[vec];
	bool held = (vec >> 4) <= (tpr >> 4);

	if (state == APIC_OFF)
		return;
	apic_write(APIC_REG_TPR, tpr);
	send_self_ipi(vec);
	asm volatile("nop; nop; nop");
	if (held && irqs[vec] != b)
		violation(INV_EARLY, "self-IPI 0x%x delivered at TPR 0x%x", vec, tpr);
	if (!held && irqs[vec] != b + 1)
		violation(INV_LOST, "self-IPI 0x%x above TPR 0x%x: %u deliveries", vec, tpr,
			  irqs[vec] - b);
	apic_write(APIC_REG_TPR, 0);
	asm volatile("nop; nop; nop");
	if (irqs[vec] != b + 1)
		violation(irqs[vec] > b + 1 ? INV_DOUBLE : INV_LOST, "self-IPI 0x%x held by TPR "
			  "0x%x: %u deliveries after TPR 0", vec, tpr, irqs[vec] - b);
}

/* EOIs with nothing in service: no effect (SDM 11.8.5). */
static void op_eoi(void)
{
	unsigned int i, n = 1 + below(3);

	if (state == APIC_OFF)
		return;
	for (i = 0; i < n; i++) {
		if (state == APIC_X2APIC && chance(30)) {
			int f = wrmsr_safe(MSR_X2APIC_EOI, 1 + below(0xff));

			/* SDM 11.12.1.2: a non-zero write to the x2APIC EOI register is #GP */
			note_fault(f);
			if (f != VEC_GP)
				violation(INV_FAULTS, "non-zero x2APIC EOI write: fault %d", f);
		} else {
			apic_eoi();
		}
	}
}

/* MOV reads of the page in three addressing forms: absolute, base + displacement, SIB. */
static uint32_t mmio_read_form(uint32_t addr, unsigned int form)
{
	uint32_t v, base = addr & ~0xfffu, off = addr & 0xfff;

	switch (form % 3) {
	case 0:
		asm volatile("movl (%1), %0" : "=r"(v) : "r"(addr) : "memory");
		break;
	case 1:
		asm volatile("movl 0x10(%1), %0" : "=r"(v) : "r"(addr - 0x10) : "memory");
		break;
	default:
		asm volatile("movl (%1,%2,1), %0" : "=r"(v) : "r"(base), "r"(off) : "memory");
		break;
	}
	return v;
}

static void mmio_write_form(uint32_t addr, uint32_t val, unsigned int form)
{
	uint32_t base = addr & ~0xfffu, off = addr & 0xfff;

	switch (form % 3) {
	case 0:
		asm volatile("movl %0, (%1)" : : "r"(val), "r"(addr) : "memory");
		break;
	case 1:
		asm volatile("movl %0, -0x20(%1)" : : "r"(val), "r"(addr + 0x20) : "memory");
		break;
	default:
		asm volatile("movl %0, (%1,%2,1)" : : "r"(val), "r"(base), "r"(off) : "memory");
		break;
	}
}

/* Any offset of the page, reserved ones too; the value is not checked. */
static void op_reg_read(void)
{
	uint32_t off = below(64) * 16;

	if (off == APIC_REG_TMCCT && !tmcct_readable())
		return;
	if (state == APIC_XAPIC) {
		mmio_read_form(APIC_BASE_DEFAULT + off, rnd());
	} else if (state == APIC_X2APIC) {
		uint64_t v;

		note_fault(rdmsr_safe(APIC_X2APIC_MSR(off), &v));
	}
	if (chance(20))
		check_tmcct();
}

/* Writes that can't end the run or deliver on an unexpected vector; TPR and SVR are restored. */
static void op_reg_write(void)
{
	static const uint16_t regs[] = {
		APIC_REG_TPR, APIC_REG_LDR, APIC_REG_DFR, APIC_REG_ESR, APIC_REG_LVT_TIMER,
		APIC_REG_LVT_THERMAL, APIC_REG_LVT_PERF, APIC_REG_LVT_LINT0, APIC_REG_LVT_LINT1,
		APIC_REG_LVT_ERROR, APIC_REG_TDCR,
		APIC_REG_ID, APIC_REG_VERSION /* read-only */,
	};
	uint32_t off = regs[below(sizeof(regs) / sizeof(regs[0]))], val = rnd();

	if (state == APIC_OFF) {
		/*
		 * The page of a globally disabled APIC (strict=1: issue #11 finding 4): the write
		 * must not reach a timer that the re-enable would find running.
		 */
		if (strict) {
			off = chance(50) ? APIC_REG_TMICT : APIC_REG_LVT_TIMER;
			mmio_write_form(APIC_BASE_DEFAULT + off,
					off == APIC_REG_LVT_TIMER ?
					APIC_TIMER_PERIODIC | VEC_TIMER_FIRST : 1000 + below(100000),
					rnd());
		}
		return;
	}
	if (off == APIC_REG_ID && !strict)
		return;		/* issue #11 finding 7 */
	if (off >= APIC_REG_LVT_TIMER && off <= APIC_REG_LVT_ERROR)
		val = lvt_value(off);
	if (off == APIC_REG_LVT_TIMER) {
		cli();
		reg_write(off, val);
		sti();
		return;
	}
	if (state == APIC_X2APIC) {
		int f = reg_write(off, val);

		/* no DFR and a read-only ID, LDR and version in x2APIC mode (SDM 11.12.1.2) */
		if ((off == APIC_REG_DFR || off == APIC_REG_ID || off == APIC_REG_LDR ||
		     off == APIC_REG_VERSION) && f != VEC_GP)
			violation(INV_FAULTS, "x2APIC write of MSR 0x%x: fault %d, expected #GP",
				  APIC_X2APIC_MSR(off), f);
	} else {
		mmio_write_form(APIC_BASE_DEFAULT + off, val, rnd());
	}
	if (off == APIC_REG_TPR)
		apic_write(APIC_REG_TPR, 0);
	if (off == APIC_REG_ID && state == APIC_XAPIC)
		apic_write(APIC_REG_ID, 0);
}

/*
 * The other widths and instruction forms (forms=all), on registers where any value is harmless:
 * TPR (restored), LDR, the masked LVTs' ESR, and reads of any offset.
 */
static void op_mmio_forms(void)
{
	uint32_t b = APIC_BASE_DEFAULT, off = below(64) * 16, v = rnd(), buf[4];
	uint32_t safe[] = { APIC_REG_TPR, APIC_REG_LDR, APIC_REG_ESR };
	uint32_t w = safe[below(3)];

	if (!forms_all || state != APIC_XAPIC)
		return;
	if ((off & ~0xfu) == APIC_REG_TMCCT && !tmcct_readable())
		off = APIC_REG_TPR;
	switch (below(15)) {
	case 0:
		asm volatile("movb (%1), %b0" : "=q"(v) : "r"(b + off + below(4)) : "memory");
		break;
	case 1:
		asm volatile("movw (%1), %w0" : "=r"(v) : "r"(b + off + 2 * below(2)) : "memory");
		break;
	case 2:
		asm volatile("movzbl (%1), %0" : "=r"(v) : "r"(b + off + below(4)) : "memory");
		break;
	case 3:
		asm volatile("movswl (%1), %0" : "=r"(v) : "r"(b + off) : "memory");
		break;
	case 4:
		asm volatile("movb %b0, (%1)" : : "q"(v), "r"(b + w + below(4)) : "memory");
		break;
	case 5:
		asm volatile("movw %w0, (%1)" : : "r"(v), "r"(b + w) : "memory");
		break;
	case 6:
		asm volatile("xchgl %0, (%1)" : "+r"(v) : "r"(b + w) : "memory");
		break;
	case 7:
		asm volatile("orl %0, (%1)" : : "r"(v), "r"(b + w) : "memory", "cc");
		break;
	case 8:
		asm volatile("addl $1, (%0)" : : "r"(b + w) : "memory", "cc");
		break;
	case 9: {
		uint32_t s = b + off, d = (uint32_t)(uintptr_t)buf, c = 1 + below(4);

		if (off > 0x3c0)
			s = b;
		asm volatile("cld; rep movsl" : "+S"(s), "+D"(d), "+c"(c) : : "memory");
		break;
	}
	case 10: {
		uint32_t s = (uint32_t)(uintptr_t)buf, d = b + w;

		buf[0] = v;
		asm volatile("cld; movsl" : "+S"(s), "+D"(d) : : "memory");
		break;
	}
	case 14: {
		uint32_t d = b + w;

		asm volatile("cld; stosl" : "+D"(d) : "a"(v) : "memory");
		break;
	}
	case 11:
		asm volatile("movl (%1), %0" : "=r"(v) : "r"(b + off + 1 + below(3)) : "memory");
		break;
	default:
		asm volatile("testl $1, (%0)" : : "r"(b + off) : "memory", "cc");
		break;
	}
	apic_write(APIC_REG_TPR, 0);
}

/*
 * x2APIC MSRs: in x2APIC mode reads of the whole range, and the SDM's #GP rules; outside it
 * every one of them is #GP (SDM 11.12.1.2).
 */
static void op_x2apic_msr(void)
{
	uint32_t msr = 0x800 + below(0x100);
	uint64_t v;
	int f;

	if (state != APIC_X2APIC) {
		f = chance(50) ? rdmsr_safe(msr, &v) : wrmsr_safe(msr, 0);
		note_fault(f);
		if (f != VEC_GP)
			violation(INV_FAULTS, "x2APIC MSR 0x%x outside x2APIC mode: fault %d", msr,
				  f);
		return;
	}
	switch (below(5)) {
	case 0:
		f = rdmsr_safe(MSR_X2APIC_EOI, &v);
		note_fault(f);
		if (f != VEC_GP)
			violation(INV_FAULTS, "x2APIC EOI read: fault %d, expected #GP", f);
		break;
	case 1:
		f = rdmsr_safe(MSR_X2APIC_SELF_IPI, &v);
		note_fault(f);
		if (f != VEC_GP)
			violation(INV_FAULTS, "x2APIC SELF IPI read: fault %d, expected #GP", f);
		break;
	case 2:
		/* SDM 11.12.1.3: reserved bits of the SELF IPI register must be 0 */
		f = wrmsr_safe(MSR_X2APIC_SELF_IPI, VEC_IPI_FIRST | (1u << (8 + below(24))));
		note_fault(f);
		if (f != VEC_GP)
			violation(INV_SELF_IPI_GP, "x2APIC SELF IPI with reserved bits: fault %d",
				  f);
		break;
	case 3: {
		/* SDM 11.12.1.3: the ICR's reserved bits (a delivery mode stays fixed) */
		static const uint8_t rsvd[] = { 13, 16, 17, 20, 21, 22, 23, 24, 28, 31 };
		uint32_t bit = rsvd[below(sizeof(rsvd))];

		f = wrmsr_safe(MSR_X2APIC_ICR, APIC_ICR_SELF | VEC_IPI_FIRST | (1u << bit));
		note_fault(f);
		if (f != VEC_GP && strict)
			violation(INV_FAULTS, "x2APIC ICR with reserved bit %u: fault %d", bit, f);
		asm volatile("nop; nop");
		break;
	}
	default:
		note_fault(rdmsr_safe(msr, &v));
		break;
	}
}

/*
 * IA32_APIC_BASE (SDM 11.4.4, 11.12.5 figure 11-25): reserved bits, EN=0 with EXTD=1,
 * x2APIC -> xAPIC and disabled -> x2APIC are #GP; xAPIC -> x2APIC, any -> disabled and
 * disabled -> xAPIC are legal.
 */
static void apic_reenabled(void)
{
	/* A re-enabled APIC is in its reset state (SDM 11.4.7.1): no timer, nothing pending. */
	lvtt_shadow = APIC_LVT_MASKED | VEC_TIMER_FIRST;
	timer_live = timer_bound = TSC_NEVER;
	apic_sync_mode();
	apic_write(APIC_REG_SVR, APIC_SVR_ON);
}

static void op_apic_base(void)
{
	uint64_t cur = rdmsr(MSR_IA32_APIC_BASE), val;
	enum apic_state to;
	bool legal;
	int f;

	switch (below(5)) {
	case 0:
		/* reserved bits: 0-7, 9, MAXPHYADDR and up */
		if (chance(50))
			val = cur | (1ull << (chance(80) ? below(8) : 9));
		else
			val = cur | (1ull << (maxphyaddr + below(64 - maxphyaddr)));
		to = state;
		legal = false;
		break;
	case 1:
		val = (cur & ~APIC_BASE_EN) | APIC_BASE_EXTD;
		to = state;
		legal = false;
		break;
	case 2:
		if (!has_x2apic)
			return;
		val = cur | APIC_BASE_EN | APIC_BASE_EXTD;
		to = APIC_X2APIC;
		legal = state != APIC_OFF;
		break;
	case 3:
		val = (cur | APIC_BASE_EN) & ~(uint64_t)APIC_BASE_EXTD;
		to = APIC_XAPIC;
		legal = state != APIC_X2APIC;
		if (state == APIC_XAPIC && allow_relocate && chance(50)) {
			/*
			 * Relocated: a few MOVs at the new base, then back (finding 8). With
			 * interrupts off: the handlers' EOI goes to the default base, where a
			 * relocated APIC is not (it would stay in service for good).
			 */
			uint32_t nb = 0xfed00000u + (below(0x100) << 12), flags;

			asm volatile("pushf; pop %0; cli" : "=r"(flags) : : "memory");
			f = wrmsr_safe(MSR_IA32_APIC_BASE, (cur & ~0xfffff000ull) | nb);
			note_fault(f);
			if (f < 0) {
				mmio_read_form(nb + APIC_REG_ID, rnd());
				mmio_read_form(nb + APIC_REG_TMCCT, rnd());
				wrmsr(MSR_IA32_APIC_BASE, cur);
			} else {
				violation(INV_FAULTS, "relocating the xAPIC to 0x%x: fault %d", nb, f);
			}
			if (flags & (1u << 9))
				sti();
			return;
		}
		break;
	default:
		if (!allow_disable)
			return;
		val = cur & ~(uint64_t)(APIC_BASE_EN | APIC_BASE_EXTD);
		to = APIC_OFF;
		legal = true;
		break;
	}
	cli();
	f = wrmsr_safe(MSR_IA32_APIC_BASE, val);
	note_fault(f);
	if (legal && f >= 0)
		violation(INV_FAULTS, "legal IA32_APIC_BASE write 0x%llx from 0x%llx: fault %d",
			  (unsigned long long)val, (unsigned long long)cur, f);
	if (!legal && f != VEC_GP)
		violation(INV_FAULTS, "IA32_APIC_BASE write 0x%llx from 0x%llx: fault %d, "
			  "expected #GP", (unsigned long long)val, (unsigned long long)cur, f);
	/* What the CPU made of it decides the state, whatever the rules said. */
	cur = rdmsr(MSR_IA32_APIC_BASE);
	to = !(cur & APIC_BASE_EN) ? APIC_OFF : cur & APIC_BASE_EXTD ? APIC_X2APIC : APIC_XAPIC;
	if (to != state) {
		enum apic_state from = state;

		state = to;
		if (from == APIC_OFF)
			apic_reenabled();
		else
			apic_sync_mode();
		if (to == APIC_OFF)
			timer_live = timer_bound = TSC_NEVER;
	}
	sti();
}

static void op_cpuid(void)
{
	static const uint32_t bases[] = { 0, 0x40000000u, 0x80000000u };
	uint32_t leaf = chance(80) ? bases[below(3)] + below(0x20) : rnd();
	struct cpuid_regs r = cpuid(leaf, chance(50) ? below(4) : rnd());

	if (leaf == 1 && under_tv && (!(r.ecx & CPUID_1_ECX_HYPERVISOR) || (r.ecx &
	    CPUID_1_ECX_VMX)))
		violation(INV_HYPERCALLS, "CPUID.1:ECX 0x%x under tickvisor", r.ecx);
}

/*
 * Reads of any MSR (the value unchecked); writes only where no MSR is, the 0xdead0000 block,
 * which every CPU refuses with #GP (SDM vol. 4 2.1).
 */
static void op_msr(void)
{
	uint32_t msr;
	uint64_t v;
	int f;

	switch (below(3)) {
	case 0:
		msr = below(0x1000);
		break;
	case 1:
		msr = 0xc0000000u + below(0x200);
		break;
	default:
		msr = rnd();
		break;
	}
	/* reading a few MSRs has side effects: the x2APIC range is op_x2apic_msr's */
	if (msr >= 0x800 && msr < 0x900)
		return;
	note_fault(rdmsr_safe(msr, &v));
	msr = 0xdead0000u + below(0x100);
	f = wrmsr_safe(msr, rnd64());
	note_fault(f);
	if (f != VEC_GP)
		violation(INV_FAULTS, "WRMSR to absent MSR 0x%x: fault %d, expected #GP", msr, f);
}

/* The 8259 pair, ELCR, PIT and port B: reads, and writes that end with every IRQ masked again. */
static void op_chipset(void)
{
	uint8_t elcr1 = inb(ELCR1), elcr2 = inb(ELCR2);

	cli();
	switch (below(8)) {
	case 0:
		outb(PIC1_CMD, 0x0a);	/* OCW3: read IRR */
		inb(PIC1_CMD);
		outb(PIC2_CMD, 0x0b);	/* OCW3: read ISR */
		inb(PIC2_CMD);
		break;
	case 1:
		outb(chance(50) ? PIC1_DATA : PIC2_DATA, rnd());
		break;
	case 2:
		/* ICW1-4 with a random base (SDM-independent: 8259A datasheet), then masked */
		outb(PIC1_CMD, 0x11);
		outb(PIC1_DATA, 0x20 + (below(4) << 3));
		outb(PIC1_DATA, 4);
		outb(PIC1_DATA, chance(50) ? 1 : 3);
		outb(PIC2_CMD, 0x11);
		outb(PIC2_DATA, 0x20 + (below(4) << 3));
		outb(PIC2_DATA, 2);
		outb(PIC2_DATA, 1);
		break;
	case 3: {
		/* OCW2: Bochs 2.7 stops at the forms it lacks, so natively only these */
		static const uint8_t ocw2[] = { 0x20, 0x60, 0xa0, 0xc0, 0xe0 };
		uint8_t v = under_tv ? 0x20 | (rnd() & 0xe7) : ocw2[below(5)] | (below(2) ? 0 : 7);

		outb(chance(50) ? PIC1_CMD : PIC2_CMD, v == 0x27 || v == 0xa7 ? v & ~7 : v);
		break;
	}
	case 4:
		outb(ELCR1, rnd() & 0xf8);
		outb(ELCR2, rnd() & 0xde);
		break;
	case 5:
		outb(PIT_CMD, rnd() & 0xfe);		/* any channel, mode, latch; binary */
		outb(PIT_CH0 + below(3), rnd());
		outb(PIT_CH0 + below(3), rnd());
		break;
	case 6:
		outb(PIT_CMD, below(3) << 6);		/* latch a counter, read it */
		inb(PIT_CH0 + below(3));
		inb(PIT_CH0 + below(3));
		outb(PIT_CMD, 0xc0 | (rnd() & 0x3e));	/* read-back */
		inb(PIT_CH0 + below(3));
		break;
	default:
		outb(PORT_B, (inb(PORT_B) & ~3u) | below(4));
		break;
	}
	outb(PIC1_DATA, 0xff);
	outb(PIC2_DATA, 0xff);
	outb(ELCR1, elcr1);
	outb(ELCR2, elcr2);
	sti();
	asm volatile("nop; nop");
}

/* The I/O APIC page: register index and window, redirection entries written masked. */
static void op_ioapic(void)
{
	/* Bochs 2.7 stops the emulation at an undefined register: natively only defined ones */
	uint32_t reg = under_tv ? below(0x100) : chance(30) ? below(3) : IOAPIC_REDTBL + below(48);
	uint32_t v = rnd();
	volatile uint32_t *io = (volatile uint32_t *)IOAPIC_BASE;

	cli();
	switch (below(4)) {
	case 0:
		io[IOAPIC_IOREGSEL / 4] = reg;
		v = io[IOAPIC_IOWIN / 4];
		break;
	case 1:
		reg = IOAPIC_REDTBL + below(48);
		io[IOAPIC_IOREGSEL / 4] = reg;
		/* low half: masked, a vector this kernel counts; high half: any destination */
		io[IOAPIC_IOWIN / 4] = reg & 1 ? v : (v & ~0xffu & ~(7u << 8)) | IOAPIC_RTE_MASKED |
				       (VEC_LVT_FIRST + below(0x30));
		break;
	case 2:
		/* Bochs 2.7's I/O APIC is version 0x11: no EOI register (a write stops it) */
		if (under_tv)
			io[IOAPIC_EOIR / 4] = v & 0xff;
		break;
	default:
		if (forms_all)
			v = io[below(0x400)];
		break;
	}
	sti();
}

/*
 * VMCALL with random functions and arguments, never TV_HC_EXIT: ENOSYS for anything else than
 * print and statistics, EINVAL for a range outside guest RAM. Natively it is #UD.
 */
static char vmcall_line[] = "INFO: fuzz: print hypercall\n";
static uint8_t stats_buf[512];

static int vmcall_safe(uint32_t fn, uint32_t a0, uint32_t a1, uint32_t a2, uint32_t *ret)
{
	uint32_t r = 0;

	asm volatile("push $2f\n\t"
		     "push $1f\n\t"
		     "call idt_expect_fault\n\t"
		     "add $8, %%esp\n\t"
		     "mov %[fn], %%eax\n\t"
		     "mov %[a1], %%ecx\n\t"
		     "mov %[a2], %%edx\n"
		     "1:\tvmcall\n"
		     "2:\tmov %%eax, %[r]"
		     : [r] "=m"(r)
		     : [fn] "m"(fn), "b"(a0), [a1] "m"(a1), [a2] "m"(a2)
		     : "eax", "ecx", "edx", "memory", "cc");
	*ret = r;
	return idt_expected_fault();
}

static void op_vmcall(void)
{
	uint32_t fn, a0 = rnd(), a1 = rnd(), ret, want;
	bool any = false;
	int f;

	switch (below(5)) {
	case 0:
		fn = below(0x100);
		want = TV_HC_ENOSYS;
		break;
	case 1:
		/* past the last call (TV_HC_TRACE): nothing */
		fn = TV_HC_TRACE + 1 + below(0x100);
		want = TV_HC_ENOSYS;
		break;
	case 2:
		fn = TV_HC_PRINT;
		switch (below(3)) {
		case 0:
			a0 = (uint32_t)(uintptr_t)vmcall_line;
			a1 = sizeof(vmcall_line) - 1;
			want = 0;
			break;
		case 1:
			a0 = 0x80000000u | a0;	/* above any guest RAM here */
			a1 = 1 + below(TV_HC_PRINT_MAX);
			want = TV_HC_EINVAL;
			break;
		default:
			a0 = (uint32_t)(uintptr_t)vmcall_line;
			a1 = TV_HC_PRINT_MAX + 1 + (rnd() >> 1);
			want = TV_HC_EINVAL;
			break;
		}
		break;
	case 3:
		fn = TV_HC_STATS;
		if (chance(50)) {
			a0 = (uint32_t)(uintptr_t)stats_buf;
			a1 = below(sizeof(stats_buf) + 1);
			any = true;
		} else {
			a0 = 0x80000000u | a0;
			a1 = 1 + below(4096);
			want = TV_HC_EINVAL;
		}
		break;
	default:
		fn = rnd();
		if (fn == TV_HC_EXIT || fn == TV_HC_PRINT || fn == TV_HC_STATS || fn == TV_HC_TRACE)
			return;
		want = TV_HC_ENOSYS;
		break;
	}
	f = vmcall_safe(fn, a0, a1, rnd(), &ret);
	note_fault(f);
	if (!under_tv) {
		if (f != VEC_UD)
			violation(INV_HYPERCALLS, "VMCALL outside VMX: fault %d, expected #UD", f);
		return;
	}
	if (f >= 0)
		violation(INV_HYPERCALLS, "VMCALL 0x%x faulted: vector %d", fn, f);
	else if (any ? ret > a1 && !(a1 == 0 && ret == TV_HC_EINVAL) : ret != want)
		violation(INV_HYPERCALLS, "VMCALL 0x%x (0x%x, 0x%x) returned 0x%x", fn, a0, a1,
			  ret);
}

/* SVR: software disable masks every LVT (SDM 11.4.7.2); back on at once. */
static void op_svr(void)
{
	/* enable, focus checking (bit 9), EOI-broadcast suppression (bit 12), vector x'f */
	uint32_t v = (rnd() & 0x1300u) | 0x0f | (below(16) << 4);

	if (state == APIC_OFF)
		return;
	cli();
	reg_write(APIC_REG_SVR, v);
	if (!(v & APIC_SVR_ENABLE))
		lvtt_shadow |= APIC_LVT_MASKED;
	apic_write(APIC_REG_SVR, APIC_SVR_ON);
	sti();
}

static void (*const op_fns[NR_OPS])(void) = {
	op_timer, op_probe, op_ipi, op_tpr, op_eoi, op_reg_read, op_reg_write, op_mmio_forms,
	op_x2apic_msr, op_apic_base, op_cpuid, op_msr, op_chipset, op_ioapic, op_vmcall, op_svr,
};

static unsigned int pick_op(void)
{
	static unsigned int total;
	unsigned int i, r;

	if (!total)
		for (i = 0; i < NR_OPS; i++)
			total += op_weight[i];
	r = below(total);
	for (i = 0; r >= op_weight[i]; i++)
		r -= op_weight[i];
	return i;
}

static void report(void)
{
	unsigned int i;
	uint32_t total = 0;

	for (i = 0; i < 32; i++)
		total += nr_faults[i];
	info("fuzz: seed=%u: %u operations, %u faults provoked (#UD %u, #GP %u), %u timer "
	     "interrupts, %u self-IPIs", seed, op, total, nr_faults[VEC_UD], nr_faults[VEC_GP],
	     nr_timer_irqs, nr_ipis_sent);
	for (i = 0; i < NR_OPS; i++)
		info("fuzz: op %s: %u", op_names[i], nr_ops_of[i]);
	for (i = 0; i < NR_INV; i++)
		check(!inv_count[i], inv_names[i], "%u violations, the first at op %u: rerun with "
		      "seed=%u n=%u", inv_count[i], inv_first[i], seed, inv_first[i] + 1);
}

static void parse_options(void)
{
	cmdline_get_u32("seed", &seed);
	cmdline_get_u32("n", &nr_ops);
	cmdline_get_u32("trace", &trace_from);
	forms_all = cmdline_has("forms=all");
	strict = cmdline_has("strict=1");
	allow_disable = cmdline_has("disable=1");
	allow_relocate = cmdline_has("relocate=1");
	rng = seed ? seed : 0x9e3779b9u;	/* xorshift's state must not be 0 */
}

void guest_main(uint32_t magic, uint32_t info_addr)
{
	unsigned int v, k;

	tt_init(magic, info_addr, inv_names, NR_INV);
	parse_options();
	has_x2apic = apic_has_x2apic();
	has_deadline = apic_has_tsc_deadline();
	under_tv = tt_env == TT_TICKVISOR;
	state = apic_is_x2apic() ? APIC_X2APIC : APIC_XAPIC;
	cli();
	for (v = IDT_FIRST_IRQ; v < 256; v++)
		idt_set_handler(v, isr);
	timer_stop();
	sti();
	if (cpuid(0x80000000u, 0).eax >= 0x80000008u)
		maxphyaddr = cpuid(0x80000008u, 0).eax & 0xff;
	/*
	 * The 8259s at vectors 0x20-0x2f, masked: the BIOS leaves them at 8, where a stray IRQ
	 * through LINT0 would look like #DF (8259A datasheet: ICW1-ICW4).
	 */
	outb(PIC1_CMD, 0x11);
	outb(PIC1_DATA, 0x20);
	outb(PIC1_DATA, 4);
	outb(PIC1_DATA, 1);
	outb(PIC2_CMD, 0x11);
	outb(PIC2_DATA, 0x28);
	outb(PIC2_DATA, 2);
	outb(PIC2_DATA, 1);
	outb(PIC1_DATA, 0xff);
	outb(PIC2_DATA, 0xff);
	info("fuzz: seed=%u n=%u forms=%s strict=%u disable=%u relocate=%u", seed, nr_ops,
	     forms_all ? "all" : "mov32", strict, allow_disable, allow_relocate);
	for (op = 0; op < nr_ops; op++) {
		if (op && !(op % 10000))
			info("fuzz: op %u", op);
		k = pick_op();
		nr_ops_of[k]++;
		if (op >= trace_from)
			info("fuzz: op %u: %s", op, op_names[k]);
		op_fns[k]();
		sane();
	}
	cli();
	timer_stop();
	report();
	summary();
}
