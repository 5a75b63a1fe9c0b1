/* SPDX-License-Identifier: MIT */
/*
 * The virtual local APIC of one vCPU (Intel SDM vol. 3A ch. 11; vol. 3C ch. 29 for the
 * virtual-APIC page) as portable C: it builds unchanged into the hypervisor and into the host
 * unit tests. It never touches the VMCS or the hardware: the TSC, the two timer backends and the
 * notifications go through struct vlapic_ops, which the VMX glue implements.
 *
 * Register file. The registers live in a 4 KiB page at their xAPIC offsets, because with
 * APIC-register virtualization that page is the virtual-APIC page that the CPU reads and, with
 * virtual-interrupt delivery, writes (IRR, ISR, EOI, TPR, PPR; SDM 29.1). Every register the CPU
 * may read from the page without an exit holds its architectural value there at all times. TMCCT
 * is computed when read, and so is PPR, which only virtual-interrupt delivery keeps current in
 * the page: the glue must let those reads exit (see the MSR bitmap below).
 *
 * Timer base rate. The APIC timer counts at tsc_hz / k Hz, where k is 1 unless the TSC runs at
 * 2^32 Hz or more; then k is the smallest integer that brings tsc_hz / k below 2^32, so that
 * the rate fits CPUID.15H:ECX. A count of N at divisor d lasts exactly N * d * k TSC ticks:
 * no rounding anywhere. The glue tells the guest in CPUID leaf 15H: EAX = 1, EBX = k
 * (vlapic_timer_tsc_ratio), ECX = tsc_hz / k (vlapic_timer_hz; the "core crystal clock", rounded
 * down when k does not divide tsc_hz), and the same two numbers in its hypervisor leaf.
 *
 * Time is the host TSC, as absolute values; the guest is assumed to run with TSC offset 0 (the
 * guest's IA32_TSC_DEADLINE is compared with the host TSC). A 64-bit TSC does not wrap in a
 * century, so comparisons are plain unsigned ones.
 *
 * How the glue drives it (one vCPU, one thread: nothing here is called concurrently):
 *  - setup: vlapic_init with the register page, which is also the virtual-APIC page.
 *    IA32_APIC_BASE and IA32_TSC_DEADLINE are always intercepted. x2APIC MSR bitmap: with
 *    APIC-register virtualization let through the reads vlapic_x2apic_read_passthrough()
 *    allows, without it intercept every read; writes: let 0x808 (TPR) and, with
 *    virtual-interrupt delivery, 0x80b (EOI) and 0x83f (SELF IPI) through, intercept the rest.
 *    (xAPIC TMCCT and PPR reads give APIC-access exits.)
 *    EOI-exit bitmap (virtual-interrupt delivery): the TMR, words vlapic_tmr(0..7), so that the
 *    EOI of every level-triggered vector exits (reason 45) to vlapic_eoi_exit. TMR changes only
 *    where interrupt_pending is called: re-read it then.
 *  - every VM exit, first: the host's handler of an acknowledged external interrupt, then
 *    vlapic_timer_check with the TSC the exit read (it is the preemption-timer exit's and the
 *    host timer interrupt's whole handler).
 *  - APIC-access exit: decode (mmio_decode.h), execute (mmio_emulate.h) with the operand on
 *    vlapic_mmio_read_bytes / vlapic_mmio_write_bytes, RIP += len.
 *    APIC-write exit: vlapic_apic_write. RDMSR/WRMSR of our MSRs: vlapic_msr_read / _write,
 *    #GP on false. TPR-below-threshold exit: nothing beyond re-evaluating injection.
 *  - HLT exit: if vlapic_highest_pending() >= 0, vlapic_nmi_pending() or
 *    vlapic_extint_pending() resume the guest at once (Bochs does not wake a halted guest for a
 *    pending virtual interrupt); else vlapic_vcpu_blocking, sleep (sti; hlt) until a host
 *    interrupt, vlapic_timer_check, vlapic_vcpu_unblocking.
 *  - before every VM entry, in this order (SDM 6.9: NMI before maskable interrupts):
 *    vlapic_nmi_pending(): inject an NMI and vlapic_nmi_ack() when the guest isn't blocking
 *    NMIs, else ask for an NMI window. vlapic_extint_pending(): the 8259 holds INTR: when the
 *    guest can take an external interrupt, take the vector by an INTA cycle from the 8259 and
 *    inject it (never through RVI: it is not in IRR), else ask for an interrupt window. Then
 *    the APIC's vectors: with virtual-interrupt delivery, RVI = vlapic_highest_irr() (0 if
 *    none); without it, vector = vlapic_highest_pending(): if >= 0 and the guest can take it,
 *    inject it and vlapic_ack() it, else request an interrupt window; and set the TPR threshold
 *    to the class of vlapic_highest_irr() when TPR blocks it (that class <= vlapic_tpr()'s),
 *    else 0. Then vlapic_timer_entry, and last the VMX-preemption timer value from the deadline
 *    hv_timer_arm was given.
 *  - the chipset (one vCPU): an IOAPIC fixed or lowest-priority message is vlapic_set_irq, an
 *    IOAPIC NMI message vlapic_nmi, an ExtINT message or the 8259's INTR output vlapic_lint(0),
 *    the NMI line vlapic_lint(1); eoi_broadcast ends the IOAPIC's remote IRR.
 *  - apic_base_changed (disable, x2APIC switch): at the next entry set RVI and SVI from
 *    vlapic_highest_irr() and vlapic_highest_isr(): a disable resets the page.
 */
