/* SPDX-License-Identifier: MIT */
/*
 * The local APIC, xAPIC or x2APIC, behind one API (SDM vol. 3A ch. 11). Registers are named by
 * their xAPIC offset, APIC_REG_* of lib/apic_regs.h; in x2APIC mode the same register is
 * MSR 0x800 + offset / 16 (SDM 11.12.1).
 */
#ifndef GUEST_LIB_APIC_H
#define GUEST_LIB_APIC_H

#include <stdbool.h>
#include <stdint.h>

#include "lib/apic_regs.h"

/* What the test kernels write to the SVR: software-enabled, spurious vector 0xff */
#define APIC_SVR_ON		(APIC_SVR_ENABLE | 0xff)

#define CPUID_1_ECX_X2APIC	(1u << 21)
#define CPUID_1_ECX_TSC_DEADLINE (1u << 24)

/* The LVTs every APIC here has (the version register says CMCI's may be missing) */
#define APIC_NR_LVTS		6
extern const uint32_t apic_lvts[APIC_NR_LVTS];

bool apic_has_x2apic(void);
bool apic_has_tsc_deadline(void);
/*
 * Switches to x2APIC mode: sets EXTD and keeps EN. EN is never cleared here, since Bochs can't
 * enable an APIC again once it was disabled. Call only where apic_has_x2apic().
 */
void apic_use_x2apic(void);
bool apic_is_x2apic(void);
/* After a test changed IA32_APIC_BASE itself: access the APIC the way its EXTD bit says. */
void apic_sync_mode(void);
uint32_t apic_read(uint32_t off);
void apic_write(uint32_t off, uint32_t val);
/*
 * The ICR as one 64-bit value in either mode: bits 31:0 the command, 63:32 the destination
 * (xAPIC: only bits 63:56 exist). A write sends the IPI.
 */
uint64_t apic_read_icr(void);
void apic_write_icr(uint64_t val);

/* TDCR value for a divisor 1, 2, 4, ..., 128 (SDM figure 11-10) */
uint32_t apic_tdcr(unsigned int divisor);

static inline void apic_eoi(void)
{
	apic_write(APIC_REG_EOI, 0);
}

/* Whether `vector` is set in the 256-bit array at `base` (IRR, ISR). */
static inline bool apic_vector_set(uint32_t base, uint8_t vector)
{
	return apic_read(base + (vector / 32) * 0x10) & (1u << (vector % 32));
}

#endif
