/* SPDX-License-Identifier: MIT */
/*
 * The local APIC, xAPIC or x2APIC, behind one API (SDM vol. 3A ch. 11). Registers are named by
 * their xAPIC offset; in x2APIC mode the same register is MSR 0x800 + offset / 16 (SDM 11.12.1).
 */
#ifndef GUEST_LIB_APIC_H
#define GUEST_LIB_APIC_H

#include <stdbool.h>
#include <stdint.h>

/* Register offsets (SDM table 11-1) */
#define APIC_ID			0x020
#define APIC_TPR		0x080
#define APIC_PPR		0x0a0
#define APIC_EOI		0x0b0
#define APIC_LDR		0x0d0
#define APIC_SVR		0x0f0
#define APIC_ISR		0x100	/* 8 x 32 bits, 16 bytes apart */
#define APIC_IRR		0x200	/* likewise */
#define APIC_ESR		0x280
#define APIC_ICR_LO		0x300	/* x2APIC: the whole 64-bit ICR */
#define APIC_ICR_HI		0x310	/* xAPIC only */
#define APIC_LVTT		0x320
#define APIC_LVT_THERMAL	0x330
#define APIC_LVT_PERF		0x340
#define APIC_LVT_LINT0		0x350
#define APIC_LVT_LINT1		0x360
#define APIC_LVT_ERROR		0x370
#define APIC_TMICT		0x380
#define APIC_TMCCT		0x390
#define APIC_TDCR		0x3e0
#define APIC_SELF_IPI		0x3f0	/* x2APIC only */

#define APIC_X2APIC_MSR(off)	(0x800u + (off) / 16)

#define APIC_SVR_ENABLE		(1u << 8)
/* What the test kernels write to the SVR: software-enabled, spurious vector 0xff */
#define APIC_SVR_ON		(APIC_SVR_ENABLE | 0xff)
#define APIC_LVT_MASKED		(1u << 16)
#define APIC_LVTT_ONESHOT	(0u << 17)
#define APIC_LVTT_PERIODIC	(1u << 17)
#define APIC_LVTT_TSC_DEADLINE	(2u << 17)
#define APIC_TDCR_DIV1		0xb
#define APIC_TDCR_DIV16		0x3

/* ESR bits (SDM 11.5.3 figure 11-9) */
#define APIC_ESR_SEND_ILLEGAL	(1u << 5)
#define APIC_ESR_RECV_ILLEGAL	(1u << 6)

/* ICR (SDM 11.6.1 figure 11-12) */
#define APIC_ICR_FIXED		(0u << 8)
#define APIC_ICR_SELF		(1u << 18)	/* destination shorthand: self */

#define MSR_IA32_APIC_BASE	0x1b
#define MSR_IA32_TSC_DEADLINE	0x6e0
#define APIC_BASE_BSP		(1u << 8)
#define APIC_BASE_EXTD		(1u << 10)
#define APIC_BASE_EN		(1u << 11)
#define APIC_DEFAULT_BASE	0xfee00000u

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
	apic_write(APIC_EOI, 0);
}

/* Whether `vector` is set in the 256-bit array at `base` (IRR, ISR). */
static inline bool apic_vector_set(uint32_t base, uint8_t vector)
{
	return apic_read(base + (vector / 32) * 0x10) & (1u << (vector % 32));
}

#endif
