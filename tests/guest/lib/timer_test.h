/* SPDX-License-Identifier: MIT */
/*
 * What the LAPIC test kernels share: the command line, the timer interrupt and its timestamps,
 * the timer's rate against the TSC, and what "on time" means where the kernel runs.
 *
 * Command line of every such kernel:
 *   mode=xapic|x2apic           how to reach the APIC (x2apic: every check SKIPs without x2APIC)
 *   env=native|tickvisor|qemu   where it runs: the rate's source and the bounds (below)
 *
 * native (Bochs): one TSC tick per instruction, so only the few instructions of the delivery and
 *   of the ISR stub's rdtsc separate an interrupt from its deadline. The rate is measured.
 * tickvisor: a VM exit, the backend and the injection come in between; the rate is the one
 *   tickvisor reports (CPUID.15H), exact.
 * qemu (TCG, natively): neither deterministic nor exact. Its LAPIC timer rides on host timers that
 *   come tens of microseconds late (far more on a loaded host) and its TSC is the host's, so
 *   every count is longer there (tt_ticks()), the lateness bound is a time, and the measured
 *   rate gets a generous error.
 */
#ifndef GUEST_LIB_TIMER_TEST_H
#define GUEST_LIB_TIMER_TEST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "tests/guest/lib/div64.h"

#define TT_VECTOR		0x40	/* the timer's vector in every test */
#define TT_MAX_IRQS		32	/* timestamps kept: the first ones */

enum tt_env {
	TT_NATIVE,
	TT_TICKVISOR,
	TT_QEMU,
};

extern enum tt_env tt_env;
/* How late an interrupt may be, in TSC ticks. */
extern uint64_t tt_late_max;

/* The default timer ISR's record: every interrupt counts, the first TT_MAX_IRQS have a time. */
extern volatile unsigned int tt_nr_irqs;
extern volatile uint64_t tt_irq_tsc[TT_MAX_IRQS];

/*
 * Sets the kernel up: console, IDT, command line (mode=, env=), x2APIC when asked,
 * SVR enabled, the default ISR on TT_VECTOR, interrupts on, then the timer's rate. On a bad
 * command line, or mode=x2apic without x2APIC (every name in `checks` then SKIPs), the run ends
 * here.
 */
void tt_init(uint32_t magic, uint32_t info, const char *const *checks, unsigned int nr_checks);

/* Routes TT_VECTOR to the default ISR again, after a test had a handler of its own there. */
void tt_restore_isr(void);
/* SKIPs every name in `checks`, for the same reason. */
void tt_skip_all(const char *const *checks, unsigned int n, const char *why);

/* A count of the Bochs-sized tests, lengthened where the environment needs it (QEMU). */
uint32_t tt_ticks(uint32_t ticks);
/* Timer ticks at divide by 1 to TSC ticks (ticks below 2^36), and back (TSC below 2^40). */
uint64_t tt_ticks_to_tsc(uint64_t ticks);
uint64_t tt_tsc_to_ticks(uint64_t tsc);
/* What the measured rate may be off by over `tsc` TSC ticks (0 under tickvisor: exact). */
uint64_t tt_rate_slack(uint64_t tsc);
void tt_wait_until(uint64_t tsc);
/* Waits for the n-th interrupt, but not past tsc; true when it came. */
bool tt_wait_irqs(unsigned int n, uint64_t tsc);
/* Masks and stops the timer in every mode, divide by 1, and clears the ISR's record. */
void tt_timer_stop(void);
/* Stopped, then in TSC-deadline mode, unmasked; with the fence SDM 11.5.4.1 asks for. */
void tt_deadline_mode(void);
/*
 * Stopped, then `count` started at divide by `divisor` with the LVT timer at lvtt | TT_VECTOR.
 * Returns the TSC just before the TMICT write; *t1, where t1 is not NULL, is the TSC just after.
 */
uint64_t tt_start(uint32_t lvtt, unsigned int divisor, uint32_t count, uint64_t *t1);

/*
 * Whether an interrupt at tsc, for a timer armed no earlier than armed that runs expected TSC
 * ticks, is on time: never early, at most tt_late_max late. Reports name's result and the
 * lateness.
 */
bool tt_check_on_time(const char *name, uint64_t tsc, uint64_t armed, uint64_t expected);
/* Exactly one interrupt came (else name FAILs), and it was on time: tt_check_on_time(). */
bool tt_check_one(const char *name, uint64_t armed, uint64_t expected);
/*
 * Whether a TMCCT read between TSC b0 and b1 is right for a count at divisor `divisor` that ends
 * (reaches 0) between TSC e0 and e1: the remaining time over the period of one count, give or
 * take the rate's error and one count for the edges.
 */
bool tt_tmcct_fits(uint32_t tmcct, uint64_t e0, uint64_t e1, uint64_t b0, uint64_t b1,
		   unsigned int divisor);

#endif
