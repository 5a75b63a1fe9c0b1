/* SPDX-License-Identifier: MIT */
/*
 * The host's own local APIC (SDM vol. 3A ch. 11): the sw timer backend runs on its timer, and a
 * halted vCPU sleeps until it fires. x2APIC mode (MSRs) when the CPU has it, else xAPIC MMIO.
 */
#ifndef ARCH_X86_LAPIC_H
#define ARCH_X86_LAPIC_H

#include <stdbool.h>
#include <stdint.h>

void lapic_init(void);
bool lapic_is_x2apic(void);
uint32_t lapic_id(void);
void lapic_eoi(void);

/* TDCR encoding of a divisor (1, 2, 4, ..., 128), SDM figure 11-10. */
uint32_t lapic_divide_config(unsigned int divisor);

/* One-shot timer on VEC_HOST_TIMER: counts `count` ticks of (LAPIC clock / divisor). */
void lapic_timer_oneshot(uint32_t count, unsigned int divisor);
/* TSC-deadline mode (SDM 11.5.4.1); only when lapic_has_tsc_deadline(). */
void lapic_timer_deadline(uint64_t tsc);
bool lapic_has_tsc_deadline(void);
void lapic_timer_stop(void);
uint32_t lapic_timer_current(void);

/* The LAPIC timer's input clock (divide by 1), measured at boot against the PIT (clock.c). */
uint64_t lapic_timer_hz(void);
void lapic_set_timer_hz(uint64_t hz);
/*
 * Checks that a one-shot interrupt arrives after the programmed count, timed with the TSC:
 * prints both, returns false when it is off by more than 1%.
 */
bool lapic_oneshot_selftest(void);

/*
 * Arms the host timer to interrupt at an absolute TSC value, in whichever mode the CPU has, never
 * before it as far as the measured LAPIC rate goes. In one-shot mode a deadline more than 2^32
 * LAPIC ticks away interrupts after 2^32 - 1 of them: the caller arms it again then.
 */
void lapic_timer_arm_tsc(uint64_t tsc_deadline);

#endif