#ifndef VLAPIC_VLAPIC_H
#define VLAPIC_VLAPIC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "vlapic/timer_config.h"

/* IA32_APIC_BASE states (SDM 11.12.5 figure 11-31) */
enum vlapic_mode {
	VLAPIC_MODE_DISABLED,		/* EN = 0: no APIC at all */
	VLAPIC_MODE_XAPIC,		/* EN = 1, EXTD = 0: MMIO at the base address */
	VLAPIC_MODE_X2APIC,		/* EN = 1, EXTD = 1: MSRs 0x800-0x8ff */
};

/* Severity of a diagnostic passed to vlapic_ops.log */
enum vlapic_log_level {
	VLAPIC_LOG_ERROR,		/* the vlapic cannot do what the guest asked */
	VLAPIC_LOG_WARN,		/* the guest did something odd or unsupported */
	VLAPIC_LOG_INFO,		/* a fact worth a line in a normal run */
	VLAPIC_LOG_DEBUG,		/* ignored accesses, spurious EOIs, the minimum period */
};

/* Bound of the automatic advance when vlapic_config.advance_max_ns is 0 */
#define VLAPIC_ADVANCE_MAX_NS_DEFAULT	100000u
/*
 * The shortest periodic-timer period whatever min_period_us says (0 included): with a period
 * below the cost of one exit every VM entry would exit again before the guest's first
 * instruction. 1 us is far shorter than any rate a guest may ask for usefully and leaves the
 * progress guarantee of vlapic_timer_entry with periods it can keep.
 */
#define VLAPIC_PERIOD_FLOOR_NS		1000u

struct vlapic_config {
	uint32_t apic_id;		/* x2APIC ID; the xAPIC ID is its low 8 bits */
	bool bsp;			/* IA32_APIC_BASE.BSP */
	bool x2apic_supported;		/* CPUID.01H:ECX.x2APIC[bit 21] as the guest sees it */
	bool tsc_deadline_supported;	/* CPUID.01H:ECX.TSC_Deadline[bit 24], as above */
	uint8_t maxphyaddr;		/* guest physical-address width: bounds the APIC base */
	uint64_t tsc_hz;		/* host TSC frequency; 1 Hz to 2^56 Hz */
	uint32_t min_period_us;		/* shortest periodic timer period; 0 = no limit */
	enum vlapic_timer_backend backend;
	bool hv_available;		/* the VMX-preemption timer is on: hv_timer_arm works */
	/*
	 * The farthest deadline from now, in TSC ticks, that the preemption timer can take:
	 * 0xffffffff << IA32_VMX_MISC[4:0]. Farther ones go to sw until they come in range. 0 =
	 * no limit.
	 */
	uint64_t hv_max_delta;
	enum vlapic_advance_mode advance_mode;
	uint32_t advance_ns;		/* FIXED: the advance; AUTO: where tuning starts */
	uint32_t advance_max_ns;	/* AUTO: upper bound; 0 = VLAPIC_ADVANCE_MAX_NS_DEFAULT */
};

