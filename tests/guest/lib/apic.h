/* SPDX-License-Identifier: MIT */
/*
 * The local APIC, xAPIC or x2APIC, behind one API (SDM vol. 3A ch. 11). Registers are named by
 * their xAPIC offset; in x2APIC mode the same register is MSR 0x800 + offset / 16 (SDM 11.12.1).
 */
#ifndef GUEST_LIB_APIC_H
#define GUEST_LIB_APIC_H

#include <stdbool.h>
#include <stdint.h>

#define APIC_ID			0x020
#define APIC_EOI		0x0b0
#define APIC_SVR		0x0f0
#define APIC_LVTT		0x320
#define APIC_TMICT		0x380
#define APIC_TMCCT		0x390
#define APIC_TDCR		0x3e0

#define APIC_SVR_ENABLE		(1u << 8)
#define APIC_LVT_MASKED		(1u << 16)
#define APIC_LVTT_ONESHOT	(0u << 17)
#define APIC_LVTT_PERIODIC	(1u << 17)
#define APIC_LVTT_TSC_DEADLINE	(2u << 17)
#define APIC_TDCR_DIV1		0xb
#define APIC_TDCR_DIV16		0x3

#define MSR_IA32_APIC_BASE	0x1b
#define MSR_IA32_TSC_DEADLINE	0x6e0
#define APIC_BASE_EXTD		(1u << 10)
#define APIC_BASE_EN		(1u << 11)

#define CPUID_1_ECX_X2APIC	(1u << 21)
#define CPUID_1_ECX_TSC_DEADLINE (1u << 24)

bool apic_has_x2apic(void);
bool apic_has_tsc_deadline(void);
/*
 * Switches to x2APIC mode: sets EXTD and keeps EN. EN is never cleared, since Bochs can't enable
 * an APIC again once it was disabled. Call only where apic_has_x2apic().
 */
void apic_use_x2apic(void);
bool apic_is_x2apic(void);
uint32_t apic_read(uint32_t off);
void apic_write(uint32_t off, uint32_t val);

static inline void apic_eoi(void)
{
	apic_write(APIC_EOI, 0);
}

#endif