/*
 * What the vlapic needs from below; every callback gets the ctx given to vlapic_init. Called from
 * inside the vlapic_* functions, never asynchronously.
 */
struct vlapic_ops {
	/* The host TSC now (RDTSC). */
	uint64_t (*read_tsc)(void *ctx);
	/*
	 * Use the VMX-preemption timer for an expiry at absolute host TSC `deadline`: enable it in
	 * the pin-based controls and, at every VM entry until hv_timer_cancel, load it with
	 * (deadline - rdtsc()) >> IA32_VMX_MISC[4:0], rounded up: the exit must not come before
	 * the deadline (vlapic_timer_check takes the exit's TSC for the time), or 0 once the
	 * deadline is past. Only called with vlapic_config.hv_available, and with
	 * deadline - now <= vlapic_config.hv_max_delta.
	 */
	void (*hv_timer_arm)(void *ctx, uint64_t deadline);
	void (*hv_timer_cancel)(void *ctx);
	/*
	 * Program the host LAPIC timer (one-shot or TSC-deadline) to interrupt at `deadline`, not
	 * before it (round a one-shot count up), and keep it armed until then: an interrupt that
	 * comes early anyway must arm it again, since vlapic_timer_check does nothing for an
	 * expiry not yet due and can't tell that the host timer is spent.
	 */
	void (*sw_timer_arm)(void *ctx, uint64_t deadline);
	void (*sw_timer_cancel)(void *ctx);
	/*
	 * Something may be deliverable now: a vector was posted (or TMR changed), PPR dropped, the
	 * guest wrote TPR, the NMI request rose or an ExtINT pin is active. Before the next VM
	 * entry, decide delivery anew as "How the glue drives it" says.
	 */
	void (*interrupt_pending)(void *ctx);
	/*
	 * The guest EOIed `vector`, which was level-triggered (TMR set), and SVR doesn't suppress
	 * the broadcast (SDM 11.8.5): the IOAPIC clears remote IRR of its entries with that vector.
	 * It may post again at once (vlapic_set_irq) if the line is still asserted.
	 */
	void (*eoi_broadcast)(void *ctx, uint8_t vector);
	/*
	 * The guest wrote IA32_APIC_BASE: switch the VMCS controls, the MSR bitmap and the
	 * APIC-access page for `mode` at physical address `base`. Returning false refuses the
	 * write (e.g. a relocation the glue can't map): the WRMSR then raises #GP and nothing
	 * changes.
	 */
	bool (*apic_base_changed)(void *ctx, enum vlapic_mode mode, uint64_t base);
	/* One line of diagnostics, without a newline. */
	void (*log)(void *ctx, enum vlapic_log_level level, const char *msg);
};

/* Timer counters for the exit-statistics printout. Lateness is in TSC ticks. */
struct vlapic_stats {
	uint64_t fires;			/* expiries (every mode; masked ones included) */
	uint64_t posted;		/* expiries that set the timer vector in IRR */
	uint64_t masked;		/* expiries not delivered: LVT masked or vector illegal */
	uint64_t missed;		/* expiries coalesced: the vector was still in IRR */
	uint64_t clamped;		/* periods skipped because the host fell a period behind */
	uint64_t min_period_raised;	/* periodic timers raised to min_period_us */
	uint64_t hv_arms;		/* deadlines handed to the preemption timer */
	uint64_t sw_arms;		/* deadlines handed to the host LAPIC timer */
	uint64_t hv_range_fallbacks;	/* sw arms because the deadline was beyond hv_max_delta */
	uint64_t lateness_samples;	/* timer interrupts measured at VM entry */
	int64_t lateness_min;		/* entry TSC - deadline before the wait: < 0 = early */
	int64_t lateness_max;		/*   (both valid once lateness_samples > 0) */
	uint64_t wait_tsc;		/* ticks spent holding the guest back to a deadline */
	uint64_t nmis;			/* NMI requests raised (the latch was clear) */
	uint64_t nmis_coalesced;	/* NMI requests merged into one still pending */
};

/* Timer state: private to vlapic/ */
struct vlapic_timer {
	uint32_t mode;			/* VLAPIC_TIMER_* of the LVT timer last acted on */
	/*
	 * The LVT timer in force: with APIC-register virtualization the page may already hold a
	 * newer value, which the APIC-write exit acts on only after the exit's timer check.
	 */
	uint32_t lvtt;
	uint32_t tmict;			/* initial count (0 in TSC-deadline mode) */
	uint32_t divide_shift;		/* log2 of the TDCR divisor */
	uint64_t k;			/* TSC ticks per timer base tick (see above) */
	uint64_t min_period;		/* TSC ticks; at least VLAPIC_PERIOD_FLOOR_NS */
	bool armed;			/* target is the next expiry */
	uint64_t target;		/* absolute host TSC of the next expiry */
	uint64_t span;			/* TSC length of the countdown that ends at target */
	uint64_t period;		/* TSC ticks between periodic expiries */
	int backend;			/* which backend holds backend_deadline */
	uint64_t backend_deadline;	/* target - advance, as armed */
	bool range_fallback;		/* on sw only because hv was out of range */
	bool blocking;			/* the vCPU is halted: sw only */
	uint64_t advance;		/* arm the backend this many TSC ticks early */
	uint64_t advance_max;		/* AUTO bound, TSC ticks */
	bool wait_pending;		/* an expiry ran early or posted: see it at VM entry */
	uint64_t wait_target;		/* its target: the guest runs no earlier */
	uint64_t wait_armed;		/* where its backend was armed */
	bool wait_posted;		/* it posted a vector: a lateness sample */
	bool wait_tune;			/* ... brought by its backend: a sample of the exit cost */
	uint64_t wait_span;		/* its span: an undo (timer.c) restores the timer */
	uint8_t wait_vector;		/* the vector it offered, and what became of it */
	uint8_t wait_outcome;		/*   (enum vlapic_accept in vlapic/internal.h) */
	bool fired;			/* an expiry ran since the last VM entry */
};

/* Rate limiting of one kind of diagnostic (vlapic.c), keyed by its format string */
#define VLAPIC_LOG_KINDS	16
struct vlapic_log_kind {
	const char *fmt;
	uint64_t count;			/* times it was asked for */
	uint64_t printed;		/* count at its last line */
};

/* One vCPU's local APIC. All fields are private to vlapic/: use the functions below. */
struct vlapic {
	const struct vlapic_ops *ops;
	void *ctx;
	uint32_t *regs;			/* the register page, indexed by offset / 4 */
	struct vlapic_config cfg;
	uint64_t apic_base;		/* IA32_APIC_BASE as the guest reads it */
	uint32_t esr_pending;		/* errors since the last ESR write (SDM 11.5.3) */
	uint32_t svr;			/* SVR in force (the page may be newer: see lvtt) */
	uint32_t logged_once;		/* one-time diagnostics already given */
	uint8_t lint_level;		/* LINT0/LINT1 levels (bits 0/1) the chipset drives */
	bool nmi_pending;		/* the NMI request latch (nmi.c) */
	struct vlapic_timer timer;
	struct vlapic_stats stats;
	struct vlapic_log_kind log_kinds[VLAPIC_LOG_KINDS];
};

/*
 * Sets up `v` in the power-up state (SDM 11.4.7.1): xAPIC mode, base 0xfee00000, software
 * disabled, all LVTs masked. `page` is the 4 KiB register page (the virtual-APIC page; at least
 * 16-byte aligned, page-aligned for the VMCS); it is cleared. No callback runs here. False if
 * the configuration is unusable (tsc_hz 0 or above 2^56, maxphyaddr outside 32-52).
 */
bool vlapic_init(struct vlapic *v, const struct vlapic_config *cfg, const struct vlapic_ops *ops,
		 void *ctx, void *page);
enum vlapic_mode vlapic_mode(const struct vlapic *v);
/* The timer base rate in Hz (CPUID.15H:ECX) and TSC ticks per timer tick (CPUID.15H:EBX). */
uint64_t vlapic_timer_hz(const struct vlapic *v);
uint64_t vlapic_timer_tsc_ratio(const struct vlapic *v);
/* The timer advance now in use, in TSC ticks (timer_advance.c) */
uint64_t vlapic_timer_advance(const struct vlapic *v);

/*
 * xAPIC MMIO, for APIC-access exits (offset = the exit qualification's page offset). Only
 * 32-bit accesses to 16-byte aligned offsets are registers: the caller rejects other sizes.
 * False if the access is not architectural (not in xAPIC mode, misaligned, reserved or
 * write-only register): it was logged, a read gives 0, a write is dropped; the guest goes on.
 */
bool vlapic_mmio_read(struct vlapic *v, uint32_t offset, uint32_t *val);
bool vlapic_mmio_write(struct vlapic *v, uint32_t offset, uint32_t val);
/*
 * An access of any width (1 to 8 bytes) at any page offset, as instructions other than a
 * 32-bit MOV make them. Reads see each 16-byte slot as its 32-bit register in bytes 0-3 and
 * zeroes in bytes 4-15, so a byte or word read gives the register's byte lanes. A write that
 * is not 32 bits wide at a register's offset is dropped with a (rate-limited) line, as KVM
 * drops it: SDM 11.4.1 defines only aligned 32-bit accesses, and merging a part into the
 * register would act on a value the guest never wrote whole (an ICR send, an EOI). (With
 * APIC-register virtualization the CPU merges such a write into the page itself before its
 * APIC-write exit: vlapic_apic_write then takes the merged register, as KVM does.)
 */
uint64_t vlapic_mmio_read_bytes(struct vlapic *v, uint32_t offset, unsigned int size);
void vlapic_mmio_write_bytes(struct vlapic *v, uint32_t offset, unsigned int size, uint64_t val);
/*
 * Trap-like APIC-write exit (reason 56, SDM 29.4.3.3): the CPU has already stored the value at
 * `offset` in the page; act on it (TMICT arms the timer, EOI, ICR sends, ...) and leave the page
 * holding the register's architectural value.
 */
void vlapic_apic_write(struct vlapic *v, uint32_t offset);

/*
 * RDMSR/WRMSR of IA32_APIC_BASE (0x1b), IA32_TSC_DEADLINE (0x6e0) and the x2APIC range
 * 0x800-0x8ff; any other MSR is not ours. False means the instruction raises #GP(0).
 */
bool vlapic_msr_read(struct vlapic *v, uint32_t msr, uint64_t *val);
bool vlapic_msr_write(struct vlapic *v, uint32_t msr, uint64_t val);

/*
 * Whether an RDMSR of x2APIC MSR `msr` may read the virtual-APIC page without a VM exit. With
 * APIC-register virtualization the CPU serves every MSR of 0x800-0x8ff from the page (SDM 29.5),
 * reserved and write-only ones included; this says where the page holds what the guest must
 * read: not TMCCT (computed), not PPR unless virtual-interrupt delivery (`vid`) keeps it current,
 * and no MSR whose read raises #GP.
 */
bool vlapic_x2apic_read_passthrough(uint32_t msr, bool vid);

/*
 * Interrupt delivery. vlapic_highest_irr: the highest vector in IRR, or -1 (the RVI value with
 * virtual-interrupt delivery); vlapic_highest_isr likewise for ISR (SVI). vlapic_highest_pending:
 * the highest IRR vector whose priority class beats PPR (SDM 11.8.3), or -1; the vector to inject.
 * vlapic_ack: the CPU took `vector` (the injection was set up): IRR -> ISR and PPR follows. False
 * if `vector` wasn't in IRR. vlapic_tpr: TPR as the guest last wrote it (the page's VTPR).
 */
int vlapic_highest_irr(struct vlapic *v);
int vlapic_highest_isr(struct vlapic *v);
int vlapic_highest_pending(struct vlapic *v);
bool vlapic_ack(struct vlapic *v, uint8_t vector);
uint32_t vlapic_tpr(const struct vlapic *v);

/*
 * Virtualized EOI exit (reason 45): the CPU has retired `vector` from ISR (SDM 29.1.4) and exits
 * because its EOI-exit bitmap bit is set; this does the rest (LINT remote IRR, EOI broadcast).
 * vlapic_tmr: TMR bits 32*i+31..32*i (i = 0..7), for the EOI-exit bitmap.
 */
void vlapic_eoi_exit(struct vlapic *v, uint8_t vector);
uint32_t vlapic_tmr(const struct vlapic *v, unsigned int i);

/*
 * Inputs from the chipset. vlapic_set_irq: a fixed (or, one vCPU, lowest-priority) interrupt
 * message; `level`: level-triggered, its EOI is broadcast. Vectors 0-15 set ESR "receive illegal
 * vector" (SDM 11.5.3). False if it was dropped (illegal vector, APIC software- or
 * hardware-disabled); true if it is in IRR, new or merged.
 * vlapic_nmi: an NMI message (IOAPIC entry in NMI mode); dropped while the APIC is hardware-
 * disabled. vlapic_lint: the electrical level of pin LINT0 (0) or LINT1 (1); the LVT decides what
 * it does (lint.c), both edges and levels count, so call it on every change.
 */
bool vlapic_set_irq(struct vlapic *v, uint8_t vector, bool level);
void vlapic_nmi(struct vlapic *v);
void vlapic_lint(struct vlapic *v, unsigned int pin, bool level);

/*
 * For delivery. vlapic_nmi_pending: the NMI request is up; vlapic_nmi_ack: the glue set up its
 * injection (the request drops; the CPU or the glue blocks NMIs until the guest's IRET).
 * vlapic_extint_pending: an ExtINT pin is active: the vector comes from the 8259 (INTA).
 */
bool vlapic_nmi_pending(const struct vlapic *v);
void vlapic_nmi_ack(struct vlapic *v);
bool vlapic_extint_pending(struct vlapic *v);

/*
 * The timer. vlapic_timer_check: fire the timer if it is due at host TSC `now`; call it on every
 * VM exit (Bochs ignores external-interrupt exiting while the guest has IF=0), which covers the
 * preemption-timer exit (52) and the host LAPIC timer interrupt. `now` may be the TSC the exit
 * read: the hv backend never exits before its deadline, and a host timer interrupt that comes
 * early is the glue's to re-arm (sw_timer_arm). True if it fired.
 */
bool vlapic_timer_check(struct vlapic *v, uint64_t now);
/*
 * Call right before every VM entry, after the interrupt injection has been decided: if an
 * expiry ran before its target (the backend was armed `advance` early), it waits until the
 * target, so the guest never sees its timer early, nor the registers after an expiry that
 * delivered nothing; for a posted vector it measures the lateness and, with
 * timer_advance=auto, tunes the advance.
 */
void vlapic_timer_entry(struct vlapic *v);
/*
 * The guest executed HLT and the host is about to sleep (after vlapic_timer_check at `now` and
 * only if vlapic_highest_pending() is -1): move the timer to the host LAPIC, which can wake the
 * host. vlapic_vcpu_unblocking: the host woke; back to the preemption timer.
 */
void vlapic_vcpu_blocking(struct vlapic *v, uint64_t now);
void vlapic_vcpu_unblocking(struct vlapic *v);

const struct vlapic_stats *vlapic_stats(const struct vlapic *v);

#endif
